import type { StoredCredit, VoidRecord } from './credit';
import { CreditError } from './errors';
import { voidedEntry, type VoidedEntry } from './ledger';

/**
 * Voiding a credit (made in error, fraud): its whole unspent rest is removed, once. Pure: the use case brings the
 * credit as stored, the time and a new id. A credit voided before is answered with that void (a replay) unless the
 * caller names another void key; a lapsed credit has nothing left to void.
 */
export type VoidDecision =
  | { readonly kind: 'void'; readonly entry: VoidedEntry; readonly record: VoidRecord }
  | { readonly kind: 'replay'; readonly record: VoidRecord };

export function decideVoid(credit: StoredCredit, request: { reason: string; voidKey?: string }, now: Date, voidId: string): VoidDecision {
  if (credit.voided) {
    const earlier = credit.voided;
    if (request.voidKey !== undefined && earlier.voidKey !== undefined && request.voidKey !== earlier.voidKey) {
      throw new CreditError('CREDIT_ALREADY_VOIDED', `credit ${credit.creditId} was voided before under another void key`, {
        creditId: credit.creditId,
        voidId: earlier.voidId,
      });
    }
    return { kind: 'replay', record: earlier };
  }
  if (Date.parse(credit.expiresAt) <= now.getTime()) {
    throw new CreditError('CREDIT_EXPIRED', `credit ${credit.creditId} has lapsed: nothing is left to void`, {
      creditId: credit.creditId,
      expiresAt: credit.expiresAt,
    });
  }
  const at = now.toISOString();
  const entry = voidedEntry(credit, voidId, at, request.reason);
  return {
    kind: 'void',
    entry,
    record: { voidId, voidedAt: at, amount: entry.amount, ...(request.voidKey !== undefined ? { voidKey: request.voidKey } : {}) },
  };
}
