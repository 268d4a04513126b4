import type { HoldRequest } from '../contracts';
import { assertPositiveMinorUnits } from '../domain/credit';
import { assertPurchase } from '../domain/eligibility';
import { CreditError } from '../domain/errors';
import { holdLifetimeSeconds, type HoldPolicy } from '../domain/hold';
import { fingerprint } from '../shared/ids';
import type { HoldResponse, HoldStore } from './payment-ports';
import { groupable, spendOutcome, spendWithRetry, type SpendDeps, type SpendOutcome } from './spend';
import { planHold, type QueuedSpend } from './spend-plans';

export { MAX_CREDITS_PER_HOLD } from './spend-plans';

export type HoldDeps = SpendDeps<HoldStore> & { policy?: HoldPolicy };

export interface HoldResult {
  response: HoldResponse;
  replayed: boolean;
}

const reused = (idempotencyKey: string) => () =>
  new CreditError('IDEMPOTENCY_KEY_REUSED', 'idempotencyKey was used before for a different hold request', { idempotencyKey });

/**
 * Reserve up to `amount` of the customer's credits for an order (authorize), allocated like a redemption (eligible
 * credits, the most the purchase allows, soonest-expiring first), partially if short. The held money leaves the
 * credits' `remaining` in the same transaction that writes the hold, its HELD entry and the key record, so no other
 * redeem or hold can spend it; conflicts are retried like redeem's (lambdas/app/spend.ts).
 */
export async function placeHold(req: HoldRequest, deps: HoldDeps): Promise<HoldResult> {
  assertPositiveMinorUnits(req.amount, req.currency);
  if (req.purchase?.lines) assertPurchase(req.purchase.lines);
  const lifetimeSeconds = holdLifetimeSeconds(req.lifetimeSeconds, deps.policy);
  const requestHash = fingerprint({
    customerId: req.customerId,
    orderId: req.orderId,
    amount: req.amount,
    currency: req.currency,
    purchase: req.purchase,
    lifetimeSeconds: req.lifetimeSeconds,
  });
  const queued: Extract<QueuedSpend, { kind: 'hold' }> = { kind: 'hold', request: req, requestHash, lifetimeSeconds };
  return spendWithRetry(
    req.customerId,
    deps,
    async (now): Promise<SpendOutcome<HoldResult>> => {
      const credits = await deps.store.listSpendableCredits(req.customerId, now);
      const { record, placed } = planHold(queued, credits, now, deps.newId);
      const result = await deps.store.commitHold({ customerId: req.customerId, idempotencyKey: req.idempotencyKey, record, placed, now });
      return spendOutcome(result, record.response, requestHash, reused(req.idempotencyKey));
    },
    groupable(queued, deps, reused(req.idempotencyKey)),
  );
}
