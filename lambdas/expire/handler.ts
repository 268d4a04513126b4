import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { recordCreditExpiry } from '../app/expire';
import { ignoreChange, sqsStreamHandler } from '../shared/sqs-stream';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';
import { decodeStreamRecord } from '../adapters/dynamodb/stream-record';

/** ExpireQueue (table stream, via the router): a credit item removed by TTL (not by anyone else) → the unused amount lapses into the ledger. */
export const handler = sqsStreamHandler(decodeStreamRecord, async (change) => {
  if (change.change !== 'removed' || change.by !== 'ttl' || change.item.kind !== 'credit') return ignoreChange(change);
  const { credit } = change.item;
  const outcome = await recordCreditExpiry(credit, { store: creditStore() });
  if (outcome === 'RECORDED') metrics.addMetric('CreditExpired', MetricUnit.Count, 1);
  logger.info('credit expired', { creditId: credit.creditId, customerId: credit.customerId, lapsed: credit.remaining, outcome });
});
