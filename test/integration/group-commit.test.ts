/**
 * Group commit on DynamoDB Local through the strict layer (lambdas/app/group-commit.ts, adapters/dynamodb/spend-groups.ts),
 * step by step with the real store: a holder commits the requests queued behind it with its own in one transaction and
 * counts their turns; a waiter finds its first answer (not a replay) under its key; a waiter that takes its request
 * out before the group commits makes the whole group fail with nothing moved (a request is never committed for a
 * caller who was told it was refused); a second request under the same key is not grouped with the first and then
 * replays it, and a group meeting a retried request whose key is taken commits the rest and retires it; a request
 * whose caller stops waiting is left out, and a holder whose own caller stopped commits nothing; a group whose credit
 * changed since it was read commits nothing. And a burst mixed with a credit voided mid-way: a refusal is only the
 * retryable one, its retry settles it, nothing is spent twice, nothing from the voided rest.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, DynamoCreditStore, keys } from '../../lambdas/adapters/dynamodb';
import { PREFIX, QUEUED_SPEND_PREFIX } from '../../lambdas/adapters/dynamodb/layout';
import { grantCredit } from '../../lambdas/app/grant';
import { answerOf, commitAsGroup, planGroup, waitInGroup, type GroupDeps, type GroupSpend } from '../../lambdas/app/group-commit';
import { placeHold } from '../../lambdas/app/hold';
import { redeemCredits, type RedeemResult } from '../../lambdas/app/redeem';
import type { QueuedSpend } from '../../lambdas/app/spend-plans';
import { voidCredit } from '../../lambdas/app/void';
import { DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { CreditError } from '../../lambdas/domain/errors';
import { systemClock } from '../../lambdas/shared/clock';
import { REDEEM_RETRY, RetryBudget } from '../../lambdas/shared/retry';
import { fingerprint, newId } from '../../lambdas/shared/ids';
import { NO_CAPS } from './direct-store';
import { startTestRuntime, type TestRuntime } from './harness';
import { localDynamoClient } from './service-fixture';
import { unique } from './service-client';
import { settleBurst } from '../support/settle';

jest.setTimeout(120_000);

let t: TestRuntime;
let store: DynamoCreditStore;
let doc: ReturnType<typeof createDocumentClient>;
let deps: GroupDeps;
beforeAll(async () => {
  t = await startTestRuntime();
  doc = createDocumentClient(localDynamoClient());
  store = new DynamoCreditStore(doc, t.tableName);
  deps = { store, groups: store.groups, clock: systemClock };
});
afterAll(async () => {
  doc?.destroy();
  await t?.stop();
});

async function grant(customerId: string, amount: number, validityDays = 40) {
  const out = await grantCredit(
    {
      complaintId: unique('cmp'),
      customerId,
      email: 'group@example.com',
      locale: 'de-DE',
      amount,
      currency: 'EUR',
      validityDays,
      reason: 'group commit test',
    },
    { store, clock: systemClock, policy: DEFAULT_GRANT_POLICY, caps: NO_CAPS, newId },
  );
  if (out.outcome !== 'GRANTED') throw new Error(`grant: ${out.outcome}`);
  return { creditId: out.creditId, expiresAt: out.expiresAt! };
}

const query = async (customerId: string, prefix: string) =>
  (
    await doc.send(
      new QueryCommand({
        TableName: t.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':p': prefix },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];
const remaining = async (customerId: string) => (await query(customerId, PREFIX.CREDIT)).reduce((s, c) => s + (c.remaining as number), 0);

/** A redemption as the use case queues it (its fingerprint computed as redeem.ts does). */
function queuedRedeem(customerId: string, amount: number, idempotencyKey = unique('key')): Extract<QueuedSpend, { kind: 'redeem' }> {
  const request = { customerId, orderId: unique('ord'), amount, currency: 'EUR', idempotencyKey };
  const { idempotencyKey: _k, ...hashed } = request;
  return { kind: 'redeem', request, requestHash: fingerprint({ ...hashed, purchase: undefined }) };
}
const asGroupSpend = (spend: Extract<QueuedSpend, { kind: 'redeem' }>, startedAtMs?: number): GroupSpend<typeof spend, RedeemResult> => ({
  spend,
  newId,
  reused: () => new CreditError('IDEMPOTENCY_KEY_REUSED', 'reused'),
  asResult: (record, replayed) => ({ response: record.response, replayed }),
  ...(startedAtMs === undefined ? {} : { startedAtMs }),
});

/**
 * The holder's policy: one group, no next ones. A budget of ten minutes: a request these tests queue without a mark
 * of its own is never left out as given up, however long a loaded machine takes to queue the others (23 queued one
 * after the other took a minute at DDB_STRICT_DELAY_MS=2500).
 */
const ONE_GROUP = { maxSpends: 48, budgetMs: 600_000, continueForMs: 0, leaseMs: 3000 };

/** The group a holder of ticket `own` would commit now, as commitAsGroup plans it (nobody left out as given up). */
async function planNow(customerId: string, own: number) {
  const now = new Date();
  const queued = await store.groups.queuedSpends(customerId);
  return {
    now,
    members: planGroup(own, queued, await store.listSpendableCredits(customerId, now), now, newId, 48, Number.POSITIVE_INFINITY),
  };
}

/** Take a ticket and leave the request under it, as a waiting spend does (`waitsUntilMs`: when its caller stops waiting). */
async function enqueue(customerId: string, spend: QueuedSpend, waitsUntilMs?: number): Promise<number> {
  const { ticket } = await store.takeTicket(customerId, new Date());
  await store.groups.enqueueSpend(
    customerId,
    { ticket, queuedAtMs: Date.now(), ...(waitsUntilMs === undefined ? {} : { waitsUntilMs }), spend },
    new Date(),
  );
  return ticket;
}

describe('a group, step by step', () => {
  it('the holder commits the queued requests with its own; the waiters read their first answers; all turns counted', async () => {
    const customerId = unique('grp');
    await grant(customerId, 1000);
    const spends = [300, 200, 400, 250].map((a) => queuedRedeem(customerId, a));
    const tickets = [];
    for (const s of spends) tickets.push(await enqueue(customerId, s));
    const holder = await commitAsGroup(customerId, tickets[0]!, deps, ONE_GROUP, asGroupSpend(spends[0]!));
    expect(holder).toMatchObject({
      kind: 'answered',
      committed: 4,
      value: { replayed: false, response: { applied: 300, remainingBalance: 700 } },
    });
    const answers = await Promise.all(spends.slice(1).map((s) => answerOf(customerId, deps, asGroupSpend(s))));
    expect(answers.map((a) => [a.replayed, a.response.applied, a.response.remainingBalance])).toEqual([
      [false, 200, 500],
      [false, 400, 100],
      [false, 100, 0],
    ]);
    expect(await remaining(customerId)).toBe(0);
    expect(await query(customerId, QUEUED_SPEND_PREFIX)).toEqual([]);
    const queue = await store.readQueue(customerId);
    expect(queue.serving).toBe(4);
    // a waiter whose request is gone and whose turn is counted does not take the turn again
    expect(await store.groups.withdrawSpend(customerId, tickets[2]!)).toBe(false);
    // the same requests again are replays of those answers, money unchanged
    const again = await redeemCredits(spends[3]!.request, { store, clock: systemClock, newId });
    expect(again).toEqual({ response: answers[2]!.response, replayed: true });
  });

  it('a holder goes on with the next groups while its turn is young, marking the sequencer, and hands the turn on after', async () => {
    const customerId = unique('grp-cont');
    await grant(customerId, 5000);
    const spends = Array.from({ length: 23 }, () => queuedRedeem(customerId, 100));
    const tickets = [];
    for (const s of spends) tickets.push(await enqueue(customerId, s));
    const marks: Array<number | undefined> = [];
    const watching = {
      ...deps,
      groups: Object.assign(Object.create(store.groups), {
        finishTurns: async (c: string, n: number, now: Date, until?: number) => {
          marks.push(until);
          return store.groups.finishTurns(c, n, now, until);
        },
      }),
    };
    const started = Date.now();
    const holder = await commitAsGroup(
      customerId,
      tickets[0]!,
      watching,
      { ...ONE_GROUP, maxSpends: 5, continueForMs: 60_000 },
      asGroupSpend(spends[0]!),
    );
    expect(holder).toMatchObject({ kind: 'answered', committed: 23 });
    // five groups of at most 5, each counted as it committed with the mark set; then the mark removed
    expect(marks.slice(0, 5).every((m) => m !== undefined && m > started)).toBe(true);
    expect(marks.slice(5)).toEqual([undefined]);
    expect(await store.readQueue(customerId)).toEqual({ serving: 23 });
    expect(await remaining(customerId)).toBe(5000 - 2300);
    expect(await query(customerId, QUEUED_SPEND_PREFIX)).toEqual([]);
  });

  it('a waiter that takes its request out before the group commits: the group commits nothing', async () => {
    const customerId = unique('grp-withdraw');
    await grant(customerId, 1000);
    const a = queuedRedeem(customerId, 100);
    const b = queuedRedeem(customerId, 100);
    const ta = await enqueue(customerId, a);
    const tb = await enqueue(customerId, b);
    const { now, members } = await planNow(customerId, ta);
    expect(members.map((m) => m.ticket)).toEqual([ta, tb]);
    expect(await store.groups.withdrawSpend(customerId, tb)).toBe(true); // b gave up: its caller is told CONCURRENT_MODIFICATION
    await expect(store.groups.commitGroup(customerId, members, now)).resolves.toEqual({ kind: 'conflict', stale: true, keysTaken: [] });
    expect(await remaining(customerId)).toBe(1000);
    expect(await query(customerId, PREFIX.REDEEM_KEY)).toEqual([]);
    // the holder's own request is still queued: its next group (alone now) commits it
    const again = await commitAsGroup(customerId, ta, deps, ONE_GROUP, asGroupSpend(a));
    expect(again).toMatchObject({ kind: 'answered', committed: 1 });
    expect(await remaining(customerId)).toBe(900);
  });

  it('a second request under the same key is not grouped with the first; on its own turn it replays the first answer', async () => {
    const customerId = unique('grp-dup');
    await grant(customerId, 1000);
    const first = queuedRedeem(customerId, 100, 'same-key');
    const t1 = await enqueue(customerId, first);
    const t2 = await enqueue(customerId, first); // the caller retried while the first was queued
    const g1 = await commitAsGroup(customerId, t1, deps, ONE_GROUP, asGroupSpend(first));
    expect(g1).toMatchObject({ kind: 'answered', committed: 1, value: { replayed: false } });
    await new Promise((r) => setTimeout(r, 5));
    // its key is taken: its request leaves the queue, its turn is counted, and it answers as a replay
    const g2 = await commitAsGroup(customerId, t2, deps, ONE_GROUP, asGroupSpend(first, Date.now()));
    expect(g2).toEqual({
      kind: 'answered',
      committed: 1,
      value: { response: (g1 as { value: RedeemResult }).value.response, replayed: true },
    });
    expect(await store.groups.withdrawSpend(customerId, t2)).toBe(false);
    expect((await store.readQueue(customerId)).serving).toBe(2);
    expect(await remaining(customerId)).toBe(900);
  });

  it('a group meeting a request whose key is taken commits the others and retires that one (its waiter replays)', async () => {
    const customerId = unique('grp-retire');
    await grant(customerId, 1000);
    const done = queuedRedeem(customerId, 100);
    await redeemCredits(done.request, { store, clock: systemClock, newId }); // committed before; then retried and queued
    const a = queuedRedeem(customerId, 200);
    const b = queuedRedeem(customerId, 300);
    const ta = await enqueue(customerId, a);
    const tDone = await enqueue(customerId, done);
    await enqueue(customerId, b);
    const g = await commitAsGroup(customerId, ta, deps, ONE_GROUP, asGroupSpend(a));
    expect(g).toMatchObject({ kind: 'answered', committed: 2 });
    expect(await remaining(customerId)).toBe(1000 - 100 - 200 - 300);
    expect(await query(customerId, QUEUED_SPEND_PREFIX)).toEqual([]);
    expect((await store.readQueue(customerId)).serving).toBe(3); // a, b and the retired retry
    expect(await store.groups.isQueued(customerId, tDone)).toBe(false);
    await expect(answerOf(customerId, deps, asGroupSpend(done, Date.now()))).resolves.toMatchObject({
      replayed: true,
      response: { applied: 100 },
    });
  });

  it('a request whose caller stops waiting is left out (it stays for its waiter to take out); a holder whose own caller stopped commits nothing', async () => {
    const customerId = unique('grp-until');
    await grant(customerId, 1000);
    const [a, b, c] = [100, 200, 300].map((amount) => queuedRedeem(customerId, amount));
    const ta = await enqueue(customerId, a!, Date.now() + 60_000);
    // b's caller is answered at its deadline in a moment (its budget ends 100 ms from now): no group may commit it
    const tb = await enqueue(customerId, b!, Date.now() + 100);
    const tc = await enqueue(customerId, c!, Date.now() + 60_000);
    const holder = await commitAsGroup(customerId, ta, deps, ONE_GROUP, asGroupSpend(a!));
    expect(holder).toMatchObject({ kind: 'answered', committed: 2 });
    expect((await query(customerId, QUEUED_SPEND_PREFIX)).map((q) => q.ticket)).toEqual([tb]);
    expect(await answerOf(customerId, deps, asGroupSpend(c!))).toMatchObject({ response: { applied: 300 } });
    expect(await remaining(customerId)).toBe(600);
    expect(await store.groups.withdrawSpend(customerId, tb)).toBe(true); // its waiter takes it out: never committed

    // a holder resuming after its caller stopped waiting (a frozen invocation thawed): its group is not committed
    const late = queuedRedeem(customerId, 50);
    const behind = queuedRedeem(customerId, 60);
    const tl = await enqueue(customerId, late, Date.now() - 1);
    await enqueue(customerId, behind, Date.now() + 60_000);
    await expect(commitAsGroup(customerId, tl, deps, ONE_GROUP, asGroupSpend(late))).resolves.toEqual({ kind: 'failed', stale: false });
    expect(await remaining(customerId)).toBe(600);
    expect(await query(customerId, QUEUED_SPEND_PREFIX)).toHaveLength(2);
  });

  it("a waiting spend's request says when its caller stops waiting: the end of its budget, which the invocation's deadline brings forward", async () => {
    const customerId = unique('grp-mark');
    await grant(customerId, 1000);
    await enqueue(customerId, queuedRedeem(customerId, 10)); // the turn is someone else's
    const queue = REDEEM_RETRY.queue!;
    const started = Date.now();
    // an invocation with 4 s left: the budget ends windDownMs (1.5 s) before, at 2.5 s, not at the policy's 8 s
    const budget = new RetryBudget(REDEEM_RETRY, { timeLeftMs: () => 4000 - (Date.now() - started) });
    const waiting = waitInGroup(customerId, deps, queue, queue.group!, budget, asGroupSpend(queuedRedeem(customerId, 100)));
    let stored: Record<string, unknown> | undefined;
    while (!stored) {
      await new Promise((r) => setTimeout(r, 20));
      stored = (await query(customerId, QUEUED_SPEND_PREFIX)).find((q) => q.ticket === 1);
    }
    expect(stored.waitsUntilMs as number).toBeGreaterThanOrEqual(started + 2500 - 50);
    expect(stored.waitsUntilMs as number).toBeLessThanOrEqual(started + 2500);
    await expect(waiting).resolves.toEqual({ kind: 'gave-up', ticket: 1 });
    expect(Date.now()).toBeGreaterThanOrEqual(stored.waitsUntilMs as number);
    expect(await store.groups.withdrawSpend(customerId, 1)).toBe(true);
  });

  it('a group planned on a credit that changed since it was read commits nothing', async () => {
    const customerId = unique('grp-stale');
    await grant(customerId, 500);
    const a = queuedRedeem(customerId, 200);
    const ta = await enqueue(customerId, a);
    const { now, members } = await planNow(customerId, ta);
    await redeemCredits(
      { customerId, orderId: unique('ord'), amount: 400, currency: 'EUR', idempotencyKey: unique('key') },
      { store, clock: systemClock, newId },
    );
    await expect(store.groups.commitGroup(customerId, members, now)).resolves.toEqual({ kind: 'conflict', stale: true, keysTaken: [] });
    expect(await remaining(customerId)).toBe(100);
    expect(await query(customerId, QUEUED_SPEND_PREFIX)).toHaveLength(1);
  });
});

describe('a key reused for another request while the customer is contended', () => {
  it('is refused IDEMPOTENCY_KEY_REUSED, the others are served, and its ticket is counted (the queue does not stall)', async () => {
    const customerId = unique('grp-reuse');
    await grant(customerId, 5000);
    const first = await redeemCredits(
      { customerId, orderId: unique('ord'), amount: 100, currency: 'EUR', idempotencyKey: 'taken-key' },
      { store, clock: systemClock, newId },
    );
    const burst = Array.from({ length: 12 }, (_, i) => ({
      customerId,
      orderId: unique('ord'),
      amount: 50,
      currency: 'EUR',
      idempotencyKey: i === 5 ? 'taken-key' : unique('key'), // the same key, another order and amount
    }));
    // No stalled turn is passed within the budget (a lease of 60 s against 30 s): a ticket left uncounted stays
    // uncounted, and `serving` ends below `issued` (checked below), however slow the machine.
    const queue0 = REDEEM_RETRY.queue!;
    const retry = {
      ...REDEEM_RETRY,
      maxElapsedMs: 30_000,
      queue: { ...queue0, leaseMs: 60_000, group: { ...queue0.group!, leaseMs: 60_000 } },
    };
    const settled = await Promise.allSettled(burst.map((req) => redeemCredits(req, { store, clock: systemClock, newId, retry })));
    const codes = settled.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as CreditError).code));
    expect(codes).toEqual(burst.map((_, i) => (i === 5 ? 'IDEMPOTENCY_KEY_REUSED' : 'ok')));
    expect(await remaining(customerId)).toBe(5000 - 100 - 11 * 50);
    const queue = await store.readQueue(customerId);
    const [sequencer] = await query(customerId, 'QUEUE#SPEND');
    expect(queue.serving).toBe(sequencer?.issued ?? 0);
    expect(await query(customerId, QUEUED_SPEND_PREFIX)).toEqual([]);
    // the first call's answer is untouched
    expect(
      (await redeemCredits({ ...burst[5]!, orderId: first.response.orderId, amount: 100 }, { store, clock: systemClock, newId })).replayed,
    ).toBe(true);
  });
});

describe('a burst with a credit voided mid-way', () => {
  it('every refusal retryable and settled by its retry; each credit loses exactly what the answers took from it; nothing from the voided rest', async () => {
    const customerId = unique('grp-void');
    const credits = [];
    for (let i = 0; i < 6; i++) credits.push(await grant(customerId, 1000, 40 + i));
    const voided = credits[2]!;
    let answered = 0;
    let voiding: Promise<{ voided: number }> | undefined;
    const spends = Array.from({ length: 36 }, (_, i) => {
      const req = { customerId, orderId: unique('ord'), amount: 150, currency: 'EUR', idempotencyKey: unique('key') };
      return async () => {
        const allocations =
          i % 3 === 2
            ? (await placeHold(req, { store, clock: systemClock, newId })).response.allocations
            : (await redeemCredits(req, { store, clock: systemClock, newId })).response.allocations;
        if (++answered === 8)
          voiding = voidCredit({ customerId, creditId: voided.creditId, reason: 'issued in error' }, { store, clock: systemClock, newId });
        return allocations;
      };
    });
    const { answers } = await settleBurst(spends);
    const voidedRest = (await voiding!).voided;
    const taken = new Map<string, number>();
    for (const allocations of answers) for (const a of allocations) taken.set(a.creditId, (taken.get(a.creditId) ?? 0) + a.amount);
    const stored = await query(customerId, PREFIX.CREDIT);
    for (const c of stored) {
      const lost = 1000 - (c.remaining as number);
      const extra = c.creditId === voided.creditId ? voidedRest : 0;
      expect([c.creditId, (taken.get(c.creditId as string) ?? 0) + extra]).toEqual([c.creditId, lost]);
    }
    expect(await query(customerId, QUEUED_SPEND_PREFIX)).toEqual([]);
    const queue = await store.readQueue(customerId);
    expect(queue.serving).toBeGreaterThan(0);
  });
});
