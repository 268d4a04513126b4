import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { parseContract, type Result } from '../contracts';
import { CreditError } from '../domain/errors';
import { InvocationDeadline, type Deadline } from './deadline';
import { CONCURRENT_MODIFICATION_METRIC, operationFailedMetric, operationRefusedMetric } from './metric-names';
import { withObservability } from './middleware';
import { logger, metrics } from './observability';

/** What a synchronous use case is told of its invocation: the deadline it answers by (none without a Lambda context). */
export interface SyncCall {
  readonly deadline?: Deadline;
}

type SyncRun<S extends z.ZodMiniType, T> = (request: z.infer<S>, call: SyncCall) => Promise<T>;

/**
 * Synchronously invoked functions (redeem, reverse, balance): parse the request against its contract, run the use case,
 * and answer `{ ok: true, ... }` or `{ ok: false, error: { code, message, retryable } }`. Business errors are answers,
 * not crashes, so the caller can branch on `error.code`. The answer comes before the function's timeout, whatever the
 * use case still waits for: at the invocation's deadline (shared/deadline.ts) it is INTERNAL, retryable — the outcome
 * is unknown until the caller retries with the same idempotency key — and the use case, which bounds its retries by
 * the same deadline, starts no further try.
 */
export function syncHandler<S extends z.ZodMiniType, T extends object>(operation: string, schema: S, run: SyncRun<S, T>) {
  return withObservability(async (event: unknown, context: Context): Promise<Result<T>> => {
    if (typeof context.getRemainingTimeInMillis !== 'function') return answer(operation, schema, run, event, context, {});
    const started = Date.now();
    const deadline = new InvocationDeadline(context.getRemainingTimeInMillis());
    const expiry = deadline.expiry();
    const answered = answer(operation, schema, run, event, context, { deadline });
    const first = await Promise.race([answered, expiry.reached.then(() => undefined)]);
    expiry.cancel();
    if (first) return first;
    answered.catch(() => undefined); // its answer comes too late to be sent; it never throws
    logger.error(`${operation} did not answer within its time`, { afterMs: Date.now() - started });
    metrics.addMetric(operationFailedMetric(operation), MetricUnit.Count, 1);
    return {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: `no answer within the function's time (request ${context.awsRequestId}); the outcome is unknown until retried: retry with the same idempotency key`,
        retryable: true,
      },
    };
  });
}

/** The use case's answer: its result, a refusal (a CreditError), or INTERNAL for anything unexpected. */
async function answer<S extends z.ZodMiniType, T extends object>(
  operation: string,
  schema: S,
  run: SyncRun<S, T>,
  event: unknown,
  context: Context,
  call: SyncCall,
): Promise<Result<T>> {
  try {
    const request = parseContract(schema, event);
    logger.appendKeys({ customerId: (request as { customerId?: string }).customerId });
    const body = await run(request, call);
    return { ok: true, ...body };
  } catch (error) {
    if (error instanceof CreditError) {
      logger.warn(`${operation} refused`, { code: error.code, reason: error.message });
      metrics.addMetric(operationRefusedMetric(operation), MetricUnit.Count, 1);
      if (error.code === 'CONCURRENT_MODIFICATION') metrics.addMetric(CONCURRENT_MODIFICATION_METRIC, MetricUnit.Count, 1);
      return { ok: false, error: error.toJSON() };
    }
    logger.error(`${operation} failed`, error as Error);
    metrics.addMetric(operationFailedMetric(operation), MetricUnit.Count, 1);
    return {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: `internal error (request ${context.awsRequestId}); safe to retry with the same idempotency key`,
        retryable: true,
      },
    };
  }
}
