import { spendOrder, type SpendableCredit } from '../../lambdas/domain/allocation';
import { assertPositiveMinorUnits, decideGrant, type GrantRequest } from '../../lambdas/domain/credit';
import { renderEmail, type EmailMessage } from '../../lambdas/domain/email/render';
import { sumAmounts, toDecimalString } from '../../lambdas/domain/money';
import { thrownCreditError as thrown } from '../support/credit-errors';

/** Domain behaviour issue 15's mutation run found unpinned: comparator contract, refusal messages and details, emails. */

describe('spendOrder is a proper comparator (balance sorts with it too)', () => {
  const credit = (creditId: string, expiresAt: string): SpendableCredit => ({ creditId, currency: 'EUR', remaining: 100, expiresAt });
  const a = credit('01A', '2026-06-01T00:00:00.000Z');
  const b = credit('01B', '2026-06-01T00:00:00.000Z');
  const later = credit('01A', '2026-07-01T00:00:00.000Z');

  it('same expiry: the older grant (smaller ULID) first, in both argument orders', () => {
    expect(spendOrder(a, b)).toBeLessThan(0);
    expect(spendOrder(b, a)).toBeGreaterThan(0);
    expect(spendOrder(a, { ...a })).toBe(0);
  });

  it('sooner expiry first, in both argument orders', () => {
    expect(spendOrder(a, later)).toBeLessThan(0);
    expect(spendOrder(later, a)).toBeGreaterThan(0);
  });
});

describe('refusals explain themselves: a non-empty message naming what is wrong, and details to branch on', () => {
  const NOW = new Date('2026-03-01T00:00:00.000Z');
  const grant = (overrides: Partial<GrantRequest>): GrantRequest => ({
    complaintId: 'C-1',
    customerId: 'cust-1',
    email: 'kunde@example.de',
    locale: 'de',
    amount: 2500,
    currency: 'EUR',
    validityDays: 90,
    reason: 'late',
    ...overrides,
  });

  it.each([
    ['validity', grant({ validityDays: 400 }), 'VALIDITY_OUT_OF_RANGE', /validityDays/],
    ['amount', grant({ amount: 0 }), 'AMOUNT_OUT_OF_RANGE', /amount/],
    ['currency', grant({ currency: 'ABC' }), 'UNSUPPORTED_CURRENCY', /ABC/],
    ['email', grant({ email: 'not-an-address' }), 'INVALID_EMAIL', /email/],
  ])('grant with a bad %s', (_, request, code, mentions) => {
    const e = thrown(() => decideGrant(request, NOW, 'cr-1'));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(mentions);
  });

  it('an invalid email is refused without echoing the address', () => {
    const e = thrown(() => decideGrant(grant({ email: 'kunde@@example.de' }), NOW, 'cr-1'));
    expect(e.message).not.toBe('');
    expect(JSON.stringify(e.toJSON())).not.toContain('kunde@');
  });

  it('a redemption amount that is not positive whole minor units names amount and currency', () => {
    const e = thrown(() => assertPositiveMinorUnits(0, 'EUR'));
    expect(e.code).toBe('AMOUNT_OUT_OF_RANGE');
    expect(e.message).toMatch(/amount/);
    expect(e.details).toEqual({ amount: 0, currency: 'EUR' });
  });

  it('a fractional amount cannot be written as a decimal: AMOUNT_OUT_OF_RANGE with amount and currency', () => {
    const e = thrown(() => toDecimalString({ amount: 1.5, currency: 'EUR' }));
    expect(e.code).toBe('AMOUNT_OUT_OF_RANGE');
    expect(e.message).toMatch(/amount/);
    expect(e.details).toEqual({ amount: 1.5, currency: 'EUR' });
  });

  it('a sum past the safe integer range says so', () => {
    const e = thrown(() => sumAmounts([Number.MAX_SAFE_INTEGER, 1]));
    expect(e.code).toBe('AMOUNT_OUT_OF_RANGE');
    expect(e.message).toMatch(/sum|safe|range/i);
  });
});

describe('renderEmail edge cases', () => {
  const OPTIONS = { timeZone: 'Europe/Berlin' };
  const issued = (reason: string): EmailMessage => ({
    kind: 'CREDIT_ISSUED',
    locale: 'en',
    amount: 2500,
    currency: 'EUR',
    expiresAt: '2026-12-25T10:30:00.000Z',
    reason,
  });

  it('an unknown kind (stored data is untyped) is INVALID_INPUT naming the kind', () => {
    const e = thrown(() => renderEmail({ kind: 'VOUCHER' } as unknown as EmailMessage, OPTIONS));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('VOUCHER');
  });

  it('an unparseable expiry is INVALID_INPUT naming expiresAt', () => {
    const e = thrown(() => renderEmail({ ...issued('x'), expiresAt: 'soon' } as EmailMessage, OPTIONS));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/expiresAt/);
  });

  it('a lone carriage return in the reason (old Mac line end) is a line break, like CRLF', () => {
    const { text } = renderEmail(issued('line one\rline two\r\nline three'), OPTIONS);
    expect(text).toContain('line one\nline two\nline three');
    expect(text).not.toContain('\r');
  });

  it.each([
    ['CREDIT_ISSUED', issued('late')],
    ['EXPIRY_REMINDER', { kind: 'EXPIRY_REMINDER', locale: 'de', remaining: 2500, currency: 'EUR', expiresAt: '2026-12-25T10:30:00.000Z' }],
  ] as Array<[string, EmailMessage]>)(
    '%s: the amount is stated right after the greeting (intro or its facts line); nothing reads "undefined"',
    (_, message) => {
      const { html, text, subject } = renderEmail(message, OPTIONS);
      const paragraphs = text.split('\n\n');
      // heading, greeting, then the intro and the facts: the amount is among the first things the customer reads.
      expect(paragraphs.slice(2, 4).join('\n\n')).toMatch(/25[.,]00/);
      for (const part of [html, text, subject]) expect(part).not.toMatch(/undefined|null|NaN/);
    },
  );
});
