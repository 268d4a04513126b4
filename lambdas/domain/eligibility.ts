import { CreditError } from './errors';
import { isMinorUnits } from './money';

/**
 * What courtesy credit may pay for: the one definition of purchase categories, and of a purchase's lines. Pure.
 * Gift cards, top-ups and anything cash-like are never payable with courtesy credit: it would make the credit
 * transferable and cashable.
 */
export const ELIGIBLE_CATEGORIES = ['PHYSICAL_GOODS', 'DIGITAL_CONTENT', 'MEMBERSHIP_RENEWAL', 'SERVICES'] as const;
export const NEVER_ELIGIBLE_CATEGORIES = ['GIFT_CARD', 'TOP_UP', 'CASH_EQUIVALENT'] as const;
export const PURCHASE_CATEGORIES = [...ELIGIBLE_CATEGORIES, ...NEVER_ELIGIBLE_CATEGORIES] as const;

export type EligibleCategory = (typeof ELIGIBLE_CATEGORIES)[number];
export type PurchaseCategory = (typeof PURCHASE_CATEGORIES)[number];

/** Most lines one spend request may carry. */
export const MAX_PURCHASE_LINES = 50;

export interface PurchaseLine {
  readonly lineId: string;
  readonly category: PurchaseCategory;
  /** The line's price in minor units of the request's currency. */
  readonly amount: number;
}

/** What courtesy credit paid of one line. */
export interface LineApplication extends PurchaseLine {
  readonly applied: number;
}

export function isEligibleCategory(category: string): category is EligibleCategory {
  return (ELIGIBLE_CATEGORIES as readonly string[]).includes(category);
}

/**
 * Whether a credit narrowed to `categories` (undefined: granted before narrowing existed, or not narrowed: every
 * eligible category) may pay for a line of `category`. A never-eligible category is payable by no credit.
 */
export function creditCovers(categories: readonly EligibleCategory[] | undefined, category: PurchaseCategory): boolean {
  if (!isEligibleCategory(category)) return false;
  return categories === undefined || categories.includes(category);
}

/**
 * Whether a credit may pay for a spend line; a line without a category (a request that does not say what it buys)
 * only from a credit not narrowed to categories: a narrowed credit pays for nothing it cannot be shown to cover.
 */
export function creditPaysFor(categories: readonly EligibleCategory[] | undefined, category: PurchaseCategory | undefined): boolean {
  return category === undefined ? categories === undefined : creditCovers(categories, category);
}

/**
 * A purchase's lines: each a positive whole number of minor units, line ids unique; refused with
 * INELIGIBLE_PURCHASE when no line is of an eligible category (nothing courtesy credit could pay for).
 */
export function assertPurchase(lines: readonly PurchaseLine[]): void {
  const seen = new Set<string>();
  for (const line of lines) {
    if (!isMinorUnits(line.amount) || line.amount <= 0) {
      throw new CreditError(
        'AMOUNT_OUT_OF_RANGE',
        `purchase line ${line.lineId}: amount must be a positive whole number of minor units, got ${line.amount}`,
        {
          lineId: line.lineId,
          amount: line.amount,
        },
      );
    }
    if (seen.has(line.lineId)) {
      throw new CreditError('INVALID_INPUT', `invalid input: purchase: line id ${line.lineId} appears twice`, {
        issues: [{ path: 'purchase', problem: `line id ${line.lineId} appears twice` }],
      });
    }
    seen.add(line.lineId);
  }
  if (!lines.some((l) => isEligibleCategory(l.category))) {
    throw new CreditError(
      'INELIGIBLE_PURCHASE',
      `no line of this purchase may be paid with courtesy credit (eligible: ${ELIGIBLE_CATEGORIES.join(', ')})`,
      {
        categories: [...new Set(lines.map((l) => l.category))],
      },
    );
  }
}
