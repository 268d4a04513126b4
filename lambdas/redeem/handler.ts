import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { RedeemRequest } from '../contracts';
import { redeemCredits } from '../app/redeem';
import { clock } from '../shared/clock';
import { newId } from '../shared/ids';
import { syncHandler } from '../shared/sync';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';

/** Invoked synchronously by the payment flow: { customerId, orderId, amount, currency, idempotencyKey }. */
export const handler = syncHandler('Redeem', RedeemRequest, async (request, { deadline }) => {
  const { response, replayed } = await redeemCredits(request, {
    store: creditStore(),
    clock,
    newId,
    deadline,
    onConflict: () => metrics.addMetric('RedeemConflictRetried', MetricUnit.Count, 1),
  });
  metrics.addMetric(replayed ? 'RedeemReplayed' : 'RedeemApplied', MetricUnit.Count, 1);
  logger.info(replayed ? 'redeem replayed from idempotency record' : 'redeemed', {
    redemptionId: response.redemptionId,
    orderId: response.orderId,
    requested: response.requested,
    applied: response.applied,
    credits: response.allocations.length,
  });
  return response;
});
