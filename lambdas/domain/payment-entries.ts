import type { Allocation } from './allocation';
import type { Hold } from './hold';
import type { EntryBase, RedeemedEntry } from './credit-entries';
import type { RefundProgress } from './restore';

/**
 * The payment flow's ledger entries (issue 10): holds placed, captured and released, and partial refunds, one shape
 * per kind with its constructor. Part of the ledger's `LedgerEntry` union (ledger.ts).
 */

/**
 * Why held money went back: the caller released it, a final capture let go of the rest, the hold's lifetime passed,
 * or a void of its credit took it out of the hold (nothing restored: all of it `lapsed` into the voided credit).
 */
export const RELEASE_REASONS = ['EXPLICIT', 'FINAL_CAPTURE', 'EXPIRED', 'VOIDED'] as const;
export type ReleaseReason = (typeof RELEASE_REASONS)[number];

/** A hold placed: `amount` moved from available to held. The entry id is the hold id. */
export interface HeldEntry extends EntryBase {
  readonly kind: 'HELD';
  readonly orderId: string;
  readonly allocations: readonly Allocation[];
  /** When the hold lapses unless captured or released. */
  readonly holdExpiresAt: string;
}

/** A capture of a hold: `amount` moved from held to spent. The entry id is the capture id. */
export interface CapturedEntry extends EntryBase {
  readonly kind: 'CAPTURED';
  readonly holdId: string;
  readonly orderId: string;
  /** Per credit, what was captured (where a refund puts it back). */
  readonly allocations: readonly Allocation[];
  readonly final: boolean;
  /** Partial refunds so far; absent: none. */
  readonly refunds?: RefundProgress;
}

/** Held money going back: `amount` restored onto the credits in `allocations`, `lapsed` whose credit had expired. */
export interface ReleasedEntry extends EntryBase {
  readonly kind: 'RELEASED';
  readonly holdId: string;
  readonly orderId: string;
  readonly reason: ReleaseReason;
  readonly allocations: readonly Allocation[];
  readonly lapsed: number;
}

/** What a refund gives money back for. */
export type RefundOf =
  | { readonly refundOf: 'REDEMPTION'; readonly redemptionId: string }
  | { readonly refundOf: 'CAPTURE'; readonly captureId: string };

/** A (partial) refund: `amount` restored onto the credits in `allocations`, `lapsed` whose credit had expired. */
export type RefundedEntry = EntryBase & {
  readonly kind: 'REFUNDED';
  readonly orderId: string;
  readonly allocations: readonly Allocation[];
  readonly lapsed: number;
  readonly reason?: string;
} & RefundOf;

export type PaymentFlowEntry = HeldEntry | CapturedEntry | ReleasedEntry | RefundedEntry;

/** A redemption or capture: what a refund refers to. */
export type RefundableEntry = RedeemedEntry | CapturedEntry;

export function heldEntry(hold: Hold): HeldEntry {
  return {
    entryId: hold.holdId,
    customerId: hold.customerId,
    kind: 'HELD',
    currency: hold.currency,
    amount: hold.amount,
    at: hold.placedAt,
    orderId: hold.orderId,
    allocations: hold.allocations.map(({ creditId, amount, expiresAt }) => ({ creditId, amount, expiresAt })),
    holdExpiresAt: hold.expiresAt,
  };
}

export function capturedEntry(input: {
  captureId: string;
  hold: Hold;
  taken: readonly Allocation[];
  final: boolean;
  at: string;
}): CapturedEntry {
  const { captureId, hold, taken, final, at } = input;
  return {
    entryId: captureId,
    customerId: hold.customerId,
    kind: 'CAPTURED',
    currency: hold.currency,
    amount: taken.reduce((sum, a) => sum + a.amount, 0),
    at,
    holdId: hold.holdId,
    orderId: hold.orderId,
    allocations: taken,
    final,
  };
}

export function releasedEntry(input: {
  releaseId: string;
  hold: Pick<Hold, 'holdId' | 'customerId' | 'currency' | 'orderId'>;
  reason: ReleaseReason;
  restored: readonly Allocation[];
  lapsed: number;
  at: string;
}): ReleasedEntry {
  const { releaseId, hold, reason, restored, lapsed, at } = input;
  return {
    entryId: releaseId,
    customerId: hold.customerId,
    kind: 'RELEASED',
    currency: hold.currency,
    amount: restored.reduce((sum, a) => sum + a.amount, 0),
    at,
    holdId: hold.holdId,
    orderId: hold.orderId,
    reason,
    allocations: restored,
    lapsed,
  };
}

export function refundedEntry(input: {
  refundId: string;
  of: RefundableEntry;
  restored: readonly Allocation[];
  lapsed: number;
  at: string;
  reason?: string;
}): RefundedEntry {
  const { refundId, of, restored, lapsed, at, reason } = input;
  const target: RefundOf =
    of.kind === 'REDEEMED' ? { refundOf: 'REDEMPTION', redemptionId: of.entryId } : { refundOf: 'CAPTURE', captureId: of.entryId };
  return {
    entryId: refundId,
    customerId: of.customerId,
    kind: 'REFUNDED',
    currency: of.currency,
    amount: restored.reduce((sum, a) => sum + a.amount, 0),
    at,
    orderId: of.orderId,
    allocations: restored,
    lapsed,
    ...target,
    ...(reason !== undefined ? { reason } : {}),
  };
}
