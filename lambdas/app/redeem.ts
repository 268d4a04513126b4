import type { RedeemRequest } from '../contracts';
import { assertPositiveMinorUnits } from '../domain/credit';
import { CreditError } from '../domain/errors';
import { assertPurchase } from '../domain/eligibility';
import { fingerprint } from '../shared/ids';
import type { RedeemResponse, RedeemStore } from './ports';
import { groupable, spendOutcome, spendWithRetry, type SpendDeps, type SpendOutcome } from './spend';
import { planRedeem, type QueuedSpend } from './spend-plans';

export { MAX_CREDITS_PER_REDEMPTION } from './spend-plans';

export type RedeemDeps = SpendDeps<RedeemStore>;

export interface RedeemResult {
  response: RedeemResponse;
  /** True when this call returned the stored answer of an earlier call with the same idempotency key. */
  replayed: boolean;
}

const reused = (idempotencyKey: string) => () =>
  new CreditError('IDEMPOTENCY_KEY_REUSED', 'idempotencyKey was used before for a different redemption request', { idempotencyKey });

/**
 * Spend up to `amount` of the customer's credits in `currency`, soonest-expiring first.
 * Common case: one Query and one transaction. The debit of every touched credit is conditional
 * (still there, unexpired, covers the take), so concurrent redemptions never overdraw; on a conflict the spend
 * waits for its turn in the customer's spend queue, where a turn holder may commit it together with others
 * (lambdas/app/spend.ts), within the policy's time budget (8 s). The idempotency record is written in the same
 * transaction.
 */
export async function redeemCredits(req: RedeemRequest, deps: RedeemDeps): Promise<RedeemResult> {
  assertPositiveMinorUnits(req.amount, req.currency);
  if (req.purchase?.lines) assertPurchase(req.purchase.lines);
  // `purchase` is left out when absent, so a request without it has the fingerprint it had before purchases existed.
  const requestHash = fingerprint({
    customerId: req.customerId,
    orderId: req.orderId,
    amount: req.amount,
    currency: req.currency,
    purchase: req.purchase,
  });
  const queued: Extract<QueuedSpend, { kind: 'redeem' }> = { kind: 'redeem', request: req, requestHash };

  return spendWithRetry(
    req.customerId,
    deps,
    async (now): Promise<SpendOutcome<RedeemResult>> => {
      const credits = await deps.store.listSpendableCredits(req.customerId, now);
      const { record, ledger } = planRedeem(queued, credits, now, deps.newId);
      const result = await deps.store.commitRedemption({
        customerId: req.customerId,
        idempotencyKey: req.idempotencyKey,
        record,
        ledger,
        now,
      });
      return spendOutcome(result, record.response, requestHash, reused(req.idempotencyKey));
    },
    groupable(queued, deps, reused(req.idempotencyKey)),
  );
}
