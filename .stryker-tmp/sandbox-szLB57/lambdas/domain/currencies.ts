/**
 * The explicit list of ACTIVE ISO 4217 currencies with their minor units (ISO 4217 List One, amendments up to 2026).
 * One source of truth for which codes the service accepts and how many minor-unit digits each has, the same on every
 * Node version (Intl's list differs between ICU releases and still contains withdrawn codes such as HRK or SLL).
 *
 * Not listed, hence refused: withdrawn codes (List Three, e.g. HRK, SLL, CUC, ZWL, VEF, MRO, STD, BYR, LTL, LVL, EEK,
 * ANG → XCG, BGN → EUR since 2026) and the codes ISO lists without minor units (gold, silver, SDR, fund units such as
 * XAU, XDR, XSU, XUA, the testing code XTS and "no currency" XXX): none of them is money a courtesy credit can hold.
 */
// @ts-nocheck

export type MinorUnits = 0 | 2 | 3 | 4;

const TWO = [
  'AED', 'AFN', 'ALL', 'AMD', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BMD', 'BND', 'BOB', 'BOV',
  'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHE', 'CHF', 'CHW', 'CNY', 'COP', 'COU', 'CRC', 'CUP',
  'CVE', 'CZK', 'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD',
  'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IRR', 'JMD', 'KES', 'KGS', 'KHR', 'KPW', 'KYD',
  'KZT', 'LAK', 'LBP', 'LKR', 'LRD', 'LSL', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR',
  'MWK', 'MXN', 'MXV', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR',
  'PLN', 'QAR', 'RON', 'RSD', 'RUB', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SOS', 'SRD', 'SSP',
  'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'USD', 'USN', 'UYU',
  'UZS', 'VED', 'VES', 'WST', 'XCD', 'XCG', 'YER', 'ZAR', 'ZMW', 'ZWG',
] as const;
const ZERO = ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'] as const;
const THREE = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'] as const;
const FOUR = ['CLF', 'UYW'] as const;

/** Active ISO 4217 code → number of minor-unit digits. */
export const ACTIVE_CURRENCIES: ReadonlyMap<string, MinorUnits> = new Map<string, MinorUnits>([
  ...TWO.map((c) => [c, 2] as const),
  ...ZERO.map((c) => [c, 0] as const),
  ...THREE.map((c) => [c, 3] as const),
  ...FOUR.map((c) => [c, 4] as const),
]);

/** Minor-unit digits of an active ISO 4217 currency; undefined for anything else (withdrawn, unknown, not money). */
export function currencyMinorUnits(code: string): MinorUnits | undefined {
  return ACTIVE_CURRENCIES.get(code);
}
