import { redeemCredits } from '../../lambdas/app/redeem';
import type { RedeemStore } from '../../lambdas/app/ports';
import { MemorySpendQueue } from './fakes/spend-queue';
import { allocate, type SpendableCredit } from '../../lambdas/domain/allocation';
import { canonicalCategories, decideGrant } from '../../lambdas/domain/credit';
import { assertPurchase, type PurchaseLine } from '../../lambdas/domain/eligibility';
import type { CreditError } from '../../lambdas/domain/errors';
import { parseContract, ComplaintResolvedDetail, RedeemRequest } from '../../lambdas/contracts';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const inDays = (d: number) => new Date(NOW.getTime() + d * 86_400_000).toISOString();
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as CreditError).code;
  }
  return undefined;
};

describe('purchase lines', () => {
  it('refuses a purchase whose lines are all never eligible with INELIGIBLE_PURCHASE, naming the categories only', () => {
    const lines: PurchaseLine[] = [
      { lineId: 'l1', category: 'GIFT_CARD', amount: 100 },
      { lineId: 'l2', category: 'TOP_UP', amount: 100 },
      { lineId: 'l3', category: 'CASH_EQUIVALENT', amount: 100 },
    ];
    try {
      assertPurchase(lines);
      throw new Error('not refused');
    } catch (e) {
      expect((e as CreditError).toJSON()).toMatchObject({
        code: 'INELIGIBLE_PURCHASE',
        retryable: false,
        details: { categories: ['GIFT_CARD', 'TOP_UP', 'CASH_EQUIVALENT'] },
      });
    }
  });

  it('accepts a purchase with at least one eligible line; refuses bad amounts and repeated line ids', () => {
    expect(
      code(() =>
        assertPurchase([
          { lineId: 'l1', category: 'GIFT_CARD', amount: 1 },
          { lineId: 'l2', category: 'SERVICES', amount: 1 },
        ]),
      ),
    ).toBeUndefined();
    expect(code(() => assertPurchase([{ lineId: 'l1', category: 'SERVICES', amount: 0 }]))).toBe('AMOUNT_OUT_OF_RANGE');
    expect(code(() => assertPurchase([{ lineId: 'l1', category: 'SERVICES', amount: 1.5 }]))).toBe('AMOUNT_OUT_OF_RANGE');
    expect(
      code(() =>
        assertPurchase([
          { lineId: 'l1', category: 'SERVICES', amount: 1 },
          { lineId: 'l1', category: 'SERVICES', amount: 2 },
        ]),
      ),
    ).toBe('INVALID_INPUT');
  });

  it('the contract takes known categories only, and a grant may narrow to eligible ones only', () => {
    const redeem = { customerId: 'c', orderId: 'o', amount: 1, currency: 'EUR', idempotencyKey: 'k' };
    expect(
      code(() => parseContract(RedeemRequest, { ...redeem, purchase: { lines: [{ lineId: 'l', category: 'FOOD', amount: 1 }] } })),
    ).toBe('INVALID_INPUT');
    expect(code(() => parseContract(RedeemRequest, { ...redeem, purchase: { lines: [] } }))).toBe('INVALID_INPUT');
    expect(
      code(() => parseContract(RedeemRequest, { ...redeem, purchase: { lines: [{ lineId: 'l', category: 'SERVICES', amount: 1 }] } })),
    ).toBeUndefined();
    const grant = {
      complaintId: 'c',
      customerId: 'c',
      email: 'a@example.com',
      locale: 'de',
      amount: 1,
      currency: 'EUR',
      validityDays: 30,
      reason: 'x',
    };
    expect(code(() => parseContract(ComplaintResolvedDetail, { ...grant, categories: ['GIFT_CARD'] }))).toBe('INVALID_INPUT');
    expect(code(() => parseContract(ComplaintResolvedDetail, { ...grant, categories: [] }))).toBe('INVALID_INPUT');
    expect(code(() => parseContract(ComplaintResolvedDetail, { ...grant, categories: ['SERVICES'] }))).toBeUndefined();
  });

  it('a grant stores its narrowing once per category in the one order; without it the credit has none', () => {
    const req = {
      complaintId: 'c',
      customerId: 'c',
      email: 'a@example.com',
      locale: 'de',
      amount: 100,
      currency: 'EUR',
      validityDays: 30,
      reason: 'x',
    };
    expect(decideGrant({ ...req, categories: ['SERVICES', 'PHYSICAL_GOODS', 'SERVICES'] }, NOW, 'cr').credit.categories).toEqual([
      'PHYSICAL_GOODS',
      'SERVICES',
    ]);
    expect('categories' in decideGrant(req, NOW, 'cr').credit).toBe(false);
    expect(canonicalCategories(['SERVICES', 'DIGITAL_CONTENT'])).toEqual(['DIGITAL_CONTENT', 'SERVICES']);
  });
});

describe('allocate with purchase lines', () => {
  const credits: SpendableCredit[] = [
    { creditId: 'soon', currency: 'EUR', remaining: 1000, expiresAt: inDays(5), categories: ['PHYSICAL_GOODS', 'DIGITAL_CONTENT'] },
    { creditId: 'late', currency: 'EUR', remaining: 1000, expiresAt: inDays(50), categories: ['DIGITAL_CONTENT'] },
    { creditId: 'usd', currency: 'USD', remaining: 1000, expiresAt: inDays(1) },
    { creditId: 'gone', currency: 'EUR', remaining: 1000, expiresAt: inDays(-1) },
  ];
  it('covers the most across the lines, per line, from eligible unexpired credits of the currency', () => {
    const plan = allocate(credits, 5000, 'EUR', NOW, Number.POSITIVE_INFINITY, [
      { lineId: 'ebook', category: 'DIGITAL_CONTENT', amount: 800 },
      { lineId: 'shoes', category: 'PHYSICAL_GOODS', amount: 900 },
      { lineId: 'gift', category: 'GIFT_CARD', amount: 2000 },
      { lineId: 'repair', category: 'SERVICES', amount: 400 },
    ]);
    expect(plan.applied).toBe(1700);
    expect(plan.availableBefore).toBe(2000);
    expect(plan.lines).toEqual([
      { lineId: 'ebook', category: 'DIGITAL_CONTENT', amount: 800, applied: 800 },
      { lineId: 'shoes', category: 'PHYSICAL_GOODS', amount: 900, applied: 900 },
      { lineId: 'gift', category: 'GIFT_CARD', amount: 2000, applied: 0 },
      { lineId: 'repair', category: 'SERVICES', amount: 400, applied: 0 },
    ]);
    // The soonest-expiring credit pays all it can (900 shoes + 100 ebook), the later one the rest.
    expect(plan.allocations).toEqual([
      { creditId: 'soon', amount: 1000, expiresAt: inDays(5) },
      { creditId: 'late', amount: 700, expiresAt: inDays(50) },
    ]);
  });
  it('without lines: only credits not narrowed pay (a narrowed credit pays only for lines of its categories); no per-line answer', () => {
    expect(allocate(credits, 1500, 'EUR', NOW)).toMatchObject({ applied: 0, allocations: [] });
    const any: SpendableCredit = { creditId: 'any', currency: 'EUR', remaining: 700, expiresAt: inDays(20) };
    const plan = allocate([...credits, any], 1500, 'EUR', NOW);
    expect(plan.applied).toBe(700);
    expect(plan.allocations).toEqual([{ creditId: 'any', amount: 700, expiresAt: inDays(20) }]);
    expect(plan.lines).toBeUndefined();
  });
});

describe('redeem with a purchase', () => {
  const credits: SpendableCredit[] = [
    { creditId: 'cr-1', currency: 'EUR', remaining: 1000, expiresAt: inDays(10), categories: ['SERVICES'] },
  ];
  const run = (purchase?: { lines: PurchaseLine[] }) => {
    const commits: Array<Parameters<RedeemStore['commitRedemption']>[0]> = [];
    const queue = new MemorySpendQueue();
    const store: RedeemStore = {
      takeTicket: queue.takeTicket,
      readQueue: queue.readQueue,
      finishTurn: queue.finishTurn,
      passStalledTurn: queue.passStalledTurn,
      listSpendableCredits: async () => credits,
      commitRedemption: async (input) => {
        commits.push(input);
        return { kind: 'committed' };
      },
    };
    const req = { customerId: 'c-1', orderId: 'o-1', amount: 900, currency: 'EUR', idempotencyKey: 'k', ...(purchase ? { purchase } : {}) };
    return { commits, result: redeemCredits(req, { store, clock: { now: () => NOW }, newId: () => '01JREDEEM0000000000000000A' }) };
  };

  it('applies only what eligible credits cover and answers per line', async () => {
    const { result, commits } = run({
      lines: [
        { lineId: 'a', category: 'PHYSICAL_GOODS', amount: 500 },
        { lineId: 'b', category: 'SERVICES', amount: 300 },
      ],
    });
    const { response } = await result;
    expect(response).toMatchObject({ requested: 900, applied: 300, remainingBalance: 700 });
    expect(response.lines).toEqual([
      { lineId: 'a', category: 'PHYSICAL_GOODS', amount: 500, applied: 0 },
      { lineId: 'b', category: 'SERVICES', amount: 300, applied: 300 },
    ]);
    expect(commits[0]!.ledger?.amount).toBe(300);
  });

  it('a purchase of gift cards only is refused before anything is read or written', async () => {
    const { result, commits } = run({ lines: [{ lineId: 'g', category: 'GIFT_CARD', amount: 500 }] });
    await expect(result).rejects.toMatchObject({ code: 'INELIGIBLE_PURCHASE' });
    expect(commits).toHaveLength(0);
  });

  it('the fingerprint tells a purchase apart, and leaves requests without one as they were', async () => {
    const without = run();
    await without.result;
    const withLines = run({ lines: [{ lineId: 'b', category: 'SERVICES', amount: 900 }] });
    await withLines.result;
    expect(without.commits[0]!.record.requestHash).not.toBe(withLines.commits[0]!.record.requestHash);
    expect('lines' in without.commits[0]!.record.response).toBe(false);
  });
});
