import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { HoldRequest } from '../contracts';
import { placeHold } from '../app/hold';
import { clock } from '../shared/clock';
import { newId } from '../shared/ids';
import { syncHandler } from '../shared/sync';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';
import { holdPolicy } from '../shared/config';

/** Invoked synchronously by the payment flow: { customerId, orderId, amount, currency, idempotencyKey, purchase?, lifetimeSeconds? }. */
export const handler = syncHandler('Hold', HoldRequest, async (request, { deadline }) => {
  const { response, replayed } = await placeHold(request, {
    store: creditStore(),
    clock,
    newId,
    deadline,
    policy: holdPolicy(),
    onConflict: () => metrics.addMetric('HoldConflictRetried', MetricUnit.Count, 1),
  });
  metrics.addMetric(replayed ? 'HoldReplayed' : 'HoldPlaced', MetricUnit.Count, 1);
  logger.info(replayed ? 'hold replayed from idempotency record' : 'hold placed', {
    holdId: response.holdId,
    orderId: response.orderId,
    requested: response.requested,
    held: response.held,
    credits: response.allocations.length,
  });
  return response;
});
