// @ts-nocheck
import type { ComplaintResolvedDetail } from '../contracts';
import { canonicalCategories, decideGrant, type GrantPolicy } from '../domain/credit';
import { CreditError } from '../domain/errors';
import { grantedEntry } from '../domain/ledger';
import type { Clock } from '../shared/clock';
import { fingerprint } from '../shared/ids';
import { CONFLICT_RETRY, pauseAfterConflict, type RetryPolicy } from '../shared/retry';
import type { GrantStore } from './ports';

export interface GrantDeps {
  store: GrantStore;
  clock: Clock;
  policy: GrantPolicy;
  newId: (at: Date) => string;
  retry?: RetryPolicy;
}

export type GrantOutcome = { outcome: 'GRANTED' | 'DUPLICATE'; creditId: string; customerId: string; expiresAt?: string };

/**
 * Turn a resolved complaint into a credit. The complaint id is the idempotency key: the credit, its ledger entry,
 * its reminder and the idempotency record are written in one transaction, so a redelivered event grants nothing twice.
 * The same complaint arriving with different money terms is a GRANT_CONFLICT (never silently ignored).
 */
export async function grantCredit(detail: ComplaintResolvedDetail, deps: GrantDeps): Promise<GrantOutcome> {
  const retry = deps.retry ?? CONFLICT_RETRY;
  const requestHash = fingerprint({
    customerId: detail.customerId,
    amount: detail.amount,
    currency: detail.currency,
    validityDays: detail.validityDays,
    // Absent for grants without narrowing, so their fingerprint is what it was before categories existed.
    categories: detail.categories ? canonicalCategories(detail.categories) : undefined,
  });
  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    const now = deps.clock.now();
    const creditId = deps.newId(now);
    const { credit, remindAt } = decideGrant(detail, now, creditId, deps.policy);
    const result = await deps.store.grant({ credit, ledger: grantedEntry(credit, detail.reasonCode), remindAt, requestHash });
    if (result.kind === 'committed') return { outcome: 'GRANTED', creditId, customerId: credit.customerId, expiresAt: credit.expiresAt };
    if (result.kind === 'duplicate') {
      const existing = result.existing;
      if (existing && existing.requestHash !== requestHash) {
        throw new CreditError('GRANT_CONFLICT', `complaint ${detail.complaintId} was already compensated with different terms`, {
          complaintId: detail.complaintId,
          existingCreditId: existing.creditId,
        });
      }
      return { outcome: 'DUPLICATE', creditId: existing?.creditId ?? 'unknown', customerId: detail.customerId };
    }
    await pauseAfterConflict(attempt, retry, result.stale);
  }
  throw new CreditError('CONCURRENT_MODIFICATION', `grant for complaint ${detail.complaintId} kept conflicting; will be retried`);
}
