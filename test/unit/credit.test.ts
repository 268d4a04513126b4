import fc from 'fast-check';
import {
  DAY_MS,
  DEFAULT_GRANT_POLICY,
  assertPositiveMinorUnits,
  decideGrant,
  isSpendable,
  isValidEmail,
  shouldRemind,
  type GrantRequest,
} from '../../lambdas/domain/credit';
import { thrownCreditError as thrown } from '../support/credit-errors';

const NOW = new Date('2026-03-01T09:15:30.123Z');
const EMAIL = 'kunde.mueller@example.de';

function request(overrides: Partial<GrantRequest> = {}): GrantRequest {
  return {
    complaintId: 'C-1001',
    customerId: 'cust-42',
    email: EMAIL,
    locale: 'de-DE',
    amount: 2500,
    currency: 'EUR',
    validityDays: 90,
    reason: 'Lieferung verspätet',
    ...overrides,
  };
}

describe('decideGrant: validity', () => {
  it.each([30, 31, 90, 364, 365])('%i days is accepted', (validityDays) => {
    expect(() => decideGrant(request({ validityDays }), NOW, 'cr-1')).not.toThrow();
  });

  it.each([29, 0, -30, 366, 730, 30.5, 364.9, Number.NaN, Number.POSITIVE_INFINITY])('%p days is VALIDITY_OUT_OF_RANGE', (validityDays) => {
    const e = thrown(() => decideGrant(request({ validityDays }), NOW, 'cr-1'));
    expect(e.code).toBe('VALIDITY_OUT_OF_RANGE');
    expect(e.retryable).toBe(false);
    expect(e.details).toMatchObject({ min: 30, max: 365 });
  });

  it('a custom policy moves the bounds', () => {
    const policy = { ...DEFAULT_GRANT_POLICY, minValidityDays: 7, maxValidityDays: 14 };
    expect(() => decideGrant(request({ validityDays: 7 }), NOW, 'cr-1', policy)).not.toThrow();
    expect(thrown(() => decideGrant(request({ validityDays: 15 }), NOW, 'cr-1', policy)).code).toBe('VALIDITY_OUT_OF_RANGE');
  });
});

describe('decideGrant: amount', () => {
  it.each([
    [1, 'EUR'],
    [1_000_000, 'EUR'], // 10 000.00 EUR, the maximum
    [10_000, 'JPY'], // 10 000 JPY
    [10_000_000, 'KWD'], // 10 000.000 KWD
  ])('%i %s is accepted', (amount, currency) => {
    const { credit } = decideGrant(request({ amount, currency }), NOW, 'cr-1');
    expect(credit.amount).toBe(amount);
    expect(credit.remaining).toBe(amount);
    expect(credit.currency).toBe(currency);
  });

  it.each([
    [0, 'EUR'],
    [-1, 'EUR'],
    [1.5, 'EUR'],
    [1_000_001, 'EUR'], // max + 1
    [10_001, 'JPY'],
    [10_000_001, 'KWD'],
    [Number.NaN, 'EUR'],
    [Number.POSITIVE_INFINITY, 'EUR'],
    [Number.NEGATIVE_INFINITY, 'EUR'],
    [Number.MAX_SAFE_INTEGER + 1, 'EUR'],
  ])('%p %s is AMOUNT_OUT_OF_RANGE', (amount, currency) => {
    const e = thrown(() => decideGrant(request({ amount, currency }), NOW, 'cr-1'));
    expect(e.code).toBe('AMOUNT_OUT_OF_RANGE');
  });

  it('the maximum is reported in the error', () => {
    expect(thrown(() => decideGrant(request({ amount: 1_000_001 }), NOW, 'cr-1')).details).toMatchObject({ max: 1_000_000 });
  });

  it.each(['XYZ', 'eur', 'EU'])('currency %j is UNSUPPORTED_CURRENCY', (currency) => {
    expect(thrown(() => decideGrant(request({ currency }), NOW, 'cr-1')).code).toBe('UNSUPPORTED_CURRENCY');
  });
});

describe('decideGrant: email', () => {
  it.each([
    'not-an-email',
    'kunde@',
    '@example.de',
    'kunde@example',
    'kunde mueller@example.de',
    'kunde@@example.de',
    '<kunde@example.de>',
    'kunde@-example.de',
    `${'a'.repeat(65)}@example.de`,
    `kunde@${'a'.repeat(250)}.de`,
    '',
  ])('%j is INVALID_EMAIL, and the error never contains the address', (email) => {
    const e = thrown(() => decideGrant(request({ email }), NOW, 'cr-1'));
    expect(e.code).toBe('INVALID_EMAIL');
    const serialized = JSON.stringify(e.toJSON()) + e.message + String(e.stack);
    if (email) expect(serialized).not.toContain(email);
    expect(serialized).not.toContain('@');
  });

  it.each(['kunde@example.de', 'k.m+kulanz@mail.example.co.uk', 'a@b.cd', 'user_1@sub-domain.example.com'])('%j is valid', (email) => {
    expect(isValidEmail(email)).toBe(true);
    expect(decideGrant(request({ email }), NOW, 'cr-1').credit.email).toBe(email);
  });
});

describe('decideGrant: the credit', () => {
  it('copies the request and starts with remaining == amount', () => {
    const { credit } = decideGrant(request(), NOW, 'cr-1');
    expect(credit).toEqual({
      creditId: 'cr-1',
      customerId: 'cust-42',
      complaintId: 'C-1001',
      currency: 'EUR',
      amount: 2500,
      remaining: 2500,
      grantedAt: '2026-03-01T09:15:30.123Z',
      expiresAt: '2026-05-30T09:15:30.123Z',
      reason: 'Lieferung verspätet',
      locale: 'de-DE',
      email: EMAIL,
    });
  });

  it('stores the canonical locale tag, English for an unusable one', () => {
    expect(decideGrant(request({ locale: 'de_at' }), NOW, 'cr-1').credit.locale).toBe('de-AT');
    expect(decideGrant(request({ locale: 'xx-YY' }), NOW, 'cr-1').credit.locale).toBe('en');
    expect(decideGrant(request({ locale: '%%%' }), NOW, 'cr-1').credit.locale).toBe('en');
  });

  it('expiresAt is exactly now + validityDays days and remindAt exactly 7 days before (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 30, max: 365 }),
        (now, validityDays) => {
          const { credit, remindAt } = decideGrant(request({ validityDays }), now, 'cr-1');
          expect(Date.parse(credit.expiresAt) - now.getTime()).toBe(validityDays * DAY_MS);
          expect(credit.grantedAt).toBe(now.toISOString());
          expect(remindAt).toBeDefined();
          expect(Date.parse(credit.expiresAt) - remindAt!.getTime()).toBe(7 * DAY_MS);
        },
      ),
    );
  });

  it('expiry counts 24-hour days, also across a daylight-saving change', () => {
    // 2026-03-29 is the switch to summer time in Europe; a day is still 86 400 000 ms.
    const { credit } = decideGrant(request({ validityDays: 30 }), new Date('2026-03-15T12:00:00Z'), 'cr-1');
    expect(credit.expiresAt).toBe('2026-04-14T12:00:00.000Z');
  });

  it('365 days from 2028-01-01 (leap year) ends on 2028-12-31', () => {
    const { credit, remindAt } = decideGrant(request({ validityDays: 365 }), new Date('2028-01-01T00:00:00Z'), 'cr-1');
    expect(credit.expiresAt).toBe('2028-12-31T00:00:00.000Z');
    expect(remindAt?.toISOString()).toBe('2028-12-24T00:00:00.000Z');
  });

  it('no reminder when its moment would not be after the grant', () => {
    const policy = { ...DEFAULT_GRANT_POLICY, reminderDaysBeforeExpiry: 30 };
    expect(decideGrant(request({ validityDays: 30 }), NOW, 'cr-1', policy).remindAt).toBeUndefined();
    expect(decideGrant(request({ validityDays: 31 }), NOW, 'cr-1', policy).remindAt?.getTime()).toBe(NOW.getTime() + DAY_MS);
  });

  it('checks amount before validity before email', () => {
    expect(thrown(() => decideGrant(request({ amount: 0, validityDays: 1, email: 'x' }), NOW, 'cr-1')).code).toBe('AMOUNT_OUT_OF_RANGE');
    expect(thrown(() => decideGrant(request({ validityDays: 1, email: 'x' }), NOW, 'cr-1')).code).toBe('VALIDITY_OUT_OF_RANGE');
  });
});

describe('isSpendable and shouldRemind around the expiry instant', () => {
  const expiresAt = '2026-06-01T00:00:00.000Z';
  const at = (iso: string, deltaMs = 0) => new Date(Date.parse(iso) + deltaMs);

  it('spendable 1 ms before expiry, not at expiry, not after', () => {
    expect(isSpendable({ remaining: 1, expiresAt }, at(expiresAt, -1))).toBe(true);
    expect(isSpendable({ remaining: 1, expiresAt }, at(expiresAt))).toBe(false);
    expect(isSpendable({ remaining: 1, expiresAt }, at(expiresAt, 1))).toBe(false);
  });

  it('a used-up credit is never spendable', () => {
    expect(isSpendable({ remaining: 0, expiresAt }, at(expiresAt, -DAY_MS))).toBe(false);
    expect(isSpendable({ remaining: -5, expiresAt }, at(expiresAt, -DAY_MS))).toBe(false);
  });

  it('a credit with an unreadable expiry is not spendable', () => {
    expect(isSpendable({ remaining: 100, expiresAt: 'garbage' }, NOW)).toBe(false);
  });

  it('shouldRemind follows isSpendable and is false for a missing credit', () => {
    expect(shouldRemind({ remaining: 100, expiresAt }, at(expiresAt, -7 * DAY_MS))).toBe(true);
    expect(shouldRemind({ remaining: 100, expiresAt }, at(expiresAt, -1))).toBe(true);
    expect(shouldRemind({ remaining: 100, expiresAt }, at(expiresAt))).toBe(false);
    expect(shouldRemind({ remaining: 0, expiresAt }, at(expiresAt, -7 * DAY_MS))).toBe(false);
    expect(shouldRemind(undefined, NOW)).toBe(false);
  });
});

describe('assertPositiveMinorUnits', () => {
  it('accepts any positive safe integer, no business cap', () => {
    expect(() => assertPositiveMinorUnits(Number.MAX_SAFE_INTEGER, 'EUR')).not.toThrow();
  });

  it.each([0, -1, 0.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('%p is AMOUNT_OUT_OF_RANGE', (amount) => {
    expect(thrown(() => assertPositiveMinorUnits(amount, 'EUR')).code).toBe('AMOUNT_OUT_OF_RANGE');
  });

  it('checks the currency', () => {
    expect(thrown(() => assertPositiveMinorUnits(1, 'ABC')).code).toBe('UNSUPPORTED_CURRENCY');
  });
});
