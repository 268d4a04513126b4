// @ts-nocheck
import { currencyMinorUnits } from './currencies';
import { CreditError } from './errors';

/** Money is an integer count of the currency's minor units (cents) plus an ISO 4217 code. Never a float. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** An active ISO 4217 currency that can hold money (the explicit list in currencies.ts, not the runtime's Intl). */
export function isIso4217(code: string): boolean {
  return currencyMinorUnits(code) !== undefined;
}

export function assertCurrency(code: string): void {
  if (!isIso4217(code)) {
    throw new CreditError('UNSUPPORTED_CURRENCY', `currency "${code}" is not an ISO 4217 currency in use`, { currency: code });
  }
}

/** Number of minor-unit digits of a currency per ISO 4217 (EUR 2, JPY 0, KWD 3, HUF 2). */
export function minorUnitDigits(currency: string): number {
  const digits = currencyMinorUnits(currency);
  if (digits === undefined) assertCurrency(currency);
  return digits as number;
}

export function isMinorUnits(amount: unknown): amount is number {
  return typeof amount === 'number' && Number.isSafeInteger(amount);
}

/** Exact decimal string for an amount of minor units: (1234, EUR) -> "12.34"; no floating point involved. */
export function toDecimalString(money: Money): string {
  const digits = minorUnitDigits(money.currency);
  if (!isMinorUnits(money.amount)) {
    // String(1.5) or String(NaN) would otherwise be sliced into nonsense such as "1..5" or "N.aN".
    throw new CreditError('AMOUNT_OUT_OF_RANGE', `amount must be a whole number of ${money.currency} minor units, got ${money.amount}`, {
      amount: money.amount,
      currency: money.currency,
    });
  }
  const negative = money.amount < 0;
  const abs = String(Math.abs(money.amount)).padStart(digits + 1, '0');
  const whole = digits === 0 ? abs : abs.slice(0, -digits);
  const fraction = digits === 0 ? '' : `.${abs.slice(-digits)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Largest amount a single grant may carry: `maxMajorUnits` whole units of the currency (10 000 EUR by default). */
export function maxMinorUnits(currency: string, maxMajorUnits: number): number {
  return maxMajorUnits * 10 ** minorUnitDigits(currency);
}

/** Locale-aware money text, e.g. "25,00 €" (de-DE) or "€25.00" (en). Exact: formats the decimal string. */
export function formatMoney(money: Money, locale: string): string {
  const digits = minorUnitDigits(money.currency);
  const nf = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: money.currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // Intl.NumberFormat accepts exact decimal strings (NumberFormat v3); the cast is for older lib typings.
  return nf.format(toDecimalString(money) as unknown as number);
}

export function sumAmounts(amounts: readonly number[]): number {
  let total = 0;
  for (const a of amounts) {
    total += a;
    if (!Number.isSafeInteger(total)) throw new CreditError('AMOUNT_OUT_OF_RANGE', 'sum exceeds the safe integer range');
  }
  return total;
}
