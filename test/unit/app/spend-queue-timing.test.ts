/**
 * The spend queue's waiting, timed (jest's fake timers, the in-memory queue): a ticket at the edge of the window goes
 * at once; the first sleep is (turns to go − ½) × the estimate, floored and capped by the poll bounds; once the
 * queue's pace is learnt the waiter neither oversleeps its turn nor polls; a stalled queue is moved on exactly after
 * a lease, and a lost pass is not retried before another lease; a turn given up is finished even if that write fails.
 */
import { spendWithRetry, type SpendAttempt, type SpendOutcome } from '../../../lambdas/app/spend';
import type { SpendTurn } from '../../../lambdas/app/ports';
import { CreditError } from '../../../lambdas/domain/errors';
import type { RetryPolicy } from '../../../lambdas/shared/retry';
import { MemorySpendQueue } from '../fakes/spend-queue';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const clock = { now: () => NOW };
const C = 'c-1';
const QUEUE = { window: 2, turnEstimateMs: 10, minPollMs: 5, maxPollMs: 500, leaseMs: 1000 };
const policy = (queue = QUEUE, maxElapsedMs = 8000): RetryPolicy => ({
  attempts: 1000,
  baseDelayMs: 10,
  maxDelayMs: 400,
  maxElapsedMs,
  queue,
});

/** First a conflict, then a commit (counting the turn finished); records the turns given and when. */
function conflictThenCommit(queue: MemorySpendQueue) {
  const turns: Array<{ turn: SpendTurn | undefined; at: number }> = [];
  const start = Date.now();
  const attempt: SpendAttempt<string> = async () => {
    const turn = queue.calls.includes('takeTicket') ? { ticket: queue.state(C).issued - 1 } : undefined;
    turns.push({ turn, at: Date.now() - start });
    if (turns.length === 1) return { kind: 'conflict', stale: true } satisfies SpendOutcome<string>;
    return { kind: 'committed', value: 'ok' };
  };
  return { attempt, turns };
}

/** Times (ms after now) at which the queue is read. */
function readTimes(queue: MemorySpendQueue): number[] {
  const times: number[] = [];
  const start = Date.now();
  const read = queue.readQueue;
  queue.readQueue = async (customerId) => {
    times.push(Date.now() - start);
    return read(customerId);
  };
  return times;
}

async function ahead(queue: MemorySpendQueue, n: number) {
  for (let i = 0; i < n; i++) await queue.takeTicket(C);
  queue.calls.length = 0;
}

beforeEach(() => jest.useFakeTimers({ now: NOW }));
afterEach(() => jest.useRealTimers());

describe('waiting for a turn', () => {
  it('a ticket at the edge of the window (window − 1 unfinished ahead) goes at once, without reading the queue', async () => {
    const queue = new MemorySpendQueue();
    await ahead(queue, QUEUE.window - 1);
    const { attempt, turns } = conflictThenCommit(queue);
    await expect(spendWithRetry(C, { store: queue, clock, retry: policy() }, attempt)).resolves.toBe('ok');
    expect(turns.map((t) => t.turn)).toEqual([undefined, { ticket: 1 }]);
    expect(queue.calls).toEqual(['takeTicket', 'finishTurn']);
  });

  it('one place further back it waits: the first read comes after (turns to go − ½) × the estimate', async () => {
    const queue = new MemorySpendQueue();
    await ahead(queue, 10); // ticket 10, window 2: 9 to go → (9 − ½) × 10 ms
    const reads = readTimes(queue);
    const { attempt } = conflictThenCommit(queue);
    void spendWithRetry(C, { store: queue, clock, retry: policy() }, attempt).catch(() => undefined);
    await jest.advanceTimersByTimeAsync(200);
    expect(reads.slice(0, 2)).toEqual([85, 170]);
  });

  it('never sleeps less than minPollMs nor more than maxPollMs between two reads', async () => {
    const far = new MemorySpendQueue();
    await ahead(far, 1000); // ~1000 turns to go: 9 995 ms by the estimate, capped at 500
    const farReads = readTimes(far);
    void spendWithRetry(C, { store: far, clock, retry: policy() }, conflictThenCommit(far).attempt).catch(() => undefined);
    await jest.advanceTimersByTimeAsync(1100);
    expect(farReads).toEqual([500, 1000]);

    const near = new MemorySpendQueue();
    await ahead(near, 2); // 1 to go: (1 − ½) × 4 ms = 2 ms, floored at 5
    const nearReads = readTimes(near);
    const quick = { ...QUEUE, turnEstimateMs: 4 };
    void spendWithRetry(C, { store: near, clock, retry: policy(quick) }, conflictThenCommit(near).attempt).catch(() => undefined);
    await jest.advanceTimersByTimeAsync(16);
    expect(nearReads).toEqual([5, 10, 15]);
  });

  it('learns the pace (one turn every 200 ms): goes within about half a turn of its turn, reading the queue few times', async () => {
    const queue = new MemorySpendQueue();
    await ahead(queue, 111); // a busy customer: 100 turns finished before, then 11 ahead
    for (let i = 0; i < 100; i++) queue.finish(C);
    // ticket 111, window 2: its turn comes when 10 more have finished, at 2 000 ms
    const reads = readTimes(queue);
    const { attempt, turns } = conflictThenCommit(queue);
    const done = spendWithRetry(C, { store: queue, clock, retry: policy() }, attempt);
    for (let i = 0; i < 10; i++) {
      await jest.advanceTimersByTimeAsync(200);
      queue.finish(C);
    }
    await jest.advanceTimersByTimeAsync(600);
    await expect(done).resolves.toBe('ok');
    const went = turns[1]!.at;
    expect(went).toBeGreaterThanOrEqual(2000);
    expect(went).toBeLessThanOrEqual(2000 + 200 / 2 + QUEUE.minPollMs);
    // The estimate (10 ms) alone would read ~40 times in these 2 s.
    expect(reads.length).toBeLessThanOrEqual(10);
  });
});

describe('a stalled queue', () => {
  it('is moved on exactly when nothing finished for a lease, counted from taking the ticket', async () => {
    const queue = new MemorySpendQueue();
    await ahead(queue, 2); // tickets 0 and 1 crashed; ticket 2 needs one of them finished
    const passes: number[] = [];
    const start = Date.now();
    const pass = queue.passStalledTurn;
    queue.passStalledTurn = async (customerId, seen) => {
      passes.push(Date.now() - start);
      return pass(customerId, seen);
    };
    const { attempt, turns } = conflictThenCommit(queue);
    const done = spendWithRetry(C, { store: queue, clock, retry: policy() }, attempt);
    await jest.advanceTimersByTimeAsync(1100);
    await expect(done).resolves.toBe('ok');
    expect(passes).toEqual([QUEUE.leaseMs]);
    expect(turns[1]!.turn).toEqual({ ticket: 2 });
  });

  it('a pass lost to another waiter is not tried again before another lease', async () => {
    const queue = new MemorySpendQueue();
    await ahead(queue, 500);
    const passStalled = jest.spyOn(queue, 'passStalledTurn').mockResolvedValue(false); // someone else passes it… and stalls
    const { attempt } = conflictThenCommit(queue);
    const done = spendWithRetry(C, { store: queue, clock, retry: policy(QUEUE, 3_600) }, attempt).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(3_700);
    expect(((await done) as CreditError).code).toBe('CONCURRENT_MODIFICATION');
    // reads every 500 ms: a pass at 1 000, 2 000, 3 000 ms, one per lease
    expect(passStalled).toHaveBeenCalledTimes(3);
  });
});

describe('giving up in its turn', () => {
  it('the turn is counted finished; if that write fails, the caller still gets the original error', async () => {
    const queue = new MemorySpendQueue();
    const broken = new CreditError('IDEMPOTENCY_KEY_REUSED', 'different request');
    let n = 0;
    const attempt: SpendAttempt<string> = async () => {
      n++;
      if (n === 1) return { kind: 'conflict', stale: true };
      throw broken;
    };
    queue.finishTurn = async () => {
      queue.calls.push('finishTurn');
      throw new Error('network down');
    };
    await expect(spendWithRetry(C, { store: queue, clock, retry: policy() }, attempt)).rejects.toBe(broken);
    expect(queue.calls).toEqual(['takeTicket', 'finishTurn']);
  });
});
