/** What the local CLI sends for redeem, hold, capture, release, refund and a grant's categories (local/cli-payment.ts). */
import {
  captureRequest,
  categoriesOf,
  holdRequest,
  purchaseOf,
  redeemRequest,
  refundRequest,
  releaseRequest,
} from '../../local/cli-payment';

const now = () => 1_700_000_000_000;

describe('--line CATEGORY:AMOUNT', () => {
  test('repeatable: the lines in the order given, numbered from 1', () => {
    expect(purchaseOf(['PHYSICAL_GOODS:2500', 'GIFT_CARD:1000'])).toEqual({
      purchase: {
        lines: [
          { lineId: '1', category: 'PHYSICAL_GOODS', amount: 2500 },
          { lineId: '2', category: 'GIFT_CARD', amount: 1000 },
        ],
      },
    });
    expect(purchaseOf(undefined)).toEqual({});
    expect(purchaseOf([])).toEqual({});
  });

  test.each(['PHYSICAL_GOODS', 'PHYSICAL_GOODS:', ':100', 'PHYSICAL_GOODS:12.5', 'physical goods:100'])('%j is refused', (spec) => {
    expect(() => purchaseOf([spec])).toThrow(/CATEGORY:AMOUNT expected/);
  });

  test('a category that is none of the purchase categories is refused, naming them', () => {
    expect(() => purchaseOf(['PHYSICAL_GOODS:100', 'WEAPONS:100'])).toThrow(
      /"WEAPONS:100": the category is one of PHYSICAL_GOODS, .*CASH_EQUIVALENT/,
    );
  });
});

test('--categories a,b: the grant event narrows its credit; absent: nothing sent', () => {
  expect(categoriesOf('PHYSICAL_GOODS, SERVICES')).toEqual({ categories: ['PHYSICAL_GOODS', 'SERVICES'] });
  expect(categoriesOf(undefined)).toEqual({});
  expect(() => categoriesOf(' , ')).toThrow(/at least one category/);
});

test('redeem and hold: key derived from the order unless given, purchase lines, hold lifetime', () => {
  expect(redeemRequest({ customer: 'c-1', order: 'o-1', amount: '500', currency: 'EUR', line: ['SERVICES:500'] })).toEqual({
    customerId: 'c-1',
    orderId: 'o-1',
    amount: 500,
    currency: 'EUR',
    idempotencyKey: 'cli-o-1',
    purchase: { lines: [{ lineId: '1', category: 'SERVICES', amount: 500 }] },
  });
  expect(holdRequest({ customer: 'c-1', order: 'o-2', amount: '700', currency: 'CHF', lifetime: '3600', key: 'k-9' })).toEqual({
    customerId: 'c-1',
    orderId: 'o-2',
    amount: 700,
    currency: 'CHF',
    idempotencyKey: 'k-9',
    lifetimeSeconds: 3600,
  });
  expect(holdRequest({ customer: 'c-1', order: 'o-2', amount: '700' })).toEqual(
    expect.objectContaining({ currency: 'EUR', idempotencyKey: 'cli-hold-o-2' }),
  );
  expect(() => holdRequest({ customer: 'c-1', order: 'o-2', amount: 'ten' })).toThrow('--amount must be a number');
  expect(() => holdRequest({ order: 'o-2', amount: '1' })).toThrow('--customer is required');
});

test('capture: a new key per call unless given, final only when asked', () => {
  expect(captureRequest({ customer: 'c-1', hold: 'h-1', amount: '100' }, now)).toEqual({
    customerId: 'c-1',
    holdId: 'h-1',
    amount: 100,
    captureKey: `cli-capture-${now().toString(36)}`,
  });
  expect(captureRequest({ customer: 'c-1', hold: 'h-1', amount: '100', key: 'ck', final: true }, now)).toEqual({
    customerId: 'c-1',
    holdId: 'h-1',
    amount: 100,
    captureKey: 'ck',
    final: true,
  });
  expect(() => captureRequest({ customer: 'c-1', amount: '100' }, now)).toThrow('--hold is required');
});

test('release: the customer and the hold', () => {
  expect(releaseRequest({ customer: 'c-1', hold: 'h-1' })).toEqual({ customerId: 'c-1', holdId: 'h-1' });
});

test('refund: by capture or by redemption (exactly one), the currency guard only when named, reason passed on', () => {
  expect(refundRequest({ customer: 'c-1', capture: 'cap-1', amount: '50', currency: 'EUR' }, ['--capture', 'cap-1'], now)).toEqual({
    customerId: 'c-1',
    captureId: 'cap-1',
    amount: 50,
    refundKey: `cli-refund-${now().toString(36)}`,
  });
  expect(
    refundRequest(
      { customer: 'c-1', redemption: 'r-1', amount: '50', currency: 'CHF', key: 'rk', reason: 'returned' },
      ['--currency', 'CHF'],
      now,
    ),
  ).toEqual({ customerId: 'c-1', redemptionId: 'r-1', amount: 50, refundKey: 'rk', currency: 'CHF', reason: 'returned' });
  expect(() => refundRequest({ customer: 'c-1', amount: '5' }, [], now)).toThrow(/exactly one of --capture and --redemption/);
  expect(() => refundRequest({ customer: 'c-1', capture: 'a', redemption: 'b', amount: '5' }, [], now)).toThrow(/exactly one/);
});
