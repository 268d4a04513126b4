/**
 * Reversal on the in-memory fake store: money goes back onto the credits it came from, never into a lapsed or voided
 * one (that part is reported as lapsed), exactly once, and only for the customer's own APPLIED redemption.
 */
import { reverseRedemption } from '../../../lambdas/app/reverse';
import { grantedEntry, redeemedEntry, expiredEntry } from '../../../lambdas/domain/credit-entries';
import { CONFLICT_RETRY } from '../../../lambdas/shared/retry';
import { credit, FakeStore, fixedClock, sequentialIds } from './fakes';
import { creditErrorOf as errorOf } from '../../support/credit-errors';

const NOW = '2026-03-01T10:00:00.000Z';
const SOON = '2026-04-01T00:00:00.000Z';
const LATE = '2026-05-01T00:00:00.000Z';

const redemption = redeemedEntry({
  redemptionId: 'red-1',
  customerId: 'cust-1',
  orderId: 'order-1',
  currency: 'EUR',
  amount: 1500,
  allocations: [
    { creditId: 'c-soon', amount: 800, expiresAt: SOON },
    { creditId: 'c-late', amount: 700, expiresAt: LATE },
  ],
  at: '2026-02-20T00:00:00.000Z',
});

function setup() {
  const store = new FakeStore()
    .addCredit(
      credit({ creditId: 'c-soon', remaining: 0, expiresAt: SOON }),
      credit({ creditId: 'c-late', remaining: 300, expiresAt: LATE }),
    )
    .addEntry(redemption);
  return { store, deps: { store, clock: fixedClock(NOW), newId: sequentialIds('rev') } };
}

const req = { customerId: 'cust-1', redemptionId: 'red-1' };

describe('reverseRedemption', () => {
  it('puts the whole amount back onto the credits it came from and records the reversal', async () => {
    const { store, deps } = setup();
    const answer = await reverseRedemption({ ...req, reason: 'order cancelled' }, deps);
    expect(answer).toEqual({
      reversalId: 'rev-1',
      redemptionId: 'red-1',
      customerId: 'cust-1',
      orderId: 'order-1',
      currency: 'EUR',
      restored: 1500,
      lapsed: 0,
      allocations: [
        { creditId: 'c-soon', amount: 800, expiresAt: SOON },
        { creditId: 'c-late', amount: 700, expiresAt: LATE },
      ],
      reversedAt: NOW,
    });
    expect(store.credits.get('c-soon')!.remaining).toBe(800);
    expect(store.credits.get('c-late')!.remaining).toBe(1000);
    expect(store.ledger.get('cust-1#rev-1')).toMatchObject({
      kind: 'REVERSED',
      amount: 1500,
      lapsed: 0,
      reason: 'order cancelled',
      redemptionId: 'red-1',
    });
    expect(store.ledger.get('cust-1#red-1')).toMatchObject({ status: 'REVERSED', reversalId: 'rev-1' });
  });

  it('accepts the redemption currency as a guard and refuses another with CURRENCY_MISMATCH', async () => {
    const { deps } = setup();
    expect(await errorOf(reverseRedemption({ ...req, currency: 'USD' }, deps))).toEqual({
      code: 'CURRENCY_MISMATCH',
      message: 'redemption red-1 is in EUR, not USD',
      details: { expected: 'EUR', got: 'USD' },
    });
    expect((await reverseRedemption({ ...req, currency: 'EUR' }, deps)).restored).toBe(1500);
  });

  it('refuses a currency that is not ISO 4217 before looking anything up', async () => {
    const { deps } = setup();
    expect((await errorOf(reverseRedemption({ ...req, currency: 'ZZZ' }, deps))).code).toBe('UNSUPPORTED_CURRENCY');
  });

  it('at the expiry instant the credit has lapsed: that part is reported lapsed and not revived', async () => {
    const { store, deps } = setup();
    deps.clock.set(SOON);
    const answer = await reverseRedemption(req, deps);
    expect(answer).toMatchObject({ restored: 700, lapsed: 800, allocations: [{ creditId: 'c-late', amount: 700, expiresAt: LATE }] });
    expect(store.credits.get('c-soon')!.remaining).toBe(0);
    expect(store.credits.get('c-late')!.remaining).toBe(1000);
    expect(store.ledger.get('cust-1#rev-1')).toMatchObject({ amount: 700, lapsed: 800 });
  });

  it('one millisecond before expiry the credit is still restored', async () => {
    const { store, deps } = setup();
    deps.clock.set(new Date(Date.parse(SOON) - 1));
    expect(await reverseRedemption(req, deps)).toMatchObject({ restored: 1500, lapsed: 0 });
    expect(store.credits.get('c-soon')!.remaining).toBe(800);
  });

  it('a credit removed by TTL or voided meanwhile gets nothing back (lapsed)', async () => {
    const { store, deps } = setup();
    store.credits.delete('c-soon');
    store.addCredit(credit({ creditId: 'c-late', remaining: 0, expiresAt: LATE, voided: { voidId: 'v', voidedAt: NOW, amount: 300 } }));
    const answer = await reverseRedemption(req, deps);
    expect(answer).toMatchObject({ restored: 0, lapsed: 1500, allocations: [] });
    expect(store.credits.get('c-late')!.remaining).toBe(0);
  });

  it.each([
    ['GRANTED', grantedEntry(credit({ creditId: 'red-1' }) as never)],
    ['EXPIRED', expiredEntry({ ...credit({ creditId: 'c-x' }), customerId: 'cust-1' }, 'red-1')],
  ])('refuses to reverse a %s entry (REDEMPTION_NOT_FOUND)', async (_kind, entry) => {
    const { store, deps } = setup();
    store.addEntry(entry);
    expect(await errorOf(reverseRedemption(req, deps))).toEqual({
      code: 'REDEMPTION_NOT_FOUND',
      message: 'no redemption red-1 for this customer',
      details: { redemptionId: 'red-1' },
    });
    expect(store.calls).toEqual([]);
  });

  it('finds only the customer’s own redemption', async () => {
    const { deps } = setup();
    expect((await errorOf(reverseRedemption({ ...req, customerId: 'cust-2' }, deps))).code).toBe('REDEMPTION_NOT_FOUND');
  });

  it('refuses a second reversal with REDEMPTION_ALREADY_REVERSED, and so does a reversal that lost the race', async () => {
    const { store, deps } = setup();
    await reverseRedemption(req, deps);
    expect(await errorOf(reverseRedemption(req, deps))).toEqual({
      code: 'REDEMPTION_ALREADY_REVERSED',
      message: 'redemption red-1 was reversed before',
      details: { redemptionId: 'red-1' },
    });

    // Another reversal commits first: this one's status guard fails, and its re-read finds the redemption reversed.
    const raced = setup();
    raced.store.commitReversal = async (input) => {
      raced.store.calls.push('commitReversal');
      const key = `${input.redemption.customerId}#${input.redemption.entryId}`;
      raced.store.ledger.set(key, { ...input.redemption, status: 'REVERSED', reversalId: 'rev-other', reversedAt: NOW });
      return { kind: 'duplicate', existing: undefined };
    };
    expect((await errorOf(reverseRedemption(req, raced.deps))).code).toBe('REDEMPTION_ALREADY_REVERSED');
    expect(raced.store.credits.get('c-late')!.remaining).toBe(300);
    expect(store.calls.filter((c) => c === 'commitReversal')).toHaveLength(1);
  });

  it('never lifts a credit above its granted amount: each restore is conditioned on room for it', async () => {
    const { store, deps } = setup();
    const seen: unknown[] = [];
    const commit = store.commitReversal.bind(store);
    store.commitReversal = async (input) => {
      seen.push(input.restore);
      return commit(input);
    };
    await reverseRedemption(req, deps);
    expect(seen).toEqual([
      [
        { creditId: 'c-soon', amount: 800, expiresAt: SOON, maxRemainingBefore: 200 },
        { creditId: 'c-late', amount: 700, expiresAt: LATE, maxRemainingBefore: 300 },
      ],
    ]);
    // Someone put money back meanwhile (a stale read): the fake's condition fails, nothing is over-restored.
    const crowded = setup();
    crowded.store.addCredit(credit({ creditId: 'c-late', remaining: 900, expiresAt: LATE }));
    expect((await errorOf(reverseRedemption(req, crowded.deps))).code).toBe('CONCURRENT_MODIFICATION');
    expect(crowded.store.credits.get('c-late')!.remaining).toBe(900);
  });

  it('re-reads after a conflict and restores what the second read allows', async () => {
    const { store, deps } = setup();
    store.script.push({ kind: 'conflict', stale: true });
    const answer = await reverseRedemption(req, deps);
    expect(answer.reversalId).toBe('rev-2');
    expect(store.calls.filter((c) => c === 'commitReversal')).toHaveLength(2);
  });

  it('gives up with CONCURRENT_MODIFICATION after the policy attempts', async () => {
    const { store, deps } = setup();
    for (let i = 0; i < 20; i++) store.script.push({ kind: 'conflict', stale: true });
    expect((await errorOf(reverseRedemption(req, deps))).code).toBe('CONCURRENT_MODIFICATION');
    expect(store.calls.filter((c) => c === 'commitReversal')).toHaveLength(CONFLICT_RETRY.attempts);
    expect(store.credits.get('c-late')!.remaining).toBe(300);
  });
});
