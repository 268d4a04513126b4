import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, DynamoDBBatchResponse } from 'aws-lambda';
import { withObservability } from './middleware';
import { logger } from './observability';

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
