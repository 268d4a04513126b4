import type { BalanceRequest } from '../contracts';
import type { AnswerOf, BalanceAnswer } from '../contracts/answers';
import { balances, spendOrder } from '../domain/allocation';
import { isSpendable } from '../domain/credit';
import type { LedgerEntry } from '../domain/ledger';
import { heldAmount, holdState } from '../domain/hold';
import type { Clock } from '../shared/clock';
import type { BalanceStore } from './ports';

/**
 * The balance function's answer (its contract: lambdas/contracts/answers.ts); the history as the ledger's entries.
 * Courtesy credit only: gift cards are a different product (they do not lapse this way and may be paid out).
 */
export type BalanceResponse = Omit<AnswerOf<typeof BalanceAnswer>, 'history'> & { readonly history: readonly LedgerEntry[] };

export async function getBalance(req: BalanceRequest, deps: { store: BalanceStore; clock: Clock }): Promise<BalanceResponse> {
  const now = deps.clock.now();
  const [credits, page, storedHolds] = await Promise.all([
    deps.store.listSpendableCredits(req.customerId, now),
    deps.store.history(req.customerId, req.limit ?? 20, req.cursor),
    deps.store.listHolds(req.customerId),
  ]);
  const spendable = credits.filter((c) => isSpendable(c, now)).sort(spendOrder);
  const totals = balances(spendable, now);
  const holds = storedHolds
    .filter((h) => heldAmount(h) > 0)
    .sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt) || (a.holdId < b.holdId ? -1 : 1))
    .map((h) => ({
      holdId: h.holdId,
      orderId: h.orderId,
      currency: h.currency,
      held: heldAmount(h),
      captured: h.captured,
      state: holdState(h, now),
      expiresAt: h.expiresAt,
    }));
  const held: Record<string, number> = {};
  for (const h of holds) held[h.currency] = (held[h.currency] ?? 0) + h.held;
  const currencies = [...new Set([...Object.keys(totals), ...Object.keys(held)])].sort();
  return {
    customerId: req.customerId,
    asOf: now.toISOString(),
    courtesyCredit: {
      balances: currencies.map((currency) => {
        const first = spendable.find((c) => c.currency === currency);
        return {
          currency,
          available: totals[currency] ?? 0,
          held: held[currency] ?? 0,
          ...(first ? { nextExpiry: { expiresAt: first.expiresAt, amount: first.remaining } } : {}),
        };
      }),
      credits: spendable.map(({ creditId, currency, remaining, expiresAt }) => ({ creditId, currency, remaining, expiresAt })),
      holds,
    },
    history: page.entries,
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}
