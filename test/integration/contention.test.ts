/**
 * Contention on one customer, on DynamoDB Local (issue 10.5): 40 spends at once — redeems mixed with holds — through
 * the real use cases and adapter with the service's spend policy (optimistic, then the customer's spend queue).
 * Covered by the balance, a refusal may only be the retryable one (the time budget ran out on a slow machine) and its
 * retry with the same key serves it in full; overdraft is impossible; the ledger and the credits add up; every
 * queue turn taken is counted finished; queued spends are committed in groups (lambdas/app/group-commit.ts) and none
 * stays queued. Then the same burst with the soonest-expiring credit lapsing mid-burst (the
 * clock jumps past its expiry after the fifth answer): no spend takes from it at or after its expiry, and the rest is
 * served from the next credit.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, DynamoCreditStore, keys } from '../../lambdas/adapters/dynamodb';
import { PREFIX, QUEUED_SPEND_PREFIX, SPEND_QUEUE_SK } from '../../lambdas/adapters/dynamodb/layout';
import { grantCredit } from '../../lambdas/app/grant';
import { placeHold } from '../../lambdas/app/hold';
import { redeemCredits } from '../../lambdas/app/redeem';
import type { Allocation } from '../../lambdas/domain/allocation';
import { DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import type { Clock } from '../../lambdas/shared/clock';
import { newId } from '../../lambdas/shared/ids';
import { NO_CAPS } from './direct-store';
import { startTestRuntime, type TestRuntime } from './harness';
import { localDynamoClient } from './service-fixture';
import { unique } from './service-client';
import { settleBurst } from '../support/settle';

jest.setTimeout(120_000);

let t: TestRuntime;
let store: DynamoCreditStore;
let doc: ReturnType<typeof createDocumentClient>;
beforeAll(async () => {
  t = await startTestRuntime();
  doc = createDocumentClient(localDynamoClient());
  store = new DynamoCreditStore(doc, t.tableName);
});
afterAll(async () => {
  await t?.stop();
});

/** A clock the test can move forward: every spend reads it for its `now` (plan and conditions). */
function movableClock(): Clock & { jumpTo(at: number): void } {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), jumpTo: (at) => (offset = Math.max(offset, at - Date.now())) };
}

async function grant(customerId: string, amount: number, validityDays: number, clock: Clock) {
  const out = await grantCredit(
    {
      complaintId: unique('cmp'),
      customerId,
      email: 'hot@example.com',
      locale: 'de-DE',
      amount,
      currency: 'EUR',
      validityDays,
      reason: 'contention test',
    },
    { store, clock, policy: DEFAULT_GRANT_POLICY, caps: NO_CAPS, newId },
  );
  if (out.outcome !== 'GRANTED') throw new Error(`grant: ${out.outcome}`);
  return { creditId: out.creditId, expiresAt: out.expiresAt! };
}

interface Answer {
  kind: 'redeem' | 'hold';
  requested: number;
  applied: number;
  allocations: readonly Allocation[];
  at: string;
  request: { customerId: string; orderId: string; amount: number; currency: string; idempotencyKey: string };
}

/**
 * `n` spends of `amount` at once, every third a hold, settled as the payment flow settles them (test/support/settle.ts:
 * a refusal must be retryable, and its retry with the same key answers it).
 */
async function burst(customerId: string, n: number, amount: number, clock: Clock) {
  const calls = Array.from({ length: n }, (_, i) => {
    const req = { customerId, orderId: unique('ord'), amount, currency: 'EUR', idempotencyKey: unique('key') };
    return async (): Promise<Answer> => {
      let answer: Answer;
      if (i % 3 === 2) {
        const { response } = await placeHold(req, { store, clock, newId });
        answer = {
          kind: 'hold',
          requested: amount,
          applied: response.held,
          allocations: response.allocations,
          at: response.heldAt,
          request: req,
        };
      } else {
        const { response } = await redeemCredits(req, { store, clock, newId });
        answer = {
          kind: 'redeem',
          requested: amount,
          applied: response.applied,
          allocations: response.allocations,
          at: response.redeemedAt,
          request: req,
        };
      }
      return answer;
    };
  });
  return (await settleBurst(calls)).answers;
}

async function query(customerId: string, prefix: string) {
  const out = await doc.send(
    new QueryCommand({
      TableName: t.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':p': prefix },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

async function queueOf(customerId: string) {
  const out = await doc.send(
    new GetCommand({ TableName: t.tableName, Key: { pk: keys.customer(customerId), sk: SPEND_QUEUE_SK }, ConsistentRead: true }),
  );
  return out.Item;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('40 concurrent covered spends on one customer (redeems and holds)', () => {
  it('every refusal retryable and settled by its retry; each served in full, no overdraft, ledger and credits add up, every turn finished', async () => {
    const clock = movableClock();
    const customerId = unique('hot');
    const credits = [];
    for (let i = 0; i < 10; i++) credits.push(await grant(customerId, 500, 40 + i, clock)); // 50.00 EUR

    const answers = await burst(customerId, 40, 100, clock);

    expect(answers).toHaveLength(40);
    expect(answers.every((a) => a.applied === 100 && sum(a.allocations.map((x) => x.amount)) === 100)).toBe(true);
    const stored = await query(customerId, PREFIX.CREDIT);
    const remaining = sum(stored.map((c) => c.remaining as number));
    expect(Math.min(...stored.map((c) => c.remaining as number))).toBeGreaterThanOrEqual(0);
    expect(remaining).toBe(5000 - 4000);
    // soonest-expiring first: the eight credits that expire first are used up, the last two untouched
    const byExpiry = [...stored].sort((a, b) => String(a.expiresAt).localeCompare(String(b.expiresAt)));
    expect(byExpiry.map((c) => c.remaining)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 500, 500]);
    // per credit: what the answers say was taken from it is what it lost
    for (const c of stored) {
      const taken = sum(answers.flatMap((a) => a.allocations.filter((x) => x.creditId === c.creditId).map((x) => x.amount)));
      expect(taken + (c.remaining as number)).toBe(500);
    }
    const ledger = await query(customerId, PREFIX.LEDGER);
    const spent = ledger.filter((e) => e.kind === 'REDEEMED' || e.kind === 'HELD');
    expect(spent).toHaveLength(40);
    expect(sum(spent.map((e) => e.amount as number))).toBe(4000);
    expect(ledger.filter((e) => e.kind === 'HELD')).toHaveLength(answers.filter((a) => a.kind === 'hold').length);
    // Whoever took a ticket got a turn and counted it finished: the queue is idle.
    const queue = await queueOf(customerId);
    expect(queue).toBeDefined(); // 1.00 spends crowd onto 5.00 credits: some conflicted and queued
    expect(queue!.serving).toBe(queue!.issued);
    // Queued spends were committed in groups (a group's members share its holder's time), and no request stays queued.
    const sameInstant = new Map<string, number>();
    for (const a of answers) sameInstant.set(a.at, (sameInstant.get(a.at) ?? 0) + 1);
    expect(Math.max(...sameInstant.values())).toBeGreaterThan(1);
    expect(await query(customerId, QUEUED_SPEND_PREFIX)).toEqual([]);
    // A retry of an answered request replays its answer, even now that the balance has moved on; a reused key is refused.
    const first = answers.find((a) => a.kind === 'redeem')!;
    const replay = await redeemCredits(first.request, { store, clock, newId });
    expect(replay.replayed).toBe(true);
    expect(replay.response.allocations).toEqual(first.allocations);
    const reused = await redeemCredits({ ...first.request, orderId: unique('other') }, { store, clock, newId }).catch(
      (e: { code?: string }) => e.code,
    );
    expect(reused).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(sum((await query(customerId, PREFIX.CREDIT)).map((c) => c.remaining as number))).toBe(1000);
  });
});

describe('a credit expiring in the middle of a burst', () => {
  it('is never spent at or after its expiry; the rest is served from the next credits, every refusal settled by its retry', async () => {
    const clock = movableClock();
    const customerId = unique('hot-exp');
    const soon = await grant(customerId, 3500, 40, clock); // 35.00 EUR, the soonest-expiring
    const later = [];
    // 10 x 4.00 EUR: enough for the whole burst after the expiry. How many spends read the time before it depends on how
    // many attempts conflict first (every attempt reads the clock), and under AWS's transaction semantics (the strict
    // layer) more do than on a database that serialises them.
    for (let i = 0; i < 10; i++) later.push(await grant(customerId, 400, 50 + i, clock));
    const soonMs = Date.parse(soon.expiresAt);

    // Half the burst reads the time before the first credit's expiry, the rest after it (the clock jumps on the
    // 21st reading); the late half crowds onto the 4.00 credits, conflicts and queues.
    let readings = 0;
    const burstClock: Clock = {
      now: () => {
        if (++readings === 21) clock.jumpTo(soonMs + 1000);
        return clock.now();
      },
    };
    const answers = await burst(customerId, 40, 100, burstClock);

    expect(answers.every((a) => a.applied === 100)).toBe(true);
    const fromSoon = answers.filter((a) => a.allocations.some((x) => x.creditId === soon.creditId));
    const afterExpiry = answers.filter((a) => Date.parse(a.at) >= soonMs);
    expect(fromSoon.length).toBeGreaterThan(0);
    expect(afterExpiry.length).toBeGreaterThan(0);
    for (const a of fromSoon) expect(Date.parse(a.at)).toBeLessThan(soonMs);
    expect(afterExpiry.every((a) => a.allocations.every((x) => x.creditId !== soon.creditId))).toBe(true);

    const stored = await query(customerId, PREFIX.CREDIT);
    for (const c of stored) {
      const taken = sum(answers.flatMap((a) => a.allocations.filter((x) => x.creditId === c.creditId).map((x) => x.amount)));
      expect(taken + (c.remaining as number)).toBe(c.amount as number);
      expect(c.remaining as number).toBeGreaterThanOrEqual(0);
    }
    // it lapsed with money left on it: the late half could not use it
    expect(stored.find((c) => c.creditId === soon.creditId)!.remaining as number).toBeGreaterThan(0);
    const ledger = await query(customerId, PREFIX.LEDGER);
    expect(sum(ledger.filter((e) => e.kind === 'REDEEMED' || e.kind === 'HELD').map((e) => e.amount as number))).toBe(4000);
    const queue = await queueOf(customerId);
    expect(queue).toBeDefined(); // the late half conflicted on the small credits and queued
    expect(queue!.serving).toBe(queue!.issued);
  });
});
