import { REDEEM_RETRY, type RetryPolicy } from '../../lambdas/shared/retry';

/** Section 4's scenarios and the spend strategies `--strategies` compares (bench/sections/hot.ts runs them). */

export interface HotScenario {
  name: string;
  credits: number;
  creditAmount: number;
  requests: number;
  requestAmount: number;
  /** Every n-th request is a hold (0: redeems only). */
  holdEvery: number;
  /** Most refusals allowed / highest p99 allowed (verdicts), if any. */
  maxRefused?: number;
  maxP99Ms?: number;
}

export const SCENARIOS: HotScenario[] = [
  { name: 'covered, 40 at once', credits: 20, creditAmount: 500, requests: 40, requestAmount: 100, holdEvery: 3, maxRefused: 0 },
  {
    name: 'covered, 100 at once',
    credits: 20,
    creditAmount: 500,
    requests: 100,
    requestAmount: 100,
    holdEvery: 3,
    maxRefused: 0,
    maxP99Ms: 2000,
  },
  {
    name: 'contended, 100 x 3.00 on 100.00',
    credits: 20,
    creditAmount: 500,
    requests: 100,
    requestAmount: 300,
    holdEvery: 3,
    maxRefused: 0,
  },
];

/**
 * `--strategies`: the service's policy (the spend queue with group commit) next to the spend queue without groups
 * (window 8, the policy before it, and window 1) and the backoff-only policy the queue replaced (the option measured
 * before that, full-jitter backoff also on stale conflicts, lost and was removed; its numbers are in
 * docs/benchmarks.md, section 4).
 */
const { queue: QUEUE, ...BACKOFF_ONLY } = REDEEM_RETRY;
const { group: _group, ...UNGROUPED } = QUEUE!;
export const STRATEGIES: Array<{ name: string; retry: RetryPolicy }> = [
  { name: `e. spend queue, group commit (service policy)`, retry: REDEEM_RETRY },
  { name: `d. spend queue, window ${UNGROUPED.window}, no groups (before)`, retry: { ...REDEEM_RETRY, queue: UNGROUPED } },
  { name: 'c. spend queue, window 1, no groups', retry: { ...REDEEM_RETRY, queue: { ...UNGROUPED, window: 1 } } },
  { name: 'a. backoff, stale retried at once', retry: BACKOFF_ONLY },
];
