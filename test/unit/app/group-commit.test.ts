/**
 * Planning a group commit (lambdas/app/group-commit.ts, planGroup): the holder's own request leads, the others follow
 * in ticket order, each planned on what the ones before it left; the group stops where one transaction would hold
 * more than 100 items, before a second request under the same key, and before a request that fails to plan; requests
 * whose caller stops waiting within GROUP_COMMIT_MARGIN_MS or has stopped (by their own mark, else queued longer ago
 * than a spend waits) and tickets before the holder's are left out. Property: over random
 * queues, no credit is taken beyond its remaining amount in sum, and every answer's remaining balance is what the
 * previous members left.
 */
import fc from 'fast-check';
import type { QueuedEntry } from '../../../lambdas/app/group-ports';
import { GROUP_COMMIT_MARGIN_MS, planGroup } from '../../../lambdas/app/group-commit';
import { itemsBesidesDebits, type QueuedSpend } from '../../../lambdas/app/spend-plans';
import type { SpendableCredit } from '../../../lambdas/domain/allocation';

const NOW = new Date('2026-03-01T10:00:00.000Z');
let ids = 0;
const newId = () => `01J${String(++ids).padStart(23, '0')}`;

const credit = (n: number, remaining: number): SpendableCredit => ({
  creditId: `cr-${String(n).padStart(3, '0')}`,
  currency: 'EUR',
  remaining,
  expiresAt: new Date(NOW.getTime() + (n + 1) * 86_400_000).toISOString(),
});

const redeem = (key: string, amount: number): QueuedSpend => ({
  kind: 'redeem',
  request: { customerId: 'cust-1', orderId: `o-${key}`, amount, currency: 'EUR', idempotencyKey: key },
  requestHash: `h-${key}`,
});
const hold = (key: string, amount: number): QueuedSpend => ({
  kind: 'hold',
  request: { customerId: 'cust-1', orderId: `o-${key}`, amount, currency: 'EUR', idempotencyKey: key },
  requestHash: `h-${key}`,
  lifetimeSeconds: 3600,
});
const entry = (ticket: number, spend: QueuedSpend, queuedAtMs = NOW.getTime()): QueuedEntry => ({ ticket, queuedAtMs, spend });
const plan = (own: number, queued: QueuedEntry[], credits: SpendableCredit[], maxSpends = 48) =>
  planGroup(own, queued, credits, NOW, newId, maxSpends, 8000);
/** An entry that says when its caller stops waiting. */
const waiting = (ticket: number, spend: QueuedSpend, waitsUntilMs: number): QueuedEntry => ({
  ...entry(ticket, spend, NOW.getTime() - 1000),
  waitsUntilMs,
});

describe('planGroup', () => {
  it('plans in ticket order from the holder on, each on what the ones before left (soonest-expiring first)', () => {
    const credits = [credit(1, 300), credit(2, 500)];
    const members = plan(
      5,
      [entry(4, redeem('old', 100)), entry(5, redeem('a', 200)), entry(6, hold('b', 200)), entry(7, redeem('c', 500))],
      credits,
    );
    expect(members.map((m) => m.ticket)).toEqual([5, 6, 7]);
    const [a, b, c] = members.map((m) => m.planned);
    expect(a!.allocations).toEqual([{ creditId: 'cr-001', amount: 200, expiresAt: credits[0]!.expiresAt }]);
    expect(b!.allocations).toEqual([
      { creditId: 'cr-001', amount: 100, expiresAt: credits[0]!.expiresAt },
      { creditId: 'cr-002', amount: 100, expiresAt: credits[1]!.expiresAt },
    ]);
    // the last one gets what is left: 400 of 500 asked, partially
    expect(c!.record.response).toMatchObject({ applied: 400, remainingBalance: 0 });
    expect(a!.record.response).toMatchObject({ applied: 200, remainingBalance: 600 });
    expect(b!.record.response).toMatchObject({ held: 200, remainingBalance: 400 });
  });

  it('answers "nothing left" inside the group once the credits are spent', () => {
    const members = plan(0, [entry(0, redeem('a', 300)), entry(1, redeem('b', 100))], [credit(1, 300)]);
    expect(members[1]!.planned.record.response).toMatchObject({ applied: 0, redemptionId: null, remainingBalance: 0 });
    expect(itemsBesidesDebits(members[1]!.planned)).toBe(2); // its key record and its queued request, no entry
  });

  it('leaves out requests queued longer ago than a spend waits (their callers gave up), but never the holder', () => {
    const old = NOW.getTime() - 9000;
    const members = plan(
      0,
      [entry(0, redeem('a', 100), old), entry(1, redeem('b', 100), old), entry(2, redeem('c', 100))],
      [credit(1, 900)],
    );
    expect(members.map((m) => m.ticket)).toEqual([0, 2]);
  });

  it('leaves out a request whose caller stops waiting within the margin or has stopped (its own mark, not the policy budget)', () => {
    const t = NOW.getTime();
    const members = plan(
      0,
      [
        entry(0, redeem('own', 100)),
        waiting(1, redeem('stopped', 100), t - 1),
        waiting(2, redeem('at-now', 100), t),
        waiting(3, redeem('within-margin', 100), t + GROUP_COMMIT_MARGIN_MS),
        waiting(4, redeem('just-after-margin', 100), t + GROUP_COMMIT_MARGIN_MS + 1),
        // queued 9 s ago, but its caller (a longer budget) still waits: its own mark decides
        { ...waiting(5, redeem('long-budget', 100), t + 5000), queuedAtMs: t - 9000 },
        // no mark: the policy's budget after it was queued (8 s), still running
        entry(6, redeem('unmarked', 100), t - 7000),
      ],
      [credit(1, 900)],
    );
    expect(members.map((m) => m.ticket)).toEqual([0, 4, 5, 6]);
  });

  it('stops before a second request under the same key (one transaction writes a key once)', () => {
    const members = plan(0, [entry(0, redeem('a', 100)), entry(1, redeem('a', 100)), entry(2, redeem('c', 100))], [credit(1, 900)]);
    expect(members.map((m) => m.ticket)).toEqual([0]);
    // a hold and a redemption may share a caller's key: they are different keys in the table
    expect(plan(0, [entry(0, redeem('a', 100)), entry(1, hold('a', 100))], [credit(1, 900)])).toHaveLength(2);
  });

  it('stops before a request that fails to plan (it meets its own error on its own turn)', () => {
    let calls = 0;
    const failingSecond = () => {
      if (++calls === 2) throw new Error('no id');
      return newId();
    };
    const queued = [entry(0, redeem('a', 100)), entry(1, redeem('b', 100)), entry(2, redeem('c', 100))];
    const members = planGroup(0, queued, [credit(1, 900)], NOW, failingSecond, 48, 8000);
    expect(members.map((m) => m.ticket)).toEqual([0]);
  });

  it('holds at most 100 items: distinct credits once, plus each member’s own writes', () => {
    const credits = Array.from({ length: 60 }, (_, i) => credit(i, 10));
    // each redemption of 10 takes one fresh credit: 1 debit + entry + key + queued request = 4 items
    const queued = Array.from({ length: 40 }, (_, i) => entry(i, redeem(`k${i}`, 10)));
    const members = plan(0, queued, credits);
    expect(members).toHaveLength(25);
    const items = (ms: typeof members) =>
      new Set(ms.flatMap((m) => m.planned.allocations.map((a) => a.creditId))).size +
      ms.reduce((s, m) => s + itemsBesidesDebits(m.planned), 0);
    expect(items(members)).toBe(100);
    expect(plan(0, queued, credits, 7)).toHaveLength(7);
  });

  it('property: never takes more from a credit than it has, and answers chain their remaining balance', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 500 }), isHold: fc.boolean() }), { minLength: 1, maxLength: 40 }),
        (remainings, asks) => {
          const credits = remainings.map((r, i) => credit(i, r));
          const queued = asks.map((a, i) => entry(i, a.isHold ? hold(`k${i}`, a.amount) : redeem(`k${i}`, a.amount)));
          const members = plan(0, queued, credits);
          const taken = new Map<string, number>();
          for (const m of members) for (const a of m.planned.allocations) taken.set(a.creditId, (taken.get(a.creditId) ?? 0) + a.amount);
          for (const c of credits) expect(taken.get(c.creditId) ?? 0).toBeLessThanOrEqual(c.remaining);
          let left = remainings.reduce((s, r) => s + r, 0);
          for (const m of members) {
            const r = m.planned.record.response;
            const applied = 'applied' in r ? r.applied : r.held;
            expect(applied).toBe(
              Math.min(left, m.planned.kind === 'redeem' ? m.planned.record.response.requested : m.planned.record.response.requested),
            );
            left -= applied;
            expect(r.remainingBalance).toBe(left);
          }
        },
      ),
    );
  });
});
