import { FinanceRequest } from '../contracts';
import { finance } from '../app/report';
import { clock } from '../shared/clock';
import { syncHandler } from '../shared/sync';
import { logger } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';

/** Invoked synchronously by finance: { operation: 'report', from, to, format? } or { operation: 'reconcile' }. */
export const handler = syncHandler('Report', FinanceRequest, async (request) => {
  const result = await finance(request, { store: creditStore(), clock });
  if (result.operation === 'reconcile') {
    if (result.balanced) logger.info('reconciliation balanced', { lines: result.lines });
    else logger.warn('reconciliation differences', { lines: result.lines });
  }
  return result;
});
