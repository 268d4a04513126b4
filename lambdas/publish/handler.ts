import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { eventForStoredItem } from '../app/publish';
import { streamHandler } from '../shared/stream';
import { logger, metrics } from '../shared/observability';
import { eventPublisher } from '../adapters/eventbridge';

/** Table stream, filtered (infra) to new ledger entries and sent reminders: publishes them on EventBridge. */
export const handler = streamHandler(async (_record, { newImage }) => {
  const event = newImage ? eventForStoredItem(newImage) : undefined;
  if (!event) {
    logger.warn('record ignored: not an outgoing event');
    return;
  }
  await eventPublisher().publish([event]);
  metrics.addMetric(event.detailType, MetricUnit.Count, 1);
  logger.info('event published', { detailType: event.detailType, eventId: event.detail.eventId, customerId: event.detail.customerId });
});
