import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { routeRecords } from '../app/route';
import { withObservability } from '../shared/middleware';
import { logger, metrics } from '../shared/observability';
import { queueSender } from '../adapters/sqs';
import { queuesFor, routes } from '../adapters/dynamodb/routes';

/**
 * The one reader of the table stream: forwards each record to the work queue of the concern that consumes it
 * (expire, notify, publish; ROUTES setting). Fails only a record it could not send, so the mapping retries from it.
 */
export const handler = withObservability(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const table = routes();
  const outcome = await routeRecords(event.Records, (record) => queuesFor(record, table), queueSender());
  const failures = outcome.failed.map((i) => event.Records[i]!);
  metrics.addMetric('StreamRecordsRouted', MetricUnit.Count, event.Records.length - failures.length - outcome.skipped);
  if (outcome.skipped > 0)
    logger.info('stream records no concern consumes (e.g. deleted by a caller, not by TTL)', { skipped: outcome.skipped });
  if (failures.length > 0) {
    metrics.addMetric('StreamRecordsNotRouted', MetricUnit.Count, failures.length);
    logger.error('stream records not routed: SQS refused or was unreachable', {
      sequenceNumbers: failures.map((r) => r.dynamodb?.SequenceNumber),
    });
  }
  return { batchItemFailures: failures.map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })) };
});
