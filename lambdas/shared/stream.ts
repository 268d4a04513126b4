import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, DynamoDBBatchResponse } from 'aws-lambda';
import { withObservability } from './middleware';
import { logger } from './observability';
import type { TableChange } from '../app/stored';
import { decodeStreamRecord } from '../adapters/dynamodb/stream-record';

/**
 * DynamoDB stream consumers: records are processed in order, one by one; a failing record is reported in
 * `batchItemFailures` so Lambda retries from it (and, after the configured attempts, sends it to the on-failure queue)
 * while the rest of the batch is not lost. Each record reaches the handler decoded (a malformed one fails here).
 */
export function streamHandler(handleChange: (change: TableChange) => Promise<void>) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return withObservability(
    async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
      processPartialResponse(
        event,
        async (record: DynamoDBRecord) => {
          try {
            await handleChange(decodeStreamRecord(record));
          } catch (error) {
            logger.error('stream record failed', {
              eventID: record.eventID,
              sequenceNumber: record.dynamodb?.SequenceNumber,
              error: error as Error,
            });
            throw error;
          }
        },
        processor,
        { context, processInParallel: false, throwOnFullBatchFailure: false },
      ),
  );
}

/** A change this consumer does not act on (its event source filters should not have selected it). */
export function ignoreChange(change: TableChange): void {
  logger.warn("record ignored: not selected by this function's filters", { change: change.change, item: change.item.kind });
}
