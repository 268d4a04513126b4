/**
 * Auto-release (issue 10.2) on the local runtime, driven by DynamoDB Local's real TTL deletions: a hold whose
 * lifetime passes is removed by TTL, the router forwards the removal to the ReleaseExpiredQueue and the
 * `releaseExpired` worker gives back what the hold still held (HoldReleased, reason EXPIRED, once). A hold captured
 * in full before its lifetime passes releases nothing. The service's clock is shifted so that holds of the minimum
 * lifetime (60 s) fall due a few seconds after they are placed. Own small table, like expiry.test.ts (the TTL job
 * pauses after every page in which it deleted something).
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { setClock, offsetClock, systemClock } from '../../lambdas/shared/clock';
import { ITEM } from '../../lambdas/adapters/dynamodb/layout';
import { startTestRuntime, TTL_WAIT_MS, viaQueue, waitFor, type TestRuntime } from './harness';
import { complaint, ServiceClient, unique } from './service-client';

jest.setTimeout(240_000);

let t: TestRuntime;
let svc: ServiceClient;

beforeAll(async () => {
  t = await startTestRuntime();
  svc = new ServiceClient(t);
});
afterAll(async () => {
  await t?.stop();
});
afterEach(() => setClock(systemClock));

/** The shortest lifetime a hold may have; placed this long minus `dueInMs` ago, a hold expires `dueInMs` from now. */
const LIFETIME_SECONDS = 60;
const DUE_IN_MS = 6000;

async function placedEarlier<T>(fn: () => Promise<T>): Promise<T> {
  const restore = setClock(offsetClock(-(LIFETIME_SECONDS * 1000) + DUE_IN_MS));
  try {
    return await fn();
  } finally {
    restore();
  }
}

const eur = async (customerId: string) => (await svc.balance(customerId)).courtesyCredit.balances.find((b: any) => b.currency === 'EUR');
const ledger = async (customerId: string) =>
  (await svc.items(customerId))
    .filter((i) => i.type === ITEM.LEDGER)
    .map((i) => [i.kind, i.amount, i.kind === 'RELEASED' ? i.releaseReason : '']);
const holdItem = async (customerId: string) => (await svc.items(customerId)).find((i) => i.type === ITEM.HOLD);

it('a hold whose lifetime passes is released by the stream path (HoldReleased EXPIRED, balance back, once); one captured in time releases nothing', async () => {
  const expiring = complaint({ amount: 1000 });
  const partly = complaint({ amount: 1000 });
  const captured = complaint({ amount: 1000 });
  await svc.putComplaints([expiring, partly, captured]);
  await t.runtime.idle(30_000);

  const place = (customerId: string, amount: number) =>
    svc.invoke('hold', {
      customerId,
      orderId: unique('order'),
      amount,
      currency: 'EUR',
      idempotencyKey: unique('hk'),
      lifetimeSeconds: LIFETIME_SECONDS,
    });
  const capture = (customerId: string, holdId: string, amount: number) =>
    svc.invoke('capture', { customerId, holdId, amount, captureKey: unique('ck') });
  const [h, hp, hc] = await placedEarlier(async () => {
    const held = [await place(expiring.customerId, 400), await place(partly.customerId, 500), await place(captured.customerId, 300)];
    // Inside the holds' lifetime: one captured in part, one in full.
    expect(await capture(partly.customerId, held[1].holdId, 200)).toMatchObject({ ok: true, stillHeld: 300, holdStatus: 'ACTIVE' });
    expect(await capture(captured.customerId, held[2].holdId, 300)).toMatchObject({ ok: true, stillHeld: 0, holdStatus: 'CAPTURED' });
    return held;
  });
  for (const x of [h, hp, hc]) expect(x).toMatchObject({ ok: true });
  expect(await eur(expiring.customerId)).toMatchObject({ available: 600, held: 400 });
  // The old image the TTL removal will carry, for the redelivery below.
  const oldImage = await holdItem(expiring.customerId);
  expect(oldImage).toMatchObject({ holdId: h.holdId, status: 'ACTIVE' });

  // DynamoDB Local's TTL job removes the hold items; the router forwards the removals to releaseExpired.
  const released = await waitFor(async () => svc.events('HoldReleased', expiring.customerId)[0], TTL_WAIT_MS, 250);
  expect(released.detail).toMatchObject({
    holdId: h.holdId,
    orderId: h.orderId,
    reason: 'EXPIRED',
    amount: 400,
    currency: 'EUR',
    lapsed: 0,
    occurredAt: h.holdExpiresAt,
  });
  expect(released.detail.allocations).toEqual([expect.objectContaining({ amount: 400 })]);
  const partReleased = await waitFor(async () => svc.events('HoldReleased', partly.customerId)[0], TTL_WAIT_MS, 250);
  expect(partReleased.detail).toMatchObject({ holdId: hp.holdId, reason: 'EXPIRED', amount: 300 });
  await waitFor(async () => (await holdItem(captured.customerId)) === undefined, TTL_WAIT_MS, 250);

  // The same removal delivered again (SQS is at least once): nothing more is released.
  const removal = {
    Records: [
      {
        eventID: unique('ev'),
        eventName: 'REMOVE',
        eventSource: 'aws:dynamodb',
        userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
        dynamodb: {
          Keys: marshall({ pk: oldImage!.pk, sk: oldImage!.sk }),
          OldImage: marshall(oldImage!),
          SequenceNumber: '1',
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      },
    ],
  };
  expect(await t.runtime.invoke('releaseExpired', viaQueue(removal))).toEqual({ batchItemFailures: [] });
  await t.runtime.idle(30_000);

  // Expired: everything back, exactly one RELEASED entry and one event.
  expect(await holdItem(expiring.customerId)).toBeUndefined();
  expect(await eur(expiring.customerId)).toMatchObject({ available: 1000, held: 0 });
  expect((await svc.balance(expiring.customerId)).courtesyCredit.holds).toEqual([]);
  expect((await ledger(expiring.customerId)).sort()).toEqual(
    [
      ['GRANTED', 1000, ''],
      ['HELD', 400, ''],
      ['RELEASED', 400, 'EXPIRED'],
    ].sort(),
  );
  expect(svc.events('HoldReleased', expiring.customerId)).toHaveLength(1);

  // Captured in part: the rest came back.
  expect(await eur(partly.customerId)).toMatchObject({ available: 800, held: 0 });
  expect(svc.events('HoldReleased', partly.customerId)).toHaveLength(1);

  // Captured in full before its lifetime passed: its removal released nothing.
  expect(await eur(captured.customerId)).toMatchObject({ available: 700, held: 0 });
  expect((await ledger(captured.customerId)).map(([kind]) => kind).sort()).toEqual(['CAPTURED', 'GRANTED', 'HELD']);
  expect(svc.events('HoldReleased', captured.customerId)).toEqual([]);
});
