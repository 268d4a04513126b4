import type { HoldRequest, RedeemRequest } from '../contracts';
import { allocate, type Allocation, type SpendableCredit } from '../domain/allocation';
import { newHold, type Hold } from '../domain/hold';
import { redeemedEntry, type RedeemedEntry } from '../domain/credit-entries';
import { heldEntry, type HeldEntry } from '../domain/payment-entries';
import { TRANSACTION_MAX_ITEMS, type HoldResponse, type KeyedRecord, type RedeemRecord, type RedeemResponse } from './records';

/**
 * How one spend (a redemption or a hold) is planned on the customer's credits and what its commit writes — the same
 * plan whether the spend commits alone or a turn holder commits it in a group with others (lambdas/app/group-commit.ts).
 */

/**
 * The most credits one redemption takes from, so that every transaction over its credits fits: its own commit (the
 * ledger entry, the idempotency record, its queued request) and a full refund (the progress, the REFUNDED entry, the
 * key record) take three besides one item per credit; a reversal two.
 */
export const MAX_CREDITS_PER_REDEMPTION = TRANSACTION_MAX_ITEMS - 3;

/**
 * The most credits one hold takes from, so that every transaction over its credits fits: the largest is its final
 * capture (the hold, the CAPTURED and RELEASED entries and the key record besides one restoration per credit); the
 * hold's own commit (the hold, its HELD entry, the key record, its queued request) takes four too.
 */
export const MAX_CREDITS_PER_HOLD = TRANSACTION_MAX_ITEMS - 4;

/** A spend as it waits in the customer's spend queue: everything another invocation needs to plan it. */
export type QueuedSpend =
  | { readonly kind: 'redeem'; readonly request: RedeemRequest; readonly requestHash: string }
  | {
      readonly kind: 'hold';
      readonly request: HoldRequest;
      readonly requestHash: string;
      /** Resolved by the caller's own hold policy, so whoever plans it holds for the same time. */
      readonly lifetimeSeconds: number;
    };

/** What a spend's key holds once it is committed: its answer and the fingerprint of its request. */
export type RecordOf<S extends QueuedSpend> = S extends { kind: 'redeem' } ? RedeemRecord : KeyedRecord<HoldResponse>;

/** A planned spend: what it takes from which credits and what its commit writes besides those debits. */
export type PlannedSpend =
  | {
      readonly kind: 'redeem';
      readonly customerId: string;
      readonly idempotencyKey: string;
      readonly allocations: readonly Allocation[];
      readonly record: RedeemRecord;
      readonly ledger?: RedeemedEntry;
    }
  | {
      readonly kind: 'hold';
      readonly customerId: string;
      readonly idempotencyKey: string;
      readonly allocations: readonly Allocation[];
      readonly record: KeyedRecord<HoldResponse>;
      readonly placed?: { readonly hold: Hold; readonly ledger: HeldEntry };
    };

export function planRedeem(
  spend: Extract<QueuedSpend, { kind: 'redeem' }>,
  credits: readonly SpendableCredit[],
  now: Date,
  newId: (at: Date) => string,
): Extract<PlannedSpend, { kind: 'redeem' }> {
  const req = spend.request;
  const plan = allocate(credits, req.amount, req.currency, now, MAX_CREDITS_PER_REDEMPTION, req.purchase?.lines);
  const redemptionId = plan.applied > 0 ? newId(now) : null;
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
  return {
    kind: 'redeem',
    customerId: req.customerId,
    idempotencyKey: req.idempotencyKey,
    allocations: plan.allocations,
    record: { requestHash: spend.requestHash, response },
    ...(ledger ? { ledger } : {}),
  };
}

export function planHold(
  spend: Extract<QueuedSpend, { kind: 'hold' }>,
  credits: readonly SpendableCredit[],
  now: Date,
  newId: (at: Date) => string,
): Extract<PlannedSpend, { kind: 'hold' }> {
  const req = spend.request;
  const plan = allocate(credits, req.amount, req.currency, now, MAX_CREDITS_PER_HOLD, req.purchase?.lines);
  const hold =
    plan.applied > 0
      ? newHold({
          holdId: newId(now),
          customerId: req.customerId,
          orderId: req.orderId,
          currency: req.currency,
          allocations: plan.allocations,
          lines: plan.lines,
          now,
          lifetimeSeconds: spend.lifetimeSeconds,
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
  return {
    kind: 'hold',
    customerId: req.customerId,
    idempotencyKey: req.idempotencyKey,
    allocations: plan.allocations,
    record: { requestHash: spend.requestHash, response },
    ...(hold ? { placed: { hold, ledger: heldEntry(hold) } } : {}),
  };
}

export function planSpend(spend: QueuedSpend, credits: readonly SpendableCredit[], now: Date, newId: (at: Date) => string): PlannedSpend {
  return spend.kind === 'redeem' ? planRedeem(spend, credits, now, newId) : planHold(spend, credits, now, newId);
}

/** When a stored answer was given (its redemption's or hold's time), epoch ms. */
export function answeredAtMs(record: PlannedSpend['record']): number {
  return Date.parse('redeemedAt' in record.response ? record.response.redeemedAt : record.response.heldAt);
}

/** The items a planned spend writes in a transaction besides its debits: its key record and queued request, and its entry (and hold). */
export function itemsBesidesDebits(p: PlannedSpend): number {
  const placed = p.kind === 'redeem' ? (p.ledger ? 1 : 0) : p.placed ? 2 : 0;
  return 2 + placed;
}

/** The credits left after `taken`: what the next spend of a group is planned on. */
export function afterTaking(credits: readonly SpendableCredit[], taken: readonly Allocation[]): SpendableCredit[] {
  const take = new Map<string, number>();
  for (const a of taken) take.set(a.creditId, (take.get(a.creditId) ?? 0) + a.amount);
  return credits.map((c) => (take.has(c.creditId) ? { ...c, remaining: c.remaining - take.get(c.creditId)! } : c));
}
