import type { HeldVoid, StoredCredit, VoidRecord } from './credit';
import { CreditError } from './errors';
import { holdState, type Hold } from './hold';
import { releasedEntry, type ReleasedEntry } from './payment-entries';
import { voidedEntry, type VoidedEntry } from './credit-entries';

/**
 * Voiding a credit (made in error, fraud): its whole unspent rest is removed, once — what is left on it and its part
 * of every ACTIVE hold (the hold shrinks by it; a RELEASED entry with reason VOIDED says so, all of it lapsed, and a
 * later capture of more than the hold still holds is CAPTURE_EXCEEDS_HOLD). Captured money is spent and stays.
 * Pure: the use case brings the credit and the customer's holds as stored, the time and new ids. A credit voided
 * before is answered with that void (a replay) unless the caller names another void key; a lapsed credit has
 * nothing left to void.
 */

/** One active hold a void takes the credit's part out of: the hold as read, as it becomes, and the entry saying so. */
export interface HoldShrink {
  readonly before: Hold;
  readonly after: Hold;
  readonly entry: ReleasedEntry;
}

export type VoidDecision =
  | { readonly kind: 'void'; readonly entry: VoidedEntry; readonly record: VoidRecord; readonly holds: readonly HoldShrink[] }
  | { readonly kind: 'replay'; readonly record: VoidRecord };

export function decideVoid(
  credit: StoredCredit,
  request: { reason: string; voidKey?: string },
  now: Date,
  voidId: string,
  active: { readonly holds: readonly Hold[]; readonly newId: () => string } = { holds: [], newId: () => voidId },
): VoidDecision {
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
  const shrinks = active.holds.flatMap((hold) => shrinkHold(hold, credit.creditId, now, active.newId));
  const fromHolds: HeldVoid[] = shrinks.map((s) => ({ holdId: s.before.holdId, orderId: s.before.orderId, amount: s.entry.lapsed }));
  return {
    kind: 'void',
    entry,
    record: {
      voidId,
      voidedAt: at,
      amount: entry.amount,
      ...(request.voidKey !== undefined ? { voidKey: request.voidKey } : {}),
      ...(fromHolds.length > 0 ? { fromHolds } : {}),
    },
    holds: shrinks,
  };
}

/** The credit's part of an ACTIVE hold taken out (none if the hold holds none of it, or is not ACTIVE). */
function shrinkHold(hold: Hold, creditId: string, now: Date, newId: () => string): HoldShrink[] {
  const held = hold.allocations.find((a) => a.creditId === creditId)?.held ?? 0;
  if (held === 0 || holdState(hold, now) !== 'ACTIVE') return [];
  const after: Hold = {
    ...hold,
    allocations: hold.allocations.map((a) => (a.creditId === creditId ? { ...a, held: 0 } : a)),
    version: hold.version + 1,
  };
  const entry = releasedEntry({ releaseId: newId(), hold, reason: 'VOIDED', restored: [], lapsed: held, at: now.toISOString() });
  return [{ before: hold, after, entry }];
}
