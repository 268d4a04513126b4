import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ReleaseRequest } from '../contracts';
import { releaseHold } from '../app/release';
import { clock } from '../shared/clock';
import { newId } from '../shared/ids';
import { syncHandler } from '../shared/sync';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';

/** Invoked synchronously by the payment flow: { customerId, holdId }. */
export const handler = syncHandler('Release', ReleaseRequest, async (request) => {
  const response = await releaseHold(request, { store: creditStore(), clock, newId });
  metrics.addMetric('HoldReleased', MetricUnit.Count, 1);
  logger.info('hold released', { holdId: response.holdId, restored: response.restored, lapsed: response.lapsed });
  return response;
});
