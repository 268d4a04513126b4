import { creditTerms, DAY_MS, decideGrant, type Credit, type ErasedCredit, type GrantPolicy, type GrantRequest } from './credit';
import { sameActor } from './actor';
import { CreditError } from './errors';
import { grantedEntry, type GrantedEntry } from './credit-entries';
import { assertCurrency, maxMinorUnits } from './money';
import type { ReasonCode } from './reason-code';
import type { EligibleCategory } from './eligibility';
import { readJsonObjectSetting } from './json-setting';

/**
 * Approval above a threshold (maker-checker). Pure: which grants wait for an approver, what a pending grant holds,
 * and whether an approve or decline may happen now. A pending grant is no credit: nothing is spendable and no email
 * goes out until an approver (never the grant's issuer) approves it; undecided by its deadline, it is declined.
 */

export interface ApprovalPolicy {
  /** Per currency, the largest grant (whole units) made without approval; a currency not named never needs approval. */
  readonly thresholdsMajorUnits: Readonly<Record<string, number>>;
  /** Hours an approver has; after that the pending grant is declined (reason EXPIRED). */
  readonly timeoutHours: number;
}

/** The one definition of the defaults (infra/config.ts and lambdas/shared/config.ts fall back to these): no approval ever. */
export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = { thresholdsMajorUnits: {}, timeoutHours: 72 };
/** The longest an approver may be given (30 days). */
export const MAX_APPROVAL_TIMEOUT_HOURS = 720;
const HOUR_MS = DAY_MS / 24;

/**
 * Thresholds from untrusted JSON (a CDK context value or an environment variable): `{ "EUR": 100 }`, whole units,
 * ISO 4217 codes. Returns the problems instead when a key is no currency or a value is not a whole number from 0 up.
 */
export function parseApprovalThresholds(raw: unknown): { thresholds: Record<string, number> } | { problems: string[] } {
  const setting = readJsonObjectSetting(raw, 'currency: whole units');
  if (setting.kind === 'absent') return { thresholds: {} };
  if (setting.kind === 'invalid') return { problems: [setting.problem] };
  const problems: string[] = [];
  const thresholds: Record<string, number> = {};
  for (const [currency, v] of setting.entries) {
    try {
      assertCurrency(currency);
    } catch {
      problems.push(`${currency}: not an ISO 4217 currency code`);
      continue;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1_000_000_000)
      problems.push(`${currency}: must be a whole number from 0 to 1000000000`);
    else thresholds[currency] = v;
  }
  return problems.length > 0 ? { problems } : { thresholds };
}

/** A grant needs an approver when its currency has a threshold and the amount is above it (equal passes). */
export function needsApproval(amount: number, currency: string, policy: ApprovalPolicy): boolean {
  const threshold = policy.thresholdsMajorUnits[currency];
  return threshold !== undefined && amount > maxMinorUnits(currency, threshold);
}

/** When an undecided grant requested at `requestedAt` is declined. */
export const decideByFor = (requestedAt: Date, policy: ApprovalPolicy): Date =>
  new Date(requestedAt.getTime() + policy.timeoutHours * HOUR_MS);

/** What a pending grant keeps: the whole request (the credit is made from it on approval) and its deadline. */
interface PendingTerms {
  readonly pendingId: string;
  readonly complaintId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly amount: number;
  readonly validityDays: number;
  readonly requestedAt: string;
  readonly decideBy: string;
  readonly reasonCode?: ReasonCode;
  readonly categories?: readonly EligibleCategory[];
  readonly issuedBy?: string;
}

/** A pending grant as requested: with the address, locale and reason the credit will carry. */
export interface OpenPendingGrant extends PendingTerms {
  readonly email: string;
  readonly locale: string;
  readonly reason: string;
  readonly erasedAt?: never;
}

/** A pending grant after the customer's erasure: approving it makes an erased credit (no email). */
export interface ErasedPendingGrant extends PendingTerms {
  readonly erasedAt: string;
}

export type PendingGrant = OpenPendingGrant | ErasedPendingGrant;

/** A pending grant for a request above the threshold (`email` already checked and in its sendable form by decideGrant). */
export function pendingGrant(
  req: GrantRequest & { readonly issuedBy?: string },
  checked: Credit,
  pendingId: string,
  now: Date,
  policy: ApprovalPolicy,
): OpenPendingGrant {
  return {
    pendingId,
    complaintId: req.complaintId,
    customerId: req.customerId,
    currency: req.currency,
    amount: req.amount,
    validityDays: req.validityDays,
    requestedAt: now.toISOString(),
    decideBy: decideByFor(now, policy).toISOString(),
    ...(req.reasonCode ? { reasonCode: req.reasonCode } : {}),
    ...(checked.categories ? { categories: checked.categories } : {}),
    ...(req.issuedBy !== undefined ? { issuedBy: req.issuedBy } : {}),
    email: checked.email,
    locale: checked.locale,
    reason: checked.reason,
  };
}

/** Closed codes an approver may give for a decline (the only "why" that leaves the service); EXPIRED is the system's. */
export const DECLINE_REASON_CODES = ['NOT_JUSTIFIED', 'AMOUNT_TOO_HIGH', 'DUPLICATE', 'SUSPECTED_FRAUD', 'OTHER'] as const;
export type DeclineReasonCode = (typeof DECLINE_REASON_CODES)[number];

interface DecisionBase {
  readonly pendingId: string;
  readonly complaintId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly amount: number;
  readonly decidedAt: string;
  readonly issuedBy?: string;
}

/** How a pending grant ended: approved into a credit, declined by an approver, or declined because nobody decided in time. */
export type ApprovalDecision =
  | (DecisionBase & { readonly outcome: 'APPROVED'; readonly approverId: string; readonly creditId: string; readonly expiresAt: string })
  | (DecisionBase & {
      readonly outcome: 'DECLINED';
      readonly reason: 'DECLINED';
      readonly approverId: string;
      readonly reasonCode?: DeclineReasonCode;
    })
  | (DecisionBase & { readonly outcome: 'DECLINED'; readonly reason: 'EXPIRED' });

const base = (p: PendingGrant, now: Date): DecisionBase => ({
  pendingId: p.pendingId,
  complaintId: p.complaintId,
  customerId: p.customerId,
  currency: p.currency,
  amount: p.amount,
  decidedAt: now.toISOString(),
  ...(p.issuedBy !== undefined ? { issuedBy: p.issuedBy } : {}),
});

/** Maker-checker: the approver may not be the grant's issuer. */
function assertNotIssuer(p: PendingGrant, approverId: string): void {
  if (p.issuedBy !== undefined && sameActor(p.issuedBy, approverId)) {
    throw new CreditError('APPROVER_IS_ISSUER', `the approver of pending grant ${p.pendingId} is its issuer`, { pendingId: p.pendingId });
  }
}

export const isPastDeadline = (p: PendingGrant, now: Date): boolean => Date.parse(p.decideBy) <= now.getTime();

/**
 * Approve: the credit exactly as a direct grant at `now` would make it (validity counts from the approval, so the
 * customer gets the whole validity the complaint service asked for), and the decision recording it.
 */
export function decideApprove(
  p: PendingGrant,
  approverId: string,
  now: Date,
  creditId: string,
  policy: GrantPolicy,
): { credit: Credit | ErasedCredit; ledger: GrantedEntry; remindAt?: Date; decision: ApprovalDecision } {
  assertNotIssuer(p, approverId);
  if (isPastDeadline(p, now)) {
    throw new CreditError('PENDING_GRANT_EXPIRED', `pending grant ${p.pendingId} was not approved by its deadline`, {
      pendingId: p.pendingId,
      decideBy: p.decideBy,
    });
  }
  const terms = {
    complaintId: p.complaintId,
    customerId: p.customerId,
    amount: p.amount,
    currency: p.currency,
    validityDays: p.validityDays,
    ...(p.categories ? { categories: p.categories } : {}),
  };
  const decision: ApprovalDecision = { ...base(p, now), outcome: 'APPROVED', approverId, creditId, expiresAt: '' };
  if (p.erasedAt !== undefined) {
    // The customer was erased meanwhile: the credit is made (amounts and dates kept), erased in turn; nobody is emailed.
    const { credit, remindAt } = creditTerms(terms, now, creditId, policy);
    const { reason: _r, ...ledger } = grantedEntry({ ...credit, email: '', locale: '', reason: '' }, p.reasonCode, p.issuedBy);
    return {
      credit: { ...credit, erasedAt: p.erasedAt },
      ledger,
      ...(remindAt ? { remindAt } : {}),
      decision: { ...decision, expiresAt: credit.expiresAt },
    };
  }
  const { credit, remindAt } = decideGrant({ ...terms, email: p.email, locale: p.locale, reason: p.reason }, now, creditId, policy);
  return {
    credit,
    ledger: grantedEntry(credit, p.reasonCode, p.issuedBy),
    ...(remindAt ? { remindAt } : {}),
    decision: { ...decision, expiresAt: credit.expiresAt },
  };
}

/** Decline by an approver (also after the deadline, while nobody decided: it only ends the grant sooner). */
export function decideDecline(p: PendingGrant, approverId: string, now: Date, reasonCode?: DeclineReasonCode): ApprovalDecision {
  assertNotIssuer(p, approverId);
  return { ...base(p, now), outcome: 'DECLINED', reason: 'DECLINED', approverId, ...(reasonCode ? { reasonCode } : {}) };
}

/** The decline of a pending grant whose deadline passed undecided (its item removed by TTL). */
export function decideExpired(p: PendingGrant, now: Date): ApprovalDecision {
  return { ...base(p, now), outcome: 'DECLINED', reason: 'EXPIRED' };
}
