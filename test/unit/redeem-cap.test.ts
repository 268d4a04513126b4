/**
 * The per-redemption cap: one redemption touches at most MAX_CREDITS_PER_REDEMPTION (97) credits, because a DynamoDB
 * transaction holds 100 items and its commit (ledger entry, idempotency record, queue turn) and its full refund
 * (progress, REFUNDED entry, key record) take three besides one item per credit. A redeem that would need more
 * credits applies less than requested even though the balance covers it; the answer shows it (applied < requested
 * while remainingBalance > 0), and the caller redeems the rest with a new idempotency key or pays it otherwise.
 */
import { MAX_CREDITS_PER_REDEMPTION, redeemCredits } from '../../lambdas/app/redeem';
import type { CreditStore } from '../../lambdas/app/credit-store';

const NOW = new Date('2026-03-01T10:00:00.000Z');
let ids = 0;

/** n credits of 1.00 EUR each, expiring one minute apart; records what the use case commits. */
function storeWith(n: number) {
  const committed: Array<Parameters<CreditStore['commitRedemption']>[0]> = [];
  const credits = Array.from({ length: n }, (_, i) => ({
    creditId: `cr-${String(i).padStart(3, '0')}`,
    currency: 'EUR',
    remaining: 100,
    expiresAt: new Date(NOW.getTime() + 86_400_000 + i * 60_000).toISOString(),
  }));
  const store = {
    listSpendableCredits: async () => credits,
    commitRedemption: async (input: Parameters<CreditStore['commitRedemption']>[0]) => {
      committed.push(input);
      return { kind: 'committed' as const };
    },
  } as unknown as CreditStore;
  return { store, committed };
}

const redeem = (store: CreditStore, amount: number) =>
  redeemCredits(
    { customerId: 'c-1', orderId: 'o-1', amount, currency: 'EUR', idempotencyKey: `k-${amount}` },
    { store, clock: { now: () => NOW }, newId: () => `01JCAP${String(++ids).padStart(20, '0')}` },
  );

describe('a redemption touches at most 97 credits', () => {
  it('is 97: a transaction of 100 items less the three its commit or its full refund writes besides the credits', () => {
    expect(MAX_CREDITS_PER_REDEMPTION).toBe(97);
  });

  it('needing 120 credits of a balance of 120: applies 97, says so, and debits only the 97 soonest-expiring', async () => {
    const { store, committed } = storeWith(120);
    const { response } = await redeem(store, 12_000);
    expect(response.requested).toBe(12_000);
    expect(response.applied).toBe(9_700);
    expect(response.remainingBalance).toBe(2_300); // the balance covered it: the cap, not the balance, limited it
    expect(response.allocations).toHaveLength(97);
    expect(response.allocations.map((a) => a.creditId)).toEqual(Array.from({ length: 97 }, (_, i) => `cr-${String(i).padStart(3, '0')}`));
    expect(committed).toHaveLength(1);
    expect(committed[0]!.ledger?.amount).toBe(9_700);
  });

  it('needing exactly 97 credits: applies all', async () => {
    const { store } = storeWith(120);
    const { response } = await redeem(store, 9_700);
    expect(response).toMatchObject({ requested: 9_700, applied: 9_700, remainingBalance: 2_300 });
  });

  it('needing 98 credits: one credit short of the request', async () => {
    const { store } = storeWith(98);
    const { response } = await redeem(store, 9_800);
    expect(response).toMatchObject({ requested: 9_800, applied: 9_700, remainingBalance: 100 });
  });
});
