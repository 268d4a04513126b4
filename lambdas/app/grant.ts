import type { ComplaintResolvedDetail } from '../contracts';
import { decideCaps, utcDay, type Cap, type CapDecision, type CapPolicy, type CustomerUsage, type GrantRefusal } from '../domain/caps';
import { chargeIssuer, type ShardCharge } from '../domain/issuer-day';
import { canonicalCategories, decideGrant, type Credit, type GrantPolicy } from '../domain/credit';
import { CreditError } from '../domain/errors';
import { grantedEntry } from '../domain/credit-entries';
import type { Clock } from '../shared/clock';
import { fingerprint } from '../shared/ids';
import { GRANT_RETRY, type RetryPolicy } from '../shared/retry';
import { needsApproval, pendingGrant, type ApprovalPolicy } from '../domain/approval';
import {
  TRANSACTION_MAX_ITEMS,
  type ApprovalStore,
  type CommitOutcome,
  type ComplaintOutcome,
  type GrantStore,
  type GrantUsage,
  type UsageUpdate,
} from './ports';
import { spendWithRetry, type SpendOutcome } from './spend';

export interface GrantDeps {
  store: GrantStore;
  clock: Clock;
  policy: GrantPolicy;
  caps: CapPolicy;
  newId: (at: Date) => string;
  retry?: RetryPolicy;
}

/** Approval above a threshold (issue 11.2): the thresholds and where a pending grant goes. */
export interface ApprovalDeps {
  policy: ApprovalPolicy;
  store: Pick<ApprovalStore, 'requestApproval'>;
}

export type GrantOutcome =
  | { outcome: 'GRANTED' | 'DUPLICATE'; creditId: string; customerId: string; expiresAt?: string }
  | { outcome: 'REFUSED'; customerId: string; complaintId: string; code: 'GRANT_CAP_EXCEEDED'; cap: Cap; limit: number };

/** The grant function's answer: a grant's, or a pending grant waiting for an approver (`replayed`: a redelivery). */
export type GrantRequestOutcome =
  | GrantOutcome
  | { outcome: 'PENDING_APPROVAL'; pendingId: string; customerId: string; decideBy?: string; replayed: boolean };

/** A grant without approval thresholds (every grant is made at once). */
export async function grantCredit(detail: ComplaintResolvedDetail, deps: GrantDeps): Promise<GrantOutcome> {
  const result = await grantOrRequestApproval(detail, deps);
  if (result.outcome === 'PENDING_APPROVAL') {
    throw new CreditError('GRANT_CONFLICT', `complaint ${detail.complaintId} waits for approval`, { pendingId: result.pendingId });
  }
  return result;
}

/**
 * Turn a resolved complaint into a credit. The complaint id is the idempotency key: the credit, its ledger entry,
 * its reminder, the cap counters and the idempotency record are written in one transaction, so a redelivered event
 * grants nothing twice. The same complaint arriving with different money terms is a GRANT_CONFLICT (never silently
 * ignored). A grant over a cap is REFUSED: the refusal is recorded under the complaint's key (so a redelivery gets
 * the same answer) and published as GrantRefused; it is an answer, not a failure. A grant above the approval
 * threshold is stored as a pending grant instead of a credit (same checks, same caps: it counts from its request
 * on), answered PENDING_APPROVAL and published as GrantPendingApproval; app/approval.ts decides it.
 */
export async function grantOrRequestApproval(
  detail: ComplaintResolvedDetail,
  deps: GrantDeps & { approval?: ApprovalDeps },
): Promise<GrantRequestOutcome> {
  const requestHash = fingerprint({
    customerId: detail.customerId,
    amount: detail.amount,
    currency: detail.currency,
    validityDays: detail.validityDays,
    // Absent for grants without narrowing, so their fingerprint is what it was before categories existed.
    categories: detail.categories ? canonicalCategories(detail.categories) : undefined,
  });
  const exhausted = () =>
    new CreditError('CONCURRENT_MODIFICATION', `grant for complaint ${detail.complaintId} kept conflicting; will be retried`);
  // The customer's usage counter is the hot item: contended grants queue and retry within the budget like a spend.
  return spendWithRetry(
    detail.customerId,
    { ...deps, retry: deps.retry ?? GRANT_RETRY, exhausted },
    async (now): Promise<SpendOutcome<GrantRequestOutcome>> => {
      const creditId = deps.newId(now);
      const { credit, remindAt } = decideGrant(detail, now, creditId, deps.policy);
      // The issuer's own shard first; every shard only when it has too little room (domain/issuer-day.ts).
      const read = (grantId?: string) => deps.store.readUsage(detail.customerId, detail.issuedBy, utcDay(now), credit.currency, grantId);
      let usage = await read(creditId);
      let caps = checkCaps(usage, credit, now, deps.caps);
      if (caps.kind === 'readEveryShard') {
        usage = await read();
        caps = checkCaps(usage, credit, now, deps.caps);
      }
      // Above the threshold: a pending grant (same id as the credit it may become) instead of the credit.
      const approval = deps.approval && needsApproval(credit.amount, credit.currency, deps.approval.policy) ? deps.approval : undefined;
      const pending = approval ? pendingGrant(detail, credit, creditId, now, approval.policy) : undefined;
      if (caps.kind === 'refused') {
        const result = await deps.store.refuse(refusal(detail, caps, now), requestHash);
        return outcomeOf(result, () => refusedOutcome(detail, caps.cap, caps.limit), detail, requestHash);
      }
      if (caps.kind === 'readEveryShard') return { kind: 'conflict', stale: true }; // every shard read: cannot happen
      const usageUpdate: UsageUpdate = {
        customerId: credit.customerId,
        customer: { value: caps.customer, version: usage.customer.version },
        ...(caps.issuer && detail.issuedBy !== undefined ? { issuer: { issuedBy: detail.issuedBy, shards: caps.issuer } } : {}),
      };
      const result =
        approval && pending
          ? await approval.store.requestApproval({ pending, requestHash, usage: usageUpdate })
          : await deps.store.grant({
              credit,
              ledger: grantedEntry(credit, detail.reasonCode, detail.issuedBy),
              remindAt,
              requestHash,
              usage: usageUpdate,
            });
      return outcomeOf(
        result,
        (): GrantRequestOutcome =>
          pending
            ? {
                outcome: 'PENDING_APPROVAL',
                pendingId: pending.pendingId,
                customerId: pending.customerId,
                decideBy: pending.decideBy,
                replayed: false,
              }
            : { outcome: 'GRANTED', creditId, customerId: credit.customerId, expiresAt: credit.expiresAt },
        detail,
        requestHash,
      );
    },
  );
}

/** Issuer shards one grant may write: its transaction's room besides grant key, credit, entry, reminder, customer usage. */
const ISSUER_SHARDS_PER_GRANT = TRANSACTION_MAX_ITEMS - 5;

type CapCheck =
  | Extract<CapDecision, { kind: 'refused' }>
  | { readonly kind: 'allowed'; readonly customer: CustomerUsage; readonly issuer?: readonly ShardCharge[] }
  | { readonly kind: 'readEveryShard' };

/** The customer's caps, then the issuer's day over the shards read (if the grant names an issuer). */
function checkCaps(usage: GrantUsage, credit: Credit, now: Date, policy: CapPolicy): CapCheck {
  const customer = decideCaps({ amount: credit.amount, currency: credit.currency, now, customer: usage.customer.value }, policy);
  if (customer.kind === 'refused' || !usage.issuer) return customer;
  const issuer = chargeIssuer(usage.issuer, now, credit.currency, credit.amount, policy, ISSUER_SHARDS_PER_GRANT);
  if (issuer.kind === 'allowed') return { ...customer, issuer: issuer.charges };
  return issuer.kind === 'refused' ? { kind: 'refused', cap: 'ISSUER_AMOUNT_1D', limit: issuer.limit, used: issuer.used } : issuer;
}

/** A grant's commit as the retry loop sees it: committed with `answer`, the complaint met before, or a conflict. */
function outcomeOf(
  result: CommitOutcome<ComplaintOutcome>,
  answer: () => GrantRequestOutcome,
  detail: ComplaintResolvedDetail,
  requestHash: string,
): SpendOutcome<GrantRequestOutcome> {
  if (result.kind === 'committed') return { kind: 'committed', value: answer() };
  if (result.kind === 'duplicate') return { kind: 'replayed', value: earlierOutcome(detail, requestHash, result.existing) };
  return { kind: 'conflict', stale: result.stale };
}

function refusal(detail: ComplaintResolvedDetail, caps: { cap: Cap; limit: number; used: number }, now: Date): GrantRefusal {
  return {
    complaintId: detail.complaintId,
    customerId: detail.customerId,
    currency: detail.currency,
    amount: detail.amount,
    cap: caps.cap,
    limit: caps.limit,
    used: caps.used,
    refusedAt: now.toISOString(),
    ...(detail.issuedBy !== undefined ? { issuedBy: detail.issuedBy } : {}),
  };
}

const refusedOutcome = (detail: ComplaintResolvedDetail, cap: Cap, limit: number): GrantOutcome => ({
  outcome: 'REFUSED',
  customerId: detail.customerId,
  complaintId: detail.complaintId,
  code: 'GRANT_CAP_EXCEEDED',
  cap,
  limit,
});

/** The complaint was handled before: the same answer again, or GRANT_CONFLICT if it now asks for different terms. */
function earlierOutcome(detail: ComplaintResolvedDetail, requestHash: string, existing: ComplaintOutcome | undefined): GrantRequestOutcome {
  const earlierHash =
    existing?.kind === 'granted'
      ? existing.grant.requestHash
      : existing?.kind === 'pending'
        ? existing.key.requestHash
        : existing?.requestHash;
  if (existing && earlierHash !== requestHash) {
    throw new CreditError(
      'GRANT_CONFLICT',
      `complaint ${detail.complaintId} was already ${existing.kind === 'refused' ? 'refused' : existing.kind === 'pending' ? 'put to approval' : 'compensated'} with different terms`,
      {
        complaintId: detail.complaintId,
        ...(existing.kind === 'granted'
          ? { existingCreditId: existing.grant.creditId }
          : existing.kind === 'pending'
            ? { pendingId: existing.key.pendingId }
            : { refusedBy: existing.refusal.cap }),
      },
    );
  }
  if (existing?.kind === 'refused') return refusedOutcome(detail, existing.refusal.cap, existing.refusal.limit);
  if (existing?.kind === 'pending')
    return { outcome: 'PENDING_APPROVAL', pendingId: existing.key.pendingId, customerId: detail.customerId, replayed: true };
  return { outcome: 'DUPLICATE', creditId: existing?.grant.creditId ?? 'unknown', customerId: detail.customerId };
}
