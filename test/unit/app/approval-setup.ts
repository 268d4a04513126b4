/**
 * What the approval use-case tests share: a fixed time, a grant above the 100 EUR threshold, the fakes wired as the
 * handlers wire them (grant with the approval policy, approve/decline deps), and approve/decline requests.
 */
import type { ApprovalDeps } from '../../../lambdas/app/approval';
import type { GrantDeps, grantOrRequestApproval } from '../../../lambdas/app/grant';
import type { ComplaintResolvedDetail } from '../../../lambdas/contracts';
import { DEFAULT_CAP_POLICY } from '../../../lambdas/domain/caps';
import { DEFAULT_GRANT_POLICY } from '../../../lambdas/domain/credit';
import type { RetryPolicy } from '../../../lambdas/shared/retry';
import { FakeApprovalStore } from './approval-fakes';
import { fixedClock, sequentialIds } from './fakes';

export const NOW = '2026-03-01T10:00:00.000Z';

/** 150 EUR, issued by agent-7: above the 100 EUR threshold of `setupApproval`. */
export const ABOVE_THRESHOLD: ComplaintResolvedDetail = {
  complaintId: 'cmp-1',
  customerId: 'cust-1',
  email: 'kim@example.com',
  locale: 'de-DE',
  amount: 15_000,
  currency: 'EUR',
  validityDays: 90,
  reason: 'late',
  reasonCode: 'LATE_DELIVERY',
  issuedBy: 'agent-7',
};

/** Retries without waiting (the races and edges drive conflicts, not time). */
export const NO_PAUSE: RetryPolicy = { attempts: 3, baseDelayMs: 0, maxDelayMs: 0 };

/** The approval fake at NOW with a 100 EUR threshold and 72 h to decide; `retry` for approve/decline (default: the use cases' own). */
export function setupApproval(retry?: RetryPolicy) {
  const store = new FakeApprovalStore();
  const clock = fixedClock(NOW);
  const grantDeps: GrantDeps & Parameters<typeof grantOrRequestApproval>[1] = {
    store,
    clock,
    policy: DEFAULT_GRANT_POLICY,
    caps: DEFAULT_CAP_POLICY,
    newId: sequentialIds('pg'),
    approval: { policy: { thresholdsMajorUnits: { EUR: 100 }, timeoutHours: 72 }, store },
  };
  const deps: ApprovalDeps = { store, clock, policy: DEFAULT_GRANT_POLICY, ...(retry ? { retry } : {}) };
  return { store, clock, grantDeps, deps };
}

export const approve = (over: Record<string, unknown> = {}) =>
  ({ operation: 'approve', customerId: 'cust-1', pendingId: 'pg-1', approverId: 'boss-1', ...over }) as const;
export const decline = (over: Record<string, unknown> = {}) =>
  ({ operation: 'decline', customerId: 'cust-1', pendingId: 'pg-1', approverId: 'boss-1', ...over }) as const;
