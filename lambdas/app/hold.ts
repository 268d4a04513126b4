import type { HoldRequest } from '../contracts';
import { allocate } from '../domain/allocation';
import { assertPositiveMinorUnits } from '../domain/credit';
import { assertPurchase } from '../domain/eligibility';
import { CreditError } from '../domain/errors';
import { holdLifetimeSeconds, newHold, type HoldPolicy } from '../domain/hold';
import { heldEntry } from '../domain/payment-entries';
import type { Clock } from '../shared/clock';
import { fingerprint } from '../shared/ids';
import type { RetryPolicy } from '../shared/retry';
import type { HoldResponse, HoldStore } from './payment-ports';
import { TRANSACTION_MAX_ITEMS } from './ports';
import { spendOutcome, spendWithRetry, type SpendOutcome } from './spend';

/**
 * The most credits one hold takes from, so that every transaction over its credits fits: the largest is its final
 * capture (the hold, the CAPTURED and RELEASED entries and the key record besides one restoration per credit); the
 * hold's own commit (the hold, its HELD entry, the key record, a queue turn) takes four too.
 */
export const MAX_CREDITS_PER_HOLD = TRANSACTION_MAX_ITEMS - 4;

export interface HoldDeps {
  store: HoldStore;
  clock: Clock;
  newId: (at: Date) => string;
  policy?: HoldPolicy;
  retry?: RetryPolicy;
  onConflict?: () => void;
}

/**
 * Reserve up to `amount` of the customer's credits for an order (authorize), allocated like a redemption (eligible
 * credits, the most the purchase allows, soonest-expiring first), partially if short. The held money leaves the
 * credits' `remaining` in the same transaction that writes the hold, its HELD entry and the key record, so no other
 * redeem or hold can spend it; conflicts are retried like redeem's (lambdas/app/spend.ts).
 */
export interface HoldResult {
  response: HoldResponse;
  replayed: boolean;
}

export async function placeHold(req: HoldRequest, deps: HoldDeps): Promise<HoldResult> {
  assertPositiveMinorUnits(req.amount, req.currency);
  const lines = req.purchase?.lines;
  if (lines) assertPurchase(lines);
  const lifetimeSeconds = holdLifetimeSeconds(req.lifetimeSeconds, deps.policy);
  const requestHash = fingerprint({
    customerId: req.customerId,
    orderId: req.orderId,
    amount: req.amount,
    currency: req.currency,
    purchase: req.purchase,
    lifetimeSeconds: req.lifetimeSeconds,
  });
  return spendWithRetry(req.customerId, deps, async (now): Promise<SpendOutcome<HoldResult>> => {
    const credits = await deps.store.listSpendableCredits(req.customerId, now);
    const plan = allocate(credits, req.amount, req.currency, now, MAX_CREDITS_PER_HOLD, lines);
    const hold =
      plan.applied > 0
        ? newHold({
            holdId: deps.newId(now),
            customerId: req.customerId,
            orderId: req.orderId,
            currency: req.currency,
            allocations: plan.allocations,
            lines: plan.lines,
            now,
            lifetimeSeconds,
          })
        : undefined;
    const response: HoldResponse = {
      holdId: hold?.holdId ?? null,
      customerId: req.customerId,
      orderId: req.orderId,
      currency: req.currency,
      requested: req.amount,
      held: plan.applied,
      allocations: plan.allocations,
      ...(plan.lines ? { lines: plan.lines } : {}),
      holdExpiresAt: hold?.expiresAt ?? null,
      remainingBalance: plan.availableBefore - plan.applied,
      heldAt: now.toISOString(),
    };
    const result = await deps.store.commitHold({
      customerId: req.customerId,
      idempotencyKey: req.idempotencyKey,
      record: { requestHash, response },
      placed: hold ? { hold, ledger: heldEntry(hold) } : undefined,
      now,
    });
    return spendOutcome(
      result,
      response,
      requestHash,
      () =>
        new CreditError('IDEMPOTENCY_KEY_REUSED', 'idempotencyKey was used before for a different hold request', {
          idempotencyKey: req.idempotencyKey,
        }),
    );
  });
}
