import type { ApprovalRequest } from '../contracts';
import type { AnswerOf, ApprovalDecisionAnswer, PendingGrantsAnswer } from '../contracts/answers';
import { decideApprove, decideDecline, decideExpired, type ApprovalDecision, type PendingGrant } from '../domain/approval';
import { releaseFromUsage, utcDay } from '../domain/caps';
import { releaseFromIssuer } from '../domain/issuer-day';
import type { GrantPolicy } from '../domain/credit';
import { CreditError } from '../domain/errors';
import type { Clock } from '../shared/clock';
import { CONFLICT_RETRY, pauseAfterConflict, type RetryPolicy } from '../shared/retry';
import type { ApprovalStore, UsageUpdate } from './ports';

/**
 * Approval above a threshold (maker-checker): approve a pending grant into a credit (the same writes as a direct
 * grant, so the "issued" email follows from the inserted credit), decline it, decline it automatically once its
 * deadline passed, and list a customer's pending grants. A declined or expired grant gives its cap room back.
 */
export interface ApprovalDeps {
  store: ApprovalStore;
  clock: Clock;
  policy: GrantPolicy;
  retry?: RetryPolicy;
}

type Ref = Extract<ApprovalRequest, { operation: 'approve' | 'decline' }>;

/** A decision as the approval function answers it (its contract: lambdas/contracts/answers.ts). */
export type ApprovalAnswer = AnswerOf<typeof ApprovalDecisionAnswer>;

/** The decision as an answer (and as `details.decision` of GRANT_ALREADY_DECIDED). */
function answer(d: ApprovalDecision, replayed = false): ApprovalAnswer {
  const ids = { pendingId: d.pendingId, customerId: d.customerId, complaintId: d.complaintId, decidedAt: d.decidedAt };
  return d.outcome === 'APPROVED'
    ? { decision: 'APPROVED', ...ids, creditId: d.creditId, expiresAt: d.expiresAt }
    : { decision: 'DECLINED', ...ids, reason: d.reason, replayed };
}

const alreadyDecided = (d: ApprovalDecision) => {
  const { replayed: _r, ...decision } = { replayed: false, ...answer(d) };
  return new CreditError('GRANT_ALREADY_DECIDED', `pending grant ${d.pendingId} was decided before`, { pendingId: d.pendingId, decision });
};
const notFound = (ref: Ref) =>
  new CreditError('PENDING_GRANT_NOT_FOUND', `no pending grant ${ref.pendingId ?? `for complaint ${ref.complaintId}`} for this customer`, {
    ...(ref.pendingId !== undefined ? { pendingId: ref.pendingId } : { complaintId: ref.complaintId }),
  });

/** The pending grant's id: given, or from the complaint's key (pending, or granted from an approval: same id). */
async function pendingIdOf(ref: Ref, store: ApprovalStore): Promise<string> {
  if (ref.pendingId !== undefined) return ref.pendingId;
  const outcome = await store.getComplaintOutcome(ref.complaintId!);
  if (outcome?.kind === 'pending' && outcome.key.customerId === ref.customerId) return outcome.key.pendingId;
  // An approved grant's credit has the pending grant's id; a direct grant has no decision and is not found below.
  if (outcome?.kind === 'granted' && outcome.grant.customerId === ref.customerId) return outcome.grant.creditId;
  throw notFound(ref);
}

/** The pending grant still waiting, or its decision; PENDING_GRANT_NOT_FOUND when there is neither. */
async function lookUp(
  ref: Ref,
  store: ApprovalStore,
): Promise<{ kind: 'waiting'; pending: PendingGrant } | { kind: 'decided'; decision: ApprovalDecision }> {
  const pendingId = await pendingIdOf(ref, store);
  const pending = await store.getPending(ref.customerId, pendingId);
  if (pending) return { kind: 'waiting', pending };
  const decision = await store.getDecision(ref.customerId, pendingId);
  if (decision) return { kind: 'decided', decision };
  throw notFound(ref);
}

export async function approveGrant(req: Extract<ApprovalRequest, { operation: 'approve' }>, deps: ApprovalDeps): Promise<ApprovalAnswer> {
  const retry = deps.retry ?? CONFLICT_RETRY;
  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    const found = await lookUp(req, deps.store);
    if (found.kind === 'decided') throw alreadyDecided(found.decision);
    const { pending } = found;
    const key = await deps.store.getComplaintOutcome(pending.complaintId);
    if (key?.kind !== 'pending' || key.key.pendingId !== pending.pendingId) {
      // Decided between the two reads (a concurrent approval turned the key into the grant's): that decision.
      const decision = await deps.store.getDecision(pending.customerId, pending.pendingId);
      throw decision ? alreadyDecided(decision) : notFound(req);
    }
    const now = deps.clock.now();
    // The credit takes the pending grant's id: one id from request to credit.
    const approved = decideApprove(pending, req.approverId, now, pending.pendingId, deps.policy);
    const result = await deps.store.commitApproval({ pending, ...approved, requestHash: key.key.requestHash, now });
    if (result.kind === 'committed') return answer(approved.decision);
    if (result.kind === 'duplicate') {
      if (result.existing) throw alreadyDecided(result.existing);
    } else {
      // The pending item is gone or its deadline passed at commit: re-read (a decision, or PENDING_GRANT_EXPIRED).
      await pauseAfterConflict(attempt, retry, result.stale);
    }
  }
  throw new CreditError('CONCURRENT_MODIFICATION', 'the pending grant kept changing; retry the approval');
}

export async function declineGrant(req: Extract<ApprovalRequest, { operation: 'decline' }>, deps: ApprovalDeps): Promise<ApprovalAnswer> {
  const retry = deps.retry ?? CONFLICT_RETRY;
  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    const found = await lookUp(req, deps.store);
    if (found.kind === 'decided') {
      // Idempotent: declined before by an approver → that decline again; approved or expired → refused with it.
      const d = found.decision;
      if (d.outcome === 'DECLINED' && d.reason === 'DECLINED') return answer(d, true);
      throw alreadyDecided(d);
    }
    const { pending } = found;
    const decision = decideDecline(pending, req.approverId, deps.clock.now(), req.reasonCode);
    const result = await deps.store.commitDecline({ decision, deletePending: true, usage: await givenBack(pending, deps.store) });
    if (result.kind === 'committed') return answer(decision);
    await pauseAfterConflict(attempt, retry, result.kind === 'duplicate' || result.stale);
  }
  throw new CreditError('CONCURRENT_MODIFICATION', 'the pending grant kept changing; retry the decline');
}

/**
 * A pending grant whose item TTL removed (its deadline passed undecided): recorded as declined, reason EXPIRED,
 * once (a redelivered removal finds the decision).
 */
export async function expirePendingGrant(removed: PendingGrant, deps: ApprovalDeps): Promise<'DECLINED' | 'ALREADY_DECIDED'> {
  const retry = deps.retry ?? CONFLICT_RETRY;
  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    const decision = decideExpired(removed, deps.clock.now());
    const result = await deps.store.commitDecline({ decision, deletePending: false, usage: await givenBack(removed, deps.store) });
    if (result.kind === 'committed') return 'DECLINED';
    if (result.kind === 'duplicate') return 'ALREADY_DECIDED';
    await pauseAfterConflict(attempt, retry, result.stale);
  }
  throw new CreditError(
    'CONCURRENT_MODIFICATION',
    `the auto-decline of pending grant ${removed.pendingId} kept conflicting; will be retried`,
  );
}

/** The usage counters with the pending grant's room given back on the day it was requested (the customer's at the version read). */
async function givenBack(p: PendingGrant, store: ApprovalStore): Promise<UsageUpdate> {
  const day = utcDay(new Date(p.requestedAt));
  const usage = await store.readUsage(p.customerId, p.issuedBy, day, p.currency);
  const shards = usage.issuer ? releaseFromIssuer(usage.issuer, day, p.currency, p.amount) : [];
  return {
    customerId: p.customerId,
    customer: { value: releaseFromUsage(usage.customer.value, day, p.currency, p.amount), version: usage.customer.version },
    ...(shards.length > 0 && p.issuedBy !== undefined ? { issuer: { issuedBy: p.issuedBy, shards } } : {}),
  };
}

/** A customer's pending grants (ids, amounts and deadlines: no address or free text leaves here). */
export async function listPendingGrants(customerId: string, store: ApprovalStore): Promise<AnswerOf<typeof PendingGrantsAnswer>> {
  const pending = await store.listPending(customerId);
  return {
    customerId,
    pending: pending.map((p) => ({
      pendingId: p.pendingId,
      complaintId: p.complaintId,
      currency: p.currency,
      amount: p.amount,
      validityDays: p.validityDays,
      requestedAt: p.requestedAt,
      decideBy: p.decideBy,
      ...(p.reasonCode ? { reasonCode: p.reasonCode } : {}),
      ...(p.issuedBy !== undefined ? { issuedBy: p.issuedBy } : {}),
    })),
  };
}
