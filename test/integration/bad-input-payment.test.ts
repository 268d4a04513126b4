/**
 * Bad input catalogue of the payment flow (hold, capture, release, refund, and purchases on redeem), on DynamoDB
 * Local through the local runtime: every refusal has its stable code and a message saying what is wrong, and writes
 * nothing — the whole table is byte-for-byte the same after the catalogue as before.
 */
import { setClock, offsetClock, systemClock } from '../../lambdas/shared/clock';
import type { ErrorCode } from '../../lambdas/domain/errors';
import { startTestRuntime, type TestRuntime } from './harness';
import { complaint, ServiceClient, unique } from './service-client';

jest.setTimeout(120_000);

let t: TestRuntime;
let svc: ServiceClient;

/**
 * Customer A: a credit, an active hold, a closed (captured) and a released hold, a capture, a redemption, a reversed
 * one. Customer B: a hold, a capture of part of it, a redemption.
 */
const fx = {
  a: complaint({ amount: 5000 }),
  b: complaint({ amount: 1000 }),
  active: '',
  captured: '',
  released: '',
  shortLived: '',
  foreignHold: '',
  foreignCapture: '',
  foreignRedemption: '',
  capture: '',
  redemption: '',
  reversed: '',
  refundKey: unique('rk'),
  holdKey: unique('hk'),
  captureKey: unique('ck'),
};

beforeAll(async () => {
  t = await startTestRuntime({ retryDelayMs: () => 10 });
  svc = new ServiceClient(t);
  await svc.putComplaints([fx.a, fx.b]);
  await t.runtime.idle(30_000);
  const hold = async (customerId: string, amount: number, extra: Record<string, unknown> = {}) => {
    const h = await svc.invoke('hold', {
      customerId,
      orderId: unique('o'),
      amount,
      currency: 'EUR',
      idempotencyKey: unique('hk'),
      ...extra,
    });
    expect(h).toMatchObject({ ok: true, held: amount });
    return h.holdId as string;
  };
  const A = fx.a.customerId;
  fx.active = await hold(A, 1000, { idempotencyKey: fx.holdKey });
  fx.captured = await hold(A, 500);
  fx.released = await hold(A, 300);
  // An hour: the test moves the clock past it (a real 60 s hold would make DynamoDB Local's shared TTL sweep work).
  fx.shortLived = await hold(A, 100, { lifetimeSeconds: 3600 });
  fx.foreignHold = await hold(fx.b.customerId, 200);
  const c = await svc.invoke('capture', { customerId: A, holdId: fx.captured, amount: 500, captureKey: fx.captureKey });
  expect(c).toMatchObject({ ok: true, holdStatus: 'CAPTURED' });
  fx.capture = c.captureId;
  expect((await svc.invoke('release', { customerId: A, holdId: fx.released })).ok).toBe(true);
  const B = fx.b.customerId;
  fx.foreignCapture = (
    await svc.invoke('capture', { customerId: B, holdId: fx.foreignHold, amount: 50, captureKey: unique('ck') })
  ).captureId;
  fx.foreignRedemption = (await svc.redeem(B, 100)).redemptionId;
  expect([fx.foreignCapture, fx.foreignRedemption]).toEqual([expect.any(String), expect.any(String)]);
  fx.redemption = (await svc.redeem(A, 400)).redemptionId;
  fx.reversed = (await svc.redeem(A, 200)).redemptionId;
  expect((await svc.invoke('reverse', { customerId: A, redemptionId: fx.reversed })).ok).toBe(true);
  expect((await svc.invoke('refund', { customerId: A, redemptionId: fx.redemption, amount: 100, refundKey: fx.refundKey })).ok).toBe(true);
  await t.runtime.idle(30_000);
});

afterAll(async () => {
  await t?.stop();
});

afterEach(() => setClock(systemClock));

const without = (o: Record<string, unknown>, key: string) => {
  const { [key]: _drop, ...rest } = o;
  return rest;
};
const lines = (...ls: Array<[string, number]>) => ({ lines: ls.map(([category, amount], i) => ({ lineId: `l-${i}`, category, amount })) });

type Case = [string, (base: Record<string, unknown>) => unknown, ErrorCode, string | (() => string)];

const HOLD_CASES: Case[] = [
  ['missing idempotencyKey', (r) => without(r, 'idempotencyKey'), 'INVALID_INPUT', 'idempotencyKey: Invalid input: expected string'],
  ['extra field', (r) => ({ ...r, autoCapture: true }), 'INVALID_INPUT', 'Unrecognized key: "autoCapture"'],
  ['lifetime as a string', (r) => ({ ...r, lifetimeSeconds: '3600' }), 'INVALID_INPUT', 'lifetimeSeconds: Invalid input: expected number'],
  ['zero amount', (r) => ({ ...r, amount: 0 }), 'AMOUNT_OUT_OF_RANGE', 'amount must be a positive whole number of EUR minor units, got 0'],
  ['fractional amount', (r) => ({ ...r, amount: 1.5 }), 'AMOUNT_OUT_OF_RANGE', 'got 1.5'],
  ['unknown currency', (r) => ({ ...r, currency: 'ABC' }), 'UNSUPPORTED_CURRENCY', 'currency "ABC"'],
  [
    'lifetime 59 s',
    (r) => ({ ...r, lifetimeSeconds: 59 }),
    'HOLD_LIFETIME_OUT_OF_RANGE',
    'lifetimeSeconds must be a whole number from 60 to 2592000, got 59',
  ],
  ['lifetime over 30 days', (r) => ({ ...r, lifetimeSeconds: 2_592_001 }), 'HOLD_LIFETIME_OUT_OF_RANGE', 'got 2592001'],
  [
    'idempotency key reused for another hold',
    (r) => ({ ...r, idempotencyKey: fx.holdKey }),
    'IDEMPOTENCY_KEY_REUSED',
    'idempotencyKey was used before for a different hold request',
  ],
  [
    'gift cards only',
    (r) => ({ ...r, purchase: lines(['GIFT_CARD', 5000]) }),
    'INELIGIBLE_PURCHASE',
    'no line of this purchase may be paid with courtesy credit',
  ],
  [
    'top-up and cash equivalent',
    (r) => ({ ...r, purchase: lines(['TOP_UP', 100], ['CASH_EQUIVALENT', 100]) }),
    'INELIGIBLE_PURCHASE',
    'eligible: PHYSICAL_GOODS, DIGITAL_CONTENT, MEMBERSHIP_RENEWAL, SERVICES',
  ],
  ['unknown category', (r) => ({ ...r, purchase: lines(['LOTTERY', 100]) }), 'INVALID_INPUT', 'purchase.lines.0.category'],
  ['no lines', (r) => ({ ...r, purchase: { lines: [] } }), 'INVALID_INPUT', 'purchase.lines: Too small'],
  [
    '51 lines',
    (r) => ({ ...r, purchase: lines(...Array.from({ length: 51 }, () => ['SERVICES', 1] as [string, number])) }),
    'INVALID_INPUT',
    'purchase.lines: Too big',
  ],
  [
    'a line of 0',
    (r) => ({ ...r, purchase: lines(['SERVICES', 0]) }),
    'AMOUNT_OUT_OF_RANGE',
    'purchase line l-0: amount must be a positive whole number',
  ],
  [
    'two lines with one id',
    (r) => ({
      ...r,
      purchase: {
        lines: [
          { lineId: 'x', category: 'SERVICES', amount: 1 },
          { lineId: 'x', category: 'SERVICES', amount: 2 },
        ],
      },
    }),
    'INVALID_INPUT',
    'line id x appears twice',
  ],
];

const REDEEM_PURCHASE_CASES: Case[] = [
  [
    'redeem: gift cards only',
    (r) => ({ ...r, purchase: lines(['GIFT_CARD', 100]) }),
    'INELIGIBLE_PURCHASE',
    'no line of this purchase may be paid with courtesy credit',
  ],
  [
    'redeem: a line without a category',
    (r) => ({ ...r, purchase: { lines: [{ lineId: 'l', amount: 1 }] } }),
    'INVALID_INPUT',
    'purchase.lines.0.category',
  ],
];

const CAPTURE_CASES: Case[] = [
  ['unknown hold', (r) => ({ ...r, holdId: 'no-such-hold' }), 'HOLD_NOT_FOUND', 'no hold no-such-hold for this customer'],
  [
    "another customer's hold",
    (r) => ({ ...r, holdId: fx.foreignHold }),
    'HOLD_NOT_FOUND',
    () => `no hold ${fx.foreignHold} for this customer`,
  ],
  [
    'a hold captured in full',
    (r) => ({ ...r, holdId: fx.captured }),
    'HOLD_NOT_ACTIVE',
    () => `hold ${fx.captured} is CAPTURED, not ACTIVE`,
  ],
  ['a released hold', (r) => ({ ...r, holdId: fx.released }), 'HOLD_NOT_ACTIVE', 'is RELEASED, not ACTIVE'],
  ['more than is held', (r) => ({ ...r, amount: 1001 }), 'CAPTURE_EXCEEDS_HOLD', 'holds 1000, less than the 1001 asked for'],
  ['zero amount', (r) => ({ ...r, amount: 0 }), 'AMOUNT_OUT_OF_RANGE', 'got 0'],
  ['final as a string', (r) => ({ ...r, final: 'yes' }), 'INVALID_INPUT', 'final: Invalid input: expected boolean'],
  ['missing captureKey', (r) => without(r, 'captureKey'), 'INVALID_INPUT', 'captureKey: Invalid input: expected string'],
  [
    'capture key reused for another capture',
    (r) => ({ ...r, captureKey: fx.captureKey }),
    'IDEMPOTENCY_KEY_REUSED',
    'captureKey was used before for a different capture request',
  ],
];

const RELEASE_CASES: Case[] = [
  ['unknown hold', (r) => ({ ...r, holdId: 'no-such-hold' }), 'HOLD_NOT_FOUND', 'no hold no-such-hold'],
  ["another customer's hold", (r) => ({ ...r, holdId: fx.foreignHold }), 'HOLD_NOT_FOUND', 'for this customer'],
  ['captured in full', (r) => ({ ...r, holdId: fx.captured }), 'HOLD_NOT_ACTIVE', 'is CAPTURED, not ACTIVE'],
  ['extra field', (r) => ({ ...r, amount: 5 }), 'INVALID_INPUT', 'Unrecognized key: "amount"'],
];

const REFUND_CASES: Case[] = [
  [
    'both a redemption and a capture',
    (r) => ({ ...r, captureId: fx.capture }),
    'INVALID_INPUT',
    'exactly one of redemptionId and captureId is required',
  ],
  ['neither', (r) => without(r, 'redemptionId'), 'INVALID_INPUT', 'exactly one of redemptionId and captureId is required'],
  ['unknown redemption', (r) => ({ ...r, redemptionId: 'no-such' }), 'REFUND_TARGET_NOT_FOUND', 'no redemption no-such for this customer'],
  ['a capture named as a redemption', (r) => ({ ...r, redemptionId: fx.capture }), 'REFUND_TARGET_NOT_FOUND', 'no redemption'],
  [
    "another customer's redemption",
    (r) => ({ ...r, redemptionId: fx.foreignRedemption }),
    'REFUND_TARGET_NOT_FOUND',
    () => `no redemption ${fx.foreignRedemption} for this customer`,
  ],
  [
    "another customer's capture",
    (r) => ({ ...without(r, 'redemptionId'), captureId: fx.foreignCapture }),
    'REFUND_TARGET_NOT_FOUND',
    () => `no capture ${fx.foreignCapture} for this customer`,
  ],
  [
    'a redemption named as a capture',
    (r) => ({ ...without(r, 'redemptionId'), captureId: fx.redemption }),
    'REFUND_TARGET_NOT_FOUND',
    'no capture',
  ],
  ['more than is left (400 − 100 refunded)', (r) => ({ ...r, amount: 301 }), 'REFUND_EXCEEDS_CAPTURED', 'only 300 of'],
  [
    'more than the capture',
    (r) => ({ ...without(r, 'redemptionId'), captureId: fx.capture, amount: 501 }),
    'REFUND_EXCEEDS_CAPTURED',
    'only 500 of',
  ],
  ['a reversed redemption', (r) => ({ ...r, redemptionId: fx.reversed }), 'REDEMPTION_ALREADY_REVERSED', 'was reversed before'],
  ['currency guard differs', (r) => ({ ...r, currency: 'CHF' }), 'CURRENCY_MISMATCH', 'is in EUR, not CHF'],
  ['negative amount', (r) => ({ ...r, amount: -1 }), 'AMOUNT_OUT_OF_RANGE', 'got -1'],
  ['blank reason', (r) => ({ ...r, reason: '\u200B ' }), 'INVALID_INPUT', 'reason: Too small'],
  [
    'refund key reused for another amount',
    (r) => ({ ...r, refundKey: fx.refundKey, amount: 99 }),
    'IDEMPOTENCY_KEY_REUSED',
    'refundKey was used before for a different refund request',
  ],
];

function expectRefusal(answer: any, code: ErrorCode, message: string | (() => string)): void {
  expect(answer).toMatchObject({ ok: false, error: { code, retryable: false } });
  expect(answer.error.message).toContain(typeof message === 'function' ? message() : message);
  expect(Object.keys(answer)).toEqual(['ok', 'error']);
}
const rows = (cases: Case[]) => cases.map(([name, make, code, message]) => ({ name, make, code, message }));

describe('payment-flow refusals write nothing (whole table byte-for-byte unchanged)', () => {
  let before: string;
  beforeAll(async () => {
    before = await svc.snapshot();
  });

  it.each(rows(HOLD_CASES))('hold: $name → $code', async ({ make, code, message }) => {
    expectRefusal(
      await svc.invoke(
        'hold',
        make({ customerId: fx.a.customerId, orderId: unique('o'), amount: 100, currency: 'EUR', idempotencyKey: unique('hk') }),
      ),
      code,
      message,
    );
  });
  it.each(rows(REDEEM_PURCHASE_CASES))('$name → $code', async ({ make, code, message }) => {
    expectRefusal(
      await svc.invoke(
        'redeem',
        make({ customerId: fx.a.customerId, orderId: unique('o'), amount: 100, currency: 'EUR', idempotencyKey: unique('k') }),
      ),
      code,
      message,
    );
  });
  it.each(rows(CAPTURE_CASES))('capture: $name → $code', async ({ make, code, message }) => {
    expectRefusal(
      await svc.invoke('capture', make({ customerId: fx.a.customerId, holdId: fx.active, amount: 100, captureKey: unique('ck') })),
      code,
      message,
    );
  });
  it('capture: a hold past its lifetime → HOLD_NOT_ACTIVE (EXPIRED)', async () => {
    setClock(offsetClock(3_601_000));
    const answer = await svc.invoke('capture', { customerId: fx.a.customerId, holdId: fx.shortLived, amount: 1, captureKey: unique('ck') });
    expectRefusal(answer, 'HOLD_NOT_ACTIVE', 'is EXPIRED, not ACTIVE');
    expect(answer.error.details).toEqual({ holdId: fx.shortLived, status: 'EXPIRED' });
  });
  it.each(rows(RELEASE_CASES))('release: $name → $code', async ({ make, code, message }) => {
    expectRefusal(await svc.invoke('release', make({ customerId: fx.a.customerId, holdId: fx.active })), code, message);
  });
  it('release: a hold past its lifetime → HOLD_NOT_ACTIVE (EXPIRED); its money waits for the auto-release', async () => {
    setClock(offsetClock(3_601_000));
    const answer = await svc.invoke('release', { customerId: fx.a.customerId, holdId: fx.shortLived });
    expectRefusal(answer, 'HOLD_NOT_ACTIVE', 'is EXPIRED, not ACTIVE');
    expect(answer.error.details).toEqual({ holdId: fx.shortLived, status: 'EXPIRED' });
  });
  it.each(rows(REFUND_CASES))('refund: $name → $code', async ({ make, code, message }) => {
    expectRefusal(
      await svc.invoke('refund', make({ customerId: fx.a.customerId, redemptionId: fx.redemption, amount: 50, refundKey: unique('rk') })),
      code,
      message,
    );
  });

  it('after the whole catalogue the table is byte-for-byte unchanged, and the money where it was', async () => {
    await t.runtime.idle(30_000);
    expect(await svc.snapshot()).toBe(before);
    const balance = (await svc.balance(fx.a.customerId)).courtesyCredit;
    // 5 000 granted − 1 000 − 100 held (active, short-lived) − 500 captured − 400 redeemed + 100 refunded
    // (the released hold and the reversed redemption gave everything back)
    expect(balance.balances).toEqual([expect.objectContaining({ currency: 'EUR', available: 3100, held: 1100 })]);
  });
});
