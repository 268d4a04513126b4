/**
 * Every multi-item write fits one DynamoDB transaction (100 items; DynamoDB Local enforces it), on one customer with
 * more credits than one hold or redemption may take (caps raised): a hold over the most credits it may take is
 * captured finally (giving back to all of them), a redemption over the most is refunded in full, each in one
 * transaction. A hold or redemption stored over more credits (before the limits were lowered) is refused a write that
 * would not fit with TOO_MANY_CREDITS, and can still be closed in smaller parts.
 */
import type { DynamoCreditStore } from '../../lambdas/adapters/dynamodb';
import { captureHold } from '../../lambdas/app/capture';
import { MAX_CREDITS_PER_HOLD, placeHold } from '../../lambdas/app/hold';
import type { HoldResponse } from '../../lambdas/app/payment-ports';
import type { RedeemResponse } from '../../lambdas/app/ports';
import { MAX_CREDITS_PER_REDEMPTION, redeemCredits } from '../../lambdas/app/redeem';
import { refundTaken } from '../../lambdas/app/refund';
import { releaseHold } from '../../lambdas/app/release';
import { newHold } from '../../lambdas/domain/hold';
import { heldEntry } from '../../lambdas/domain/payment-entries';
import { rejectedCreditError } from '../support/credit-errors';
import { customerWith, directStore, realTime } from './direct-store';
import { startTestRuntime, type TestRuntime } from './harness';
import { unique } from './service-client';
import { redeemedEntry } from '../../lambdas/domain/credit-entries';

jest.setTimeout(240_000);

const CREDITS = 98;
const EACH = 100;

let t: TestRuntime;
let store: DynamoCreditStore;
let customerId: string;
beforeAll(async () => {
  t = await startTestRuntime();
  store = directStore(t.tableName);
  customerId = await customerWith(
    store,
    Array.from({ length: CREDITS }, () => EACH),
  );
});
afterAll(async () => {
  await t?.stop();
});

const deps = () => ({ store, ...realTime });
const available = async () => (await store.listSpendableCredits(customerId, new Date())).reduce((sum, c) => sum + c.remaining, 0);

test(`a hold takes at most ${MAX_CREDITS_PER_HOLD} credits; its final capture gives back to all of them in one transaction`, async () => {
  const { response: hold } = await placeHold(
    { customerId, orderId: unique('o'), amount: CREDITS * EACH, currency: 'EUR', idempotencyKey: unique('hk') },
    deps(),
  );
  expect(hold.allocations).toHaveLength(MAX_CREDITS_PER_HOLD);
  const { response } = await captureHold({ customerId, holdId: hold.holdId!, amount: 1, final: true, captureKey: unique('ck') }, deps());
  expect(response).toMatchObject({ captured: 1, holdStatus: 'CAPTURED', released: { restored: hold.held - 1, lapsed: 0 } });
  expect(await available()).toBe(CREDITS * EACH - 1);
});

test(`a redemption takes at most ${MAX_CREDITS_PER_REDEMPTION} credits; a full refund gives back to all of them in one transaction`, async () => {
  const before = await available();
  const { response: redemption } = await redeemCredits(
    { customerId, orderId: unique('o'), amount: before, currency: 'EUR', idempotencyKey: unique('rk') },
    deps(),
  );
  expect(redemption.allocations).toHaveLength(MAX_CREDITS_PER_REDEMPTION);
  const req = { customerId, redemptionId: redemption.redemptionId!, amount: redemption.applied, refundKey: unique('rf') };
  expect((await refundTaken(req, deps())).response).toMatchObject({ restored: redemption.applied, refundable: 0 });
  expect(await available()).toBe(before);
});

/** The soonest-expiring `n` credits, as a hold or redemption stored before the limits were lowered took them. */
async function oldAllocations(n: number) {
  const credits = await store.listSpendableCredits(customerId, new Date());
  return credits.slice(0, n).map((c) => ({ creditId: c.creditId, amount: c.remaining, expiresAt: c.expiresAt }));
}

test('a hold stored over 97 credits: a final capture is refused TOO_MANY_CREDITS; a capture and a release close it', async () => {
  const now = new Date();
  const hold = newHold({
    holdId: realTime.newId(now),
    customerId,
    orderId: unique('o'),
    currency: 'EUR',
    allocations: await oldAllocations(97),
    now,
    lifetimeSeconds: 3600,
  });
  const placed = await store.commitHold({
    customerId,
    idempotencyKey: unique('hk'),
    record: { requestHash: 'stored-before', response: {} as HoldResponse },
    placed: { hold, ledger: heldEntry(hold) },
    now,
  });
  expect(placed.kind).toBe('committed');
  const final = { customerId, holdId: hold.holdId, amount: 1, final: true, captureKey: unique('ck') };
  const refused = await rejectedCreditError(captureHold(final, deps()));
  expect([refused.code, refused.details]).toEqual(['TOO_MANY_CREDITS', { items: 101, max: 100 }]);
  await captureHold({ ...final, final: false }, deps());
  expect(await releaseHold({ customerId, holdId: hold.holdId }, deps())).toMatchObject({ restored: hold.amount - 1 });
});

test('a redemption stored over 98 credits: a full refund is refused TOO_MANY_CREDITS; refunds in parts give it all back', async () => {
  const now = new Date();
  const allocations = await oldAllocations(98);
  const amount = allocations.reduce((sum, a) => sum + a.amount, 0);
  const ledger = redeemedEntry({
    redemptionId: realTime.newId(now),
    customerId,
    orderId: unique('o'),
    currency: 'EUR',
    amount,
    allocations,
    at: now.toISOString(),
  });
  const response: RedeemResponse = {
    redemptionId: ledger.entryId,
    customerId,
    orderId: ledger.orderId,
    currency: 'EUR',
    requested: amount,
    applied: amount,
    allocations,
    remainingBalance: 0,
    redeemedAt: ledger.at,
  };
  const record = { requestHash: 'stored-before', response };
  expect((await store.commitRedemption({ customerId, idempotencyKey: unique('rk'), record, ledger, now })).kind).toBe('committed');
  const refund = (part: number) => refundTaken({ customerId, redemptionId: ledger.entryId, amount: part, refundKey: unique('rf') }, deps());
  const refused = await rejectedCreditError(refund(amount));
  expect([refused.code, refused.details]).toEqual(['TOO_MANY_CREDITS', { items: 101, max: 100 }]);
  const half = Math.floor(amount / 2);
  await refund(half);
  expect((await refund(amount - half)).response).toMatchObject({ refundable: 0 });
});
