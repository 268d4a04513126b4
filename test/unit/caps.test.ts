/**
 * Issuance caps (domain/caps.ts): which cap refuses a grant, at exactly which boundary, over which days, and the
 * buckets stored when the grant passes (the issuer's cap: issuer-day.test.ts); and the cap settings parser shared by the CDK app and the functions.
 */
import {
  CAP_SETTINGS,
  DEFAULT_CAP_POLICY,
  decideCaps,
  parseCapPolicy,
  utcDay,
  windowStart,
  type CapPolicy,
  type CapRequest,
  type DayUsage,
} from '../../lambdas/domain/caps';

const NOW = new Date('2026-03-31T23:59:59.999Z');
const TODAY = '2026-03-31';
const POLICY: CapPolicy = {
  customerAmount30dMajorUnits: 100,
  customerAmount365dMajorUnits: 300,
  customerGrants30d: 3,
  customerGrants365d: 6,
  issuerAmountPerDayMajorUnits: 50,
};
const day = (d: string, count: number, amounts: Record<string, number>): DayUsage => ({ day: d, count, amounts });
const req = (over: Partial<CapRequest> = {}): CapRequest => ({
  amount: 1000,
  currency: 'EUR',
  now: NOW,
  customer: [],
  ...over,
});

describe('days and windows (UTC)', () => {
  test('utcDay is the UTC calendar day, whatever the time', () => {
    expect(utcDay(new Date('2026-03-31T23:59:59.999Z'))).toBe('2026-03-31');
    expect(utcDay(new Date('2026-04-01T00:00:00.000Z'))).toBe('2026-04-01');
  });
  test('a window of n days starts n - 1 days before today (today included), across months and leap years', () => {
    expect(windowStart('2026-03-31', 30)).toBe('2026-03-02');
    expect(windowStart('2026-03-31', 1)).toBe('2026-03-31');
    expect(windowStart('2028-03-01', 2)).toBe('2028-02-29');
    expect(windowStart('2026-12-31', 365)).toBe('2026-01-01');
  });
});

describe('decideCaps', () => {
  test('first grant: allowed, one bucket for today', () => {
    expect(decideCaps(req(), POLICY)).toEqual({ kind: 'allowed', customer: [day(TODAY, 1, { EUR: 1000 })] });
  });

  test('amount over 30 days: exactly the cap passes, one minor unit more is refused and named', () => {
    const customer = [day('2026-03-02', 1, { EUR: 9000 })];
    expect(decideCaps(req({ customer }), POLICY).kind).toBe('allowed'); // 9000 + 1000 = 10000 = 100 EUR
    expect(decideCaps(req({ customer, amount: 1001 }), POLICY)).toEqual({
      kind: 'refused',
      cap: 'CUSTOMER_AMOUNT_30D',
      limit: 10_000,
      used: 9000,
    });
  });

  test('a day just outside the 30-day window counts only for 365 days', () => {
    const customer = [day('2026-03-01', 1, { EUR: 9500 })];
    expect(decideCaps(req({ customer }), POLICY).kind).toBe('allowed');
    const heavy = [day('2025-04-01', 2, { EUR: 25_000 }), day('2026-03-01', 1, { EUR: 4500 })];
    expect(decideCaps(req({ customer: heavy, amount: 600 }), POLICY)).toEqual({
      kind: 'refused',
      cap: 'CUSTOMER_AMOUNT_365D',
      limit: 30_000,
      used: 29_500,
    });
  });

  test('a day older than 365 days counts for nothing and is dropped from the stored buckets', () => {
    const customer = [day('2025-03-31', 6, { EUR: 30_000 }), day('2026-03-30', 1, { EUR: 100 })];
    expect(decideCaps(req({ customer }), POLICY)).toEqual({
      kind: 'allowed',
      customer: [day('2026-03-30', 1, { EUR: 100 }), day(TODAY, 1, { EUR: 1000 })],
    });
  });

  test("amounts are per currency, in that currency's minor units", () => {
    const customer = [day(TODAY, 1, { USD: 10_000 })];
    expect(decideCaps(req({ customer, amount: 10_000 }), POLICY).kind).toBe('allowed');
    // 100 major units of JPY (no decimals) = 100 minor units
    expect(decideCaps(req({ currency: 'JPY', amount: 101 }), POLICY)).toMatchObject({ cap: 'CUSTOMER_AMOUNT_30D', limit: 100 });
  });

  test('counts are across currencies: the fourth grant in 30 days is refused, the seventh in 365', () => {
    const three = [day('2026-03-10', 2, { USD: 1 }), day(TODAY, 1, { GBP: 1 })];
    expect(decideCaps(req({ customer: three, amount: 1 }), POLICY)).toEqual({
      kind: 'refused',
      cap: 'CUSTOMER_COUNT_30D',
      limit: 3,
      used: 3,
    });
    const two = [day('2026-03-10', 2, { USD: 1 })];
    expect(decideCaps(req({ customer: two, amount: 1 }), POLICY).kind).toBe('allowed');
    const six = [day('2025-06-01', 4, { USD: 1 }), day('2026-03-10', 2, { USD: 1 })];
    expect(decideCaps(req({ customer: six, amount: 1 }), POLICY)).toEqual({
      kind: 'refused',
      cap: 'CUSTOMER_COUNT_365D',
      limit: 6,
      used: 6,
    });
    const five = [day('2025-06-01', 3, { USD: 1 }), day('2026-03-10', 2, { USD: 1 })];
    expect(decideCaps(req({ customer: five, amount: 1 }), POLICY).kind).toBe('allowed');
  });

  test('the first cap exceeded is named, in a fixed order (amount before count, 30 days before 365)', () => {
    const full = [day('2026-03-10', 6, { EUR: 30_000 })];
    expect(decideCaps(req({ customer: full }), POLICY)).toMatchObject({ cap: 'CUSTOMER_AMOUNT_30D' });
    const counts = [day('2026-03-10', 6, { EUR: 1 })];
    expect(decideCaps(req({ customer: counts, amount: 1 }), POLICY)).toMatchObject({ cap: 'CUSTOMER_COUNT_30D' });
  });

  test('the customer caps only: the issuer cap is decided over its shards (issuer-day.test.ts)', () => {
    expect(decideCaps(req({ amount: 6000, customer: [] }), { ...POLICY, customerAmount30dMajorUnits: 1000 })).not.toHaveProperty('issuer');
  });

  test("today's bucket is added to, other days kept in order; the input is not changed", () => {
    const customer = [day('2026-03-29', 1, { EUR: 5 }), day(TODAY, 1, { EUR: 10, USD: 3 })];
    const before = JSON.stringify(customer);
    expect(decideCaps(req({ customer }), POLICY)).toEqual({
      kind: 'allowed',
      customer: [day('2026-03-29', 1, { EUR: 5 }), day(TODAY, 2, { EUR: 1010, USD: 3 })],
    });
    expect(JSON.stringify(customer)).toBe(before);
    const unordered = [day(TODAY, 1, { EUR: 1 }), day('2026-03-01', 1, { EUR: 1 }), day('2026-03-20', 1, { EUR: 1 })];
    const out = decideCaps(req({ customer: unordered }), POLICY);
    expect(out.kind === 'allowed' && out.customer.map((d) => d.day)).toEqual(['2026-03-01', '2026-03-20', TODAY]);
  });

  test('the defaults apply when no policy is given', () => {
    const customer = [day(TODAY, DEFAULT_CAP_POLICY.customerGrants30d, { EUR: 1 })];
    expect(decideCaps(req({ customer, amount: 1 }))).toMatchObject({
      cap: 'CUSTOMER_COUNT_30D',
      limit: DEFAULT_CAP_POLICY.customerGrants30d,
    });
  });
});

describe('parseCapPolicy', () => {
  test('absent → the defaults; each setting given overrides only itself; JSON text is accepted', () => {
    expect(parseCapPolicy(undefined)).toEqual({ policy: DEFAULT_CAP_POLICY });
    expect(parseCapPolicy('')).toEqual({ policy: DEFAULT_CAP_POLICY });
    expect(parseCapPolicy({ customerGrants30d: 2 })).toEqual({ policy: { ...DEFAULT_CAP_POLICY, customerGrants30d: 2 } });
    expect(parseCapPolicy('{"customerGrants365d":1000000000}')).toEqual({
      policy: { ...DEFAULT_CAP_POLICY, customerGrants365d: 1_000_000_000 },
    });
  });
  test('every problem is listed', () => {
    expect(parseCapPolicy({ customerGrants30d: 0, nope: 1, customerGrants365d: 1_000_000_001, customerAmount30dMajorUnits: '5' })).toEqual({
      problems: [
        'customerGrants30d: must be a whole number from 1 to 1000000000',
        `nope: unknown cap (known: ${CAP_SETTINGS.join(', ')})`,
        'customerGrants365d: must be a whole number from 1 to 1000000000',
        'customerAmount30dMajorUnits: must be a whole number from 1 to 1000000000',
      ],
    });
    expect(parseCapPolicy('[')).toEqual({ problems: ['not valid JSON'] });
    expect(parseCapPolicy([])).toEqual({ problems: ['must be an object of cap settings'] });
    expect(parseCapPolicy(5)).toEqual({ problems: ['must be an object of cap settings'] });
  });
  test("the settings are exactly the policy's fields", () => {
    expect([...CAP_SETTINGS].sort()).toEqual(Object.keys(DEFAULT_CAP_POLICY).sort());
  });
});
