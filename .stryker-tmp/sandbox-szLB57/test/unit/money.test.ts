// @ts-nocheck
import fc from 'fast-check';
import {
  assertCurrency,
  formatMoney,
  isIso4217,
  isMinorUnits,
  maxMinorUnits,
  minorUnitDigits,
  sumAmounts,
  toDecimalString,
} from '../../lambdas/domain/money';
import { CreditError, type ErrorCode } from '../../lambdas/domain/errors';

const NBSP = '\u00a0';

function errorCode(fn: () => unknown): ErrorCode | 'NO_ERROR' | 'NOT_A_CREDIT_ERROR' {
  try {
    fn();
    return 'NO_ERROR';
  } catch (e) {
    return e instanceof CreditError ? e.code : 'NOT_A_CREDIT_ERROR';
  }
}

describe('minorUnitDigits', () => {
  it.each([
    ['EUR', 2],
    ['USD', 2],
    ['CHF', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['KWD', 3],
    ['BHD', 3],
  ])('%s has %i minor digits', (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });

  it.each(['eur', 'EURO', 'XYZ', '', 'E1R', '€'])('rejects %j with UNSUPPORTED_CURRENCY', (code) => {
    expect(errorCode(() => minorUnitDigits(code))).toBe('UNSUPPORTED_CURRENCY');
  });

  it('gives the same answer from the cache', () => {
    expect(minorUnitDigits('KWD')).toBe(3);
    expect(minorUnitDigits('KWD')).toBe(3);
  });
});

describe('currency codes', () => {
  it('isIso4217 accepts upper-case ISO codes only', () => {
    expect(isIso4217('EUR')).toBe(true);
    expect(isIso4217('eur')).toBe(false);
    expect(isIso4217('ABC')).toBe(false);
  });

  it('assertCurrency names the code in the error details', () => {
    try {
      assertCurrency('ABC');
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(CreditError);
      expect((e as CreditError).code).toBe('UNSUPPORTED_CURRENCY');
      expect((e as CreditError).retryable).toBe(false);
      expect((e as CreditError).details).toEqual({ currency: 'ABC' });
    }
  });
});

describe('isMinorUnits', () => {
  it.each([0, 1, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])('%p is a whole number of minor units', (n) => {
    expect(isMinorUnits(n)).toBe(true);
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1, '100', null, undefined])('%p is not', (n) => {
    expect(isMinorUnits(n)).toBe(false);
  });
});

describe('toDecimalString', () => {
  it.each([
    [1234, 'EUR', '12.34'],
    [5, 'EUR', '0.05'],
    [0, 'EUR', '0.00'],
    [100, 'EUR', '1.00'],
    [-1234, 'EUR', '-12.34'],
    [-5, 'EUR', '-0.05'],
    [1500, 'JPY', '1500'],
    [-7, 'JPY', '-7'],
    [1234, 'KWD', '1.234'],
    [5, 'KWD', '0.005'],
    [-1, 'KWD', '-0.001'],
    [Number.MAX_SAFE_INTEGER, 'EUR', '90071992547409.91'],
    [Number.MIN_SAFE_INTEGER, 'EUR', '-90071992547409.91'],
    [Number.MAX_SAFE_INTEGER, 'JPY', '9007199254740991'],
    [Number.MAX_SAFE_INTEGER, 'KWD', '9007199254740.991'],
  ])('%p %s -> %s', (amount, currency, expected) => {
    expect(toDecimalString({ amount, currency })).toBe(expected);
  });

  it('-0 has no sign', () => {
    expect(toDecimalString({ amount: -0, currency: 'EUR' })).toBe('0.00');
  });

  it('round-trips exactly for every safe integer (property)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.constantFrom('EUR', 'JPY', 'KWD'), (amount, currency) => {
        const s = toDecimalString({ amount, currency });
        expect(BigInt(s.replace('.', ''))).toBe(BigInt(amount));
        const digits = minorUnitDigits(currency);
        expect(s.includes('.') ? s.split('.')[1]!.length : 0).toBe(digits);
      }),
    );
  });

  it.each([1.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2])(
    'refuses %p with AMOUNT_OUT_OF_RANGE instead of producing garbage',
    (amount) => {
      expect(errorCode(() => toDecimalString({ amount, currency: 'EUR' }))).toBe('AMOUNT_OUT_OF_RANGE');
    },
  );

  it('an unknown currency is UNSUPPORTED_CURRENCY', () => {
    expect(errorCode(() => toDecimalString({ amount: 1, currency: 'XYZ' }))).toBe('UNSUPPORTED_CURRENCY');
  });
});

describe('maxMinorUnits', () => {
  it('scales the whole-unit maximum by the currency digits', () => {
    expect(maxMinorUnits('EUR', 10_000)).toBe(1_000_000);
    expect(maxMinorUnits('JPY', 10_000)).toBe(10_000);
    expect(maxMinorUnits('KWD', 10_000)).toBe(10_000_000);
  });
});

describe('formatMoney', () => {
  it.each([
    [2500, 'EUR', 'de-DE', `25,00${NBSP}€`],
    [2500, 'EUR', 'en', '€25.00'],
    [1234, 'EUR', 'de-AT', `€${NBSP}12,34`],
    [123456, 'EUR', 'de-DE', `1.234,56${NBSP}€`],
    [123456, 'EUR', 'en', '€1,234.56'],
    [150000, 'JPY', 'de-DE', `150.000${NBSP}¥`],
    [150000, 'JPY', 'en', '¥150,000'],
    [1234, 'KWD', 'de-DE', `1,234${NBSP}KWD`],
    [1234, 'KWD', 'en', `KWD${NBSP}1.234`],
    [-1234, 'EUR', 'en', '-€12.34'],
    [5, 'EUR', 'en', '€0.05'],
  ])('%p %s in %s -> %j', (amount, currency, locale, expected) => {
    expect(formatMoney({ amount, currency }, locale)).toBe(expected);
  });

  it('is exact for the largest safe integer (no float rounding)', () => {
    expect(formatMoney({ amount: Number.MAX_SAFE_INTEGER, currency: 'EUR' }, 'en')).toBe('€90,071,992,547,409.91');
    expect(formatMoney({ amount: Number.MAX_SAFE_INTEGER, currency: 'KWD' }, 'en')).toBe(`KWD${NBSP}9,007,199,254,740.991`);
  });

  it('refuses a fractional amount rather than printing NaN', () => {
    expect(errorCode(() => formatMoney({ amount: 12.5, currency: 'EUR' }, 'en'))).toBe('AMOUNT_OUT_OF_RANGE');
  });

  it('an unknown currency is UNSUPPORTED_CURRENCY', () => {
    expect(errorCode(() => formatMoney({ amount: 100, currency: 'ZZZ' }, 'en'))).toBe('UNSUPPORTED_CURRENCY');
  });
});

describe('sumAmounts', () => {
  it('adds whole numbers', () => {
    expect(sumAmounts([])).toBe(0);
    expect(sumAmounts([1, 2, 3])).toBe(6);
    expect(sumAmounts([500, -200])).toBe(300);
    expect(sumAmounts([Number.MAX_SAFE_INTEGER - 1, 1])).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('overflow past the safe integer range is AMOUNT_OUT_OF_RANGE', () => {
    expect(errorCode(() => sumAmounts([Number.MAX_SAFE_INTEGER, 1]))).toBe('AMOUNT_OUT_OF_RANGE');
    expect(errorCode(() => sumAmounts([Number.MIN_SAFE_INTEGER, -1]))).toBe('AMOUNT_OUT_OF_RANGE');
    expect(errorCode(() => sumAmounts([2 ** 52, 2 ** 52, -(2 ** 52)]))).toBe('AMOUNT_OUT_OF_RANGE');
  });

  it('equals the BigInt sum whenever it does not throw (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeInteger(), { maxLength: 5 }), (amounts) => {
        let ok = true;
        let exact = 0n;
        for (const a of amounts) {
          exact += BigInt(a);
          if (exact > BigInt(Number.MAX_SAFE_INTEGER) || exact < BigInt(Number.MIN_SAFE_INTEGER)) ok = false;
          if (!ok) break;
        }
        if (ok) expect(BigInt(sumAmounts(amounts))).toBe(exact);
        else expect(errorCode(() => sumAmounts(amounts))).toBe('AMOUNT_OUT_OF_RANGE');
      }),
    );
  });
});

describe('ISO 4217 minor units (not ICU display digits)', () => {
  it.each([
    ['HUF', 2],
    ['IDR', 2],
    ['COP', 2],
    ['IQD', 3],
    ['ISK', 0],
    ['JPY', 0],
    ['EUR', 2],
  ])('%s has %i minor-unit digits', (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });

  it('formats HUF minor units with two decimals, exactly', () => {
    expect(toDecimalString({ amount: 123456, currency: 'HUF' })).toBe('1234.56');
  });

  it.each(['XAU', 'XXX', 'XTS', 'XDR'])('%s is not money for a credit', (code) => {
    expect(() => minorUnitDigits(code)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_CURRENCY' }));
  });
});
