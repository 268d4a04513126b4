/**
 * A synchronous function answers before its timeout, whatever its use case still waits for: at the invocation's
 * deadline (its remaining time less ANSWER_MARGIN_MS) the handler answers INTERNAL, retryable, and the use case's
 * retry budget — which ends windDownMs before that deadline — starts no further try (jest's fake timers).
 */
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { spendWithRetry, type SpendAttempt } from '../../lambdas/app/spend';
import type { CreditError } from '../../lambdas/domain/errors';
import { ANSWER_MARGIN_MS, InvocationDeadline, type Deadline } from '../../lambdas/shared/deadline';
import { operationFailedMetric } from '../../lambdas/shared/metric-names';
import { logger } from '../../lambdas/shared/observability';
import { REDEEM_RETRY, RetryBudget, type RetryPolicy } from '../../lambdas/shared/retry';
import { syncHandler } from '../../lambdas/shared/sync';
import { writtenDuring } from '../support/output';
import { MemorySpendQueue } from './fakes/spend-queue';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const Request = z.object({ customerId: z.string() });

/** A Lambda context with `remainingMs` left now (counting down with the clock). */
function contextWith(remainingMs: number | undefined): Context {
  const end = Date.now() + (remainingMs ?? 0);
  return {
    awsRequestId: 'req-1',
    functionName: 'redeem',
    invokedFunctionArn: 'arn:aws:lambda:eu-central-1:1:function:redeem',
    memoryLimitInMB: '512',
    ...(remainingMs === undefined ? {} : { getRemainingTimeInMillis: () => Math.max(0, end - Date.now()) }),
  } as unknown as Context;
}

beforeEach(() => jest.useFakeTimers({ now: NOW }));
afterEach(() => jest.useRealTimers());

describe('the invocation deadline', () => {
  it('is the remaining time less the margin, counts down, and reads 0 once reached', async () => {
    const d = new InvocationDeadline(2000);
    expect(d.timeLeftMs()).toBe(2000 - ANSWER_MARGIN_MS);
    await jest.advanceTimersByTimeAsync(1000);
    expect(d.timeLeftMs()).toBe(1000 - ANSWER_MARGIN_MS);
    const { reached } = d.expiry();
    let at = -1;
    const start = Date.now();
    void reached.then(() => (at = Date.now() - start));
    await jest.advanceTimersByTimeAsync(2000);
    expect(at).toBe(1000 - ANSWER_MARGIN_MS);
    expect(d.timeLeftMs()).toBe(0);
  });
});

describe('a synchronous handler near its timeout', () => {
  it('answers INTERNAL, retryable, at the deadline when the use case has not answered, and counts a failure', async () => {
    let seen: Deadline | undefined;
    const handler = syncHandler('Redeem', Request, (_request, { deadline }) => {
      seen = deadline;
      return new Promise<{ never: true }>(() => undefined);
    });
    const errors = jest.spyOn(logger, 'error');
    let answer: unknown;
    let answeredAt = -1;
    const start = Date.now();
    const out = writtenDuring(async () => {
      const pending = handler({ customerId: 'c-1' }, contextWith(3000)).then((a) => {
        answer = a;
        answeredAt = Date.now() - start;
      });
      await jest.advanceTimersByTimeAsync(3000);
      await pending;
    });
    const { output: written } = await out;
    expect(answeredAt).toBe(3000 - ANSWER_MARGIN_MS);
    expect(answer).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringContaining('retry with the same idempotency key'), retryable: true },
    });
    expect(seen?.timeLeftMs()).toBe(0); // the use case starts nothing more
    expect(written).toContain(operationFailedMetric('Redeem'));
    expect(errors).toHaveBeenCalledWith('Redeem did not answer within its time', { afterMs: 3000 - ANSWER_MARGIN_MS });
    errors.mockRestore();
  });

  it("gives the use case's own answer when it comes first, and leaves no timer behind", async () => {
    const handler = syncHandler('Redeem', Request, async (request) => ({ customerId: request.customerId }));
    let answer: unknown;
    await writtenDuring(async () => {
      answer = await handler({ customerId: 'c-1' }, contextWith(3000));
    });
    expect(answer).toEqual({ ok: true, customerId: 'c-1' });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('without a Lambda context (a direct call) runs the use case with no deadline', async () => {
    let seen: Deadline | undefined = new InvocationDeadline(1);
    const handler = syncHandler('Redeem', Request, async (_r, { deadline }) => {
      seen = deadline;
      return {};
    });
    await writtenDuring(() => handler({ customerId: 'c-1' }, contextWith(undefined)));
    expect(seen).toBeUndefined();
  });
});

describe('the retry budget under a deadline', () => {
  const policy: RetryPolicy = { attempts: 1000, baseDelayMs: 10, maxDelayMs: 400, maxElapsedMs: 8000, windDownMs: 1500 };

  it('ends at maxElapsedMs or windDownMs before the deadline, whichever is sooner', () => {
    expect(new RetryBudget(policy, { timeLeftMs: () => 9500 }).remainingMs()).toBe(8000);
    expect(new RetryBudget(policy, { timeLeftMs: () => 5000 }).remainingMs()).toBe(3500);
    expect(new RetryBudget(policy).remainingMs()).toBe(8000);
  });

  it('allows no further try once the deadline has passed, even with no wind-down', () => {
    const b = new RetryBudget({ ...policy, windDownMs: 0 }, { timeLeftMs: () => 0 });
    expect(b.allows(0)).toBe(true); // the first try always runs
    expect(b.allows(1)).toBe(false);
  });

  it('keeps what a 10 s redeem had: 8 s of retries within a 9.5 s deadline', () => {
    expect(REDEEM_RETRY.maxElapsedMs! + REDEEM_RETRY.windDownMs!).toBeLessThanOrEqual(10_000 - ANSWER_MARGIN_MS);
  });

  it('a spend invoked with 4 s left gives up windDownMs before its deadline, not after its 8 s', async () => {
    const queue = new MemorySpendQueue();
    await queue.takeTicket('c-1'); // someone ahead who never finishes
    const attempt: SpendAttempt<string> = async () => ({ kind: 'conflict', stale: false });
    const deadline = new InvocationDeadline(4000 + ANSWER_MARGIN_MS);
    const start = Date.now();
    let endedAt = -1;
    const done = spendWithRetry(
      'c-1',
      {
        store: queue,
        clock: { now: () => new Date() },
        retry: { ...REDEEM_RETRY, queue: { ...REDEEM_RETRY.queue!, group: undefined } },
        deadline,
      },
      attempt,
    ).catch((e: unknown) => {
      endedAt = Date.now() - start;
      return e;
    });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(((await done) as CreditError).code).toBe('CONCURRENT_MODIFICATION');
    expect(endedAt).toBeGreaterThanOrEqual(4000 - REDEEM_RETRY.windDownMs! - 10);
    expect(endedAt).toBeLessThanOrEqual(4000 - REDEEM_RETRY.windDownMs! + 10);
  });
});
