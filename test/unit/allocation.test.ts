import fc from 'fast-check';
import { allocate, balances, spendOrder, type SpendableCredit } from '../../lambdas/domain/allocation';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const NOW_MS = NOW.getTime();
const MINUTE = 60_000;
const DAY = 86_400_000;

const iso = (offsetMs: number) => new Date(NOW_MS + offsetMs).toISOString();

/** Expiry offsets clustered around "now" so that expired, just-expired and ties all occur often. */
const expiryOffset = fc.oneof(
  fc.constantFrom(-DAY, -1, 0, 1, DAY, 2 * DAY),
  fc.integer({ min: -3 * DAY, max: 30 * DAY }),
  fc.integer({ min: -5, max: 5 }).map((n) => n * MINUTE),
);

const creditsArb = fc
  .array(
    fc.record({
      currency: fc.constantFrom('EUR', 'EUR', 'EUR', 'USD'),
      remaining: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 })),
      offset: expiryOffset,
    }),
    { maxLength: 15 },
  )
  .chain((raw) =>
    // Ids unique but in random order relative to the array, so the tie-break on creditId is exercised.
    fc
      .shuffledSubarray(
        raw.map((_, i) => `cr-${String(i).padStart(3, '0')}`),
        { minLength: raw.length, maxLength: raw.length },
      )
      .map((ids) =>
        raw.map((r, i): SpendableCredit => ({ creditId: ids[i]!, currency: r.currency, remaining: r.remaining, expiresAt: iso(r.offset) })),
      ),
  );

const amountArb = fc.oneof(fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 1, max: 100 }));

const isSpendableNow = (c: SpendableCredit) => c.remaining > 0 && Date.parse(c.expiresAt) > NOW_MS;
const spendableIn = (credits: readonly SpendableCredit[], currency: string) =>
  credits.filter((c) => c.currency === currency && isSpendableNow(c));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
/** Soonest expiry first, then creditId: independent restatement of the documented order. */
const spendsBefore = (a: SpendableCredit, b: SpendableCredit) =>
  Date.parse(a.expiresAt) < Date.parse(b.expiresAt) || (a.expiresAt === b.expiresAt && a.creditId < b.creditId);

const PROPERTY_RUNS = { numRuns: 500 };

describe('allocate: properties', () => {
  it('applies min(amount, available) when no cap applies, and reports the available balance', () => {
    fc.assert(
      fc.property(creditsArb, amountArb, (credits, amount) => {
        const available = sum(spendableIn(credits, 'EUR').map((c) => c.remaining));
        const plan = allocate(credits, amount, 'EUR', NOW);
        expect(plan.availableBefore).toBe(available);
        expect(plan.applied).toBe(Math.min(amount, available));
      }),
      PROPERTY_RUNS,
    );
  });

  it('the same holds with a cap that is not reached', () => {
    fc.assert(
      fc.property(creditsArb, amountArb, fc.integer({ min: 0, max: 5 }), (credits, amount, slack) => {
        const spendable = spendableIn(credits, 'EUR');
        const plan = allocate(credits, amount, 'EUR', NOW, spendable.length + slack || 1);
        expect(plan.applied).toBe(Math.min(amount, sum(spendable.map((c) => c.remaining))));
      }),
      PROPERTY_RUNS,
    );
  });

  it('never takes more than a credit has, never more than asked, and the parts add up', () => {
    fc.assert(
      fc.property(creditsArb, amountArb, fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), (credits, amount, cap) => {
        const plan = allocate(credits, amount, 'EUR', NOW, cap);
        const byId = new Map(credits.map((c) => [c.creditId, c]));
        expect(new Set(plan.allocations.map((a) => a.creditId)).size).toBe(plan.allocations.length);
        for (const a of plan.allocations) {
          expect(a.expiresAt).toBe(byId.get(a.creditId)!.expiresAt); // locates the credit again for a reversal
          expect(Number.isSafeInteger(a.amount)).toBe(true);
          expect(a.amount).toBeGreaterThan(0);
          expect(a.amount).toBeLessThanOrEqual(byId.get(a.creditId)!.remaining);
        }
        expect(sum(plan.allocations.map((a) => a.amount))).toBe(plan.applied);
        expect(plan.applied).toBeLessThanOrEqual(amount);
        expect(plan.applied).toBeLessThanOrEqual(plan.availableBefore);
        if (cap !== undefined) expect(plan.allocations.length).toBeLessThanOrEqual(cap);
      }),
      PROPERTY_RUNS,
    );
  });

  it('spends soonest expiry first; only the last touched credit may be partly used; no sooner credit is skipped', () => {
    fc.assert(
      fc.property(creditsArb, amountArb, fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), (credits, amount, cap) => {
        const plan = allocate(credits, amount, 'EUR', NOW, cap);
        const byId = new Map(credits.map((c) => [c.creditId, c]));
        const touched = plan.allocations.map((a) => byId.get(a.creditId)!);
        for (let i = 1; i < touched.length; i++) expect(spendsBefore(touched[i - 1]!, touched[i]!)).toBe(true);
        for (const a of plan.allocations.slice(0, -1)) expect(a.amount).toBe(byId.get(a.creditId)!.remaining);
        const last = touched[touched.length - 1];
        if (last) {
          const untouched = spendableIn(credits, 'EUR').filter((c) => !touched.includes(c));
          for (const c of untouched) expect(spendsBefore(c, last)).toBe(false);
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it('with a cap, applies exactly what the first `cap` credits in spend order can cover', () => {
    fc.assert(
      fc.property(creditsArb, amountArb, fc.integer({ min: 1, max: 6 }), (credits, amount, cap) => {
        const ordered = [...spendableIn(credits, 'EUR')].sort((a, b) => (spendsBefore(a, b) ? -1 : spendsBefore(b, a) ? 1 : 0));
        const reachable = sum(ordered.slice(0, cap).map((c) => c.remaining));
        expect(allocate(credits, amount, 'EUR', NOW, cap).applied).toBe(Math.min(amount, reachable));
      }),
      PROPERTY_RUNS,
    );
  });

  it('never touches expired, other-currency or used-up credits', () => {
    fc.assert(
      fc.property(creditsArb, amountArb, fc.constantFrom('EUR', 'USD'), (credits, amount, currency) => {
        const plan = allocate(credits, amount, currency, NOW);
        const byId = new Map(credits.map((c) => [c.creditId, c]));
        for (const a of plan.allocations) {
          const c = byId.get(a.creditId)!;
          expect(c.currency).toBe(currency);
          expect(c.remaining).toBeGreaterThan(0);
          expect(Date.parse(c.expiresAt)).toBeGreaterThan(NOW_MS);
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it('does not modify its input', () => {
    fc.assert(
      fc.property(creditsArb, amountArb, (credits, amount) => {
        const copy = structuredClone(credits);
        allocate(credits, amount, 'EUR', NOW);
        balances(credits, NOW);
        expect(credits).toEqual(copy);
      }),
      { numRuns: 100 },
    );
  });

  it('the result does not depend on the order the credits are listed in', () => {
    fc.assert(
      fc.property(
        creditsArb.chain((cs) => fc.tuple(fc.constant(cs), fc.shuffledSubarray(cs, { minLength: cs.length, maxLength: cs.length }))),
        amountArb,
        ([credits, shuffled], amount) => {
          expect(allocate(shuffled, amount, 'EUR', NOW)).toEqual(allocate(credits, amount, 'EUR', NOW));
        },
      ),
      PROPERTY_RUNS,
    );
  });
});

describe('allocate: examples', () => {
  const credits: SpendableCredit[] = [
    { creditId: 'late', currency: 'EUR', remaining: 1000, expiresAt: iso(20 * DAY) },
    { creditId: 'soon', currency: 'EUR', remaining: 300, expiresAt: iso(2 * DAY) },
    { creditId: 'middle-b', currency: 'EUR', remaining: 500, expiresAt: iso(10 * DAY) },
    { creditId: 'middle-a', currency: 'EUR', remaining: 200, expiresAt: iso(10 * DAY) },
    { creditId: 'expired', currency: 'EUR', remaining: 9999, expiresAt: iso(-1) },
    { creditId: 'dollars', currency: 'USD', remaining: 9999, expiresAt: iso(DAY) },
    { creditId: 'empty', currency: 'EUR', remaining: 0, expiresAt: iso(DAY) },
  ];

  it('takes the soonest credit first, ties by creditId, and the last one partly', () => {
    expect(allocate(credits, 700, 'EUR', NOW)).toEqual({
      allocations: [
        { creditId: 'soon', amount: 300, expiresAt: iso(2 * DAY) },
        { creditId: 'middle-a', amount: 200, expiresAt: iso(10 * DAY) },
        { creditId: 'middle-b', amount: 200, expiresAt: iso(10 * DAY) },
      ],
      applied: 700,
      availableBefore: 2000,
    });
  });

  it('an amount within the first credit touches only that one', () => {
    expect(allocate(credits, 1, 'EUR', NOW).allocations).toEqual([{ creditId: 'soon', amount: 1, expiresAt: iso(2 * DAY) }]);
  });

  it('asking for more than available applies everything available', () => {
    const plan = allocate(credits, 10_000, 'EUR', NOW);
    expect(plan.applied).toBe(2000);
    expect(plan.allocations.map((a) => a.creditId)).toEqual(['soon', 'middle-a', 'middle-b', 'late']);
  });

  it('stops at maxCredits and leaves the rest unapplied', () => {
    const plan = allocate(credits, 10_000, 'EUR', NOW, 2);
    expect(plan.allocations).toEqual([
      { creditId: 'soon', amount: 300, expiresAt: iso(2 * DAY) },
      { creditId: 'middle-a', amount: 200, expiresAt: iso(10 * DAY) },
    ]);
    expect(plan.applied).toBe(500);
    expect(plan.availableBefore).toBe(2000);
  });

  it('other currency only sees its own credits', () => {
    expect(allocate(credits, 50, 'USD', NOW).allocations).toEqual([{ creditId: 'dollars', amount: 50, expiresAt: iso(DAY) }]);
    expect(allocate(credits, 50, 'JPY', NOW)).toEqual({ allocations: [], applied: 0, availableBefore: 0 });
  });

  it('nothing is spendable once everything has expired', () => {
    const later = new Date(NOW_MS + 20 * DAY);
    expect(allocate(credits, 100, 'EUR', later)).toEqual({ allocations: [], applied: 0, availableBefore: 0 });
  });

  it('a credit expiring exactly now is not spent; 1 ms before it is', () => {
    const edge: SpendableCredit[] = [{ creditId: 'edge', currency: 'EUR', remaining: 100, expiresAt: NOW.toISOString() }];
    expect(allocate(edge, 100, 'EUR', NOW).applied).toBe(0);
    expect(allocate(edge, 100, 'EUR', new Date(NOW_MS - 1)).applied).toBe(100);
  });

  it('a zero or negative amount allocates nothing', () => {
    expect(allocate(credits, 0, 'EUR', NOW).allocations).toEqual([]);
    expect(allocate(credits, -5, 'EUR', NOW).allocations).toEqual([]);
  });
});

describe('spendOrder', () => {
  it('orders by expiry instant, not by string, then by creditId', () => {
    const a = { creditId: 'b', currency: 'EUR', remaining: 1, expiresAt: '2026-06-15T12:00:00Z' };
    const b = { creditId: 'a', currency: 'EUR', remaining: 1, expiresAt: '2026-06-15T12:00:00.001Z' };
    const c = { creditId: 'a', currency: 'EUR', remaining: 1, expiresAt: '2026-06-15T12:00:00.000Z' };
    expect(spendOrder(a, b)).toBeLessThan(0);
    expect(spendOrder(c, a)).toBeLessThan(0); // same instant, written differently: creditId decides
    expect(spendOrder(a, a)).toBe(0);
  });
});

describe('balances', () => {
  it('sums spendable credits per currency (property)', () => {
    fc.assert(
      fc.property(creditsArb, (credits) => {
        const expected: Record<string, number> = {};
        for (const c of credits.filter(isSpendableNow)) expected[c.currency] = (expected[c.currency] ?? 0) + c.remaining;
        expect(balances(credits, NOW)).toEqual(expected);
      }),
      PROPERTY_RUNS,
    );
  });

  it('ignores a credit 1 ms past its expiry and one expiring exactly now', () => {
    const credits: SpendableCredit[] = [
      { creditId: 'a', currency: 'EUR', remaining: 100, expiresAt: iso(1) },
      { creditId: 'b', currency: 'EUR', remaining: 200, expiresAt: iso(0) },
      { creditId: 'c', currency: 'EUR', remaining: 400, expiresAt: iso(-1) },
    ];
    expect(balances(credits, NOW)).toEqual({ EUR: 100 });
    expect(balances(credits, new Date(NOW_MS + 1))).toEqual({});
  });

  it('has no entry for a currency with nothing spendable', () => {
    expect(balances([{ creditId: 'a', currency: 'USD', remaining: 0, expiresAt: iso(DAY) }], NOW)).toEqual({});
  });
});
