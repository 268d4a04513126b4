import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { RefundRequest } from '../contracts';
import { refundTaken } from '../app/refund';
import { clock } from '../shared/clock';
import { newId } from '../shared/ids';
import { syncHandler } from '../shared/sync';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';

/** Invoked synchronously by the payment flow: { customerId, redemptionId | captureId, amount, refundKey, currency?, reason? }. */
export const handler = syncHandler('Refund', RefundRequest, async (request) => {
  const { response, replayed } = await refundTaken(request, { store: creditStore(), clock, newId });
  metrics.addMetric(replayed ? 'RefundReplayed' : 'CreditRefunded', MetricUnit.Count, 1);
  logger.info(replayed ? 'refund replayed from idempotency record' : 'refunded', {
    refundId: response.refundId,
    refundOf: response.refundOf,
    requested: response.requested,
    restored: response.restored,
    lapsed: response.lapsed,
  });
  return response;
});
