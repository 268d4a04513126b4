/**
 * Conflict paths on the strict DynamoDB layer (local/ddb-strict.ts): the layer makes the next n writes of one item meet
 * a phantom in-flight transaction, so DynamoDB answers exactly as AWS does under contention (TransactionCanceledException
 * with TransactionConflict, TransactionConflictException). Each operation is run through its use case and the real
 * adapter: below its retry budget it succeeds exactly once (nothing lost, nothing doubled); at its budget it answers
 * CONCURRENT_MODIFICATION having tried exactly the budget and written nothing, and a retry then succeeds once.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createDocumentClient, DynamoCreditStore, keys } from '../../lambdas/adapters/dynamodb';
import { APPLIED_SK, GRANT_USAGE_SK, ISSUER_SHARDS, ITEM, SPEND_QUEUE_SK, shardOfId } from '../../lambdas/adapters/dynamodb/layout';
import { aggregateEntry } from '../../lambdas/app/aggregate';
import { approveGrant } from '../../lambdas/app/approval';
import { captureHold } from '../../lambdas/app/capture';
import { grantOrRequestApproval, type GrantDeps } from '../../lambdas/app/grant';
import { placeHold } from '../../lambdas/app/hold';
import { redeemCredits } from '../../lambdas/app/redeem';
import { refundTaken } from '../../lambdas/app/refund';
import { DEFAULT_CAP_POLICY } from '../../lambdas/domain/caps';
import { DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { CreditError } from '../../lambdas/domain/errors';
import type { LedgerEntry } from '../../lambdas/domain/ledger';
import { systemClock } from '../../lambdas/shared/clock';
import { newId } from '../../lambdas/shared/ids';
import { CONFLICT_RETRY, GRANT_RETRY, REDEEM_RETRY } from '../../lambdas/shared/retry';
import { startTestRuntime, type TestRuntime } from './harness';
import { localDynamoClient } from './service-fixture';
import { unique } from './service-client';
import { settleBurst } from '../support/settle';

jest.setTimeout(120_000);

const endpoint = process.env.DDB_ENDPOINT!;
let t: TestRuntime;
let store: DynamoCreditStore;
let doc: ReturnType<typeof createDocumentClient>;
beforeAll(async () => {
  t = await startTestRuntime();
  doc = createDocumentClient(localDynamoClient());
  store = new DynamoCreditStore(doc, t.tableName);
});
afterAll(async () => {
  doc?.destroy();
  await t?.stop();
});

type Key = { pk: string; sk: string };
/** The next `count` writes of the item meet a phantom transaction; answers how many of the earlier ones were unmet. */
async function induce(key: Key, count: number): Promise<number> {
  const res = await fetch(`${endpoint}/_strict/induce`, {
    method: 'POST',
    body: JSON.stringify({ TableName: t.tableName, Key: marshall(key), count }),
  });
  if (!res.ok) throw new Error(`induce: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { before: number }).before;
}
/** How many induced conflicts on the item were not met (and forget them). */
const unmet = (key: Key) => induce(key, 0);

const items = async (pk: string) =>
  (
    await doc.send(
      new QueryCommand({
        TableName: t.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];
const ofType = async (customerId: string, type: string) => (await items(keys.customer(customerId))).filter((i) => i.type === type);
const concurrent = (p: Promise<unknown>) =>
  p.then(
    () => 'committed',
    (e) => (e instanceof CreditError ? e.code : Promise.reject(e)),
  );

const deps = (): GrantDeps => ({ store, clock: systemClock, policy: DEFAULT_GRANT_POLICY, caps: DEFAULT_CAP_POLICY, newId });
const detail = (customerId: string, amount: number, issuedBy?: string) => ({
  complaintId: unique('cmp'),
  customerId,
  email: 'conflict@example.com',
  locale: 'de-DE',
  amount,
  currency: 'EUR',
  validityDays: 30,
  reason: 'conflict path',
  ...(issuedBy ? { issuedBy } : {}),
});

/** A customer with one credit of `amount`: its id and item key. */
async function customerWithCredit(amount = 5_000) {
  const customerId = unique('cust');
  const out = await grantOrRequestApproval(detail(customerId, amount), deps());
  if (out.outcome !== 'GRANTED') throw new Error(out.outcome);
  return { customerId, credit: { pk: keys.customer(customerId), sk: keys.credit(out.expiresAt!, out.creditId) } };
}
const spendRequest = (customerId: string, amount: number) => ({
  customerId,
  orderId: unique('ord'),
  amount,
  currency: 'EUR',
  idempotencyKey: unique('idem'),
});
const remaining = async (customerId: string) => (await ofType(customerId, 'CREDIT')).reduce((s, c) => s + (c.remaining as number), 0);
/** The spend policy with a short time budget, so that running it out takes a second. */
const SHORT_SPEND = { ...REDEEM_RETRY, maxElapsedMs: 1_000 };
/** The spend policy with a budget no machine here runs out of at a handful of conflicts (a loaded DynamoDB Local can take seconds a call). */
const ROOMY_SPEND = { ...REDEEM_RETRY, maxElapsedMs: 60_000 };

describe.each([
  [
    'redeem',
    (req: ReturnType<typeof spendRequest>, retry = REDEEM_RETRY) => redeemCredits(req, { store, clock: systemClock, newId, retry }),
  ],
  ['hold', (req: ReturnType<typeof spendRequest>, retry = REDEEM_RETRY) => placeHold(req, { store, clock: systemClock, newId, retry })],
])('%s under conflicts on the credit', (_, spend) => {
  it('conflicts within the budget: applied exactly once', async () => {
    const { customerId, credit } = await customerWithCredit();
    await induce(credit, 5);
    await spend(spendRequest(customerId, 1_200), ROOMY_SPEND);
    expect(await unmet(credit)).toBe(0);
    expect(await remaining(customerId)).toBe(3_800);
    expect(await ofType(customerId, 'LEDGER')).toHaveLength(2); // GRANTED + one REDEEMED / HELD
  });

  it('conflicts past the time budget: CONCURRENT_MODIFICATION no sooner, nothing taken, the turn given back; a retry applies once', async () => {
    const { customerId, credit } = await customerWithCredit();
    const req = spendRequest(customerId, 1_200);
    await induce(credit, 100_000);
    const started = Date.now();
    expect(await concurrent(spend(req, SHORT_SPEND))).toBe('CONCURRENT_MODIFICATION');
    expect(Date.now() - started).toBeGreaterThanOrEqual(SHORT_SPEND.maxElapsedMs - 50);
    expect(await unmet(credit)).toBeGreaterThan(0);
    expect(await remaining(customerId)).toBe(5_000);
    const [queue] = (await items(keys.customer(customerId))).filter((i) => i.sk === SPEND_QUEUE_SK);
    expect(queue?.serving).toBe(queue?.issued);
    // its request was taken out of the queue when it gave up: no group commits it later behind the caller's back
    expect(await ofType(customerId, ITEM.QUEUED_SPEND)).toEqual([]);
    await spend(req);
    await spend(req); // the same key again: replayed, not applied twice
    expect(await remaining(customerId)).toBe(3_800);
    expect(await ofType(customerId, 'LEDGER')).toHaveLength(2);
  });
});

describe('group commit under conflicts on the credit', () => {
  it('a burst of redeems and holds committed in groups while the credit meets conflicts: each applied exactly once', async () => {
    const { customerId, credit } = await customerWithCredit(5_000);
    const burst = Array.from({ length: 24 }, (_, i) => spendRequest(customerId, 100 + i));
    const spendOne = (req: ReturnType<typeof spendRequest>, i: number) =>
      i % 3 === 2
        ? placeHold(req, { store, clock: systemClock, newId }).then((r) => ({ amount: r.response.held, replayed: r.replayed }))
        : redeemCredits(req, { store, clock: systemClock, newId }).then((r) => ({ amount: r.response.applied, replayed: r.replayed }));
    // a refusal may only be the retryable one (the budget ran out on a slow machine): its retry settles it
    const answers = settleBurst(burst.map((req, i) => () => spendOne(req, i)));
    await induce(credit, 6); // the groups' transactions (and late optimistic tries) meet these
    const applied = (await answers).answers;
    expect(applied).toEqual(burst.map((r) => ({ amount: r.amount, replayed: false })));
    const asked = burst.reduce((sum, r) => sum + r.amount, 0);
    expect(await remaining(customerId)).toBe(5_000 - asked);
    const spent = (await ofType(customerId, 'LEDGER')).filter((e) => e.kind === 'REDEEMED' || e.kind === 'HELD');
    expect(spent).toHaveLength(24);
    expect(spent.reduce((sum, e) => sum + (e.amount as number), 0)).toBe(asked);
    expect(await ofType(customerId, ITEM.QUEUED_SPEND)).toEqual([]);
    const [queue] = (await items(keys.customer(customerId))).filter((i) => i.sk === SPEND_QUEUE_SK);
    expect(queue?.serving).toBe(queue?.issued);
    // the same requests again, all at once: every one replays its answer (and says so), nothing moves
    expect(await Promise.all(burst.map((req, i) => spendOne(req, i)))).toEqual(burst.map((r) => ({ amount: r.amount, replayed: true })));
    expect(await remaining(customerId)).toBe(5_000 - asked);
  });
});

describe('capture and refund under conflicts', () => {
  async function heldCustomer() {
    const c = await customerWithCredit();
    const hold = await placeHold(spendRequest(c.customerId, 2_000), { store, clock: systemClock, newId });
    const holdId = hold.response.holdId!;
    return { ...c, holdId, holdKey: { pk: keys.customer(c.customerId), sk: keys.hold(holdId) } };
  }

  it('capture: 9 conflicts, captured once; 10 conflicts, CONCURRENT_MODIFICATION after exactly 10 tries and nothing captured', async () => {
    const h = await heldCustomer();
    const req = { customerId: h.customerId, holdId: h.holdId, amount: 500, captureKey: unique('cap') };
    await induce(h.holdKey, CONFLICT_RETRY.attempts);
    expect(await concurrent(captureHold(req, { store, clock: systemClock, newId }))).toBe('CONCURRENT_MODIFICATION');
    expect(await unmet(h.holdKey)).toBe(0);
    expect((await ofType(h.customerId, 'LEDGER')).filter((e) => e.kind === 'CAPTURED')).toHaveLength(0);
    await induce(h.holdKey, CONFLICT_RETRY.attempts - 1);
    const done = await captureHold(req, { store, clock: systemClock, newId });
    expect(await unmet(h.holdKey)).toBe(0);
    expect(done.response.captured).toBe(500);
    expect((await ofType(h.customerId, 'LEDGER')).filter((e) => e.kind === 'CAPTURED')).toHaveLength(1);
  });

  it('refund: 9 conflicts, refunded once; 10 conflicts, CONCURRENT_MODIFICATION and nothing refunded', async () => {
    const { customerId } = await customerWithCredit();
    const redeemed = await redeemCredits(spendRequest(customerId, 1_000), { store, clock: systemClock, newId });
    const redemptionId = redeemed.response.redemptionId!;
    const target = { pk: keys.customer(customerId), sk: keys.ledger(redemptionId) };
    const req = { customerId, redemptionId, amount: 400, refundKey: unique('ref') };
    await induce(target, CONFLICT_RETRY.attempts);
    expect(await concurrent(refundTaken(req, { store, clock: systemClock, newId }))).toBe('CONCURRENT_MODIFICATION');
    expect(await unmet(target)).toBe(0);
    expect(await remaining(customerId)).toBe(4_000);
    await induce(target, CONFLICT_RETRY.attempts - 1);
    await refundTaken(req, { store, clock: systemClock, newId });
    await refundTaken(req, { store, clock: systemClock, newId }); // replayed
    expect(await unmet(target)).toBe(0);
    expect(await remaining(customerId)).toBe(4_400);
  });
});

describe('grant with caps under conflicts', () => {
  /** The grant policy (it queues like a spend) with a short time budget, so that running it out takes a second. */
  const SHORT_GRANT = { ...GRANT_RETRY, maxElapsedMs: 1_000 };
  /** The issuer's day shard a grant writes follows its id: every attempt of this grant takes the same id. */
  const grantId = newId(new Date());
  it.each([
    ['the customer usage item', (customerId: string) => ({ pk: keys.customer(customerId), sk: GRANT_USAGE_SK }), undefined, newId],
    [
      "the issuer day's shard",
      () => ({
        pk: keys.issuerShard('agent-conflict', shardOfId(grantId, ISSUER_SHARDS)),
        sk: keys.issuerShardDay(new Date().toISOString().slice(0, 10), 'EUR'),
      }),
      'agent-conflict',
      () => grantId,
    ],
  ])(
    'on %s: conflicts past the time budget refused no sooner, nothing granted, the turn given back; 5 conflicts, granted once and counted once',
    async (_, keyOf, issuedBy, ids) => {
      const customerId = unique('cust');
      const key = keyOf(customerId);
      const first = detail(customerId, 1_000, issuedBy);
      await induce(key, 100_000);
      const started = Date.now();
      expect(await concurrent(grantOrRequestApproval(first, { ...deps(), newId: ids, retry: SHORT_GRANT }))).toBe(
        'CONCURRENT_MODIFICATION',
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(SHORT_GRANT.maxElapsedMs - 50);
      expect(await ofType(customerId, 'CREDIT')).toHaveLength(0);
      const [queue] = (await items(keys.customer(customerId))).filter((i) => i.sk === SPEND_QUEUE_SK);
      expect(queue?.serving).toBe(queue?.issued);
      expect(await unmet(key)).toBeGreaterThan(0); // conflicts were still induced when it gave up (and are forgotten now)
      await induce(key, 5);
      expect((await grantOrRequestApproval(first, { ...deps(), newId: ids })).outcome).toBe('GRANTED');
      expect((await grantOrRequestApproval(first, deps())).outcome).toBe('DUPLICATE');
      expect(await unmet(key)).toBe(0);
      expect(await ofType(customerId, 'CREDIT')).toHaveLength(1);
      const usage = await store.readUsage(customerId, issuedBy, new Date().toISOString().slice(0, 10), 'EUR');
      expect(JSON.stringify(usage.customer.value)).toContain('1000');
    },
  );
});

describe('approval under conflicts', () => {
  it('approve: 10 conflicts on the pending grant, CONCURRENT_MODIFICATION and no credit; 9, approved once', async () => {
    const customerId = unique('cust');
    const approval = { policy: { thresholdsMajorUnits: { EUR: 100 }, timeoutHours: 72 }, store };
    const out = await grantOrRequestApproval(detail(customerId, 15_000), { ...deps(), approval });
    if (out.outcome !== 'PENDING_APPROVAL') throw new Error(out.outcome);
    const key = { pk: keys.customer(customerId), sk: keys.pending(out.pendingId) };
    const req = { operation: 'approve', customerId, pendingId: out.pendingId, approverId: 'boss-1' } as const;
    const approveDeps = { store, clock: systemClock, policy: DEFAULT_GRANT_POLICY };
    await induce(key, CONFLICT_RETRY.attempts);
    expect(await concurrent(approveGrant(req, approveDeps))).toBe('CONCURRENT_MODIFICATION');
    expect(await unmet(key)).toBe(0);
    expect(await ofType(customerId, 'CREDIT')).toHaveLength(0);
    await induce(key, CONFLICT_RETRY.attempts - 1);
    await approveGrant(req, approveDeps);
    expect(await unmet(key)).toBe(0);
    expect(await ofType(customerId, 'CREDIT')).toHaveLength(1);
  });
});

describe('aggregate under conflicts', () => {
  it('10 conflicts on the applied mark: thrown for redelivery, nothing added; 9: added once; again: ALREADY_APPLIED', async () => {
    const day = '2031-01-02';
    const currency = 'EUR';
    const entry = {
      entryId: newId(new Date()),
      kind: 'GRANTED',
      customerId: unique('cust'),
      creditId: 'c1',
      amount: 700,
      currency,
      at: `${day}T10:00:00.000Z`,
    } as unknown as LedgerEntry;
    const mark = { pk: keys.applied(entry.entryId), sk: APPLIED_SK };
    const totals = async () => (await store.dayTotals(day)).filter((d) => d.day === day && d.currency === currency);
    const before = JSON.stringify(await totals());
    await induce(mark, CONFLICT_RETRY.attempts);
    await expect(aggregateEntry(entry, { store })).rejects.toThrow(/kept conflicting/);
    expect(await unmet(mark)).toBe(0);
    expect(JSON.stringify(await totals())).toBe(before);
    await induce(mark, CONFLICT_RETRY.attempts - 1);
    expect(await aggregateEntry(entry, { store })).toBe('APPLIED');
    expect(await aggregateEntry(entry, { store })).toBe('ALREADY_APPLIED');
    expect(await unmet(mark)).toBe(0);
    expect(JSON.stringify(await totals())).toContain('700');
  });
});
