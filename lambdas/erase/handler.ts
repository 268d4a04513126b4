import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { EraseRequest } from '../contracts';
import { eraseCustomer } from '../app/erase';
import { clock } from '../shared/clock';
import { syncHandler } from '../shared/sync';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';

/** Invoked synchronously by the privacy team: { customerId } → the customer's address, locale and free texts are erased. */
export const handler = syncHandler('Erase', EraseRequest, async (request) => {
  const result = await eraseCustomer(request, { store: creditStore(), clock });
  metrics.addMetric('CustomerErased', MetricUnit.Count, 1);
  logger.info('customer erased', { ...result });
  return result;
});
