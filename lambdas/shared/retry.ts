/** Bounded retry with exponential backoff and full jitter, for optimistic-concurrency conflicts. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Stop retrying once this much time has gone by (a synchronous caller is waiting). */
  readonly maxElapsedMs?: number;
}

export const CONFLICT_RETRY: RetryPolicy = { attempts: 10, baseDelayMs: 10, maxDelayMs: 400 };

/**
 * Redeem is synchronous (10 s Lambda timeout) and a hot customer's redeems all want the same soonest-expiring credit.
 * Stale reads are retried at once; contention sleeps with full jitter (wider windows collide less than many short
 * retries, measured with `npm run bench -- --only=4`). After 8 s the caller gets CONCURRENT_MODIFICATION (retryable).
 */
export const REDEEM_RETRY: RetryPolicy = { attempts: 12, baseDelayMs: 10, maxDelayMs: 400, maxElapsedMs: 8000 };

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
