// @ts-nocheck
import type { Allocation } from './allocation';
import type { Credit } from './credit';
import type { ReasonCode } from './reason-code';
import type { Hold } from './hold';
import type { RefundProgress } from './restore';

/**
 * The ledger is the customer's history: one append-only entry per money movement, one shape per kind.
 * Amounts are positive; `kind` says which way the money moved. Entries are built by the constructors below.
 */
export const LEDGER_KINDS = [
  'GRANTED',
  'REDEEMED',
  'REVERSED',
  'EXPIRED',
  // the payment flow (issue 10)
  'HELD',
  'CAPTURED',
  'RELEASED',
  'REFUNDED',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

interface EntryBase {
  /** ULID: sorts by time. For REDEEMED it is also the redemptionId. */
  readonly entryId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly amount: number;
  readonly at: string;
}

export interface GrantedEntry extends EntryBase {
  readonly kind: 'GRANTED';
  readonly creditId: string;
  readonly complaintId: string;
  readonly reason: string;
  /** The complaint's reason code, if it sent one (published; `reason` is free text and never is). */
  readonly reasonCode?: ReasonCode;
  readonly expiresAt: string;
}

/** A redemption is APPLIED until reversed; the reversal then names itself on it. */
export type RedemptionState = { readonly status: 'APPLIED' } | { readonly status: 'REVERSED'; readonly reversalId: string; readonly reversedAt: string };

export type RedeemedEntry = EntryBase & {
  readonly kind: 'REDEEMED';
  readonly orderId: string;
  readonly allocations: readonly Allocation[];
  /** Partial refunds so far; absent: none. */
  readonly refunds?: RefundProgress;
} & RedemptionState;

export interface ReversedEntry extends EntryBase {
  readonly kind: 'REVERSED';
  /** The redemption it undoes. */
  readonly redemptionId: string;
  readonly orderId: string;
  /** What was put back, per credit. */
  readonly allocations: readonly Allocation[];
  /** Part of the reversal that could not be restored because the credit had lapsed meanwhile. */
  readonly lapsed: number;
  readonly reason?: string;
}

export interface ExpiredEntry extends EntryBase {
  readonly kind: 'EXPIRED';
  readonly creditId: string;
  readonly expiresAt: string;
}

export type LedgerEntry = GrantedEntry | RedeemedEntry | ReversedEntry | ExpiredEntry | PaymentFlowEntry;

/** The grant of `credit`: same id, time and terms as the credit. */
export function grantedEntry(credit: Credit, reasonCode?: ReasonCode): GrantedEntry {
  return {
    entryId: credit.creditId,
    customerId: credit.customerId,
    kind: 'GRANTED',
    currency: credit.currency,
    amount: credit.amount,
    at: credit.grantedAt,
    creditId: credit.creditId,
    complaintId: credit.complaintId,
    reason: credit.reason,
    ...(reasonCode ? { reasonCode } : {}),
    expiresAt: credit.expiresAt,
  };
}

/** A redemption of `amount` over `allocations`, applied (not reversed). */
export function redeemedEntry(input: {
  redemptionId: string;
  customerId: string;
  orderId: string;
  currency: string;
  amount: number;
  allocations: readonly Allocation[];
  at: string;
}): RedeemedEntry {
  const { redemptionId, customerId, orderId, currency, amount, allocations, at } = input;
  return { entryId: redemptionId, customerId, kind: 'REDEEMED', currency, amount, at, orderId, allocations, status: 'APPLIED' };
}

/** The reversal of `redemption`: `restored` goes back onto the credits in `allocations`, `lapsed` could not. */
export function reversedEntry(input: {
  reversalId: string;
  redemption: RedeemedEntry;
  restored: number;
  lapsed: number;
  allocations: readonly Allocation[];
  at: string;
  reason?: string;
}): ReversedEntry {
  const { reversalId, redemption, restored, lapsed, allocations, at, reason } = input;
  return {
    entryId: reversalId,
    customerId: redemption.customerId,
    kind: 'REVERSED',
    currency: redemption.currency,
    amount: restored,
    lapsed,
    at,
    redemptionId: redemption.entryId,
    orderId: redemption.orderId,
    allocations,
    ...(reason !== undefined ? { reason } : {}),
  };
}

/** The unused rest of `credit` lapsing at its expiry. */
export function expiredEntry(credit: Credit, entryId: string): ExpiredEntry {
  return {
    entryId,
    customerId: credit.customerId,
    kind: 'EXPIRED',
    currency: credit.currency,
    amount: credit.remaining,
    at: credit.expiresAt,
    creditId: credit.creditId,
    expiresAt: credit.expiresAt,
  };
}

/** Signed effect on the available balance (a capture moves held money to spent: no effect). */
export function signedAmount(entry: Pick<LedgerEntry, 'kind' | 'amount'>): number {
  switch (entry.kind) {
    case 'GRANTED':
    case 'REVERSED':
    case 'RELEASED':
    case 'REFUNDED':
      return entry.amount;
    case 'CAPTURED':
      return 0;
    default:
      return -entry.amount;
  }
}

// --- The payment flow (issue 10): holds, captures, releases, refunds ---------------------------------------------

/** Why held money went back: the caller released it, a final capture let go of the rest, or the hold's lifetime passed. */
export const RELEASE_REASONS = ['EXPLICIT', 'FINAL_CAPTURE', 'EXPIRED'] as const;
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
export type RefundOf = { readonly refundOf: 'REDEMPTION'; readonly redemptionId: string } | { readonly refundOf: 'CAPTURE'; readonly captureId: string };

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

export function capturedEntry(input: { captureId: string; hold: Hold; taken: readonly Allocation[]; final: boolean; at: string }): CapturedEntry {
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
  const target: RefundOf = of.kind === 'REDEEMED' ? { refundOf: 'REDEMPTION', redemptionId: of.entryId } : { refundOf: 'CAPTURE', captureId: of.entryId };
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
