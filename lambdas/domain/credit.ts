import { CreditError } from './errors';
import { assertCurrency, maxMinorUnits, isMinorUnits } from './money';
import { resolveLocale } from './locale';
import type { ReasonCode } from './reason-code';
import { isSendableAddress, toSendableAddress } from './email-address';
import { ELIGIBLE_CATEGORIES, type EligibleCategory } from './eligibility';

/** Business rules for granting a courtesy credit. Pure: no I/O, time and ids come in as arguments. */

export const DAY_MS = 86_400_000;

export interface GrantPolicy {
  /** Shortest validity the business allows (30 days). */
  readonly minValidityDays: number;
  /** Longest validity the business allows (12 months = 365 days). */
  readonly maxValidityDays: number;
  /** Largest single credit, in whole units of its currency ("absurd" above this). */
  readonly maxMajorUnits: number;
  /** The "about to lapse" email goes out this many days before expiry. */
  readonly reminderDaysBeforeExpiry: number;
}

export const DEFAULT_GRANT_POLICY: GrantPolicy = {
  minValidityDays: 30,
  maxValidityDays: 365,
  maxMajorUnits: 10_000,
  reminderDaysBeforeExpiry: 7,
};

/** What a ComplaintResolved event asks for (already shape-checked by the contract schema). */
export interface GrantRequest {
  readonly complaintId: string;
  readonly customerId: string;
  readonly email: string;
  readonly locale: string;
  readonly amount: number;
  readonly currency: string;
  readonly validityDays: number;
  readonly reason: string;
  readonly reasonCode?: ReasonCode;
  /** Narrows the credit to these purchase categories; absent: every eligible one. */
  readonly categories?: readonly EligibleCategory[];
}

/** A credit as stored. `remaining` only ever goes down by redemption and up by reversal, never above `amount`. */
export interface Credit {
  readonly creditId: string;
  readonly customerId: string;
  readonly complaintId: string;
  readonly currency: string;
  readonly amount: number;
  readonly remaining: number;
  readonly grantedAt: string;
  readonly expiresAt: string;
  readonly reason: string;
  readonly locale: string;
  readonly email: string;
  /** The purchase categories it may pay for; absent (also on credits granted before narrowing existed): every eligible one. */
  readonly categories?: readonly EligibleCategory[];
  /** Set once operations voided it: `remaining` is 0 from then on and nothing is restored into it. */
  readonly voided?: VoidRecord;
  readonly erasedAt?: never;
}

/**
 * A credit after the customer's erasure: amounts, ids and dates kept; address, locale and reason gone. Nothing can
 * be emailed about it any more.
 */
export interface ErasedCredit extends Omit<Credit, 'email' | 'locale' | 'reason' | 'erasedAt'> {
  readonly erasedAt: string;
}

/** A credit as the table holds it. */
export type StoredCredit = Credit | ErasedCredit;

export const isErased = (credit: StoredCredit): credit is ErasedCredit => credit.erasedAt !== undefined;

/** A credit's void: which one, when, how much it removed (its rest, and its part of each active hold), under which caller key. */
export interface VoidRecord {
  readonly voidId: string;
  readonly voidedAt: string;
  /** The credit's unspent rest removed. */
  readonly amount: number;
  readonly voidKey?: string;
  /** What it took out of active holds, per hold (absent: none held any of it). */
  readonly fromHolds?: readonly HeldVoid[];
}

/** The part of one active hold a void took. */
export interface HeldVoid {
  readonly holdId: string;
  readonly orderId: string;
  readonly amount: number;
}

export interface GrantDecision {
  readonly credit: Credit;
  /** When the "about to lapse" email is due; undefined when that moment is not after the grant. */
  readonly remindAt?: Date;
}

/** An address SES v2 can send to (rules in email-address.ts). */
export function isValidEmail(email: string): boolean {
  return isSendableAddress(email);
}

export function assertValidity(validityDays: number, policy: GrantPolicy): void {
  if (!Number.isInteger(validityDays) || validityDays < policy.minValidityDays || validityDays > policy.maxValidityDays) {
    throw new CreditError(
      'VALIDITY_OUT_OF_RANGE',
      `validityDays must be a whole number from ${policy.minValidityDays} to ${policy.maxValidityDays}, got ${validityDays}`,
      { validityDays, min: policy.minValidityDays, max: policy.maxValidityDays },
    );
  }
}

/** A positive whole number of minor units, at most `maxMajorUnits` whole units of the currency. */
export function assertAmount(amount: number, currency: string, maxMajorUnits: number): void {
  assertCurrency(currency);
  const max = maxMinorUnits(currency, maxMajorUnits);
  if (!isMinorUnits(amount) || amount <= 0 || amount > max) {
    throw new CreditError(
      'AMOUNT_OUT_OF_RANGE',
      `amount must be a whole number of ${currency} minor units from 1 to ${max}, got ${amount}`,
      { amount, currency, max },
    );
  }
}

/** Positive whole minor units for a redemption: no upper business cap beyond the safe integer range. */
export function assertPositiveMinorUnits(amount: number, currency: string): void {
  assertCurrency(currency);
  if (!isMinorUnits(amount) || amount <= 0) {
    throw new CreditError('AMOUNT_OUT_OF_RANGE', `amount must be a positive whole number of ${currency} minor units, got ${amount}`, {
      amount,
      currency,
    });
  }
}

export function decideGrant(req: GrantRequest, now: Date, creditId: string, policy: GrantPolicy = DEFAULT_GRANT_POLICY): GrantDecision {
  assertAmount(req.amount, req.currency, policy.maxMajorUnits);
  assertValidity(req.validityDays, policy);
  // Stored and sent in its ASCII form (punycode domain). An address SES cannot send to is refused before anything is
  // written, so the complaint service learns it at once and no credit exists that nobody can be told about.
  const email = toSendableAddress(req.email);
  if (email === undefined) {
    throw new CreditError('INVALID_EMAIL', 'email is not a valid address: SES cannot send to it'); // never echo the address
  }
  const { credit: terms, remindAt } = creditTerms(req, now, creditId, policy);
  const credit: Credit = { ...terms, reason: req.reason, locale: resolveLocale(req.locale).tag, email };
  return { credit, remindAt };
}

/**
 * A credit's money terms and dates (no address, locale or reason) and when to remind, amount and validity checked:
 * a direct grant adds the customer's data (decideGrant); an approved grant whose customer was erased stays without.
 */
export function creditTerms(
  req: Pick<GrantRequest, 'customerId' | 'complaintId' | 'currency' | 'amount' | 'validityDays' | 'categories'>,
  now: Date,
  creditId: string,
  policy: GrantPolicy,
): { credit: Omit<Credit, 'email' | 'locale' | 'reason' | 'erasedAt'>; remindAt?: Date } {
  assertAmount(req.amount, req.currency, policy.maxMajorUnits);
  assertValidity(req.validityDays, policy);
  const expiresAt = new Date(now.getTime() + req.validityDays * DAY_MS);
  const remindAtMs = expiresAt.getTime() - policy.reminderDaysBeforeExpiry * DAY_MS;
  const credit = {
    creditId,
    customerId: req.customerId,
    complaintId: req.complaintId,
    currency: req.currency,
    amount: req.amount,
    remaining: req.amount,
    grantedAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    ...(req.categories ? { categories: canonicalCategories(req.categories) } : {}),
  };
  return { credit, remindAt: remindAtMs > now.getTime() ? new Date(remindAtMs) : undefined };
}

/** Each category once, in the order of the one definition: the same narrowing is stored (and fingerprinted) the same way. */
export function canonicalCategories(categories: readonly EligibleCategory[]): EligibleCategory[] {
  return ELIGIBLE_CATEGORIES.filter((c) => categories.includes(c));
}

/** True while the credit can still be spent: not expired (even if TTL has not deleted it yet) and not used up. */
export function isSpendable(credit: Pick<Credit, 'remaining' | 'expiresAt'>, now: Date): boolean {
  return credit.remaining > 0 && Date.parse(credit.expiresAt) > now.getTime();
}

/** A reminder is only worth sending for a credit that still has money on it and has not lapsed. */
export function shouldRemind(credit: Pick<Credit, 'remaining' | 'expiresAt'> | undefined, now: Date): boolean {
  return credit !== undefined && isSpendable(credit, now);
}
