import type { Allocation } from './allocation';
import type { Credit } from './credit';
import type { ReasonCode } from './reason-code';
import type { RefundProgress } from './restore';

/**
 * The ledger entries of a credit's own life and of a direct redemption (granted, redeemed, reversed, expired,
 * voided), one shape per kind with its constructor, and the fields every ledger entry has. Part of the ledger's
 * `LedgerEntry` union (ledger.ts).
 */

export interface EntryBase {
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
  /** Free text of the complaint; absent once the customer's data was erased. */
  readonly reason?: string;
  /** The complaint's reason code, if it sent one (published; `reason` is free text and never is). */
  readonly reasonCode?: ReasonCode;
  /** Who issued it (agent or system id), if the complaint named one. */
  readonly issuedBy?: string;
  readonly expiresAt: string;
}

/** A redemption is APPLIED until reversed; the reversal then names itself on it. */
export type RedemptionState =
  | { readonly status: 'APPLIED' }
  | { readonly status: 'REVERSED'; readonly reversalId: string; readonly reversedAt: string };

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
  /** Free text of the caller; absent if none was given or once the customer's data was erased. */
  readonly reason?: string;
}

export interface ExpiredEntry extends EntryBase {
  readonly kind: 'EXPIRED';
  readonly creditId: string;
  readonly expiresAt: string;
}

/** Operations removed the unspent rest of a credit (made in error, fraud). `amount` may be 0 (nothing was left). */
export interface VoidedEntry extends EntryBase {
  readonly kind: 'VOIDED';
  readonly creditId: string;
  /** Free text from operations: stored, never published; absent once the customer's data was erased. */
  readonly reason?: string;
}

/** The grant of `credit`: same id, time and terms as the credit. */
export function grantedEntry(credit: Credit, reasonCode?: ReasonCode, issuedBy?: string): GrantedEntry {
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
    ...(issuedBy !== undefined ? { issuedBy } : {}),
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
export function expiredEntry(
  credit: Pick<Credit, 'customerId' | 'currency' | 'remaining' | 'expiresAt' | 'creditId'>,
  entryId: string,
): ExpiredEntry {
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

/** The void of `credit`: its whole unspent rest at `at`. */
export function voidedEntry(
  credit: Pick<Credit, 'customerId' | 'currency' | 'remaining' | 'creditId'>,
  voidId: string,
  at: string,
  reason: string,
): VoidedEntry {
  return {
    entryId: voidId,
    customerId: credit.customerId,
    kind: 'VOIDED',
    currency: credit.currency,
    amount: credit.remaining,
    at,
    creditId: credit.creditId,
    reason,
  };
}
