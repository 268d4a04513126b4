import type { ExpiredEntry, GrantedEntry, RedeemedEntry, ReversedEntry, VoidedEntry } from './credit-entries';
import type { PaymentFlowEntry } from './payment-entries';

/**
 * The ledger is the customer's history: one append-only entry per money movement, one shape per kind.
 * Amounts are positive; `kind` says which way the money moved. The entries and their constructors: credit-entries.ts
 * (a credit's own life, direct redemptions) and payment-entries.ts (the payment flow, issue 10).
 */
export const LEDGER_KINDS = [
  'GRANTED',
  'REDEEMED',
  'REVERSED',
  'EXPIRED',
  'VOIDED',
  // the payment flow (issue 10)
  'HELD',
  'CAPTURED',
  'RELEASED',
  'REFUNDED',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export type LedgerEntry = GrantedEntry | RedeemedEntry | ReversedEntry | ExpiredEntry | VoidedEntry | PaymentFlowEntry;

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
