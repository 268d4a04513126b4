import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { VoidRequest } from '../contracts';
import { voidCredit } from '../app/void';
import { clock } from '../shared/clock';
import { newId } from '../shared/ids';
import { syncHandler } from '../shared/sync';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';

/** Invoked synchronously by operations: { customerId, creditId, reason, voidKey? } → the credit's unspent rest and its part of active holds are voided. */
export const handler = syncHandler('Void', VoidRequest, async (request) => {
  const result = await voidCredit(request, { store: creditStore(), clock, newId });
  if (!result.replayed) metrics.addMetric('CreditVoided', MetricUnit.Count, 1);
  // Never the reason: free text.
  logger.info('credit voided', { ...result });
  return result;
});
