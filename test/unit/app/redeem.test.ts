/**
 * Redeem on the in-memory fake store: what the checkout sees — the answer's fields, the ledger entry, idempotent
 * replays, a reused key refused, and the 8-second retry budget under conflicts.
 */
import { redeemCredits } from '../../../lambdas/app/redeem';
import { CreditError } from '../../../lambdas/domain/errors';
import { REDEEM_RETRY } from '../../../lambdas/shared/retry';
import { credit, FakeStore, fixedClock, sequentialIds } from './fakes';

const NOW = '2026-03-01T10:00:00.000Z';
const req = { customerId: 'cust-1', orderId: 'order-1', amount: 1500, currency: 'EUR', idempotencyKey: 'key-1' };

function setup() {
  const store = new FakeStore().addCredit(
    credit({ creditId: 'c-late', remaining: 1000, expiresAt: '2026-05-01T00:00:00.000Z' }),
    credit({ creditId: 'c-soon', remaining: 800, expiresAt: '2026-04-01T00:00:00.000Z' }),
    credit({ creditId: 'c-usd', currency: 'USD', remaining: 5000 }),
  );
  return { store, deps: { store, clock: fixedClock(NOW), newId: sequentialIds('red') } };
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e instanceof CreditError ? { code: e.code, message: e.message, details: e.details } : { code: 'other', details: String(e) };
  }
  return { code: 'none' };
};

describe('redeemCredits', () => {
  it('answers the redemption id, what was applied where, and the balance left in that currency', async () => {
    const { store, deps } = setup();
    const { response, replayed } = await redeemCredits(req, deps);
    expect(replayed).toBe(false);
    expect(response).toEqual({
      redemptionId: 'red-1',
      customerId: 'cust-1',
      orderId: 'order-1',
      currency: 'EUR',
      requested: 1500,
      applied: 1500,
      allocations: [
        { creditId: 'c-soon', amount: 800, expiresAt: '2026-04-01T00:00:00.000Z' },
        { creditId: 'c-late', amount: 700, expiresAt: '2026-05-01T00:00:00.000Z' },
      ],
      remainingBalance: 300,
      redeemedAt: NOW,
    });
    expect(store.credits.get('c-soon')!.remaining).toBe(0);
    expect(store.credits.get('c-late')!.remaining).toBe(300);
    expect(store.ledger.get('cust-1#red-1')).toEqual({
      entryId: 'red-1',
      customerId: 'cust-1',
      kind: 'REDEEMED',
      currency: 'EUR',
      amount: 1500,
      at: NOW,
      orderId: 'order-1',
      allocations: response.allocations,
      status: 'APPLIED',
    });
    expect(store.redeemKeys.get('cust-1#key-1')!.response).toEqual(response);
  });

  it('applies only what there is, and with no credit at all records no redemption (no id, no ledger entry)', async () => {
    const { store, deps } = setup();
    const partial = await redeemCredits({ ...req, amount: 2000 }, deps);
    expect(partial.response).toMatchObject({ applied: 1800, remainingBalance: 0, redemptionId: 'red-1' });

    const none = await redeemCredits({ ...req, idempotencyKey: 'key-2', currency: 'GBP' }, deps);
    expect(none.response).toMatchObject({ redemptionId: null, applied: 0, allocations: [], remainingBalance: 0 });
    expect([...store.ledger.values()].map((e) => e.entryId)).toEqual(['red-1']);
    // The answer is still recorded: a retry with the same key gets the same "nothing applied".
    expect(store.redeemKeys.get('cust-1#key-2')!.response.redemptionId).toBeNull();
  });

  it('replays the stored answer for the same key and the same request, without spending again', async () => {
    const { store, deps } = setup();
    const first = await redeemCredits(req, deps);
    deps.clock.set('2026-03-01T10:05:00.000Z');
    const again = await redeemCredits(req, deps);
    expect(again).toEqual({ response: first.response, replayed: true });
    expect(store.credits.get('c-late')!.remaining).toBe(300);
  });

  it.each([
    ['orderId', { orderId: 'order-2' }],
    ['amount', { amount: 1400 }],
    ['currency', { currency: 'USD' }],
  ])('refuses a reused key whose %s differs with IDEMPOTENCY_KEY_REUSED, spending nothing', async (_field, change) => {
    const { store, deps } = setup();
    await redeemCredits(req, deps);
    const before = JSON.stringify([...store.credits.values()]);
    expect(await codeOf(redeemCredits({ ...req, ...change }, deps))).toEqual({
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: 'idempotencyKey was used before for a different redemption request',
      details: { idempotencyKey: 'key-1' },
    });
    expect(JSON.stringify([...store.credits.values()])).toBe(before);
  });

  it('tells apart two customers using the same key (the fingerprint covers the customer)', async () => {
    const { store, deps } = setup();
    store.addCredit(credit({ creditId: 'c-other', customerId: 'cust-2', remaining: 5000 }));
    await redeemCredits(req, deps);
    const other = { ...req, customerId: 'cust-2' };
    const stored = store.redeemKeys.get('cust-1#key-1')!;
    store.script.push({ kind: 'duplicate', existing: stored });
    expect((await codeOf(redeemCredits(other, deps))).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('re-reads and re-plans after a conflict, and the answer reflects the second read', async () => {
    const { store, deps } = setup();
    let conflicts = 0;
    store.script.push({ kind: 'conflict', stale: true });
    const { response } = await redeemCredits(req, { ...deps, onConflict: () => conflicts++ });
    expect(conflicts).toBe(1);
    expect(store.calls.filter((c) => c === 'listSpendableCredits')).toHaveLength(2);
    expect(response.redemptionId).toBe('red-2');
    expect(response.applied).toBe(1500);
  });

  it('a duplicate without a stored record counts as a conflict and is retried', async () => {
    const { store, deps } = setup();
    store.script.push({ kind: 'duplicate', existing: undefined });
    const { response, replayed } = await redeemCredits(req, deps);
    expect(replayed).toBe(false);
    expect(response.applied).toBe(1500);
  });

  it('refuses a zero amount before reading anything', async () => {
    const { store, deps } = setup();
    expect((await codeOf(redeemCredits({ ...req, amount: 0 }, deps))).code).toBe('AMOUNT_OUT_OF_RANGE');
    expect(store.calls).toEqual([]);
  });

  describe('retry budget (time, 8 s)', () => {
    beforeEach(() => jest.useFakeTimers({ now: new Date(NOW) }));
    afterEach(() => jest.useRealTimers());

    it('keeps retrying contention well past a handful of attempts while time remains, then succeeds', async () => {
      const { store, deps } = setup();
      for (let i = 0; i < 30; i++) store.script.push({ kind: 'conflict', stale: false });
      const p = redeemCredits(req, deps);
      await jest.advanceTimersByTimeAsync(7_000);
      const { response } = await p;
      expect(response.applied).toBe(1500);
      expect(store.calls.filter((c) => c === 'commitRedemption')).toHaveLength(31);
    });

    it('gives up with CONCURRENT_MODIFICATION once 8 s are spent, not before', async () => {
      const { store, deps } = setup();
      for (let i = 0; i < REDEEM_RETRY.attempts; i++) store.script.push({ kind: 'conflict', stale: false });
      let settled = false;
      const p = codeOf(redeemCredits(req, deps)).finally(() => (settled = true));
      await jest.advanceTimersByTimeAsync(7_900);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(200);
      expect(settled).toBe(true);
      expect((await p).code).toBe('CONCURRENT_MODIFICATION');
      expect(store.redeemKeys.size).toBe(0);
    });

    it('stops at the policy attempt cap', async () => {
      const { store, deps } = setup();
      for (let i = 0; i < 10; i++) store.script.push({ kind: 'conflict', stale: true });
      const p = codeOf(redeemCredits(req, { ...deps, retry: { ...REDEEM_RETRY, attempts: 3 } }));
      await jest.advanceTimersByTimeAsync(1_000);
      expect((await p).code).toBe('CONCURRENT_MODIFICATION');
      expect(store.calls.filter((c) => c === 'commitRedemption')).toHaveLength(3);
    });

    it('uses the 8-second redeem policy by default', async () => {
      const { store, deps } = setup();
      for (let i = 0; i < REDEEM_RETRY.attempts; i++) store.script.push({ kind: 'conflict', stale: true });
      let settled = false;
      const p = codeOf(redeemCredits(req, deps)).finally(() => (settled = true));
      await jest.advanceTimersByTimeAsync(1_000);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(8_000);
      expect((await p).code).toBe('CONCURRENT_MODIFICATION');
    });
  });
});
