import type { EventBridgeEvent } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { COMPLAINT_RESOLVED, ComplaintResolvedDetail, parseContract } from '../contracts';
import { grantOrRequestApproval } from '../app/grant';
import { CreditError } from '../domain/errors';
import { clock } from '../shared/clock';
import { approvalPolicy, capPolicy, grantPolicy } from '../shared/config';
import { newId } from '../shared/ids';
import { withObservability } from '../shared/middleware';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';

/**
 * EventBridge → ComplaintResolved → one credit. Invoked asynchronously: a rejected event is logged with its reason
 * and thrown, so after the configured retries it lands in the function's on-failure queue (nothing half-written:
 * the grant is one transaction). A grant over an issuance cap is answered, not thrown: the refusal is stored and
 * published as GrantRefused.
 */
const OUTCOME_METRIC = {
  GRANTED: 'CreditGranted',
  DUPLICATE: 'GrantDuplicate',
  REFUSED: 'GrantRefused',
  PENDING_APPROVAL: 'GrantPendingApproval',
} as const;

export const handler = withObservability(async (event: EventBridgeEvent<string, unknown>) => {
  logger.appendKeys({ eventId: event.id, source: event.source });
  try {
    if (event['detail-type'] !== COMPLAINT_RESOLVED) {
      throw new CreditError('INVALID_INPUT', `unexpected detail-type "${event['detail-type']}"`);
    }
    const detail = parseContract(ComplaintResolvedDetail, event.detail);
    logger.appendKeys({ complaintId: detail.complaintId, customerId: detail.customerId });
    const store = creditStore();
    const result = await grantOrRequestApproval(detail, {
      store,
      clock,
      policy: grantPolicy(),
      caps: capPolicy(),
      newId,
      approval: { policy: approvalPolicy(), store },
    });
    metrics.addMetric(OUTCOME_METRIC[result.outcome], MetricUnit.Count, 1);
    if (result.outcome === 'REFUSED') {
      // A business answer, not a failure: recorded and published as GrantRefused, so nothing is retried.
      logger.warn('grant refused by a cap', { ...result });
    } else if (result.outcome === 'PENDING_APPROVAL') {
      logger.info('grant above the approval threshold waits for an approver', { ...result });
    } else {
      logger.info(result.outcome === 'GRANTED' ? 'credit granted' : 'duplicate complaint event ignored', { ...result });
    }
    return result;
  } catch (error) {
    if (error instanceof CreditError) {
      // An expected refusal (bad input, conflict): WARN. Only unexpected failures are errors.
      logger.warn('complaint event rejected', { code: error.code, reason: error.message, details: error.details });
      metrics.addMetric('GrantRejected', MetricUnit.Count, 1);
    } else {
      logger.error('grant failed', error as Error);
    }
    throw error;
  }
});
