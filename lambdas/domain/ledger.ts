import type { Allocation } from './allocation';
import type { ReasonCode } from './reason-code';

/**
 * The ledger is the customer's history: one append-only entry per money movement.
 * Amounts are positive; `kind` says which way the money moved.
 */
export type LedgerKind = 'GRANTED' | 'REDEEMED' | 'REVERSED' | 'EXPIRED';

export interface LedgerEntry {
  /** ULID: sorts by time. For REDEEMED it is also the redemptionId. */
  readonly entryId: string;
  readonly customerId: string;
  readonly kind: LedgerKind;
  readonly currency: string;
  readonly amount: number;
  readonly at: string;
  readonly creditId?: string;
  readonly complaintId?: string;
  readonly reason?: string;
  /** GRANTED: the complaint's reason code, if it sent one (published; `reason` is free text and never is). */
  readonly reasonCode?: ReasonCode;
  readonly expiresAt?: string;
  readonly orderId?: string;
  readonly allocations?: readonly Allocation[];
  /** REVERSED: the redemption it undoes. */
  readonly redemptionId?: string;
  /** REVERSED: part of the reversal that could not be restored because the credit had lapsed meanwhile. */
  readonly lapsed?: number;
  /** REDEEMED only: APPLIED until reversed. */
  readonly status?: 'APPLIED' | 'REVERSED';
}

/** Signed effect on the balance. */
export function signedAmount(entry: Pick<LedgerEntry, 'kind' | 'amount'>): number {
  return entry.kind === 'GRANTED' || entry.kind === 'REVERSED' ? entry.amount : -entry.amount;
}
