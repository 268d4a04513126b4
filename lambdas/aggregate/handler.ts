import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { aggregateEntry } from '../app/aggregate';
import { ignoreChange, sqsStreamHandler } from '../shared/sqs-stream';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';
import { decodeStreamRecord } from '../adapters/dynamodb/stream-record';

/** AggregateQueue (table stream, via the router): an inserted ledger entry → its movement added to the finance day totals, once per entry. */
export const handler = sqsStreamHandler(decodeStreamRecord, async (change) => {
  if (change.change !== 'inserted' || change.item.kind !== 'ledger') return ignoreChange(change);
  const { entry } = change.item;
  const outcome = await aggregateEntry(entry, { store: creditStore() });
  if (outcome === 'APPLIED') metrics.addMetric('LedgerEntryAggregated', MetricUnit.Count, 1);
  logger.info('ledger entry aggregated', { entryId: entry.entryId, kind: entry.kind, customerId: entry.customerId, outcome });
});
