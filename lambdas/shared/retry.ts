import type { Deadline } from './deadline';

/** Bounded retry for optimistic-concurrency conflicts: exponential backoff with full jitter, bounded by attempts or time. */
export interface RetryPolicy {
  /** Most attempts (for a time-bounded policy only a safety cap). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Stop retrying once this much time has gone by (a synchronous caller is waiting). */
  readonly maxElapsedMs?: number;
  /**
   * With an invocation's deadline (a synchronous caller waits: shared/deadline.ts), the budget also ends this long
   * before it: the time the try in flight, taking a request out of the queue and the answer take after it.
   */
  readonly windDownMs?: number;
  /** Stale conflicts are retried at once; after this many in a row, each further one waits 0…staleJitterMs first. */
  readonly staleRunBeforeJitter?: number;
  readonly staleJitterMs?: number;
  /** Spends only: after a conflict, wait for a turn in the customer's spend queue instead of backing off (lambdas/app/spend.ts). */
  readonly queue?: QueuePolicy;
}

/** How a queued spend waits for its turn. */
export interface QueuePolicy {
  /** How many queued spends may plan and commit at once (1: strictly one after the other). */
  readonly window: number;
  /** First guess of one turn (read, plan, commit); refined from how fast `serving` moves while waiting. */
  readonly turnEstimateMs: number;
  /** Shortest and longest sleep between two reads of the queue. */
  readonly minPollMs: number;
  readonly maxPollMs: number;
  /** When no turn finishes for this long (a holder crashed), a waiter counts one finished. */
  readonly leaseMs: number;
  /**
   * Group commit (spends only, where the store offers it): the turn holder commits the queued spends behind it with
   * its own in one transaction, up to `maxSpends`, and goes on with the next group while its turn is younger than
   * `continueForMs`. `window` and `leaseMs` replace the ones above: one holder at a time, and a turn is passed as
   * stalled only after `leaseMs` (one big transaction takes longer than one spend's); a waiter reads the queue every
   * `pollMsPerTurn` × (turns to go), within the bounds above, and every `heldPollMs` when its turn has come while a
   * holder goes on.
   */
  readonly group?: {
    readonly window: number;
    readonly maxSpends: number;
    readonly continueForMs: number;
    readonly pollMsPerTurn: number;
    readonly heldPollMs: number;
    readonly leaseMs: number;
  };
}

export const CONFLICT_RETRY: RetryPolicy = { attempts: 10, baseDelayMs: 10, maxDelayMs: 400 };

/**
 * Spends (redeem, hold) are synchronous (10 s Lambda timeout) and a hot customer's spends all want the same
 * soonest-expiring credit. The budget is TIME: a spend keeps trying for 8 s, then the caller gets
 * CONCURRENT_MODIFICATION (retryable); invoked with less time left (its deadline is the timeout less 0.5 s), it stops
 * 1.5 s before its deadline, and at the deadline the handler answers whatever is in flight (shared/sync.ts). The attempt count is only a safety cap, far above what 8 s allows. After a
 * conflict the spend waits for its turn in the customer's spend queue (lambdas/app/spend.ts) and is committed in a
 * group (lambdas/app/group-commit.ts): one holder at a time commits the spends queued behind it with its own, up to
 * 48 a transaction (what 100 items hold: ~25–30), and goes on with the next group while its turn is younger than 2 s;
 * a waiter reads the queue every 10 ms × its turns to go (5…500 ms), every 60 ms while a holder goes on past its
 * turn, and after 3 s without a turn finished counts one finished (a holder crashed). Where the store offers no
 * groups, 8 queued spends plan and commit at a time (1, 4, 12 and 20 measured worse), a turn first guessed at 10 ms,
 * then learnt, a 1 s lease. Measured side by side with `npm run bench -- --only=4 --strategies` (docs/benchmarks.md,
 * section 4): polling is what a hot customer's waiters cost DynamoDB (a strongly consistent read each), so 3 and 6 ms
 * a turn, and no going on, were slower on DynamoDB Local.
 */
export const REDEEM_RETRY: RetryPolicy = {
  attempts: 1000,
  baseDelayMs: 10,
  maxDelayMs: 400,
  maxElapsedMs: 8000,
  windDownMs: 1500,
  staleRunBeforeJitter: 3,
  staleJitterMs: 50,
  queue: {
    window: 8,
    turnEstimateMs: 10,
    minPollMs: 5,
    maxPollMs: 500,
    leaseMs: 1000,
    group: {
      window: 1,
      maxSpends: 48,
      continueForMs: 2000,
      pollMsPerTurn: 10,
      heldPollMs: 60,
      leaseMs: 3000,
    },
  },
};

/**
 * Grants to one customer all write its usage counter (one version-checked item: of any set of rivals only one can
 * commit), so a contended grant queues like a spend, two at a time: one commits while the next is already reading
 * (window 1 left a gap between turns: 11 of 100 still failing after three invocations against none with 2, one run
 * each at load ~30); a wider window only adds transactions bound to fail. Queue reads at most every 5 s (a hundred
 * waiters' reads stay few), a turn passed only after 5 s without one finished (a slow commit is not taken for a
 * crash). Nobody waits for a grant (an asynchronous event), so its budget is 25 s within the grant function's 30 s
 * timeout; after it, the event's asynchronous retries.
 */
export const GRANT_RETRY: RetryPolicy = {
  ...REDEEM_RETRY,
  maxElapsedMs: 25_000,
  queue: { window: 2, turnEstimateMs: 20, minPollMs: 10, maxPollMs: 5000, leaseMs: 5000 },
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * What to do after a failed optimistic write: nothing after the last attempt (the caller answers at once), nothing
 * when the data was stale (re-read now: someone else's write already finished), otherwise back off with jitter.
 */
export async function pauseAfterConflict(attempt: number, policy: RetryPolicy, stale: boolean): Promise<void> {
  if (stale || attempt >= policy.attempts - 1) return;
  await sleep(backoffDelay(attempt, policy));
}

export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

/**
 * One call's retry budget, for a time-bounded policy: `allows(attempt)` before each attempt, `pause` after each
 * conflict. A pause never sleeps past the deadline, so the call gives up at the budget, not a backoff later.
 */
export class RetryBudget {
  private readonly started = Date.now();
  private staleRun = 0;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly deadline?: Deadline,
  ) {}

  allows(attempt: number): boolean {
    return attempt < this.policy.attempts && (attempt === 0 || this.remainingMs() > 0);
  }

  async pause(attempt: number, stale: boolean): Promise<void> {
    if (!this.allows(attempt + 1)) return;
    this.staleRun = stale ? this.staleRun + 1 : 0;
    const delay = stale ? this.staleDelay() : backoffDelay(attempt, this.policy);
    const wait = Math.min(delay, this.remainingMs());
    if (wait > 0) await sleep(wait);
  }

  /** Sleep `ms`, or less if the budget ends first; false when the budget is spent. */
  async wait(ms: number): Promise<boolean> {
    const wait = Math.min(ms, this.remainingMs());
    if (wait > 0) await sleep(wait);
    return this.remainingMs() > 0;
  }

  private staleDelay(): number {
    const { staleRunBeforeJitter, staleJitterMs } = this.policy;
    if (staleRunBeforeJitter === undefined || !staleJitterMs || this.staleRun <= staleRunBeforeJitter) return 0;
    return Math.floor(Math.random() * staleJitterMs);
  }

  /** Time left: to the policy's `maxElapsedMs`, and to `windDownMs` before the invocation's deadline, whichever is sooner. */
  remainingMs(): number {
    const own = this.policy.maxElapsedMs === undefined ? Number.POSITIVE_INFINITY : this.policy.maxElapsedMs - (Date.now() - this.started);
    if (!this.deadline) return own;
    const left = this.deadline.timeLeftMs();
    // an invocation whose deadline has passed starts nothing more, whatever its wind-down
    return Math.min(own, left <= 0 ? 0 : left - (this.policy.windDownMs ?? 0));
  }
}
