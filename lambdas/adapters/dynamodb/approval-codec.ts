import { DECLINE_REASON_CODES, type ApprovalDecision, type PendingGrant } from '../../domain/approval';
import { ELIGIBLE_CATEGORIES } from '../../domain/eligibility';
import { REASON_CODES } from '../../domain/reason-code';
import type { PendingKey } from '../../app/ports';
import type { Fields, RawItem } from './fields';
import { CODE_ATTRIBUTES, GRANT_SK, ITEM, keys } from './layout';

/** Item codecs of the approval above a threshold: the pending grant, the complaint's pending key and the decision. */

/** Its TTL is the deadline: DynamoDB removes it then, and that removal drives the auto-decline. */
export function pendingGrantItem(p: PendingGrant): RawItem {
  const decideByMs = Date.parse(p.decideBy);
  return {
    pk: keys.customer(p.customerId),
    sk: keys.pending(p.pendingId),
    type: ITEM.PENDING_GRANT,
    ...p,
    decideByMs,
    ttl: Math.ceil(decideByMs / 1000),
  };
}

export function pendingKeyItem(key: PendingKey, at: string): RawItem {
  return { pk: keys.complaint(key.complaintId), sk: GRANT_SK, type: ITEM.PENDING_KEY, ...key, at };
}

/** A decline's closed code is stored under its own name (never `reason`, which is free text and erased). */
export function decisionItem(d: ApprovalDecision): RawItem {
  const item = { pk: keys.customer(d.customerId), sk: keys.decision(d.pendingId), type: ITEM.DECISION };
  if (d.outcome === 'APPROVED') return { ...item, ...d };
  const { reason, ...rest } = d;
  return { ...item, ...rest, [CODE_ATTRIBUTES.DECLINE_REASON]: reason };
}

/**
 * A decline's code: under its own name; under `reason` in decisions written before it had one; and if an erasure
 * before this fix removed that, told apart exactly (repair): an approver's decline names the approver, an expiry none.
 */
function declineReason(f: Fields): 'DECLINED' | 'EXPIRED' {
  const codes = ['DECLINED', 'EXPIRED'] as const;
  if (f.has(CODE_ATTRIBUTES.DECLINE_REASON)) return f.oneOf(CODE_ATTRIBUTES.DECLINE_REASON, codes);
  if (f.has('reason')) return f.oneOf('reason', codes);
  return f.has('approverId') ? 'DECLINED' : 'EXPIRED';
}

const optional = <K extends string, V>(key: K, value: V | undefined) => (value !== undefined ? ({ [key]: value } as { [P in K]: V }) : {});

export function decodePendingGrant(f: Fields): PendingGrant {
  const reasonCode = f.has('reasonCode') ? f.oneOf('reasonCode', REASON_CODES) : undefined;
  const kept = {
    pendingId: f.str('pendingId'),
    complaintId: f.str('complaintId'),
    customerId: f.str('customerId'),
    currency: f.str('currency'),
    amount: f.int('amount'),
    validityDays: f.int('validityDays'),
    requestedAt: f.str('requestedAt'),
    decideBy: f.str('decideBy'),
    ...optional('reasonCode', reasonCode),
    ...optional('categories', f.optOneOfList('categories', ELIGIBLE_CATEGORIES)),
    ...optional('issuedBy', f.optStr('issuedBy')),
  };
  const erasedAt = f.optStr('erasedAt');
  if (erasedAt !== undefined) return { ...kept, erasedAt };
  return { ...kept, email: f.str('email'), locale: f.str('locale'), reason: f.str('reason') };
}

export function decodePendingKey(f: Fields): PendingKey {
  return {
    complaintId: f.str('complaintId'),
    customerId: f.str('customerId'),
    pendingId: f.str('pendingId'),
    requestHash: f.str('requestHash'),
  };
}

export function decodeDecision(f: Fields): ApprovalDecision {
  const base = {
    pendingId: f.str('pendingId'),
    complaintId: f.str('complaintId'),
    customerId: f.str('customerId'),
    currency: f.str('currency'),
    amount: f.int('amount'),
    decidedAt: f.str('decidedAt'),
    ...optional('issuedBy', f.optStr('issuedBy')),
  };
  if (f.oneOf('outcome', ['APPROVED', 'DECLINED'] as const) === 'APPROVED') {
    return { ...base, outcome: 'APPROVED', approverId: f.str('approverId'), creditId: f.str('creditId'), expiresAt: f.str('expiresAt') };
  }
  if (declineReason(f) === 'EXPIRED') return { ...base, outcome: 'DECLINED', reason: 'EXPIRED' };
  const reasonCode = f.has('reasonCode') ? f.oneOf('reasonCode', DECLINE_REASON_CODES) : undefined;
  return { ...base, outcome: 'DECLINED', reason: 'DECLINED', approverId: f.str('approverId'), ...optional('reasonCode', reasonCode) };
}
