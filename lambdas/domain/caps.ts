import { DAY_MS } from './credit';
import { readJsonObjectSetting } from './json-setting';
import { maxMinorUnits } from './money';

/**
 * Issuance caps: how much a customer may receive and how much one issuer may hand out. Pure: the usage so far
 * comes in as per-day buckets (UTC days), the decision and the buckets to store come out. The store writes the new
 * buckets in the grant's own transaction, conditioned on the version it read, so two concurrent grants for one
 * customer cannot both pass on the same usage (one commits, the other re-reads and is checked again).
 */

export interface CapPolicy {
  /** Most a customer may receive per currency in any 30 consecutive days, in whole units of that currency. */
  readonly customerAmount30dMajorUnits: number;
  /** The same over 365 days. */
  readonly customerAmount365dMajorUnits: number;
  /** Most grants a customer may receive (all currencies) in any 30 consecutive days. */
  readonly customerGrants30d: number;
  /** The same over 365 days. */
  readonly customerGrants365d: number;
  /** Most one issuer (`issuedBy`) may grant per currency in one UTC day, in whole units of that currency. */
  readonly issuerAmountPerDayMajorUnits: number;
}

/** The one definition of the defaults (infra/config.ts and lambdas/shared/config.ts fall back to these). */
export const DEFAULT_CAP_POLICY: CapPolicy = {
  customerAmount30dMajorUnits: 20_000,
  customerAmount365dMajorUnits: 50_000,
  customerGrants30d: 10,
  customerGrants365d: 50,
  issuerAmountPerDayMajorUnits: 100_000,
};

/** The settings' names, in a fixed order (configuration and its checks iterate over them). */
export const CAP_SETTINGS = [
  'customerAmount30dMajorUnits',
  'customerAmount365dMajorUnits',
  'customerGrants30d',
  'customerGrants365d',
  'issuerAmountPerDayMajorUnits',
] as const satisfies ReadonlyArray<keyof CapPolicy>;

/** Every cap setting is a whole number from 1 to this (a billion whole units is "no cap" in practice). */
export const MAX_CAP_SETTING = 1_000_000_000;

/**
 * A cap policy from untrusted JSON (a CDK context value or an environment variable): the defaults overridden by the
 * settings given. Returns the problems instead when a setting is unknown or not a whole number from 1 to MAX_CAP_SETTING.
 */
export function parseCapPolicy(raw: unknown): { policy: CapPolicy } | { problems: string[] } {
  const setting = readJsonObjectSetting(raw, 'cap settings');
  if (setting.kind === 'absent') return { policy: DEFAULT_CAP_POLICY };
  if (setting.kind === 'invalid') return { problems: [setting.problem] };
  const problems: string[] = [];
  const policy: Record<string, number> = { ...DEFAULT_CAP_POLICY };
  for (const [key, v] of setting.entries) {
    if (!(CAP_SETTINGS as readonly string[]).includes(key)) problems.push(`${key}: unknown cap (known: ${CAP_SETTINGS.join(', ')})`);
    else if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_CAP_SETTING)
      problems.push(`${key}: must be a whole number from 1 to ${MAX_CAP_SETTING}`);
    else policy[key] = v;
  }
  return problems.length > 0 ? { problems } : { policy: policy as unknown as CapPolicy };
}

/** Stable names of the caps (`details.cap` of GRANT_CAP_EXCEEDED and `cap` of the GrantRefused event). */
export const CAPS = [
  'CUSTOMER_AMOUNT_30D',
  'CUSTOMER_AMOUNT_365D',
  'CUSTOMER_COUNT_30D',
  'CUSTOMER_COUNT_365D',
  'ISSUER_AMOUNT_1D',
] as const;
export type Cap = (typeof CAPS)[number];

/** Grants of one UTC day: how many, and how much per currency (minor units). */
export interface DayUsage {
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly count: number;
  readonly amounts: Readonly<Record<string, number>>;
}

/** A customer's grants per day over the last 365 days, oldest first. */
export type CustomerUsage = readonly DayUsage[];

/** Longest window: older days are dropped from the stored buckets. */
export const USAGE_WINDOW_DAYS = 365;

export type CapDecision =
  | { readonly kind: 'allowed'; readonly customer: CustomerUsage }
  | { readonly kind: 'refused'; readonly cap: Cap; readonly limit: number; readonly used: number };

/** The UTC day of an instant, YYYY-MM-DD. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** The first day of the window of `days` days ending with (and including) `today`. */
export function windowStart(today: string, days: number): string {
  return utcDay(new Date(Date.parse(`${today}T00:00:00.000Z`) - (days - 1) * DAY_MS));
}

export interface CapRequest {
  readonly amount: number;
  readonly currency: string;
  readonly now: Date;
  readonly customer: CustomerUsage;
}

/**
 * Check the customer's caps in a fixed order (the first one exceeded is named) and, if all pass, the buckets to
 * store. The issuer's cap (ISSUER_AMOUNT_1D) is checked after them, over its shards (domain/issuer-day.ts).
 */
export function decideCaps(req: CapRequest, policy: CapPolicy = DEFAULT_CAP_POLICY): CapDecision {
  const today = utcDay(req.now);
  const { amount, currency } = req;
  const since = (days: number) => req.customer.filter((d) => d.day >= windowStart(today, days));
  const amountIn = (days: readonly DayUsage[]) => days.reduce((sum, d) => sum + (d.amounts[currency] ?? 0), 0);
  const countIn = (days: readonly DayUsage[]) => days.reduce((sum, d) => sum + d.count, 0);
  const last30 = since(30);
  const last365 = since(USAGE_WINDOW_DAYS);
  const checks: Array<[Cap, number, number, number]> = [
    ['CUSTOMER_AMOUNT_30D', maxMinorUnits(currency, policy.customerAmount30dMajorUnits), amountIn(last30), amount],
    ['CUSTOMER_AMOUNT_365D', maxMinorUnits(currency, policy.customerAmount365dMajorUnits), amountIn(last365), amount],
    ['CUSTOMER_COUNT_30D', policy.customerGrants30d, countIn(last30), 1],
    ['CUSTOMER_COUNT_365D', policy.customerGrants365d, countIn(last365), 1],
  ];
  for (const [cap, limit, used, adding] of checks) {
    if (used + adding > limit) return { kind: 'refused', cap, limit, used };
  }
  return { kind: 'allowed', customer: addToDay(last365, today, currency, amount) };
}

/** Today's bucket (created if `current` is undefined) with one more grant of `amount` in `currency`. */
function addToBucket(current: DayUsage | undefined, today: string, currency: string, amount: number): DayUsage {
  return {
    day: today,
    count: (current?.count ?? 0) + 1,
    amounts: { ...current?.amounts, [currency]: (current?.amounts[currency] ?? 0) + amount },
  };
}

/** `days` with one more grant of `amount` in `currency` on `today` (its bucket created if needed), oldest first. */
function addToDay(days: readonly DayUsage[], today: string, currency: string, amount: number): DayUsage[] {
  const updated = addToBucket(
    days.find((d) => d.day === today),
    today,
    currency,
    amount,
  );
  return [...days.filter((d) => d.day !== today), updated].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** A grant refused by a cap: stored under the complaint's key (one outcome per complaint) and published as GrantRefused. */
export interface GrantRefusal {
  readonly complaintId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly amount: number;
  readonly cap: Cap;
  readonly limit: number;
  readonly used: number;
  readonly refusedAt: string;
  readonly issuedBy?: string;
}

/**
 * A grant that never became a credit (a pending grant declined or expired) gives its room back: one grant and its
 * amount off the bucket of the day it was requested on. A bucket already out of the window (or gone) has nothing
 * to give back; a bucket never goes below zero.
 */
function releaseFromBucket(bucket: DayUsage, currency: string, amount: number): DayUsage {
  return {
    day: bucket.day,
    count: Math.max(0, bucket.count - 1),
    amounts: { ...bucket.amounts, [currency]: Math.max(0, (bucket.amounts[currency] ?? 0) - amount) },
  };
}

/** `days` with one grant of `amount` in `currency` given back on `day` (unchanged if that day has no bucket). */
export function releaseFromUsage(days: CustomerUsage, day: string, currency: string, amount: number): CustomerUsage {
  return days.map((d) => (d.day === day ? releaseFromBucket(d, currency, amount) : d));
}
