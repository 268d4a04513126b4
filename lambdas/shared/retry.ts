/** Bounded retry with exponential backoff and full jitter, for optimistic-concurrency conflicts. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const CONFLICT_RETRY: RetryPolicy = { attempts: 10, baseDelayMs: 10, maxDelayMs: 400 };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}
