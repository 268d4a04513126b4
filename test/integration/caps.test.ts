/**
 * Issuance caps on DynamoDB Local: grants racing for one customer's (or one issuer's) last room under a cap never
 * both pass — the counters are written in the grant transaction only at the version read — also when one issuer's
 * day is spread over its shards (a used-up slice never refuses while the day has room); and through the deployed
 * grant function a refusal is an answer (GrantRefused on the bus), not a failure-queue record.
 */
import type { DynamoCreditStore } from '../../lambdas/adapters/dynamodb';
import { declineGrant } from '../../lambdas/app/approval';
import { grantCredit, grantOrRequestApproval, type GrantOutcome } from '../../lambdas/app/grant';
import { DEFAULT_CAP_POLICY, type CapPolicy } from '../../lambdas/domain/caps';
import { DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { systemClock } from '../../lambdas/shared/clock';
import { newId } from '../../lambdas/shared/ids';
import type { TestRuntime } from './harness';
import { localDynamoClient, useService } from './service-fixture';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb';
import { issuerUsageItem } from '../../lambdas/adapters/dynamodb/issuance-codec';
import { ISSUER_SHARDS, shardOfId } from '../../lambdas/adapters/dynamodb/layout';
import { sliceOf } from '../../lambdas/domain/issuer-day';
import { complaint, type ServiceClient, unique } from './service-client';

jest.setTimeout(180_000);

let t: TestRuntime;
let svc: ServiceClient;
let store: DynamoCreditStore;

useService({ retryDelayMs: () => 10 }, (s) => ({ t, svc, store } = s));

const CAPS: CapPolicy = { ...DEFAULT_CAP_POLICY, customerGrants30d: 3, issuerAmountPerDayMajorUnits: 50 };
const grant = (detail: ReturnType<typeof complaint>) =>
  grantCredit(detail, {
    store,
    clock: systemClock,
    policy: DEFAULT_GRANT_POLICY,
    caps: CAPS,
    newId,
    retry: { attempts: 50, baseDelayMs: 5, maxDelayMs: 50 },
  });
const outcomes = (results: GrantOutcome[]) => results.map((r) => (r.outcome === 'REFUSED' ? r.cap : r.outcome)).sort();

test('8 concurrent grants for one customer with room for 3: exactly 3 granted, 5 refused by the count cap', async () => {
  const customerId = unique('cust-race');
  const results = await Promise.all(Array.from({ length: 8 }, () => grant(complaint({ customerId, amount: 100 }))));
  expect(outcomes(results)).toEqual([...Array(3).fill('GRANTED'), ...Array(5).fill('CUSTOMER_COUNT_30D')].sort());
  const items = await svc.items(customerId);
  expect(items.filter((i) => i.type === 'CREDIT')).toHaveLength(3);
  expect(items.filter((i) => i.type === 'LEDGER')).toHaveLength(3);
  const usage = items.find((i) => i.type === 'GRANT_USAGE')!;
  expect(usage.days).toEqual([{ day: new Date().toISOString().slice(0, 10), count: 3, amounts: { EUR: 300 } }]);
  expect(usage.version).toBe(3);
});

test("concurrent grants by one issuer to different customers: the day's amount never exceeds the issuer cap", async () => {
  const issuedBy = unique('agent');
  // 50 EUR a day: room for two grants of 20 EUR, not three.
  const results = await Promise.all(
    Array.from({ length: 6 }, () => grant(complaint({ customerId: unique('cust-iss'), amount: 2000, issuedBy }))),
  );
  expect(outcomes(results)).toEqual([...Array(2).fill('GRANTED'), ...Array(4).fill('ISSUER_AMOUNT_1D')].sort());
});

/** The issuer's use today in EUR over every shard and the unsharded counter, as the adapter reads it. */
async function issuerToday(issuedBy: string): Promise<{ total: number; perShard: Map<number, number> }> {
  const usage = await store.readUsage(unique('nobody'), issuedBy, new Date().toISOString().slice(0, 10), 'EUR');
  const perShard = new Map(usage.issuer!.shards.map((s) => [s.shard, s.usage?.amounts.EUR ?? 0]));
  const total = [...perShard.values()].reduce((a, b) => a + b, usage.issuer!.unsharded?.amounts.EUR ?? 0);
  return { total, perShard };
}

/** A real id (ULID) whose issuer shard is `shard`. */
function idOnShard(shard: number): string {
  for (;;) {
    const id = newId(new Date());
    if (shardOfId(id, ISSUER_SHARDS) === shard) return id;
  }
}

test(`12 concurrent grants of 5 EUR by one issuer over its ${ISSUER_SHARDS} shards (cap 50 EUR): exactly 10 granted, the shards add up to the cap`, async () => {
  const issuedBy = unique('system');
  // 5,000 cents over the shards: slices of well under 5 EUR, so every grant spreads from its own shard over the next ones
  const results = await Promise.all(
    Array.from({ length: 12 }, () => grant(complaint({ customerId: unique('cust-sys'), amount: 500, issuedBy }))),
  );
  expect(outcomes(results)).toEqual([...Array(10).fill('GRANTED'), ...Array(2).fill('ISSUER_AMOUNT_1D')].sort());
  const { total, perShard } = await issuerToday(issuedBy);
  expect(total).toBe(5000);
  for (const [shard, amount] of perShard) expect(amount).toBe(sliceOf(5000, ISSUER_SHARDS, shard));
});

test("a grant whose own shard's slice is used up is granted from the other shards while the day has room; then the cap holds to the cent", async () => {
  const issuedBy = unique('system');
  const own = 5;
  const slice = sliceOf(5000, ISSUER_SHARDS, own);
  const grantAs = (id: string, amount: number) =>
    grantCredit(complaint({ customerId: unique('cust-sl'), amount, issuedBy }), {
      store,
      clock: systemClock,
      policy: DEFAULT_GRANT_POLICY,
      caps: CAPS,
      newId: () => id,
    });
  expect((await grantAs(idOnShard(own), slice)).outcome).toBe('GRANTED'); // fills its own slice exactly
  expect((await issuerToday(issuedBy)).perShard.get(own)).toBe(slice);
  expect((await grantAs(idOnShard(own), 300)).outcome).toBe('GRANTED'); // same shard, no room there: taken from others
  const after = await issuerToday(issuedBy);
  expect(after.perShard.get(own)).toBe(slice);
  expect(after.total).toBe(slice + 300);
  expect((await grantAs(idOnShard(own), 2000)).outcome).toBe('GRANTED');
  expect((await grantAs(idOnShard(own), 5000 - slice - 2300)).outcome).toBe('GRANTED'); // the rest of the day, exactly
  expect(await grantAs(idOnShard(7), 1)).toMatchObject({ outcome: 'REFUSED', cap: 'ISSUER_AMOUNT_1D', limit: 5000 });
  expect((await issuerToday(issuedBy)).total).toBe(5000);
});

test('the unsharded counter of before still counts on its day', async () => {
  const issuedBy = unique('system');
  const day = new Date().toISOString().slice(0, 10);
  const old = issuerUsageItem(issuedBy, { value: { day, count: 3, amounts: { EUR: 4000 } }, version: 3 });
  await createDocumentClient(localDynamoClient()).send(new PutCommand({ TableName: t.tableName, Item: old }));
  const issued = (amount: number) => grant(complaint({ customerId: unique('cust-old'), amount, issuedBy }));
  expect(await issued(1001)).toMatchObject({ outcome: 'REFUSED', cap: 'ISSUER_AMOUNT_1D' });
  expect((await issued(600)).outcome).toBe('GRANTED');
  expect(await issued(401)).toMatchObject({ outcome: 'REFUSED', cap: 'ISSUER_AMOUNT_1D' });
  expect((await issued(400)).outcome).toBe('GRANTED');
  expect((await issuerToday(issuedBy)).total).toBe(5000);
});

test("a declined pending grant gives the issuer's room back to the shards it took it from (an ADD that never goes below 0)", async () => {
  const issuedBy = unique('system');
  // 30 EUR above a 20 EUR threshold: pending, counted from its request (3,000 of the 5,000-cent cap, over many shards)
  const approval = { policy: { thresholdsMajorUnits: { EUR: 20 }, timeoutHours: 72 }, store };
  const customerId = unique('cust-pend');
  const pending = await grantOrRequestApproval(complaint({ customerId, amount: 3000, issuedBy }), {
    store,
    clock: systemClock,
    policy: DEFAULT_GRANT_POLICY,
    caps: CAPS,
    newId,
    approval,
  });
  if (pending.outcome !== 'PENDING_APPROVAL') throw new Error(pending.outcome);
  expect((await issuerToday(issuedBy)).total).toBe(3000);
  expect(await grant(complaint({ customerId: unique('cust-pend'), amount: 2001, issuedBy }))).toMatchObject({ outcome: 'REFUSED' });
  const declined = await declineGrant(
    { operation: 'decline', customerId, pendingId: pending.pendingId, approverId: 'boss-1' },
    { store, clock: systemClock, policy: DEFAULT_GRANT_POLICY },
  );
  expect(declined).toMatchObject({ decision: 'DECLINED' });
  const after = await issuerToday(issuedBy);
  expect(after.total).toBe(0);
  for (const amount of after.perShard.values()) expect(amount).toBe(0);
  expect((await grant(complaint({ customerId: unique('cust-pend'), amount: 2500, issuedBy }))).outcome).toBe('GRANTED'); // the room is back
});

test('through the grant function: over the cap → GrantRefused on the bus, no failure record, one refusal per complaint', async () => {
  const customerId = unique('cust-e2e');
  const room = DEFAULT_CAP_POLICY.customerGrants30d; // the template deploys the domain defaults
  const complaints = Array.from({ length: room + 2 }, () => complaint({ customerId, amount: 100, issuedBy: 'agent-e2e' }));
  await svc.putComplaints(complaints);
  await t.runtime.idle(90_000);
  expect(svc.events('CreditGranted', customerId)).toHaveLength(room);
  const refused = svc.events('GrantRefused', customerId);
  expect(refused).toHaveLength(2);
  for (const e of refused) {
    expect(e.detail).toEqual({
      eventId: `GRANT_REFUSED#${e.detail.complaintId}`,
      customerId,
      occurredAt: expect.any(String),
      complaintId: expect.any(String),
      code: 'GRANT_CAP_EXCEEDED',
      cap: 'CUSTOMER_COUNT_30D',
      currency: 'EUR',
      amount: 100,
      limit: room,
      issuedBy: 'agent-e2e',
    });
  }
  for (const c of complaints) expect(svc.failures(c.complaintId)).toEqual([]);
  // A redelivered refused complaint changes nothing and publishes nothing new.
  const before = await svc.snapshot();
  const again = complaints.find((c) => c.complaintId === refused[0].detail.complaintId)!;
  await svc.putComplaint(again);
  await t.runtime.idle(30_000);
  expect(await svc.snapshot()).toBe(before);
  expect(svc.events('GrantRefused', customerId)).toHaveLength(2);
});
