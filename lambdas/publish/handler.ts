import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { eventForStoredItem } from '../app/publish';
import { ignoreChange, sqsStreamHandler } from '../shared/sqs-stream';
import { logger, metrics } from '../shared/observability';
import { eventPublisher } from '../adapters/eventbridge';
import { decodeStreamRecord } from '../adapters/dynamodb/stream-record';

/** PublishQueue (table stream, via the router): new ledger entries and sent reminders → published on EventBridge. */
export const handler = sqsStreamHandler(decodeStreamRecord, async (change) => {
  const event = change.change === 'inserted' ? eventForStoredItem(change.item) : undefined;
  if (!event) return ignoreChange(change);
  await eventPublisher().publish([event]);
  metrics.addMetric(event.detailType, MetricUnit.Count, 1);
  logger.info('event published', { detailType: event.detailType, eventId: event.detail.eventId, customerId: event.detail.customerId });
});
