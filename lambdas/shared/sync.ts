import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { parseContract, type Result } from '../contracts';
import { CreditError } from '../domain/errors';
import { CONCURRENT_MODIFICATION_METRIC, operationFailedMetric, operationRefusedMetric } from './metric-names';
import { withObservability } from './middleware';
import { logger, metrics } from './observability';

/**
 * Synchronously invoked functions (redeem, reverse, balance): parse the request against its contract, run the use case,
 * and answer `{ ok: true, ... }` or `{ ok: false, error: { code, message, retryable } }`. Business errors are answers,
 * not crashes, so the caller can branch on `error.code`.
 */
export function syncHandler<S extends z.ZodMiniType, T extends object>(
  operation: string,
  schema: S,
  run: (request: z.infer<S>) => Promise<T>,
) {
  return withObservability(async (event: unknown, context: Context): Promise<Result<T>> => {
    try {
      const request = parseContract(schema, event);
      logger.appendKeys({ customerId: (request as { customerId?: string }).customerId });
      const body = await run(request);
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
  });
}
