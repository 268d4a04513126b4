import { isSpendable } from './credit';

/** How a redemption is spread over a customer's credits. Pure. */

export interface SpendableCredit {
  readonly creditId: string;
  readonly currency: string;
  readonly remaining: number;
  readonly expiresAt: string;
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
}

/** Order in which credits are spent: soonest expiry first, then oldest grant (ULIDs sort by time). */
export function spendOrder(a: SpendableCredit, b: SpendableCredit): number {
  const byExpiry = Date.parse(a.expiresAt) - Date.parse(b.expiresAt);
  if (byExpiry !== 0) return byExpiry;
  return a.creditId < b.creditId ? -1 : a.creditId > b.creditId ? 1 : 0;
}

/**
 * Take up to `amount` from the spendable credits of `currency`, soonest-expiring first, partially from the last one.
 * Never takes more than a credit's remaining amount, never more than asked, and touches at most `maxCredits` credits
 * (a DynamoDB transaction holds 100 items); what does not fit stays unapplied.
 */
export function allocate(
  credits: readonly SpendableCredit[],
  amount: number,
  currency: string,
  now: Date,
  maxCredits = Number.POSITIVE_INFINITY,
): AllocationPlan {
  const spendable = credits.filter((c) => c.currency === currency && isSpendable(c, now)).sort(spendOrder);
  const availableBefore = spendable.reduce((sum, c) => sum + c.remaining, 0);
  const allocations: Allocation[] = [];
  let open = amount;
  for (const credit of spendable) {
    if (open <= 0 || allocations.length >= maxCredits) break;
    const take = Math.min(open, credit.remaining);
    allocations.push({ creditId: credit.creditId, amount: take, expiresAt: credit.expiresAt });
    open -= take;
  }
  return { allocations, applied: amount - open, availableBefore };
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
