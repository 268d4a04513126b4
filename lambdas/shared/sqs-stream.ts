import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { withObservability } from './middleware';
import { logger } from './observability';

/**
 * Workers of the stream router: each SQS message body is a table stream record as the router received it,
 * decoded here into a typed change by the decoder the handler passes (the table adapter's: a malformed one fails here). A failing message is
 * reported in `batchItemFailures`: it reappears after the queue's visibility timeout and, after the queue's
 * maxReceiveCount receives, moves to the queue's dead-letter queue with its record; the rest of the batch is done.
 */
export function sqsStreamHandler<C>(decode: (record: DynamoDBRecord) => C, handleChange: (change: C) => Promise<void>) {
  const processor = new BatchProcessor(EventType.SQS);
  return withObservability(
    async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
      processPartialResponse(
        event,
        async (message: SQSRecord) => {
          try {
            await handleChange(decode(JSON.parse(message.body) as DynamoDBRecord));
          } catch (error) {
            logger.error('queued stream record failed', {
              messageId: message.messageId,
              receiveCount: message.attributes.ApproximateReceiveCount,
              error: error as Error,
            });
            throw error;
          }
        },
        processor,
        { context, throwOnFullBatchFailure: false },
      ),
  );
}

/** A change this worker does not act on (the router should not have sent it here). */
export function ignoreChange(change: { readonly change: string; readonly item: { readonly kind: string } }): void {
  logger.warn('record ignored: not a change this worker consumes', { change: change.change, item: change.item.kind });
}
