// @ts-nocheck
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ReverseRequest } from '../contracts';
import { reverseRedemption } from '../app/reverse';
import { clock } from '../shared/clock';
import { newId } from '../shared/ids';
import { syncHandler } from '../shared/sync';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';

/** Invoked synchronously when an order is cancelled: { customerId, redemptionId, currency?, reason? }. */
export const handler = syncHandler('Reverse', ReverseRequest, async (request) => {
  const result = await reverseRedemption(request, { store: creditStore(), clock, newId });
  metrics.addMetric('RedemptionReversed', MetricUnit.Count, 1);
  logger.info('redemption reversed', { ...result, allocations: result.allocations.length });
  return result;
});
