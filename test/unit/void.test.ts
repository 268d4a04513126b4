/**
 * Void (domain/void.ts, app/void.ts): what is voided, when it is a replay or refused, and how the use case reads,
 * commits and retries — on an in-memory store that keeps the void port's guard.
 */
import type { CommitOutcome, VoidStore } from '../../lambdas/app/ports';
import { voidCredit } from '../../lambdas/app/void';
import type { Credit, StoredCredit, VoidRecord } from '../../lambdas/domain/credit';
import { newHold, planCapture, type Hold } from '../../lambdas/domain/hold';
import { CreditError } from '../../lambdas/domain/errors';
import type { LedgerEntry } from '../../lambdas/domain/ledger';
import { decideVoid } from '../../lambdas/domain/void';
import { credit as granted, NOW } from './adapters/fixtures';
import { grantedEntry, type VoidedEntry } from '../../lambdas/domain/credit-entries';

const LATER = new Date('2026-03-10T00:00:00.000Z');
const code = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as CreditError).code;

describe('decideVoid', () => {
  test('voids the whole unspent rest, with the reason on the entry and the key on the record', () => {
    const d = decideVoid({ ...granted, remaining: 1800 }, { reason: 'fraud', voidKey: 'k-1' }, LATER, 'v-1');
    expect(d).toEqual({
      kind: 'void',
      entry: {
        entryId: 'v-1',
        customerId: 'cust-1',
        kind: 'VOIDED',
        currency: 'EUR',
        amount: 1800,
        at: LATER.toISOString(),
        creditId: granted.creditId,
        reason: 'fraud',
      },
      record: { voidId: 'v-1', voidedAt: LATER.toISOString(), amount: 1800, voidKey: 'k-1' },
      holds: [],
    });
    const noKey = decideVoid(granted, { reason: 'x' }, LATER, 'v-2');
    expect(noKey.kind === 'void' && noKey.record).toEqual({ voidId: 'v-2', voidedAt: LATER.toISOString(), amount: 2500 });
  });

  test('a used-up credit is voided with 0 (so nothing is restored into it later)', () => {
    expect(decideVoid({ ...granted, remaining: 0 }, { reason: 'x' }, LATER, 'v').kind).toBe('void');
  });

  test('voided before: a replay with the same key or none; another key is CREDIT_ALREADY_VOIDED', () => {
    const earlier: VoidRecord = { voidId: 'v-0', voidedAt: NOW.toISOString(), amount: 900, voidKey: 'k-1' };
    const credit = { ...granted, remaining: 0, voided: earlier };
    expect(decideVoid(credit, { reason: 'again', voidKey: 'k-1' }, LATER, 'v-new')).toEqual({ kind: 'replay', record: earlier });
    expect(decideVoid(credit, { reason: 'again' }, LATER, 'v-new')).toEqual({ kind: 'replay', record: earlier });
    let e: unknown;
    try {
      decideVoid(credit, { reason: 'x', voidKey: 'k-2' }, LATER, 'v-new');
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(CreditError);
    expect((e as CreditError).code).toBe('CREDIT_ALREADY_VOIDED');
    expect((e as CreditError).details).toEqual({ creditId: granted.creditId, voidId: 'v-0' });
    // voided earlier without a key: any key replays it
    expect(decideVoid({ ...credit, voided: { ...earlier, voidKey: undefined } }, { reason: 'x', voidKey: 'k-9' }, LATER, 'v').kind).toBe(
      'replay',
    );
  });

  test('at or after expiry: CREDIT_EXPIRED; a millisecond before: voided', () => {
    const at = new Date(granted.expiresAt);
    expect(() => decideVoid(granted, { reason: 'x' }, at, 'v')).toThrow(expect.objectContaining({ code: 'CREDIT_EXPIRED' }));
    expect(decideVoid(granted, { reason: 'x' }, new Date(at.getTime() - 1), 'v').kind).toBe('void');
  });

  test('an erased credit can be voided (amounts and dates are kept)', () => {
    const { email: _e, locale: _l, reason: _r, ...kept } = granted;
    expect(decideVoid({ ...kept, erasedAt: NOW.toISOString() }, { reason: 'x' }, LATER, 'v')).toMatchObject({
      kind: 'void',
      record: { amount: 2500 },
    });
  });
});

/** The void port in memory: the credit, its GRANTED entry, the holds, and the guards (credit unvoided, unexpired, remaining as read; holds unchanged). */
class MemoryVoidStore implements VoidStore {
  credit: StoredCredit | undefined;
  entries: LedgerEntry[];
  voids: VoidedEntry[] = [];
  holds: Hold[] = [];
  reminderDeleted = false;
  commits = 0;
  /** Runs before each commit (a redemption racing the void). */
  beforeCommit?: () => void;
  constructor(credit: Credit) {
    this.credit = credit;
    this.entries = [grantedEntry(credit)];
  }
  async getLedgerEntry(_c: string, id: string) {
    return this.entries.find((e) => e.entryId === id);
  }
  async getCredit() {
    return this.credit;
  }
  async listHolds() {
    return this.holds;
  }
  async commitVoid(input: Parameters<VoidStore['commitVoid']>[0]): Promise<CommitOutcome<never>> {
    this.commits++;
    this.beforeCommit?.();
    const c = this.credit;
    if (!c || c.voided || c.remaining !== input.credit.remaining || Date.parse(c.expiresAt) <= input.now.getTime())
      return { kind: 'duplicate', existing: undefined };
    const current = (h: Hold) => this.holds.find((x) => x.holdId === h.holdId);
    if (input.holds.some((s) => current(s.before)?.version !== s.before.version)) return { kind: 'conflict', stale: true };
    this.credit = { ...c, remaining: 0, voided: input.record } as StoredCredit;
    this.holds = this.holds.map((h) => input.holds.find((s) => s.before.holdId === h.holdId)?.after ?? h);
    this.entries.push(...input.holds.map((s) => s.entry));
    this.voids.push(input.entry);
    this.reminderDeleted = true;
    return { kind: 'committed' };
  }
}

const deps = (store: VoidStore) => ({
  store,
  clock: { now: () => LATER },
  newId: () => 'v-1',
  retry: { attempts: 3, baseDelayMs: 0, maxDelayMs: 0 },
});
const req = { customerId: 'cust-1', creditId: granted.creditId, reason: 'fraud' };

describe('voidCredit', () => {
  test('voids the rest, deletes the reminder, answers what was voided', async () => {
    const store = new MemoryVoidStore({ ...granted, remaining: 1200 });
    expect(await voidCredit(req, deps(store))).toEqual({
      voidId: 'v-1',
      customerId: 'cust-1',
      creditId: granted.creditId,
      currency: 'EUR',
      voided: 1200,
      fromHolds: [],
      voidedAt: LATER.toISOString(),
      replayed: false,
    });
    expect(store.credit).toMatchObject({ remaining: 0, voided: { voidId: 'v-1', amount: 1200 } });
    expect(store.voids).toHaveLength(1);
    expect(store.reminderDeleted).toBe(true);
  });

  test('again: the first answer, replayed, nothing written', async () => {
    const store = new MemoryVoidStore(granted);
    const first = await voidCredit(req, deps(store));
    expect(await voidCredit({ ...req, reason: 'again' }, { ...deps(store), newId: () => 'v-2' })).toEqual({ ...first, replayed: true });
    expect(store.commits).toBe(1);
  });

  test('a redemption between read and commit: re-read and void what is left then', async () => {
    const store = new MemoryVoidStore(granted);
    store.beforeCommit = () => {
      store.beforeCommit = undefined;
      store.credit = { ...(store.credit as Credit), remaining: 700 };
    };
    expect(await voidCredit(req, deps(store))).toMatchObject({ voided: 700, replayed: false });
    expect(store.commits).toBe(2);
  });

  test('unknown credit, or an id that is not a grant → CREDIT_NOT_FOUND; removed by TTL → CREDIT_EXPIRED', async () => {
    const store = new MemoryVoidStore(granted);
    expect(await code(voidCredit({ ...req, creditId: 'nope' }, deps(store)))).toBe('CREDIT_NOT_FOUND');
    store.entries.push({
      entryId: 'r-1',
      customerId: 'cust-1',
      kind: 'REDEEMED',
      currency: 'EUR',
      amount: 1,
      at: 'x',
      orderId: 'o',
      allocations: [],
      status: 'APPLIED',
    });
    expect(await code(voidCredit({ ...req, creditId: 'r-1' }, deps(store)))).toBe('CREDIT_NOT_FOUND');
    store.credit = undefined;
    expect(await code(voidCredit(req, deps(store)))).toBe('CREDIT_EXPIRED');
    expect(store.commits).toBe(0);
  });

  test('kept losing to other writers → CONCURRENT_MODIFICATION (retryable) after the attempts', async () => {
    const store = new MemoryVoidStore(granted);
    let n = 0;
    store.beforeCommit = () => {
      store.credit = { ...(store.credit as Credit), remaining: 2000 - ++n };
    };
    const e = (await voidCredit(req, deps(store)).catch((x: unknown) => x)) as CreditError;
    expect(e.code).toBe('CONCURRENT_MODIFICATION');
    expect(e.retryable).toBe(true);
    expect(store.commits).toBe(3);
  });

  describe('held money: a void reaches what its credit has in active holds', () => {
    const holdOf = (holdId: string, parts: Array<[string, number]>, lifetimeSeconds = 30 * 86_400) =>
      newHold({
        holdId,
        customerId: 'cust-1',
        orderId: `o-${holdId}`,
        currency: 'EUR',
        allocations: parts.map(([creditId, amount]) => ({ creditId, amount, expiresAt: granted.expiresAt })),
        now: NOW,
        lifetimeSeconds,
      });
    let ids = 0;
    const withIds = (store: VoidStore) => ({ ...deps(store), newId: () => `id-${++ids}` });

    test('grant 10,00 → hold 10,00 → void: the hold shrinks to 0, a capture of 10,00 is CAPTURE_EXCEEDS_HOLD', async () => {
      const store = new MemoryVoidStore({ ...granted, amount: 1000, remaining: 0 });
      store.holds = [holdOf('h-1', [[granted.creditId, 1000]])];
      const out = await voidCredit(req, withIds(store));
      expect(out).toMatchObject({ voided: 0, fromHolds: [{ holdId: 'h-1', orderId: 'o-h-1', amount: 1000 }], replayed: false });
      expect(store.holds[0]).toMatchObject({ status: 'ACTIVE', version: 1, allocations: [{ creditId: granted.creditId, held: 0 }] });
      expect(store.entries.filter((e) => e.kind === 'RELEASED')).toEqual([
        expect.objectContaining({ holdId: 'h-1', orderId: 'o-h-1', reason: 'VOIDED', amount: 0, lapsed: 1000, allocations: [] }),
      ]);
      expect(() => planCapture(store.holds[0]!, 1000, false, LATER)).toThrow(expect.objectContaining({ code: 'CAPTURE_EXCEEDS_HOLD' }));
      // The replay answers the same, holds included, and writes nothing.
      expect(await voidCredit(req, withIds(store))).toEqual({ ...out, replayed: true });
      expect(store.commits).toBe(1);
    });

    test("only the credit's part of an active hold: other credits' parts, captured money and closed or lapsed holds stay", async () => {
      const store = new MemoryVoidStore({ ...granted, remaining: 300 });
      const mixed = holdOf('h-1', [
        [granted.creditId, 400],
        ['other', 500],
      ]);
      const captured = { ...holdOf('h-2', [[granted.creditId, 200]]), status: 'CAPTURED' as const };
      const lapsed = holdOf('h-3', [[granted.creditId, 100]], 60);
      store.holds = [mixed, captured, lapsed];
      const out = await voidCredit(req, withIds(store));
      expect(out).toMatchObject({ voided: 300, fromHolds: [{ holdId: 'h-1', amount: 400 }] });
      expect(store.holds[0]!.allocations.map((a) => [a.creditId, a.held])).toEqual([
        [granted.creditId, 0],
        ['other', 500],
      ]);
      expect(store.holds.slice(1)).toEqual([captured, lapsed]);
    });

    test('a capture between read and commit: re-read, take what the hold still holds then', async () => {
      const store = new MemoryVoidStore({ ...granted, remaining: 0 });
      store.holds = [holdOf('h-1', [[granted.creditId, 1000]])];
      store.beforeCommit = () => {
        store.beforeCommit = undefined;
        store.holds = [planCapture(store.holds[0]!, 600, false, NOW).next];
      };
      expect(await voidCredit(req, withIds(store))).toMatchObject({ fromHolds: [{ holdId: 'h-1', amount: 400 }] });
      expect(store.commits).toBe(2);
      expect(store.holds[0]).toMatchObject({ captured: 600, allocations: [{ held: 0 }] });
    });
  });
});
