import type { RedeemRequest } from '../contracts';
import { allocate } from '../domain/allocation';
import { assertPositiveMinorUnits } from '../domain/credit';
import { CreditError } from '../domain/errors';
import { assertPurchase } from '../domain/eligibility';
import { redeemedEntry } from '../domain/ledger';
import type { Clock } from '../shared/clock';
import { fingerprint } from '../shared/ids';
import { REDEEM_RETRY, RetryBudget, type RetryPolicy } from '../shared/retry';
import type { RedeemResponse, RedeemStore } from './ports';

/** A DynamoDB transaction holds 100 items: the ledger entry and the idempotency record take two. */
export const MAX_CREDITS_PER_REDEMPTION = 98;

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
 * (still there, unexpired, covers the take), so concurrent redemptions never overdraw; on a conflict
 * we re-read and re-plan, with backoff, until the policy's time budget (8 s) is spent. The idempotency record is
 * written in the same transaction.
 */
export async function redeemCredits(req: RedeemRequest, deps: RedeemDeps): Promise<RedeemResult> {
  assertPositiveMinorUnits(req.amount, req.currency);
  const lines = req.purchase?.lines;
  if (lines) assertPurchase(lines);
  const retry = deps.retry ?? REDEEM_RETRY;
  // `purchase` is left out when absent, so a request without it has the fingerprint it had before purchases existed.
  const requestHash = fingerprint({
    customerId: req.customerId,
    orderId: req.orderId,
    amount: req.amount,
    currency: req.currency,
    purchase: req.purchase,
  });

  const budget = new RetryBudget(retry);
  for (let attempt = 0; budget.allows(attempt); attempt++) {
    const now = deps.clock.now();
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
    if (result.kind === 'committed') return { response, replayed: false };
    if (result.kind === 'duplicate' && result.existing) {
      if (result.existing.requestHash !== requestHash) {
        throw new CreditError('IDEMPOTENCY_KEY_REUSED', 'idempotencyKey was used before for a different redemption request', {
          idempotencyKey: req.idempotencyKey,
        });
      }
      return { response: result.existing.response, replayed: true };
    }
    deps.onConflict?.();
    // Someone spent or restored these credits since we read them: re-read now. Contention: back off first.
    await budget.pause(attempt, result.kind === 'conflict' && result.stale);
  }
  throw new CreditError(
    'CONCURRENT_MODIFICATION',
    "too many concurrent changes to this customer's credits; retry with the same idempotencyKey",
  );
}
