/**
 * Retries racing each other, on DynamoDB Local through the real use cases and adapter: a payment flow that timed out
 * sends the same request again while the first is still in flight. Ten identical captures (same captureKey), ten
 * identical refunds (same refundKey), ten releases of one hold, at once, burst after burst: every call gets the one
 * success answer, never a refusal meant for a different request; the money moves once.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, DynamoCreditStore } from '../../lambdas/adapters/dynamodb';
import { captureHold } from '../../lambdas/app/capture';
import { grantCredit } from '../../lambdas/app/grant';
import { placeHold } from '../../lambdas/app/hold';
import { redeemCredits } from '../../lambdas/app/redeem';
import { refundTaken } from '../../lambdas/app/refund';
import { releaseHold } from '../../lambdas/app/release';
import type { CapPolicy } from '../../lambdas/domain/caps';
import { DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { CreditError } from '../../lambdas/domain/errors';
import { systemClock } from '../../lambdas/shared/clock';
import { newId } from '../../lambdas/shared/ids';
import { startTestRuntime, type TestRuntime } from './harness';
import { unique } from './service-client';

jest.setTimeout(180_000);

const BURSTS = 12;
const RETRIES = 10;

const NO_CAPS: CapPolicy = {
  customerAmount30dMajorUnits: 1_000_000_000,
  customerAmount365dMajorUnits: 1_000_000_000,
  customerGrants30d: 1_000_000_000,
  customerGrants365d: 1_000_000_000,
  issuerAmountPerDayMajorUnits: 1_000_000_000,
};

let t: TestRuntime;
let store: DynamoCreditStore;
beforeAll(async () => {
  t = await startTestRuntime();
  const client = new DynamoDBClient({
    endpoint: process.env.DDB_ENDPOINT,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  store = new DynamoCreditStore(createDocumentClient(client), t.tableName);
});
afterAll(async () => {
  await t?.stop();
});

const deps = () => ({ store, clock: systemClock, newId });

async function customerWith(amounts: number[]): Promise<string> {
  const customerId = unique('c');
  for (const amount of amounts) {
    const out = await grantCredit(
      {
        complaintId: unique('cmp'),
        customerId,
        email: 'r@example.com',
        locale: 'de-DE',
        amount,
        currency: 'EUR',
        validityDays: 30,
        reason: 'retries',
      },
      { ...deps(), policy: DEFAULT_GRANT_POLICY, caps: NO_CAPS },
    );
    if (out.outcome !== 'GRANTED') throw new Error(`grant: ${out.outcome}`);
  }
  return customerId;
}

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
