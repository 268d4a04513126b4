/**
 * The spend-retry loop redeem and hold share (lambdas/app/spend.ts): optimistic first; after a conflict a ticket in
 * the customer's spend queue, a wait of about (turns to go) × (one turn) with few reads, the commit, the turn counted
 * finished after it (also when the spend gives up or fails), a stalled queue moved on after the lease, all within the
 * time budget. Deterministic: jest's fake timers drive the sleeps and Date.now, the clock is fixed, the queue in memory.
 */
import { spendWithRetry, type SpendAttempt, type SpendOutcome } from '../../../lambdas/app/spend';
import type { SpendTurn } from '../../../lambdas/app/ports';
import { CreditError } from '../../../lambdas/domain/errors';
import { REDEEM_RETRY, type RetryPolicy } from '../../../lambdas/shared/retry';
import { MemorySpendQueue } from '../fakes/spend-queue';
import { MemoryStore } from '../fakes/memory-store';
import { placeHold } from '../../../lambdas/app/hold';
import { redeemCredits } from '../../../lambdas/app/redeem';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const clock = { now: () => NOW };
const C = 'c-1';
const QUEUE = { window: 2, turnEstimateMs: 10, minPollMs: 5, maxPollMs: 500, leaseMs: 1000 };
const POLICY: RetryPolicy = { attempts: 1000, baseDelayMs: 10, maxDelayMs: 400, maxElapsedMs: 8000, queue: QUEUE };

const conflict = (stale = true): SpendOutcome<string> => ({ kind: 'conflict', stale });

/** An attempt that answers from a script (the last entry repeats) and records the turn it held each time (its ticket). */
function scripted(queue: MemorySpendQueue, script: Array<SpendOutcome<string> | Error>) {
  const turns: Array<SpendTurn | undefined> = [];
  const attempt: SpendAttempt<string> = async () => {
    turns.push(queue.calls.includes('takeTicket') ? { ticket: queue.state(C).issued - 1 } : undefined);
    const next = script[Math.min(turns.length, script.length) - 1]!;
    if (next instanceof Error) throw next;
    return next;
  };
  return { attempt, turns };
}

async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

beforeEach(() => jest.useFakeTimers({ now: NOW }));
afterEach(() => jest.useRealTimers());

describe('spendWithRetry', () => {
  it('commits on the first try without touching the queue', async () => {
    const queue = new MemorySpendQueue();
    const { attempt, turns } = scripted(queue, [{ kind: 'committed', value: 'ok' }]);
    await expect(spendWithRetry(C, { store: queue, clock, retry: POLICY }, attempt)).resolves.toBe('ok');
    expect(turns).toEqual([undefined]);
    expect(queue.calls).toEqual([]);
  });

  it('after a conflict takes a ticket and, within the window at once, commits, then counts the turn finished once', async () => {
    const queue = new MemorySpendQueue();
    const { attempt, turns } = scripted(queue, [conflict(), { kind: 'committed', value: 'ok' }]);
    let conflicts = 0;
    const value = await spendWithRetry(C, { store: queue, clock, retry: POLICY, onConflict: () => conflicts++ }, attempt);
    expect(value).toBe('ok');
    expect(turns).toEqual([undefined, { ticket: 0 }]);
    expect(conflicts).toBe(1);
    expect(queue.calls).toEqual(['takeTicket', 'finishTurn']);
    expect(queue.state(C)).toEqual({ issued: 1, serving: 1 });
  });

  it('without a queue policy backs off and never takes a ticket', async () => {
    const queue = new MemorySpendQueue();
    const { attempt, turns } = scripted(queue, [conflict(false), conflict(true), { kind: 'committed', value: 'ok' }]);
    const { queue: _q, ...backoffOnly } = POLICY;
    const p = spendWithRetry(C, { store: queue, clock, retry: backoffOnly }, attempt);
    await jest.advanceTimersByTimeAsync(1000);
    await expect(p).resolves.toBe('ok');
    expect(turns).toEqual([undefined, undefined, undefined]);
    expect(queue.calls).toEqual([]);
  });

  it('outside the window sleeps about the turns to go, reads the queue a few times, then commits in its turn', async () => {
    const queue = new MemorySpendQueue();
    for (let i = 0; i < 10; i++) await queue.takeTicket(C); // tickets 0..9 are ahead, none finished
    queue.calls.length = 0;
    const { attempt, turns } = scripted(queue, [conflict(), { kind: 'committed', value: 'ok' }]);
    const done = settle(spendWithRetry(C, { store: queue, clock, retry: POLICY }, attempt));
    await jest.advanceTimersByTimeAsync(0);
    // ticket 10, window 2: 9 turns to go; first sleep (9 − ½) × 10 ms = 85 ms
    expect(queue.calls).toEqual(['takeTicket']);
    await jest.advanceTimersByTimeAsync(84);
    expect(queue.calls).toEqual(['takeTicket']);
    // the others finish one turn every 10 ms
    for (let i = 0; i < 9; i++) {
      queue.finish(C);
      await jest.advanceTimersByTimeAsync(10);
    }
    await jest.advanceTimersByTimeAsync(200);
    expect(await done).toEqual({ value: 'ok' });
    expect(turns).toEqual([undefined, { ticket: 10 }]);
    const reads = queue.calls.filter((c) => c === 'readQueue').length;
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(6); // not busy polling: 9 turns went by
  });

  it('learns the turn length from how fast the queue moves: a slow queue is read seldom', async () => {
    const queue = new MemorySpendQueue();
    for (let i = 0; i < 6; i++) await queue.takeTicket(C);
    queue.calls.length = 0;
    const { attempt } = scripted(queue, [conflict(), { kind: 'committed', value: 'ok' }]);
    const done = settle(spendWithRetry(C, { store: queue, clock, retry: POLICY }, attempt));
    // one turn finishes every 200 ms (five to go for ticket 6 with window 2)
    for (let i = 0; i < 5; i++) {
      await jest.advanceTimersByTimeAsync(200);
      queue.finish(C);
    }
    await jest.advanceTimersByTimeAsync(1000);
    expect(await done).toEqual({ value: 'ok' });
    // 1 s of waiting: busy polling at the 5 ms floor would be 200 reads
    expect(queue.calls.filter((c) => c === 'readQueue').length).toBeLessThanOrEqual(15);
  });

  it('moves a stalled queue on after the lease: one turn counted finished, conditioned on what was seen', async () => {
    const queue = new MemorySpendQueue();
    await queue.takeTicket(C);
    await queue.takeTicket(C); // tickets 0 and 1: their holders crashed
    queue.calls.length = 0;
    const { attempt, turns } = scripted(queue, [conflict(), { kind: 'committed', value: 'ok' }]);
    const done = settle(spendWithRetry(C, { store: queue, clock, retry: POLICY }, attempt));
    await jest.advanceTimersByTimeAsync(QUEUE.leaseMs - 50);
    expect(queue.calls).not.toContain('passStalledTurn');
    await jest.advanceTimersByTimeAsync(600);
    expect(await done).toEqual({ value: 'ok' });
    expect(queue.calls.filter((c) => c === 'passStalledTurn')).toHaveLength(1);
    expect(turns).toEqual([undefined, { ticket: 2 }]);
    expect(queue.state(C)).toEqual({ issued: 3, serving: 2 });
  });

  it('gives up at the budget while waiting (CONCURRENT_MODIFICATION), its ticket counted finished at once', async () => {
    const queue = new MemorySpendQueue();
    for (let i = 0; i < 500; i++) await queue.takeTicket(C);
    const passStalled = jest.spyOn(queue, 'passStalledTurn').mockResolvedValue(false); // nobody moves
    const { attempt, turns } = scripted(queue, [conflict()]);
    let settled = false;
    const done = settle(spendWithRetry(C, { store: queue, clock, retry: POLICY }, attempt)).finally(() => (settled = true));
    await jest.advanceTimersByTimeAsync(7_900);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(200);
    const { error } = await done;
    expect((error as CreditError).code).toBe('CONCURRENT_MODIFICATION');
    expect(turns).toHaveLength(1);
    expect(passStalled).toHaveBeenCalled();
    expect(queue.calls.filter((c) => c === 'finishTurn')).toHaveLength(1);
    expect(queue.state(C)).toEqual({ issued: 501, serving: 1 });
  });

  it('gives up at the budget in its turn (always stale): the turn is counted finished once', async () => {
    const queue = new MemorySpendQueue();
    const { attempt, turns } = scripted(queue, [conflict(true)]);
    const done = settle(spendWithRetry(C, { store: queue, clock, retry: POLICY }, attempt));
    await jest.advanceTimersByTimeAsync(8_100);
    expect(((await done).error as CreditError).code).toBe('CONCURRENT_MODIFICATION');
    expect(turns.length).toBeGreaterThan(3);
    expect(turns.slice(1).every((t) => t?.ticket === 0)).toBe(true);
    expect(queue.calls.filter((c) => c === 'finishTurn')).toHaveLength(1);
    expect(queue.state(C)).toEqual({ issued: 1, serving: 1 });
  });

  it('a failure in its turn counts the turn finished and propagates', async () => {
    const queue = new MemorySpendQueue();
    const reused = new CreditError('IDEMPOTENCY_KEY_REUSED', 'different request');
    const { attempt } = scripted(queue, [conflict(), reused]);
    expect((await settle(spendWithRetry(C, { store: queue, clock, retry: POLICY }, attempt))).error).toBe(reused);
    expect(queue.state(C)).toEqual({ issued: 1, serving: 1 });
  });

  it('an earlier answer replayed in its turn counts the turn finished', async () => {
    const queue = new MemorySpendQueue();
    const { attempt } = scripted(queue, [conflict(), { kind: 'replayed', value: 'earlier' }]);
    await expect(spendWithRetry(C, { store: queue, clock, retry: POLICY }, attempt)).resolves.toBe('earlier');
    expect(queue.calls).toEqual(['takeTicket', 'finishTurn']);
    expect(queue.state(C)).toEqual({ issued: 1, serving: 1 });
  });

  it('in its turn, a contended (not stale) conflict backs off before trying again, keeping the turn', async () => {
    const queue = new MemorySpendQueue();
    const { attempt, turns } = scripted(queue, [conflict(), conflict(false), { kind: 'committed', value: 'ok' }]);
    const p = spendWithRetry(C, { store: queue, clock, retry: POLICY }, attempt);
    await jest.advanceTimersByTimeAsync(500);
    await expect(p).resolves.toBe('ok');
    expect(turns).toEqual([undefined, { ticket: 0 }, { ticket: 0 }]);
    expect(queue.calls).toEqual(['takeTicket', 'finishTurn']);
  });

  it('the service policy queues spends, 8 at a time, and passes a stalled turn on after 1 s', () => {
    expect(REDEEM_RETRY.queue).toMatchObject({ window: 8, leaseMs: 1000 });
    expect(REDEEM_RETRY.queue!.maxPollMs).toBeLessThan(REDEEM_RETRY.queue!.leaseMs);
  });
});

describe('redeem and hold go through the shared loop', () => {
  const FUTURE = '2026-06-01T10:00:00.000Z';
  let n = 0;
  const newId = () => `01JSPEND${String(++n).padStart(18, '0')}`;
  const setup = () => {
    const store = new MemoryStore();
    store.addCredit({ creditId: 'cr-1', customerId: C, currency: 'EUR', amount: 1000, expiresAt: FUTURE });
    // another spend debits the credit between our read and our commit: the first commit is stale
    let raced = false;
    store.beforeCommit = () => {
      if (!raced) {
        raced = true;
        store.credits.get('cr-1')!.remaining = 100;
      }
    };
    return store;
  };
  const req = { customerId: C, orderId: 'o-1', amount: 300, currency: 'EUR', idempotencyKey: 'k-1' };

  it('redeem: after the stale commit it queues, re-reads, and commits in its turn (partial: what is left)', async () => {
    const store = setup();
    const { response } = await redeemCredits(req, { store, clock, newId, retry: POLICY });
    expect(response).toMatchObject({ requested: 300, applied: 100, remainingBalance: 0 });
    expect(store.queue.calls).toEqual(['takeTicket', 'finishTurn']);
    expect(store.queue.state(C)).toEqual({ issued: 1, serving: 1 });
  });

  it('hold: the same, its turn counted finished after the commit', async () => {
    const store = setup();
    const { response } = await placeHold(req, { store, clock, newId, retry: POLICY });
    expect(response).toMatchObject({ requested: 300, held: 100, remainingBalance: 0 });
    expect(store.queue.calls).toEqual(['takeTicket', 'finishTurn']);
    expect(store.queue.state(C)).toEqual({ issued: 1, serving: 1 });
  });
});
