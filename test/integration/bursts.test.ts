/**
 * Bursts on one customer, on DynamoDB Local through the real use cases and adapter. Retries racing each other (a
 * payment flow that timed out sends the same request again while the first is still in flight): ten identical
 * captures (same captureKey), ten identical refunds (same refundKey), ten releases of one hold, at once, burst after
 * burst: every call gets the one success answer, never a refusal meant for a different request; the money moves
 * once. Rivals: approvers deciding one pending grant at once; a hundred grants to one customer with the caps raised.
 */
import type { DynamoCreditStore } from '../../lambdas/adapters/dynamodb';
import { captureHold } from '../../lambdas/app/capture';
import { approveGrant } from '../../lambdas/app/approval';
import { grantCredit, grantOrRequestApproval } from '../../lambdas/app/grant';
import { placeHold } from '../../lambdas/app/hold';
import { redeemCredits } from '../../lambdas/app/redeem';
import { refundTaken } from '../../lambdas/app/refund';
import { releaseHold } from '../../lambdas/app/release';
import { DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { CreditError } from '../../lambdas/domain/errors';
import { customerWith as grantedTo, directStore, NO_CAPS, realTime } from './direct-store';
import { FUNCTIONS } from '../../infra/functions';
import { startTestRuntime, type TestRuntime } from './harness';
import { unique } from './service-client';

jest.setTimeout(180_000);

const BURSTS = 12;
const RETRIES = 10;

let t: TestRuntime;
let store: DynamoCreditStore;
beforeAll(async () => {
  t = await startTestRuntime();
  store = directStore(t.tableName);
});
afterAll(async () => {
  await t?.stop();
});

const deps = () => ({ store, ...realTime });
const customerWith = (amounts: number[]) => grantedTo(store, amounts);

async function heldFor(customerId: string, amount: number) {
  const { response } = await placeHold({ customerId, orderId: unique('o'), amount, currency: 'EUR', idempotencyKey: unique('hk') }, deps());
  return response.holdId!;
}

/** Every call's outcome: its answer, or the code it was refused with. */
async function burst<T>(call: () => Promise<T>): Promise<Array<{ ok: true; value: T } | { ok: false; code: string }>> {
  return Promise.all(
    Array.from({ length: RETRIES }, () =>
      call().then(
        (value) => ({ ok: true as const, value }),
        (e) => {
          if (e instanceof CreditError) return { ok: false as const, code: e.code };
          throw e;
        },
      ),
    ),
  );
}

function oneAnswer<T>(outcomes: Array<{ ok: true; value: T } | { ok: false; code: string }>): T {
  expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  const answers = outcomes.map((o) => (o as { value: T }).value);
  for (const a of answers) expect(a).toEqual(answers[0]);
  return answers[0] as T;
}

const available = async (customerId: string) =>
  (await store.listSpendableCredits(customerId, new Date())).reduce((sum, c) => sum + c.remaining, 0);

test(`${RETRIES} identical final captures at once, ${BURSTS} bursts: each call gets the capture, the rest is released once`, async () => {
  for (let b = 0; b < BURSTS; b++) {
    const customerId = await customerWith([600, 400]);
    const holdId = await heldFor(customerId, 900);
    const req = { customerId, holdId, amount: 500, final: true, captureKey: unique('ck') };
    const answer = oneAnswer(await burst(() => captureHold(req, deps()).then((r) => r.response)));
    expect(answer).toMatchObject({ captured: 500, stillHeld: 0, holdStatus: 'CAPTURED', released: { restored: 400, lapsed: 0 } });
    expect(await available(customerId)).toBe(500);
  }
});

test(`${RETRIES} identical captures of everything held at once, ${BURSTS} bursts: each call gets the capture`, async () => {
  for (let b = 0; b < BURSTS; b++) {
    const customerId = await customerWith([700]);
    const holdId = await heldFor(customerId, 700);
    const req = { customerId, holdId, amount: 700, captureKey: unique('ck') };
    expect(oneAnswer(await burst(() => captureHold(req, deps()).then((r) => r.response)))).toMatchObject({
      captured: 700,
      holdStatus: 'CAPTURED',
    });
    expect(await available(customerId)).toBe(0);
  }
});

test(`${RETRIES} identical full refunds at once, ${BURSTS} bursts: each call gets the refund, the money goes back once`, async () => {
  for (let b = 0; b < BURSTS; b++) {
    const customerId = await customerWith([300, 500]);
    const { response } = await redeemCredits(
      { customerId, orderId: unique('o'), amount: 800, currency: 'EUR', idempotencyKey: unique('rk') },
      deps(),
    );
    const req = { customerId, redemptionId: response.redemptionId!, amount: 800, refundKey: unique('rf') };
    expect(oneAnswer(await burst(() => refundTaken(req, deps()).then((r) => r.response)))).toMatchObject({
      restored: 800,
      refundable: 0,
    });
    expect(await available(customerId)).toBe(800);
  }
});

test(`${RETRIES} releases of one hold at once, ${BURSTS} bursts: each call gets the release, the money goes back once`, async () => {
  for (let b = 0; b < BURSTS; b++) {
    const customerId = await customerWith([250, 250]);
    const holdId = await heldFor(customerId, 400);
    const answer = oneAnswer(await burst(() => releaseHold({ customerId, holdId }, deps())));
    expect(answer).toMatchObject({ holdId, restored: 400, lapsed: 0 });
    expect(await available(customerId)).toBe(500);
  }
});

test(`${RETRIES} approvers deciding one pending grant at once, ${BURSTS} bursts: one approval, every other told GRANT_ALREADY_DECIDED`, async () => {
  const approval = { policy: { thresholdsMajorUnits: { EUR: 100 }, timeoutHours: 72 }, store };
  for (let b = 0; b < BURSTS; b++) {
    const customerId = unique('c');
    const requested = await grantOrRequestApproval(
      {
        complaintId: unique('cmp'),
        customerId,
        email: 'a@example.com',
        locale: 'de-DE',
        amount: 15_000,
        currency: 'EUR',
        validityDays: 30,
        reason: 'big',
        issuedBy: 'agent-7',
      },
      { ...deps(), policy: DEFAULT_GRANT_POLICY, caps: NO_CAPS, approval },
    );
    if (requested.outcome !== 'PENDING_APPROVAL') throw new Error(`grant: ${requested.outcome}`);
    let approver = 0;
    const outcomes = await burst(() =>
      approveGrant(
        { operation: 'approve', customerId, pendingId: requested.pendingId, approverId: `boss-${++approver}` },
        { store, clock: realTime.clock, policy: DEFAULT_GRANT_POLICY },
      ),
    );
    const codes = outcomes.map((o) => (o.ok ? o.value.decision : o.code)).sort();
    expect(codes).toEqual(['APPROVED', ...Array.from({ length: RETRIES - 1 }, () => 'GRANT_ALREADY_DECIDED')]);
  }
});

/** A grant as its function's event source runs it: asynchronous retries after a retryable failure, then the failure queue. */
async function grantAsInvoked(detail: Parameters<typeof grantCredit>[0]): Promise<string> {
  const { asyncRetryAttempts } = FUNCTIONS.grant.trigger;
  for (let invocation = 0; ; invocation++) {
    try {
      return (await grantCredit(detail, { ...deps(), policy: DEFAULT_GRANT_POLICY, caps: NO_CAPS })).outcome;
    } catch (e) {
      if (!(e instanceof CreditError)) throw e;
      if (!e.retryable || invocation >= asyncRetryAttempts) return `GrantFailures: ${e.code}`;
    }
  }
}

test('100 grants to one customer at once, caps raised: every one granted, none in the failure queue, counted once', async () => {
  const customerId = unique('c');
  const detail = (n: number) => ({
    complaintId: unique(`burst-${n}`),
    customerId,
    email: 'b@example.com',
    locale: 'de-DE',
    amount: 100 + n,
    currency: 'EUR',
    validityDays: 30,
    reason: 'burst',
  });
  const outcomes = await Promise.all(Array.from({ length: 100 }, (_, n) => grantAsInvoked(detail(n))));
  expect(outcomes.filter((o) => o !== 'GRANTED')).toEqual([]);
  const usage = await store.readUsage(customerId, undefined, new Date().toISOString().slice(0, 10), 'EUR');
  expect(usage.customer.value.reduce((sum, day) => sum + day.count, 0)).toBe(100);
  expect(await available(customerId)).toBe(100 * 100 + (99 * 100) / 2);
});
