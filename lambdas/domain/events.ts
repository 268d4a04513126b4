import type { ApprovalDecision, PendingGrant } from './approval';
import type { GrantRefusal } from './caps';
import type { LedgerEntry } from './ledger';
import { isReasonCode } from './reason-code';

/**
 * Events this service publishes on EventBridge (source "courtesy-credits").
 * Delivery is at least once: consumers de-duplicate by `detail.eventId`, which is stable across redeliveries.
 * No event carries an email address or any free text (a reason is published only as its closed code).
 */
export const EVENT_SOURCE = 'courtesy-credits';

export const DETAIL_TYPES = {
  GRANTED: 'CreditGranted',
  REDEEMED: 'CreditRedeemed',
  REVERSED: 'CreditReversed',
  EXPIRED: 'CreditExpired',
  REMINDER_SENT: 'CreditExpiryReminderSent',
  // the payment flow (issue 10)
  HELD: 'HoldPlaced',
  CAPTURED: 'HoldCaptured',
  RELEASED: 'HoldReleased',
  REFUNDED: 'CreditRefunded',
  GRANT_REFUSED: 'GrantRefused',
  VOIDED: 'CreditVoided',
  // Approval above a threshold (issue 11.2)
  GRANT_PENDING: 'GrantPendingApproval',
  GRANT_APPROVED: 'GrantApproved',
  GRANT_DECLINED: 'GrantDeclined',
} as const;
export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

export interface OutgoingEvent {
  readonly detailType: DetailType;
  readonly detail: Record<string, unknown> & { eventId: string; customerId: string; occurredAt: string };
}

export function eventForLedgerEntry(e: LedgerEntry): OutgoingEvent {
  const base = { eventId: `${e.kind}#${e.entryId}`, customerId: e.customerId, occurredAt: e.at, currency: e.currency, amount: e.amount };
  switch (e.kind) {
    case 'GRANTED':
      return {
        detailType: DETAIL_TYPES.GRANTED,
        detail: {
          ...base,
          creditId: e.creditId,
          complaintId: e.complaintId,
          expiresAt: e.expiresAt,
          ...reasonCode(e.reasonCode),
          ...(e.issuedBy !== undefined ? { issuedBy: e.issuedBy } : {}),
        },
      };
    case 'REDEEMED':
      return {
        detailType: DETAIL_TYPES.REDEEMED,
        detail: { ...base, redemptionId: e.entryId, orderId: e.orderId, allocations: e.allocations },
      };
    case 'REVERSED':
      return {
        detailType: DETAIL_TYPES.REVERSED,
        detail: { ...base, redemptionId: e.redemptionId, orderId: e.orderId, allocations: e.allocations, lapsed: e.lapsed },
      };
    case 'EXPIRED':
      return { detailType: DETAIL_TYPES.EXPIRED, detail: { ...base, creditId: e.creditId, expiresAt: e.expiresAt } };
    case 'HELD':
      return {
        detailType: DETAIL_TYPES.HELD,
        detail: { ...base, holdId: e.entryId, orderId: e.orderId, allocations: e.allocations, holdExpiresAt: e.holdExpiresAt },
      };
    case 'CAPTURED':
      return {
        detailType: DETAIL_TYPES.CAPTURED,
        detail: { ...base, captureId: e.entryId, holdId: e.holdId, orderId: e.orderId, allocations: e.allocations, final: e.final },
      };
    case 'RELEASED':
      return {
        detailType: DETAIL_TYPES.RELEASED,
        detail: { ...base, holdId: e.holdId, orderId: e.orderId, reason: e.reason, allocations: e.allocations, lapsed: e.lapsed },
      };
    case 'REFUNDED':
      return {
        detailType: DETAIL_TYPES.REFUNDED,
        detail: {
          ...base,
          refundId: e.entryId,
          ...(e.refundOf === 'REDEMPTION' ? { redemptionId: e.redemptionId } : { captureId: e.captureId }),
          orderId: e.orderId,
          allocations: e.allocations,
          lapsed: e.lapsed,
        },
      };
    case 'VOIDED':
      // The reason is free text from operations: never published.
      return { detailType: DETAIL_TYPES.VOIDED, detail: { ...base, voidId: e.entryId, creditId: e.creditId } };
    default: {
      // A ledger entry nobody can publish must not vanish from the outbox: fail, so the stream record is retried
      // and ends in the publisher's failure queue. Exhaustive: a kind without an event does not compile.
      const unknown: never = e;
      const { entryId, kind } = unknown as { entryId: string; kind: unknown };
      throw new Error(`ledger entry ${entryId} has kind ${JSON.stringify(kind)}, which has no outgoing event`);
    }
  }
}

/** Only a known code is published (stored data is untyped); never the free-text reason. */
const reasonCode = (code: unknown) => (isReasonCode(code) ? { reasonCode: code } : {});

export interface ReminderNotice {
  readonly customerId: string;
  readonly creditId: string;
  readonly currency: string;
  readonly remaining: number;
  readonly expiresAt: string;
  readonly sentAt: string;
}

export function eventForReminder(n: ReminderNotice): OutgoingEvent {
  return {
    detailType: DETAIL_TYPES.REMINDER_SENT,
    detail: {
      eventId: `REMINDER#${n.creditId}`,
      customerId: n.customerId,
      occurredAt: n.sentAt,
      creditId: n.creditId,
      currency: n.currency,
      amount: n.remaining,
      expiresAt: n.expiresAt,
    },
  };
}

/** A grant refused by an issuance cap: ids, code and cap only (the complaint service decides what to do next). */
export function eventForRefusal(r: GrantRefusal): OutgoingEvent {
  return {
    detailType: DETAIL_TYPES.GRANT_REFUSED,
    detail: {
      eventId: `GRANT_REFUSED#${r.complaintId}`,
      customerId: r.customerId,
      occurredAt: r.refusedAt,
      complaintId: r.complaintId,
      code: 'GRANT_CAP_EXCEEDED',
      cap: r.cap,
      currency: r.currency,
      amount: r.amount,
      limit: r.limit,
      ...(r.issuedBy !== undefined ? { issuedBy: r.issuedBy } : {}),
    },
  };
}

/** A grant above the approval threshold waits for an approver: ids, amount and deadline only. */
export function eventForPendingGrant(p: PendingGrant): OutgoingEvent {
  return {
    detailType: DETAIL_TYPES.GRANT_PENDING,
    detail: {
      eventId: `GRANT_PENDING#${p.pendingId}`,
      customerId: p.customerId,
      occurredAt: p.requestedAt,
      pendingId: p.pendingId,
      complaintId: p.complaintId,
      currency: p.currency,
      amount: p.amount,
      decideBy: p.decideBy,
      ...reasonCode(p.reasonCode),
      ...(p.issuedBy !== undefined ? { issuedBy: p.issuedBy } : {}),
    },
  };
}

/** How a pending grant ended: GrantApproved (with the credit's id) or GrantDeclined (reason DECLINED | EXPIRED). */
export function eventForDecision(d: ApprovalDecision): OutgoingEvent {
  const base = {
    customerId: d.customerId,
    occurredAt: d.decidedAt,
    pendingId: d.pendingId,
    complaintId: d.complaintId,
    currency: d.currency,
    amount: d.amount,
    ...(d.issuedBy !== undefined ? { issuedBy: d.issuedBy } : {}),
  };
  if (d.outcome === 'APPROVED') {
    return {
      detailType: DETAIL_TYPES.GRANT_APPROVED,
      detail: { eventId: `GRANT_APPROVED#${d.pendingId}`, ...base, approverId: d.approverId, creditId: d.creditId, expiresAt: d.expiresAt },
    };
  }
  return {
    detailType: DETAIL_TYPES.GRANT_DECLINED,
    detail: {
      eventId: `GRANT_DECLINED#${d.pendingId}`,
      ...base,
      reason: d.reason,
      ...(d.reason === 'DECLINED' ? { approverId: d.approverId, ...(d.reasonCode ? { reasonCode: d.reasonCode } : {}) } : {}),
    },
  };
}
