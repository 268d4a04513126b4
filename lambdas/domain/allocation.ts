import { isSpendable } from './credit';
import { maxCover, type CoverLine } from './cover';
import type { EligibleCategory, LineApplication, PurchaseLine } from './eligibility';

/** How a spend (redemption or hold) is spread over a customer's credits and a purchase's lines. Pure. */

export interface SpendableCredit {
  readonly creditId: string;
  readonly currency: string;
  readonly remaining: number;
  readonly expiresAt: string;
  /** The purchase categories the credit is narrowed to; undefined: every eligible one. */
  readonly categories?: readonly EligibleCategory[];
}

export interface Allocation {
  readonly creditId: string;
  readonly amount: number;
  /** The credit's expiry: with the id it locates the credit again (e.g. for a reversal). */
  readonly expiresAt: string;
}

export interface AllocationPlan {
  readonly allocations: Allocation[];
  readonly applied: number;
  /** Spendable balance in the currency before this redemption. */
  readonly availableBefore: number;
  /** Per purchase line, what credit paid of it (only when the request named its lines). */
  readonly lines?: LineApplication[];
}

/** Order in which credits are spent: soonest expiry first, then oldest grant (ULIDs sort by time). */
export function spendOrder(a: Pick<SpendableCredit, 'creditId' | 'expiresAt'>, b: Pick<SpendableCredit, 'creditId' | 'expiresAt'>): number {
  const byExpiry = Date.parse(a.expiresAt) - Date.parse(b.expiresAt);
  if (byExpiry !== 0) return byExpiry;
  return a.creditId < b.creditId ? -1 : a.creditId > b.creditId ? 1 : 0;
}

/**
 * Take up to `amount` from the spendable credits of `currency`. Without `lines`, soonest-expiring first, partially
 * from the last one. With `lines`, only credits that may pay for a line's category pay for it, and the most the
 * credits can cover across the lines is applied; among allocations applying that most, soonest-expiring credits are
 * used first (see cover.ts). Never takes more than a credit's remaining amount, never more than asked, and touches at
 * most `maxCredits` credits (a DynamoDB transaction holds 100 items); what does not fit stays unapplied.
 */
export function allocate(
  credits: readonly SpendableCredit[],
  amount: number,
  currency: string,
  now: Date,
  maxCredits = Number.POSITIVE_INFINITY,
  lines?: readonly PurchaseLine[],
): AllocationPlan {
  const spendable = credits.filter((c) => c.currency === currency && isSpendable(c, now)).sort(spendOrder);
  const availableBefore = spendable.reduce((sum, c) => sum + c.remaining, 0);
  const coverLines: readonly CoverLine[] = lines ?? [{ amount }];
  const cover = maxCover(spendable, coverLines, amount, maxCredits);
  const allocations: Allocation[] = [];
  spendable.forEach((credit, i) => {
    const take = cover.perCredit[i]!;
    if (take > 0) allocations.push({ creditId: credit.creditId, amount: take, expiresAt: credit.expiresAt });
  });
  return {
    allocations,
    applied: cover.total,
    availableBefore,
    ...(lines ? { lines: lines.map((l, j) => ({ ...l, applied: cover.perLine[j]! })) } : {}),
  };
}

/** Spendable balance per currency; expired and used-up credits never count. */
export function balances(credits: readonly SpendableCredit[], now: Date): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of credits) {
    if (!isSpendable(c, now)) continue;
    out[c.currency] = (out[c.currency] ?? 0) + c.remaining;
  }
  return out;
}
