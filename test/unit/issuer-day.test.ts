/**
 * The issuer's daily cap over sharded counters (domain/issuer-day.ts): slices that add up to the cap, the grant's
 * own shard first, every shard before a refusal, the unsharded counter of before still counted, and the room a
 * declined grant gives back. A property drives many grants through random shards and checks the cap is exact.
 */
import fc from 'fast-check';
import type { CapPolicy, DayUsage } from '../../lambdas/domain/caps';
import { DEFAULT_CAP_POLICY } from '../../lambdas/domain/caps';
import { chargeIssuer, releaseFromIssuer, sliceOf, usedToday, type IssuerDay, type ShardUsage } from '../../lambdas/domain/issuer-day';

const NOW = new Date('2026-03-31T23:59:59.999Z');
const TODAY = '2026-03-31';
/** 50 EUR a day: 5,000 cents. */
const POLICY: CapPolicy = { ...DEFAULT_CAP_POLICY, issuerAmountPerDayMajorUnits: 50 };
/** As many shards as a grant may need (the bound has its own test). */
const ANY = 1000;
const day = (d: string, count: number, amounts: Record<string, number>): DayUsage => ({ day: d, count, amounts });
const one = (usage?: DayUsage): IssuerDay => ({ shardCount: 1, shards: [{ shard: 0, usage }] });
const every = (usages: Array<DayUsage | undefined>, unsharded?: DayUsage): IssuerDay => ({
  shardCount: usages.length,
  shards: usages.map((usage, shard) => ({ shard, usage })),
  ...(unsharded ? { unsharded } : {}),
});
/** Every shard read, the grant's own (`own`) first. */
const ownFirst = (d: IssuerDay, own: number): IssuerDay => ({
  ...d,
  shards: [d.shards[own]!, ...d.shards.filter((s) => s.shard !== own)],
});

describe('sliceOf', () => {
  test('the slices of all shards add up to the limit and differ by at most one minor unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 11 }), fc.integer({ min: 1, max: 200 }), (limit, n) => {
        const slices = Array.from({ length: n }, (_, s) => sliceOf(limit, n, s));
        expect(slices.reduce((a, b) => a + b, 0)).toBe(limit);
        expect(Math.max(...slices) - Math.min(...slices)).toBeLessThanOrEqual(1);
      }),
    );
    expect([0, 1, 2, 3].map((s) => sliceOf(10, 4, s))).toEqual([3, 3, 2, 2]);
  });
});

describe('chargeIssuer on one shard (the cap as it was before shards)', () => {
  test("today's amount per currency; exactly the cap passes; one more minor unit is refused naming limit and use", () => {
    const used = day(TODAY, 3, { EUR: 4000 });
    expect(chargeIssuer(one(used), NOW, 'EUR', 1000, POLICY, ANY)).toEqual({
      kind: 'allowed',
      charges: [{ shard: 0, currency: 'EUR', amount: 1000, grants: 1, slice: 5000, usage: day(TODAY, 4, { EUR: 5000 }) }],
    });
    expect(chargeIssuer(one(used), NOW, 'EUR', 1001, POLICY, ANY)).toEqual({ kind: 'refused', limit: 5000, used: 4000 });
  });

  test("other currencies and another day's bucket do not count; a first grant starts today's bucket", () => {
    expect(chargeIssuer(one(day(TODAY, 3, { USD: 5000 })), NOW, 'EUR', 1000, POLICY, ANY)).toEqual({
      kind: 'allowed',
      charges: [{ shard: 0, currency: 'EUR', amount: 1000, grants: 1, slice: 5000, usage: day(TODAY, 4, { USD: 5000, EUR: 1000 }) }],
    });
    expect(chargeIssuer(one(day('2026-03-30', 9, { EUR: 5000 })), NOW, 'EUR', 1000, POLICY, ANY)).toEqual({
      kind: 'allowed',
      charges: [{ shard: 0, currency: 'EUR', amount: 1000, grants: 1, slice: 5000, usage: day(TODAY, 1, { EUR: 1000 }) }],
    });
    expect(chargeIssuer(one(), NOW, 'JPY', 50, POLICY, ANY)).toEqual({
      kind: 'allowed',
      charges: [{ shard: 0, currency: 'JPY', amount: 50, grants: 1, slice: 50, usage: day(TODAY, 1, { JPY: 50 }) }],
    });
    expect(chargeIssuer(one(), NOW, 'JPY', 51, POLICY, ANY)).toEqual({ kind: 'refused', limit: 50, used: 0 });
  });
});

describe('chargeIssuer over shards', () => {
  // 4 shards of a 5,000 cap: slices 1,250 each
  const empty = every([undefined, undefined, undefined, undefined]);

  test("a grant within its own shard's slice charges that shard only (nothing else read)", () => {
    const own: IssuerDay = { shardCount: 4, shards: [{ shard: 2, usage: day(TODAY, 1, { EUR: 250 }) }] };
    expect(chargeIssuer(own, NOW, 'EUR', 1000, POLICY, ANY)).toEqual({
      kind: 'allowed',
      charges: [{ shard: 2, currency: 'EUR', amount: 1000, grants: 1, slice: 1250, usage: day(TODAY, 2, { EUR: 1250 }) }],
    });
  });

  test('its own slice too small and the others not read: read every shard (never a refusal on one slice)', () => {
    const own: IssuerDay = { shardCount: 4, shards: [{ shard: 2, usage: day(TODAY, 5, { EUR: 1250 }) }] };
    expect(chargeIssuer(own, NOW, 'EUR', 1, POLICY, ANY)).toEqual({ kind: 'readEveryShard' });
    expect(chargeIssuer({ shardCount: 4, shards: [{ shard: 0, usage: undefined }] }, NOW, 'EUR', 1251, POLICY, ANY)).toEqual({
      kind: 'readEveryShard',
    });
  });

  test('every shard read: the amount spreads over the shards with the most room; the grant counts once', () => {
    const d = every([day(TODAY, 1, { EUR: 1250 }), day(TODAY, 1, { EUR: 1000 }), undefined, day(TODAY, 1, { EUR: 1200 })]);
    // room: 0, 250, 1250, 50 → own shard 0 is full; 1,400 = 1,250 from shard 2 (the most room) + 150 from shard 1
    expect(chargeIssuer(ownFirst(d, 0), NOW, 'EUR', 1400, POLICY, ANY)).toEqual({
      kind: 'allowed',
      charges: [
        { shard: 2, currency: 'EUR', amount: 1250, grants: 1, slice: 1250, usage: day(TODAY, 1, { EUR: 1250 }) },
        { shard: 1, currency: 'EUR', amount: 150, grants: 0, slice: 1250, usage: day(TODAY, 1, { EUR: 1150 }) },
      ],
    });
    // exactly the room left in all shards together (1,550) passes, wrapping round; one more is refused with the day's use
    const all = chargeIssuer(ownFirst(d, 3), NOW, 'EUR', 1550, POLICY, ANY);
    expect(all.kind === 'allowed' && all.charges.map((c) => [c.shard, c.usage.amounts.EUR, c.usage.count])).toEqual([
      [2, 1250, 1],
      [1, 1250, 1],
      [3, 1250, 1],
    ]);
    expect(chargeIssuer(ownFirst(d, 3), NOW, 'EUR', 1551, POLICY, ANY)).toEqual({ kind: 'refused', limit: 5000, used: 3450 });
  });

  test('among equal room the shards after its own come first; at most maxShards shards, else refused', () => {
    const d = every([
      day(TODAY, 1, { EUR: 1150 }),
      day(TODAY, 1, { EUR: 1150 }),
      day(TODAY, 1, { EUR: 1150 }),
      day(TODAY, 1, { EUR: 1150 }),
    ]);
    const spread = chargeIssuer(ownFirst(d, 2), NOW, 'EUR', 300, POLICY, 3);
    expect(spread.kind === 'allowed' && spread.charges.map((c) => [c.shard, c.amount])).toEqual([
      [2, 100],
      [3, 100],
      [0, 100],
    ]);
    expect(chargeIssuer(ownFirst(d, 2), NOW, 'EUR', 300, POLICY, 2)).toEqual({ kind: 'refused', limit: 5000, used: 4600 });
  });

  test('the unsharded counter of before counts: the slices share what it left', () => {
    const d = every([undefined, undefined, undefined, undefined], day(TODAY, 7, { EUR: 4000 }));
    // 1,000 left: 250 a shard
    expect(chargeIssuer({ ...d, shards: [d.shards[1]!] }, NOW, 'EUR', 250, POLICY, ANY)).toMatchObject({ kind: 'allowed' });
    expect(chargeIssuer({ ...d, shards: [d.shards[1]!] }, NOW, 'EUR', 251, POLICY, ANY)).toEqual({ kind: 'readEveryShard' });
    expect(chargeIssuer(d, NOW, 'EUR', 1000, POLICY, ANY)).toMatchObject({ kind: 'allowed' });
    expect(chargeIssuer(d, NOW, 'EUR', 1001, POLICY, ANY)).toEqual({ kind: 'refused', limit: 5000, used: 4000 });
    // yesterday's unsharded counter does not
    expect(chargeIssuer(every([undefined], day('2026-03-30', 1, { EUR: 5000 })), NOW, 'EUR', 5000, POLICY, ANY)).toMatchObject({
      kind: 'allowed',
    });
  });

  test('every shard read: the total decides even if a shard is past its slice (the shard count changed during the day)', () => {
    const d = every([day(TODAY, 1, { EUR: 2500 }), day(TODAY, 1, { EUR: 2500 }), undefined, undefined]);
    expect(chargeIssuer(d, NOW, 'EUR', 1, POLICY, ANY)).toEqual({ kind: 'refused', limit: 5000, used: 5000 });
    expect(chargeIssuer(ownFirst(empty, 0), NOW, 'EUR', 5000, POLICY, ANY)).toMatchObject({ kind: 'allowed' });
  });
});

describe('releaseFromIssuer', () => {
  test("the amount comes off the shards holding the most, one grant off the first that counts any; other days' untouched", () => {
    const d = every([day(TODAY, 0, { EUR: 300 }), day(TODAY, 2, { EUR: 900 }), day('2026-03-30', 4, { EUR: 5000 }), undefined]);
    expect(releaseFromIssuer(d, TODAY, 'EUR', 1000)).toEqual([
      { shard: 1, currency: 'EUR', amount: -900, grants: -1, usage: day(TODAY, 1, { EUR: 0 }) },
      { shard: 0, currency: 'EUR', amount: -100, grants: 0, usage: day(TODAY, 0, { EUR: 200 }) },
    ]);
    expect(releaseFromIssuer(d, TODAY, 'USD', 1000)).toEqual([]);
    expect(releaseFromIssuer(every([day(TODAY, 1, { EUR: 100 })]), TODAY, 'EUR', 500)).toEqual([
      { shard: 0, currency: 'EUR', amount: -100, grants: -1, usage: day(TODAY, 0, { EUR: 0 }) },
    ]);
  });
});

describe('property: many grants over random shards', () => {
  const shardsArb = fc.integer({ min: 1, max: 9 });
  const grantArb = fc.record({ amount: fc.integer({ min: 1, max: 2_500 }), own: fc.nat(), currency: fc.constantFrom('EUR', 'USD') });

  test('the cap is never passed, and a grant is refused exactly when the day has less room than its amount', () => {
    fc.assert(
      fc.property(shardsArb, fc.integer({ min: 0, max: 3000 }), fc.array(grantArb, { maxLength: 60 }), (n, unshardedEur, grants) => {
        const state: ShardUsage[] = Array.from({ length: n }, (_, shard) => ({ shard, usage: undefined }));
        const unsharded = day(TODAY, 1, { EUR: unshardedEur });
        for (const g of grants) {
          const own = g.own % n;
          const full: IssuerDay = { shardCount: n, shards: state, unsharded };
          const before = usedToday(full, TODAY, g.currency);
          let decision = chargeIssuer({ shardCount: n, shards: [state[own]!], unsharded }, NOW, g.currency, g.amount, POLICY, ANY);
          if (decision.kind === 'readEveryShard') decision = chargeIssuer(ownFirst(full, own), NOW, g.currency, g.amount, POLICY, ANY);
          expect(decision.kind).toBe(before + g.amount <= 5000 ? 'allowed' : 'refused');
          if (decision.kind !== 'allowed') continue;
          expect(decision.charges[0]!.usage.count).toBe((state[decision.charges[0]!.shard]!.usage?.count ?? 0) + 1);
          expect(decision.charges.reduce((n, c) => n + c.amount, 0)).toBe(g.amount);
          for (const c of decision.charges) {
            expect(c.usage.amounts[g.currency]).toBeLessThanOrEqual(c.slice!); // the write's condition holds for the state read
            state[c.shard] = { shard: c.shard, usage: c.usage };
          }
          expect(usedToday({ shardCount: n, shards: state, unsharded }, TODAY, g.currency)).toBe(before + g.amount);
        }
        for (const currency of ['EUR', 'USD'])
          expect(usedToday({ shardCount: n, shards: state, unsharded }, TODAY, currency)).toBeLessThanOrEqual(5000);
      }),
      { numRuns: 300 },
    );
  });
});
