import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ApprovalRequest } from '../contracts';
import { approveGrant, declineGrant, listPendingGrants } from '../app/approval';
import { clock } from '../shared/clock';
import { grantPolicy } from '../shared/config';
import { syncHandler } from '../shared/sync';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';

/**
 * Invoked synchronously by the approver role: { operation: 'approve' | 'decline', customerId, pendingId | complaintId,
 * approverId, reasonCode? } decides a pending grant; { operation: 'pending', customerId } lists the customer's.
 */
export const handler = syncHandler('Approval', ApprovalRequest, async (request) => {
  const deps = { store: creditStore(), clock, policy: grantPolicy() };
  switch (request.operation) {
    case 'pending':
      return listPendingGrants(request.customerId, deps.store);
    case 'approve': {
      const result = await approveGrant(request, deps);
      metrics.addMetric('GrantApproved', MetricUnit.Count, 1);
      logger.info('pending grant approved', { ...result, approverId: request.approverId });
      return result;
    }
    case 'decline': {
      const result = await declineGrant(request, deps);
      if (!(result.decision === 'DECLINED' && result.replayed)) metrics.addMetric('GrantDeclined', MetricUnit.Count, 1);
      logger.info('pending grant declined', { ...result, approverId: request.approverId });
      return result;
    }
  }
});
