/**
 * What callers read in the payment flow's refusals (message and details, not only the code), and how its use cases
 * wait between attempts: at once after a stale read or a guard that failed (re-read), with backoff after contention.
 */
import { placeHold } from '../../lambdas/app/hold';
import { captureHold } from '../../lambdas/app/capture';
import { releaseHold, releaseExpiredHold } from '../../lambdas/app/release';
import { refundTaken } from '../../lambdas/app/refund';
import { redeemCredits } from '../../lambdas/app/redeem';
import { DAY_MS } from '../../lambdas/domain/credit';
import { assertPurchase } from '../../lambdas/domain/eligibility';
import { holdLifetimeSeconds, newHold, planCapture } from '../../lambdas/domain/hold';
import { planRefund } from '../../lambdas/domain/restore';
import type { RetryPolicy } from '../../lambdas/shared/retry';
import { MemoryStore } from './fakes/memory-store';
import { recordSleeps } from '../support/sleeps';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (days: number) => new Date(T0 + days * DAY_MS).toISOString();
const clock = { now: () => new Date(T0) };
let seq = 0;
const newId = () => `01ID${String(++seq).padStart(22, '0')}`;
const body = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { toJSON(): unknown }).toJSON();
  }
  throw new Error('not refused');
};
const bodyOf = async (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('not refused');
    },
    (e: { toJSON(): unknown }) => e.toJSON(),
  );

let store: MemoryStore;
beforeEach(() => {
  store = new MemoryStore();
  store.addCredit({ creditId: 'cr-1', currency: 'EUR', amount: 1000, expiresAt: at(10) });
});
const deps = (retry?: RetryPolicy) => ({ store, clock, newId, ...(retry ? { retry } : {}) });

describe('refusal messages and details', () => {
  const hold = newHold({
    holdId: 'h-1',
    customerId: 'c-1',
    orderId: 'o-1',
    currency: 'EUR',
    allocations: [{ creditId: 'cr-1', amount: 100, expiresAt: at(10) }],
    now: new Date(T0),
    lifetimeSeconds: 60,
  });

  it('domain rules', () => {
    expect(body(() => holdLifetimeSeconds(59))).toEqual({
      code: 'HOLD_LIFETIME_OUT_OF_RANGE',
      message: 'lifetimeSeconds must be a whole number from 60 to 2592000, got 59',
      retryable: false,
      details: { lifetimeSeconds: 59, min: 60, max: 2_592_000 },
    });
    expect(body(() => planCapture(hold, 101, false, new Date(T0)))).toEqual({
      code: 'CAPTURE_EXCEEDS_HOLD',
      message: 'hold h-1 holds 100, less than the 101 asked for',
      retryable: false,
      details: { holdId: 'h-1', held: 100, requested: 101 },
    });
    expect(body(() => planCapture(hold, 0, false, new Date(T0)))).toEqual({
      code: 'AMOUNT_OUT_OF_RANGE',
      message: 'amount must be a positive whole number of EUR minor units, got 0',
      retryable: false,
      details: { amount: 0, currency: 'EUR' },
    });
    expect(body(() => planCapture(hold, 1, false, new Date(T0 + 60_000)))).toMatchObject({ message: 'hold h-1 is EXPIRED, not ACTIVE' });
    const taken = [{ creditId: 'cr-1', amount: 100, expiresAt: at(10) }];
    expect(body(() => planRefund(taken, { refunded: 0, refundedAllocations: [] }, 101, 'EUR', 'r-1'))).toEqual({
      code: 'REFUND_EXCEEDS_CAPTURED',
      message: 'only 100 of r-1 is left to refund, less than the 101 asked for',
      retryable: false,
      details: { refundOf: 'r-1', left: 100, requested: 101 },
    });
    expect(body(() => planRefund(taken, { refunded: 0, refundedAllocations: [] }, 0, 'JPY', 'r-1'))).toEqual({
      code: 'AMOUNT_OUT_OF_RANGE',
      message: 'amount must be a positive whole number of JPY minor units, got 0',
      retryable: false,
      details: { amount: 0, currency: 'JPY' },
    });
    expect(body(() => assertPurchase([{ lineId: 'l-1', category: 'SERVICES', amount: -3 }]))).toEqual({
      code: 'AMOUNT_OUT_OF_RANGE',
      message: 'purchase line l-1: amount must be a positive whole number of minor units, got -3',
      retryable: false,
      details: { lineId: 'l-1', amount: -3 },
    });
    expect(
      body(() =>
        assertPurchase([
          { lineId: 'x', category: 'SERVICES', amount: 1 },
          { lineId: 'x', category: 'GIFT_CARD', amount: 1 },
        ]),
      ),
    ).toEqual({
      code: 'INVALID_INPUT',
      message: 'invalid input: purchase: line id x appears twice',
      retryable: false,
      details: { issues: [{ path: 'purchase', problem: 'line id x appears twice' }] },
    });
    expect(
      body(() =>
        assertPurchase([
          { lineId: 'g', category: 'GIFT_CARD', amount: 1 },
          { lineId: 'h', category: 'GIFT_CARD', amount: 2 },
        ]),
      ),
    ).toEqual({
      code: 'INELIGIBLE_PURCHASE',
      message:
        'no line of this purchase may be paid with courtesy credit (eligible: PHYSICAL_GOODS, DIGITAL_CONTENT, MEMBERSHIP_RENEWAL, SERVICES)',
      retryable: false,
      details: { categories: ['GIFT_CARD'] },
    });
  });

  it('use cases', async () => {
    const { response } = await redeemCredits(
      { customerId: 'c-1', orderId: 'o-r', amount: 100, currency: 'EUR', idempotencyKey: 'r' },
      deps(),
    );
    const rid = response.redemptionId!;
    expect(await bodyOf(captureHold({ customerId: 'c-1', holdId: 'nope', amount: 1, captureKey: 'k' }, deps()))).toEqual({
      code: 'HOLD_NOT_FOUND',
      message: 'no hold nope for this customer',
      retryable: false,
      details: { holdId: 'nope' },
    });
    expect(await bodyOf(releaseHold({ customerId: 'c-1', holdId: 'nope' }, deps()))).toEqual({
      code: 'HOLD_NOT_FOUND',
      message: 'no hold nope for this customer',
      retryable: false,
      details: { holdId: 'nope' },
    });
    expect(await bodyOf(refundTaken({ customerId: 'c-1', redemptionId: 'nope', amount: 1, refundKey: 'k' }, deps()))).toMatchObject({
      message: 'no redemption nope for this customer',
      details: { refundOf: 'nope' },
    });
    expect(await bodyOf(refundTaken({ customerId: 'c-1', captureId: rid, amount: 1, refundKey: 'k' }, deps()))).toMatchObject({
      message: `no capture ${rid} for this customer`,
    });
    expect(await bodyOf(refundTaken({ customerId: 'c-1', redemptionId: rid, amount: 1, currency: 'CHF', refundKey: 'k' }, deps()))).toEqual(
      {
        code: 'CURRENCY_MISMATCH',
        message: `${rid} is in EUR, not CHF`,
        retryable: false,
        details: { expected: 'EUR', got: 'CHF' },
      },
    );
    // The currency guard passes when it names the right currency.
    expect(
      (await refundTaken({ customerId: 'c-1', redemptionId: rid, amount: 1, currency: 'EUR', refundKey: 'k2' }, deps())).response,
    ).toMatchObject({ restored: 1 });
    const ledger = store.ledger.get(`c-1#${rid}`)!;
    store.ledger.set(`c-1#${rid}`, { ...ledger, status: 'REVERSED', reversalId: 'x', reversedAt: at(0) } as never);
    expect(await bodyOf(refundTaken({ customerId: 'c-1', redemptionId: rid, amount: 1, refundKey: 'k3' }, deps()))).toEqual({
      code: 'REDEMPTION_ALREADY_REVERSED',
      message: `redemption ${rid} was reversed before`,
      retryable: false,
      details: { redemptionId: rid },
    });
    const h = (await placeHold({ customerId: 'c-1', orderId: 'o', amount: 10, currency: 'EUR', idempotencyKey: 'h' }, deps())).response
      .holdId!;
    await captureHold({ customerId: 'c-1', holdId: h, amount: 5, captureKey: 'c' }, deps());
    expect(await bodyOf(captureHold({ customerId: 'c-1', holdId: h, amount: 6, captureKey: 'c' }, deps()))).toEqual({
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: 'captureKey was used before for a different capture request',
      retryable: false,
      details: { captureKey: 'c' },
    });
    expect(
      await bodyOf(placeHold({ customerId: 'c-1', orderId: 'o', amount: 11, currency: 'EUR', idempotencyKey: 'h' }, deps())),
    ).toMatchObject({
      message: 'idempotencyKey was used before for a different hold request',
    });
    expect(await bodyOf(refundTaken({ customerId: 'c-1', redemptionId: rid, amount: 2, refundKey: 'k2' }, deps()))).toMatchObject({
      message: 'refundKey was used before for a different refund request',
    });
  });

  it('answers of a first call are not replays; a purchase’s lines are kept on the hold', async () => {
    const held = await placeHold(
      {
        customerId: 'c-1',
        orderId: 'o',
        amount: 10,
        currency: 'EUR',
        idempotencyKey: 'h',
        purchase: { lines: [{ lineId: 'l', category: 'SERVICES', amount: 10 }] },
      },
      deps(),
    );
    expect(held.replayed).toBe(false);
    expect((await store.getHold('c-1', held.response.holdId!))!.lines).toEqual([
      { lineId: 'l', category: 'SERVICES', amount: 10, applied: 10 },
    ]);
    expect((await captureHold({ customerId: 'c-1', holdId: held.response.holdId!, amount: 5, captureKey: 'c' }, deps())).replayed).toBe(
      false,
    );
    const { response } = await redeemCredits(
      { customerId: 'c-1', orderId: 'o-r', amount: 100, currency: 'EUR', idempotencyKey: 'r' },
      deps(),
    );
    expect(
      (await refundTaken({ customerId: 'c-1', redemptionId: response.redemptionId!, amount: 1, refundKey: 'k' }, deps())).replayed,
    ).toBe(false);
  });

  it('endless conflicts: each use case says what to retry', async () => {
    const conflicts = () => Array.from({ length: 3 }, () => ({ kind: 'conflict' as const, stale: true }));
    const fast: RetryPolicy = { attempts: 3, baseDelayMs: 0, maxDelayMs: 0, maxElapsedMs: 60_000 };
    const h = (await placeHold({ customerId: 'c-1', orderId: 'o', amount: 10, currency: 'EUR', idempotencyKey: 'h' }, deps())).response
      .holdId!;
    const { response } = await redeemCredits(
      { customerId: 'c-1', orderId: 'o-r', amount: 100, currency: 'EUR', idempotencyKey: 'r' },
      deps(),
    );
    const cases: Array<[() => Promise<unknown>, string]> = [
      [
        () => placeHold({ customerId: 'c-1', orderId: 'o', amount: 10, currency: 'EUR', idempotencyKey: 'h2' }, deps(fast)),
        "too many concurrent changes to this customer's credits; retry with the same idempotencyKey",
      ],
      [
        () => captureHold({ customerId: 'c-1', holdId: h, amount: 1, captureKey: 'c' }, deps(fast)),
        'too many concurrent changes to this hold; retry with the same captureKey',
      ],
      [() => releaseHold({ customerId: 'c-1', holdId: h }, deps(fast)), 'too many concurrent changes to this hold; retry the release'],
      [
        () => refundTaken({ customerId: 'c-1', redemptionId: response.redemptionId!, amount: 1, refundKey: 'k' }, deps(fast)),
        'too many concurrent changes to this refund; retry with the same refundKey',
      ],
      [
        () => releaseExpiredHold(store.holds.get(`c-1#${h}`)!, deps(fast)),
        `release of expired hold ${h} kept conflicting; will be retried`,
      ],
    ];
    for (const [run, message] of cases) {
      store.failNext = conflicts();
      expect(await bodyOf(run())).toMatchObject({ code: 'CONCURRENT_MODIFICATION', retryable: true, message });
    }
  });
});

describe('waiting between attempts', () => {
  const sleeps = recordSleeps('at once');
  /** floor(0.5 · min(40, 20 · 2^attempt)) = 10, 20 ms. */
  const POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 20, maxDelayMs: 40, maxElapsedMs: 60_000 };
  const script = [
    { kind: 'conflict' as const, stale: false },
    { kind: 'conflict' as const, stale: true },
    { kind: 'duplicate' as const, existing: undefined },
  ];

  it('capture, release and refund: back off after contention, re-read at once after a stale read or a failed guard', async () => {
    const h = (await placeHold({ customerId: 'c-1', orderId: 'o', amount: 10, currency: 'EUR', idempotencyKey: 'h' }, deps())).response
      .holdId!;
    const { response } = await redeemCredits(
      { customerId: 'c-1', orderId: 'o-r', amount: 100, currency: 'EUR', idempotencyKey: 'r' },
      deps(),
    );
    const runs: Array<() => Promise<unknown>> = [
      () => captureHold({ customerId: 'c-1', holdId: h, amount: 1, captureKey: 'c' }, deps(POLICY)),
      () => refundTaken({ customerId: 'c-1', redemptionId: response.redemptionId!, amount: 1, refundKey: 'k' }, deps(POLICY)),
      () => releaseHold({ customerId: 'c-1', holdId: h }, deps(POLICY)),
    ];
    for (const run of runs) {
      sleeps.length = 0;
      store.failNext = [...script];
      await expect(run()).resolves.toBeDefined(); // the fourth attempt commits
      expect(sleeps).toEqual([10]);
    }
  });

  it('hold: backs off after contention only (like redeem)', async () => {
    store.failNext = [
      { kind: 'conflict', stale: false },
      { kind: 'conflict', stale: true },
    ];
    await placeHold(
      { customerId: 'c-1', orderId: 'o', amount: 10, currency: 'EUR', idempotencyKey: 'h' },
      deps({ ...POLICY, staleRunBeforeJitter: 3, staleJitterMs: 50 }),
    );
    expect(sleeps).toEqual([10]);
  });

  it('the release of an expired hold: backs off after contention, re-plans at once when a credit changed', async () => {
    const h = (await placeHold({ customerId: 'c-1', orderId: 'o', amount: 10, currency: 'EUR', idempotencyKey: 'h' }, deps())).response
      .holdId!;
    store.failNext = [
      { kind: 'conflict', stale: false },
      { kind: 'conflict', stale: true },
    ];
    expect(await releaseExpiredHold(store.holds.get(`c-1#${h}`)!, deps(POLICY))).toBe('RELEASED');
    expect(sleeps).toEqual([10]);
  });
});
