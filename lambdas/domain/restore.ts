import type { Allocation } from './allocation';
import { CreditError } from './errors';
import { isMinorUnits } from './money';

/**
 * Money going back onto the credits it came from (a release, a refund, a reversal). Pure. A credit that has expired,
 * was voided (or is gone) is never revived: its part lapses. A credit never goes above its granted amount.
 */

/** A stored credit as a restoration needs it. */
export interface StoredCredit {
  readonly creditId: string;
  readonly amount: number;
  readonly expiresAt: string;
  /** Set once operations voided it: nothing is restored into it. */
  readonly voided?: unknown;
}

export type Restoration = Allocation & { readonly maxRemainingBefore: number };

export interface RestorePlan {
  readonly restore: Restoration[];
  /** The part whose credit has expired, was voided (or is gone). */
  readonly lapsed: number;
}

export function isLive(credit: StoredCredit | undefined, now: Date): credit is StoredCredit {
  return credit !== undefined && !credit.voided && Date.parse(credit.expiresAt) > now.getTime();
}

/** Put `back` onto its credits: the live ones get it (not above their amount), the rest lapses. */
export function planRestore(back: readonly Allocation[], stored: ReadonlyMap<string, StoredCredit>, now: Date): RestorePlan {
  const restore: Restoration[] = [];
  let lapsed = 0;
  for (const a of back) {
    const credit = stored.get(a.creditId);
    if (isLive(credit, now)) restore.push({ ...a, maxRemainingBefore: credit.amount - a.amount });
    else lapsed += a.amount;
  }
  return { restore, lapsed };
}

/** How much of a redemption or capture has been refunded so far, per credit. */
export interface RefundProgress {
  readonly refunded: number;
  readonly refundedAllocations: readonly Allocation[];
}

export const NOTHING_REFUNDED: RefundProgress = { refunded: 0, refundedAllocations: [] };

/** Per credit, what of `taken` has not been refunded yet. */
export function unrefunded(taken: readonly Allocation[], progress: RefundProgress): Allocation[] {
  const done = new Map(progress.refundedAllocations.map((a) => [a.creditId, a.amount]));
  return taken.map((a) => ({ ...a, amount: a.amount - (done.get(a.creditId) ?? 0) })).filter((a) => a.amount > 0);
}

/**
 * A refund of `amount` of what was taken (`taken`, less earlier refunds): at most what is left
 * (REFUND_EXCEEDS_CAPTURED), back to the credits with the longest remaining validity first; expired ones last.
 * Answers what goes back per credit and the refund progress after it.
 */
export function planRefund(
  taken: readonly Allocation[],
  progress: RefundProgress,
  amount: number,
  currency: string,
  targetId: string,
): { back: Allocation[]; after: RefundProgress } {
  if (!isMinorUnits(amount) || amount <= 0) {
    throw new CreditError('AMOUNT_OUT_OF_RANGE', `amount must be a positive whole number of ${currency} minor units, got ${amount}`, {
      amount,
      currency,
    });
  }
  const open = unrefunded(taken, progress);
  const left = open.reduce((sum, a) => sum + a.amount, 0);
  if (amount > left) {
    throw new CreditError('REFUND_EXCEEDS_CAPTURED', `only ${left} of ${targetId} is left to refund, less than the ${amount} asked for`, {
      refundOf: targetId,
      left,
      requested: amount,
    });
  }
  // Longest remaining validity first: latest expiry first, then the later credit id.
  const order = [...open].sort((a, b) => Date.parse(b.expiresAt) - Date.parse(a.expiresAt) || (a.creditId < b.creditId ? 1 : -1));
  const back: Allocation[] = [];
  let rest = amount;
  for (const a of order) {
    if (rest === 0) break;
    const give = Math.min(rest, a.amount);
    back.push({ creditId: a.creditId, amount: give, expiresAt: a.expiresAt });
    rest -= give;
  }
  const done = new Map(progress.refundedAllocations.map((a) => [a.creditId, a]));
  for (const b of back) {
    const before = done.get(b.creditId);
    done.set(b.creditId, { ...b, amount: (before?.amount ?? 0) + b.amount });
  }
  return { back, after: { refunded: progress.refunded + amount, refundedAllocations: [...done.values()] } };
}
