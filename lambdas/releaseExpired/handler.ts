import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { TableChange } from '../app/stored';
import { releaseExpiredHold } from '../app/release';
import { clock } from '../shared/clock';
import { ignoreChange, sqsStreamHandler } from '../shared/sqs-stream';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';
import { decodeStreamRecord } from '../adapters/dynamodb/stream-record';

/**
 * ReleaseExpiredQueue (table stream, via the router): a hold item removed by TTL (its lifetime passed) → what it
 * still held goes back to its credits (HoldReleased, reason EXPIRED), once. Catalogue entry `releaseExpired`.
 */
async function onHoldRemoved(change: TableChange): Promise<void> {
  if (change.change !== 'removed' || change.by !== 'ttl' || change.item.kind !== 'hold') return ignoreChange(change);
  const { hold } = change.item;
  const outcome = await releaseExpiredHold(hold, { store: creditStore(), clock });
  if (outcome === 'RELEASED') metrics.addMetric('HoldExpiredReleased', MetricUnit.Count, 1);
  logger.info('expired hold', { holdId: hold.holdId, customerId: hold.customerId, outcome });
}

export const handler = sqsStreamHandler(decodeStreamRecord, onHoldRemoved);
