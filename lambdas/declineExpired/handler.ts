import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { expirePendingGrant } from '../app/approval';
import { clock } from '../shared/clock';
import { grantPolicy } from '../shared/config';
import { ignoreChange, sqsStreamHandler } from '../shared/sqs-stream';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';
import { decodeStreamRecord } from '../adapters/dynamodb/stream-record';

/**
 * DeclineExpiredQueue (table stream, via the router): a pending grant removed by TTL — its deadline passed with no
 * decision (a decided one is deleted by the decision) → declined, reason EXPIRED, once; its cap room given back.
 */
export const handler = sqsStreamHandler(decodeStreamRecord, async (change) => {
  if (change.change !== 'removed' || change.by !== 'ttl' || change.item.kind !== 'pendingGrant') return ignoreChange(change);
  const { pending } = change.item;
  const outcome = await expirePendingGrant(pending, { store: creditStore(), clock, policy: grantPolicy() });
  if (outcome === 'DECLINED') metrics.addMetric('GrantDeclinedExpired', MetricUnit.Count, 1);
  logger.info('pending grant expired', { pendingId: pending.pendingId, customerId: pending.customerId, outcome });
});
