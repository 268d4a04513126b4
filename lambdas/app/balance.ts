import type { BalanceRequest } from '../contracts';
import { balances, spendOrder } from '../domain/allocation';
import { isSpendable } from '../domain/credit';
import type { LedgerEntry } from '../domain/ledger';
import type { Clock } from '../shared/clock';
import type { BalanceStore } from './ports';

export interface BalanceResponse {
  customerId: string;
  asOf: string;
  /**
   * Courtesy credit only. Gift cards are a different product with different rules (they do not lapse this way and
   * may be paid out): their balance is never mixed in here.
   */
  courtesyCredit: {
    balances: Array<{ currency: string; available: number; nextExpiry?: { expiresAt: string; amount: number } }>;
    credits: Array<{ creditId: string; currency: string; remaining: number; expiresAt: string }>;
  };
  history: LedgerEntry[];
  nextCursor?: string;
}

export async function getBalance(req: BalanceRequest, deps: { store: BalanceStore; clock: Clock }): Promise<BalanceResponse> {
  const now = deps.clock.now();
  const [credits, page] = await Promise.all([
    deps.store.listSpendableCredits(req.customerId, now),
    deps.store.history(req.customerId, req.limit ?? 20, req.cursor),
  ]);
  const spendable = credits.filter((c) => isSpendable(c, now)).sort(spendOrder);
  const totals = balances(spendable, now);
  return {
    customerId: req.customerId,
    asOf: now.toISOString(),
    courtesyCredit: {
      balances: Object.keys(totals)
        .sort()
        .map((currency) => {
          const first = spendable.find((c) => c.currency === currency);
          return {
            currency,
            available: totals[currency]!,
            ...(first ? { nextExpiry: { expiresAt: first.expiresAt, amount: first.remaining } } : {}),
          };
        }),
      credits: spendable.map(({ creditId, currency, remaining, expiresAt }) => ({ creditId, currency, remaining, expiresAt })),
    },
    history: page.entries,
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}
