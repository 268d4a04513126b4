import { ACTIVE_CURRENCIES, currencyMinorUnits } from '../../lambdas/domain/currencies';
import { assertCurrency, isIso4217, minorUnitDigits } from '../../lambdas/domain/money';
import type { CreditError } from '../../lambdas/domain/errors';

/** Withdrawn ISO 4217 codes (List Three) and codes without minor units: every one must be refused. */
const WITHDRAWN = [
  'HRK',
  'SLL',
  'CUC',
  'ZWL',
  'ZWD',
  'ZWR',
  'VEF',
  'VEB',
  'MRO',
  'STD',
  'BYR',
  'LTL',
  'LVL',
  'EEK',
  'SKK',
  'CYP',
  'MTL',
  'SIT',
  'DEM',
  'FRF',
  'ITL',
  'ESP',
  'NLG',
  'BEF',
  'ATS',
  'FIM',
  'GRD',
  'IEP',
  'PTE',
  'LUF',
  'TRL',
  'ROL',
  'GHC',
  'ZMK',
  'MZM',
  'SDD',
  'AZM',
  'TMM',
  'CSD',
  'YUM',
  'MGF',
  'ADP',
  'XFO',
  'XFU',
  'ANG',
  'BGN',
];
const NOT_MONEY = ['XAU', 'XAG', 'XPT', 'XPD', 'XDR', 'XSU', 'XUA', 'XBA', 'XBB', 'XBC', 'XBD', 'XTS', 'XXX'];

const refusal = (code: string) => {
  try {
    assertCurrency(code);
    return 'accepted';
  } catch (e) {
    return (e as CreditError).code;
  }
};

describe('ISO 4217: the explicit list of active currencies', () => {
  it.each([...WITHDRAWN, ...NOT_MONEY])('%s is refused with UNSUPPORTED_CURRENCY', (code) => {
    expect(isIso4217(code)).toBe(false);
    expect(refusal(code)).toBe('UNSUPPORTED_CURRENCY');
  });

  it.each([
    ['SLE', 2],
    ['VES', 2],
    ['VED', 2],
    ['MRU', 2],
    ['STN', 2],
    ['BYN', 2],
    ['ZWG', 2],
    ['XCG', 2],
    ['EUR', 2],
    ['CLF', 4],
    ['UYW', 4],
    ['ISK', 0],
    ['JPY', 0],
    ['KRW', 0],
    ['UYI', 0],
    ['VND', 0],
    ['XAF', 0],
    ['XOF', 0],
    ['XPF', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['TND', 3],
    ['LYD', 3],
    ['OMR', 3],
    ['JOD', 3],
    ['IQD', 3],
    ['HUF', 2],
    ['IDR', 2],
    ['COP', 2],
    ['MGA', 2],
  ] as const)('%s is active with %i minor-unit digits', (code, digits) => {
    expect(isIso4217(code)).toBe(true);
    expect(minorUnitDigits(code)).toBe(digits);
  });

  it('gives every listed code explicit minor units of 0, 2, 3 or 4, and lists no code twice', () => {
    expect(ACTIVE_CURRENCIES.size).toBe(164); // 138 with 2 digits, 17 with 0, 7 with 3, 2 with 4: a duplicate would shrink the map;
    for (const [code, digits] of ACTIVE_CURRENCIES) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3, 4]).toContain(digits);
      expect(currencyMinorUnits(code)).toBe(digits);
    }
  });

  it('does not depend on the running Node version: Intl is not consulted', () => {
    const original = Intl.supportedValuesOf;
    (Intl as { supportedValuesOf: unknown }).supportedValuesOf = () => ['HRK'];
    try {
      expect(isIso4217('EUR')).toBe(true);
      expect(isIso4217('HRK')).toBe(false);
    } finally {
      (Intl as { supportedValuesOf: unknown }).supportedValuesOf = original;
    }
  });
});
