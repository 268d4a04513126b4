/**
 * Finance report (domain/finance.ts and app/report.ts, app/aggregate.ts): which column each ledger entry moves, how
 * day totals roll into opening and closing liability, the CSV, the reconciliation, and the use cases on fakes.
 */
import { aggregateEntry } from '../../lambdas/app/aggregate';
import type { CommitOutcome, ReportStore } from '../../lambdas/app/ports';
import { finance } from '../../lambdas/app/report';
import { CreditError } from '../../lambdas/domain/errors';
import {
  buildReport,
  daysBetween,
  isDay,
  liabilityChange,
  movementOf,
  reconcile,
  reportCsv,
  totalLiability,
  type DayTotals,
  type Movement,
} from '../../lambdas/domain/finance';
import type { LedgerEntry } from '../../lambdas/domain/ledger';

const base = { entryId: 'e-1', customerId: 'c-1', currency: 'EUR', amount: 500, at: '2026-03-01T23:59:59.999Z' };
const ENTRIES: Record<LedgerEntry['kind'], LedgerEntry> = {
  GRANTED: { ...base, kind: 'GRANTED', creditId: 'cr', complaintId: 'cmp', reason: 'r', expiresAt: 'x' },
  REDEEMED: { ...base, kind: 'REDEEMED', orderId: 'o', allocations: [], status: 'APPLIED' },
  REVERSED: { ...base, kind: 'REVERSED', redemptionId: 'r', orderId: 'o', allocations: [], lapsed: 0 },
  EXPIRED: { ...base, kind: 'EXPIRED', creditId: 'cr', expiresAt: 'x' },
  VOIDED: { ...base, kind: 'VOIDED', creditId: 'cr', reason: 'r' },
  HELD: { ...base, kind: 'HELD', orderId: 'o', allocations: [], holdExpiresAt: 'x' },
  CAPTURED: { ...base, kind: 'CAPTURED', holdId: 'h', orderId: 'o', allocations: [], final: false },
  RELEASED: { ...base, kind: 'RELEASED', holdId: 'h', orderId: 'o', reason: 'EXPIRED', allocations: [], lapsed: 0 },
  REFUNDED: { ...base, kind: 'REFUNDED', refundOf: 'REDEMPTION', redemptionId: 'r', orderId: 'o', allocations: [], lapsed: 0 },
};
const zero = { granted: 0, spent: 0, refunded: 0, expired: 0, voided: 0 };
const totals = (currency: string, day: string, cols: Partial<typeof zero>): DayTotals => ({ currency, day, ...zero, ...cols });

describe('movementOf', () => {
  test.each([
    ['GRANTED', 'granted'],
    ['REDEEMED', 'spent'],
    ['REVERSED', 'refunded'],
    ['EXPIRED', 'expired'],
    ['VOIDED', 'voided'],
    ['HELD', 'spent'],
    ['RELEASED', 'refunded'],
    ['REFUNDED', 'refunded'],
  ] as const)('%s moves %s, on the UTC day of the entry, in its currency', (kind, column) => {
    expect(movementOf(ENTRIES[kind])).toEqual({ currency: 'EUR', day: '2026-03-01', amounts: { [column]: 500 } });
  });
  test.each(['REVERSED', 'RELEASED', 'REFUNDED'] as const)(
    'what a %s gives back into a lapsed credit is breakage: refunded and expired',
    (kind) => {
      // A hold released after its credit expired: restored 0, lapsed 1000 → the held money is given back and lapses.
      expect(movementOf({ ...ENTRIES[kind], amount: 0, lapsed: 1000 } as LedgerEntry)).toEqual({
        currency: 'EUR',
        day: '2026-03-01',
        amounts: { refunded: 1000, expired: 1000 },
      });
      expect(movementOf({ ...ENTRIES[kind], amount: 300, lapsed: 200 } as LedgerEntry)).toMatchObject({
        amounts: { refunded: 500, expired: 200 },
      });
    },
  );
  test('what a void took out of a hold (RELEASED, reason VOIDED) is voided money: refunded and voided, never breakage', () => {
    expect(movementOf({ ...ENTRIES.RELEASED, reason: 'VOIDED', amount: 0, lapsed: 1000 } as LedgerEntry)).toEqual({
      currency: 'EUR',
      day: '2026-03-01',
      amounts: { refunded: 1000, voided: 1000 },
    });
  });
  test('a zero amount moves nothing (a void of a used-up credit, a reversal that gave nothing back)', () => {
    expect(movementOf({ ...ENTRIES.VOIDED, amount: 0 })).toBeUndefined();
    expect(movementOf({ ...ENTRIES.REVERSED, amount: 0 })).toBeUndefined();
    expect(movementOf({ ...ENTRIES.GRANTED, amount: 1 })).toMatchObject({ amounts: { granted: 1 } });
  });
  test('a capture moves nothing: its hold already took the money off the credits', () => {
    expect(movementOf(ENTRIES.CAPTURED)).toBeUndefined();
  });
});

describe('liability', () => {
  test('granted and refunded raise it; spent, expired and voided lower it', () => {
    expect(liabilityChange({ granted: 1000, spent: 0, refunded: 0, expired: 0, voided: 0 })).toBe(1000);
    expect(liabilityChange({ granted: 0, spent: 300, refunded: 0, expired: 0, voided: 0 })).toBe(-300);
    expect(liabilityChange({ granted: 0, spent: 0, refunded: 40, expired: 0, voided: 0 })).toBe(40);
    expect(liabilityChange({ granted: 0, spent: 0, refunded: 0, expired: 5, voided: 0 })).toBe(-5);
    expect(liabilityChange({ granted: 0, spent: 0, refunded: 0, expired: 0, voided: 7 })).toBe(-7);
    expect(liabilityChange({ granted: 1000, spent: 300, refunded: 40, expired: 5, voided: 7 })).toBe(728);
  });
  test('total liability per currency over all day totals', () => {
    expect(
      totalLiability([
        totals('EUR', '2026-03-01', { granted: 100 }),
        totals('EUR', '2026-03-02', { spent: 30 }),
        totals('JPY', '2026-03-01', { granted: 5 }),
      ]),
    ).toEqual({
      EUR: 70,
      JPY: 5,
    });
    expect(totalLiability([])).toEqual({});
  });
});

describe('days', () => {
  test('isDay: only real calendar days as YYYY-MM-DD', () => {
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('2026-1-01')).toBe(false);
    expect(isDay('x2026-01-01')).toBe(false);
    expect(isDay('2026-01-01x')).toBe(false);
  });
  test('daysBetween counts both ends; a reversed range is 0 days', () => {
    expect(daysBetween('2026-03-01', '2026-03-01')).toBe(1);
    expect(daysBetween('2026-02-27', '2026-03-02')).toBe(4);
    expect(daysBetween('2026-03-02', '2026-03-01')).toBe(0);
    expect(daysBetween('2026-03-29', '2026-03-30')).toBe(2); // across the DST change in Europe: UTC days
  });
});

describe('buildReport', () => {
  const all = [
    totals('EUR', '2026-02-27', { granted: 1000 }),
    totals('EUR', '2026-03-01', { spent: 200 }),
    totals('EUR', '2026-03-01', { spent: 100, refunded: 50 }), // another shard of the same day
    totals('EUR', '2026-03-03', { expired: 10, voided: 20 }),
    totals('EUR', '2026-03-05', { granted: 999 }), // after `to`: ignored
    totals('CHF', '2026-03-02', { granted: 300 }),
  ];

  test('opening = everything before `from`; every day of the range, shards summed, the liability carried over', () => {
    expect(buildReport(all, '2026-03-01', '2026-03-03')).toEqual([
      { currency: 'CHF', day: '2026-03-01', opening: 0, ...zero, closing: 0 },
      { currency: 'CHF', day: '2026-03-02', opening: 0, ...zero, granted: 300, closing: 300 },
      { currency: 'CHF', day: '2026-03-03', opening: 300, ...zero, closing: 300 },
      { currency: 'EUR', day: '2026-03-01', opening: 1000, ...zero, spent: 300, refunded: 50, closing: 750 },
      { currency: 'EUR', day: '2026-03-02', opening: 750, ...zero, closing: 750 },
      { currency: 'EUR', day: '2026-03-03', opening: 750, ...zero, expired: 10, voided: 20, closing: 720 },
    ]);
  });

  test('a currency whose first movement is after `to` does not appear; none at all → no rows', () => {
    expect(buildReport([totals('USD', '2026-04-01', { granted: 1 })], '2026-03-01', '2026-03-02')).toEqual([]);
    expect(buildReport([], '2026-03-01', '2026-03-02')).toEqual([]);
  });

  test('the input order does not matter, and the totals are not changed', () => {
    const copy = JSON.stringify(all);
    expect(buildReport([...all].reverse(), '2026-03-01', '2026-03-03')).toEqual(buildReport(all, '2026-03-01', '2026-03-03'));
    expect(JSON.stringify(all)).toBe(copy);
  });

  test('CSV: header, one line per row, minor units', () => {
    const rows = buildReport(
      [totals('EUR', '2026-03-01', { granted: 1000, spent: 1, refunded: 2, expired: 3, voided: 4 })],
      '2026-03-01',
      '2026-03-01',
    );
    expect(reportCsv(rows)).toBe('currency,day,opening,granted,spent,refunded,expired,voided,closing\nEUR,2026-03-01,0,1000,1,2,3,4,994\n');
    expect(reportCsv([])).toBe('currency,day,opening,granted,spent,refunded,expired,voided,closing\n');
  });
});

describe('reconcile', () => {
  const cols = (c: Partial<typeof zero>) => ({ ...zero, ...c });
  const check = (totals: number, entries: number) => ({ totals, entries, difference: totals - entries });
  const same = (c: typeof zero) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, check(v, v)]));

  test('balanced when every currency matches, closing liability and every column; a currency on one side only is a difference', () => {
    const days = [totals('EUR', '2026-03-01', { granted: 1000, spent: 300 }), totals('JPY', '2026-03-01', { granted: 5 })];
    const entries = { EUR: cols({ granted: 1000, spent: 300 }), JPY: cols({ granted: 5 }) };
    expect(reconcile(days, entries, { JPY: 5, EUR: 700 })).toEqual({
      balanced: true,
      lines: [
        { currency: 'EUR', ledger: 700, credits: 700, difference: 0, columns: same(cols({ granted: 1000, spent: 300 })) },
        { currency: 'JPY', ledger: 5, credits: 5, difference: 0, columns: same(cols({ granted: 5 })) },
      ],
    });
    expect(reconcile(days, entries, { EUR: 690, JPY: 5, USD: 1 })).toMatchObject({
      balanced: false,
      lines: [
        { currency: 'EUR', ledger: 700, credits: 690, difference: 10 },
        { currency: 'JPY', difference: 0 },
        { currency: 'USD', ledger: 0, credits: 1, difference: -1 },
      ],
    });
    expect(reconcile([], {}, {})).toEqual({ balanced: true, lines: [] });
  });

  test('a column off is unbalanced even when the closing liability matches (a lapse booked as spent, not breakage)', () => {
    // The hold's 1000 lapsed on release: the entries say refunded 1000, expired 1000; the totals booked nothing.
    const days = [totals('EUR', '2026-03-01', { granted: 1000, spent: 1000 })];
    const entries = { EUR: cols({ granted: 1000, spent: 1000, refunded: 1000, expired: 1000 }) };
    const out = reconcile(days, entries, { EUR: 0 });
    expect(out.balanced).toBe(false);
    expect(out.lines[0]).toMatchObject({ ledger: 0, credits: 0, difference: 0 });
    expect(out.lines[0]!.columns).toMatchObject({ refunded: check(0, 1000), expired: check(0, 1000), spent: check(1000, 1000) });
  });
});

describe('aggregateEntry', () => {
  const store = (script: Array<CommitOutcome<never>>) => {
    const calls: Array<[string, Movement]> = [];
    return {
      calls,
      applyMovement: async (entryId: string, m: Movement) => {
        calls.push([entryId, m]);
        return script[Math.min(calls.length, script.length) - 1]!;
      },
    };
  };
  const retry = { attempts: 3, baseDelayMs: 0, maxDelayMs: 0 };

  test('applied once, keyed by the entry id', async () => {
    const s = store([{ kind: 'committed' }]);
    expect(await aggregateEntry(ENTRIES.REDEEMED, { store: s, retry })).toBe('APPLIED');
    expect(s.calls).toEqual([['e-1', { currency: 'EUR', day: '2026-03-01', amounts: { spent: 500 } }]]);
  });
  test('applied before (a redelivery) → ALREADY_APPLIED, not applied again', async () => {
    const s = store([{ kind: 'duplicate', existing: undefined }]);
    expect(await aggregateEntry(ENTRIES.GRANTED, { store: s, retry })).toBe('ALREADY_APPLIED');
    expect(s.calls).toHaveLength(1);
  });
  test('nothing to move → not written at all', async () => {
    const s = store([{ kind: 'committed' }]);
    expect(await aggregateEntry({ ...ENTRIES.VOIDED, amount: 0 }, { store: s, retry })).toBe('NO_MOVEMENT');
    expect(s.calls).toEqual([]);
  });
  test('conflicts are retried, then thrown so the stream record is retried', async () => {
    const s = store([{ kind: 'conflict', stale: false }, { kind: 'committed' }]);
    expect(await aggregateEntry(ENTRIES.GRANTED, { store: s, retry })).toBe('APPLIED');
    expect(s.calls).toHaveLength(2);
    const stuck = store([{ kind: 'conflict', stale: false }]);
    await expect(aggregateEntry(ENTRIES.GRANTED, { store: stuck, retry })).rejects.toThrow('ledger entry e-1: day totals kept conflicting');
    expect(stuck.calls).toHaveLength(3);
  });
});

describe('finance use case', () => {
  const NOW = new Date('2026-03-04T08:00:00.000Z');
  const fake = (days: DayTotals[], remaining: Record<string, number>) => {
    const asked: string[] = [];
    const store: ReportStore = {
      dayTotals: async (to) => {
        asked.push(to);
        return days;
      },
      remainingOnCredits: async () => remaining,
      forEachLedgerEntry: async (visit) => {
        for (const e of entries) visit(e);
      },
    };
    return { store, asked };
  };
  const days = [totals('EUR', '2026-03-01', { granted: 1000 }), totals('EUR', '2026-03-02', { spent: 400 })];
  /** The ledger the days above were aggregated from. */
  const entries: LedgerEntry[] = [
    { ...ENTRIES.GRANTED, amount: 1000 },
    { ...ENTRIES.REDEEMED, entryId: 'e-2', amount: 400, at: '2026-03-02T10:00:00.000Z' },
  ];

  test('report: rows from the totals up to `to`', async () => {
    const { store, asked } = fake(days, {});
    const out = await finance({ operation: 'report', from: '2026-03-02', to: '2026-03-02' }, { store, clock: { now: () => NOW } });
    expect(out).toEqual({
      operation: 'report',
      from: '2026-03-02',
      to: '2026-03-02',
      rows: [{ currency: 'EUR', day: '2026-03-02', opening: 1000, ...zero, spent: 400, closing: 600 }],
    });
    expect(asked).toEqual(['2026-03-02']);
  });

  test('report as CSV', async () => {
    const { store } = fake(days, {});
    const out = await finance(
      { operation: 'report', from: '2026-03-01', to: '2026-03-01', format: 'csv' },
      { store, clock: { now: () => NOW } },
    );
    expect(out).toEqual({
      operation: 'report',
      from: '2026-03-01',
      to: '2026-03-01',
      csv: 'currency,day,opening,granted,spent,refunded,expired,voided,closing\nEUR,2026-03-01,0,1000,0,0,0,0,1000\n',
    });
  });

  test.each([
    ['to before from', '2026-03-02', '2026-03-01'],
    ['367 days', '2025-03-01', '2026-03-02'],
  ])('report refused: %s → INVALID_INPUT, nothing read', async (_what, from, to) => {
    const { store, asked } = fake(days, {});
    const e = (await finance({ operation: 'report', from, to }, { store, clock: { now: () => NOW } }).catch(
      (x: unknown) => x,
    )) as CreditError;
    expect(e).toBeInstanceOf(CreditError);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toBe('invalid input: to must be on or after from, at most 366 days in all');
    expect(asked).toEqual([]);
  });

  test('366 days is the longest report', async () => {
    const { store } = fake([], {});
    await expect(
      finance({ operation: 'report', from: '2025-03-02', to: '2026-03-02' }, { store, clock: { now: () => NOW } }),
    ).resolves.toMatchObject({ rows: [] });
  });

  test("reconcile: every day's totals against what remains on the credits, and each column against the ledger entries", async () => {
    const { store, asked } = fake(days, { EUR: 600 });
    expect(await finance({ operation: 'reconcile' }, { store, clock: { now: () => NOW } })).toEqual({
      operation: 'reconcile',
      at: NOW.toISOString(),
      balanced: true,
      lines: [
        {
          currency: 'EUR',
          ledger: 600,
          credits: 600,
          difference: 0,
          columns: {
            granted: { totals: 1000, entries: 1000, difference: 0 },
            spent: { totals: 400, entries: 400, difference: 0 },
            refunded: { totals: 0, entries: 0, difference: 0 },
            expired: { totals: 0, entries: 0, difference: 0 },
            voided: { totals: 0, entries: 0, difference: 0 },
          },
        },
      ],
    });
    expect(asked).toEqual(['9999-12-31']);
    const off = fake(days, { EUR: 601 });
    expect(await finance({ operation: 'reconcile' }, { store: off.store, clock: { now: () => NOW } })).toMatchObject({ balanced: false });
    // An entry never aggregated: the credits agree with the totals, the entries do not.
    entries.push({ ...ENTRIES.EXPIRED, entryId: 'e-3', amount: 0 }, {
      ...ENTRIES.RELEASED,
      entryId: 'e-4',
      amount: 0,
      lapsed: 50,
    } as LedgerEntry);
    const missed = await finance({ operation: 'reconcile' }, { store: fake(days, { EUR: 600 }).store, clock: { now: () => NOW } });
    expect(missed).toMatchObject({
      balanced: false,
      lines: [{ difference: 0, columns: { expired: { totals: 0, entries: 50, difference: -50 } } }],
    });
  });
});
