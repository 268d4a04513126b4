import type { RedeemRequest } from '../contracts';
import { allocate } from '../domain/allocation';
import { assertPositiveMinorUnits } from '../domain/credit';
import { CreditError } from '../domain/errors';
import { assertPurchase } from '../domain/eligibility';
import { redeemedEntry } from '../domain/credit-entries';
import type { Clock } from '../shared/clock';
import { fingerprint } from '../shared/ids';
import type { RetryPolicy } from '../shared/retry';
import { TRANSACTION_MAX_ITEMS, type RedeemResponse, type RedeemStore } from './ports';
import { spendOutcome, spendWithRetry, type SpendOutcome } from './spend';

/**
 * The most credits one redemption takes from, so that every transaction over its credits fits: its own commit (the
 * ledger entry, the idempotency record, a queue turn) and a full refund (the progress, the REFUNDED entry, the key
 * record) take three besides one item per credit; a reversal two.
 */
export const MAX_CREDITS_PER_REDEMPTION = TRANSACTION_MAX_ITEMS - 3;

export interface RedeemDeps {
  store: RedeemStore;
  clock: Clock;
  newId: (at: Date) => string;
  retry?: RetryPolicy;
  /** Called on every optimistic-concurrency conflict (metrics, benchmarks). */
  onConflict?: () => void;
}

export interface RedeemResult {
  response: RedeemResponse;
  /** True when this call returned the stored answer of an earlier call with the same idempotency key. */
  replayed: boolean;
}

/**
 * Spend up to `amount` of the customer's credits in `currency`, soonest-expiring first.
 * Common case: one Query and one transaction. The debit of every touched credit is conditional
 * (still there, unexpired, covers the take), so concurrent redemptions never overdraw; on a conflict the spend
 * waits for its turn in the customer's spend queue, then re-reads and re-plans (lambdas/app/spend.ts), within the
 * policy's time budget (8 s). The idempotency record is written in the same transaction.
 */
export async function redeemCredits(req: RedeemRequest, deps: RedeemDeps): Promise<RedeemResult> {
  assertPositiveMinorUnits(req.amount, req.currency);
  const lines = req.purchase?.lines;
  if (lines) assertPurchase(lines);
  // `purchase` is left out when absent, so a request without it has the fingerprint it had before purchases existed.
  const requestHash = fingerprint({
    customerId: req.customerId,
    orderId: req.orderId,
    amount: req.amount,
    currency: req.currency,
    purchase: req.purchase,
  });

  return spendWithRetry(req.customerId, deps, async (now): Promise<SpendOutcome<RedeemResult>> => {
    const credits = await deps.store.listSpendableCredits(req.customerId, now);
    const plan = allocate(credits, req.amount, req.currency, now, MAX_CREDITS_PER_REDEMPTION, lines);
    const redemptionId = plan.applied > 0 ? deps.newId(now) : null;
    const response: RedeemResponse = {
      redemptionId,
      customerId: req.customerId,
      orderId: req.orderId,
      currency: req.currency,
      requested: req.amount,
      applied: plan.applied,
      allocations: plan.allocations,
      remainingBalance: plan.availableBefore - plan.applied,
      redeemedAt: now.toISOString(),
      ...(plan.lines ? { lines: plan.lines } : {}),
    };
    const ledger = redemptionId
      ? redeemedEntry({
          redemptionId,
          customerId: req.customerId,
          orderId: req.orderId,
          currency: req.currency,
          amount: plan.applied,
          allocations: plan.allocations,
          at: response.redeemedAt,
        })
      : undefined;

    const result = await deps.store.commitRedemption({
      customerId: req.customerId,
      idempotencyKey: req.idempotencyKey,
      record: { requestHash, response },
      ledger,
      now,
    });
    return spendOutcome(
      result,
      response,
      requestHash,
      () =>
        new CreditError('IDEMPOTENCY_KEY_REUSED', 'idempotencyKey was used before for a different redemption request', {
          idempotencyKey: req.idempotencyKey,
        }),
    );
  });
}
