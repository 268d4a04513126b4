import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, DynamoDBBatchResponse } from 'aws-lambda';
import type { z } from 'zod';
import { parseContract, type Result } from '../contracts';
import { CreditError } from '../domain/errors';
import { logger, metrics } from './observability';

/** Every function: Powertools logger context + metrics flush, via middy. */
export function withObservability<E, R>(fn: (event: E, context: Context) => Promise<R>) {
  return middy(fn)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

/**
 * Synchronously invoked functions (redeem, reverse, balance): parse the request against its contract, run the use case,
 * and answer `{ ok: true, ... }` or `{ ok: false, error: { code, message, retryable } }`. Business errors are answers,
 * not crashes, so the caller can branch on `error.code`.
 */
export function syncHandler<S extends z.ZodType, T extends object>(
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
        metrics.addMetric(`${operation}Refused`, MetricUnit.Count, 1);
        return { ok: false, error: error.toJSON() };
      }
      logger.error(`${operation} failed`, error as Error);
      metrics.addMetric(`${operation}Failed`, MetricUnit.Count, 1);
      return {
        ok: false,
        error: { code: 'INTERNAL', message: `internal error (request ${context.awsRequestId}); safe to retry with the same idempotency key`, retryable: true },
      };
    }
  });
}

export type StreamItem = Record<string, unknown>;

/**
 * DynamoDB stream consumers: records are processed in order, one by one; a failing record is reported in
 * `batchItemFailures` so Lambda retries from it (and, after the configured attempts, sends it to the on-failure queue)
 * while the rest of the batch is not lost.
 */
export function streamHandler(handleRecord: (record: DynamoDBRecord, images: { newImage?: StreamItem; oldImage?: StreamItem }) => Promise<void>) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return withObservability(async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
    processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        const image = (i: unknown) => (i ? (unmarshall(i as Record<string, AttributeValue>) as StreamItem) : undefined);
        try {
          await handleRecord(record, { newImage: image(record.dynamodb?.NewImage), oldImage: image(record.dynamodb?.OldImage) });
        } catch (error) {
          logger.error('stream record failed', { eventID: record.eventID, sequenceNumber: record.dynamodb?.SequenceNumber, error: error as Error });
          throw error;
        }
      },
      processor,
      { context, processInParallel: false, throwOnFullBatchFailure: false },
    ),
  );
}
