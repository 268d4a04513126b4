import { REASON_CODES } from '../../domain/reason-code';
import { ELIGIBLE_CATEGORIES } from '../../domain/eligibility';
import type { Allocation } from '../../domain/allocation';
import { DAY_MS, type Credit, type StoredCredit, type VoidRecord } from '../../domain/credit';
import { LEDGER_KINDS, type LedgerEntry } from '../../domain/ledger';
import type { GrantRecord, RedeemRecord, ReminderNoticeRecord } from '../../app/ports';
import type { Reminder, StoredItem } from '../../app/stored';
import { decodeApplied, decodeDayTotals } from './finance-codec';
import { decodeDecision, decodePendingGrant, decodePendingKey } from './approval-codec';
import { decodeGrantUsage, decodeIssuerUsage, decodeRefusal } from './issuance-codec';
import { describe, fields, storedResponse, type Fields, type RawItem } from './fields';
import { GRANT_SK, ITEM, keys } from './layout';
import { decodeSpendQueue } from './spend-queue';
import { decodeHold, decodeOperationKey, decodePaymentFlowEntry, entryAttributes, refundProgress } from './payment-codec';
import { epochSeconds, KEY_RETENTION_MS } from './ttl';
import { NOTICE, type NoticeKind } from '../../domain/notice';
import type { RedemptionState } from '../../domain/credit-entries';

/**
 * Item codecs: each domain value to the item that stores it, and every stored item back to a domain value
 * (`decodeItem`), checked field by field; pk, sk, ttl and the kind attribute stay here.
 */

const NOTICE_RETENTION_MS = 90 * DAY_MS;

export function creditItem(credit: StoredCredit): RawItem {
  const expiresAtMs = Date.parse(credit.expiresAt);
  return {
    pk: keys.customer(credit.customerId),
    sk: keys.credit(credit.expiresAt, credit.creditId),
    type: ITEM.CREDIT,
    ...credit,
    expiresAtMs,
    ttl: epochSeconds(expiresAtMs),
  };
}

/** Its TTL fires the "about to lapse" email. */
export function reminderItem(credit: Pick<Credit, 'customerId' | 'creditId' | 'expiresAt'>, remindAt: Date): RawItem {
  return {
    pk: keys.customer(credit.customerId),
    sk: keys.reminder(credit.creditId),
    type: ITEM.REMINDER,
    customerId: credit.customerId,
    creditId: credit.creditId,
    expiresAt: credit.expiresAt,
    remindAt: remindAt.toISOString(),
    ttl: epochSeconds(remindAt.getTime()),
  };
}

export function ledgerItem(entry: LedgerEntry): RawItem {
  return { pk: keys.customer(entry.customerId), sk: keys.ledger(entry.entryId), type: ITEM.LEDGER, ...entryAttributes(entry) };
}

export function grantKeyItem(grant: GrantRecord, at: string): RawItem {
  return { pk: keys.complaint(grant.complaintId), sk: GRANT_SK, type: ITEM.GRANT, ...grant, at };
}

export function redeemKeyItem(customerId: string, idempotencyKey: string, record: RedeemRecord, now: Date): RawItem {
  return {
    pk: keys.customer(customerId),
    sk: keys.redeemKey(idempotencyKey),
    type: ITEM.IDEMPOTENCY,
    requestHash: record.requestHash,
    // Stored as the exact JSON sent the first time, so a replay answers byte for byte the same.
    response: JSON.stringify(record.response),
    ttl: epochSeconds(now.getTime() + KEY_RETENTION_MS),
  };
}

export function noticeItem(kind: NoticeKind, notice: ReminderNoticeRecord, expiresAt: string): RawItem {
  return {
    pk: keys.customer(notice.customerId),
    sk: keys.notice(notice.creditId, kind),
    type: ITEM.NOTICE,
    notice: kind,
    ...notice,
    ttl: epochSeconds(Date.parse(expiresAt) + NOTICE_RETENTION_MS),
  };
}

/** Any stored item as the domain value it holds; a malformed item or an unknown kind is a StoredItemError. */
export function decodeItem(raw: RawItem): StoredItem {
  const f = fields(raw, describe(raw));
  switch (raw.type) {
    case ITEM.CREDIT:
      return { kind: 'credit', credit: decodeCredit(f) };
    case ITEM.REMINDER:
      return { kind: 'reminder', reminder: decodeReminder(f) };
    case ITEM.LEDGER:
      return { kind: 'ledger', entry: decodeLedgerEntry(f) };
    case ITEM.NOTICE:
      return { kind: 'notice', notice: { kind: f.oneOf('notice', Object.values(NOTICE)), ...decodeNoticeRecord(f) } };
    case ITEM.GRANT:
      return { kind: 'grantKey', grant: decodeGrantRecord(f) };
    case ITEM.IDEMPOTENCY:
      // Redeem's key items predate the `operation` attribute.
      return f.has('operation') ? { kind: 'operationKey', ...decodeOperationKey(f) } : { kind: 'redeemKey', record: decodeRedeemRecord(f) };
    case ITEM.HOLD:
      return { kind: 'hold', hold: decodeHold(f) };
    case ITEM.REFUSAL:
      return { kind: 'refusal', ...decodeRefusal(f) };
    case ITEM.GRANT_USAGE:
      return { kind: 'grantUsage', ...decodeGrantUsage(f) };
    case ITEM.ISSUER_USAGE:
      return { kind: 'issuerUsage', ...decodeIssuerUsage(f) };
    case ITEM.DAY_TOTALS:
      return { kind: 'dayTotals', totals: decodeDayTotals(f) };
    case ITEM.APPLIED:
      return { kind: 'applied', ...decodeApplied(f) };
    case ITEM.PENDING_GRANT:
      return { kind: 'pendingGrant', pending: decodePendingGrant(f) };
    case ITEM.PENDING_KEY:
      return { kind: 'pendingKey', key: decodePendingKey(f) };
    case ITEM.DECISION:
      return { kind: 'decision', decision: decodeDecision(f) };
    case ITEM.SPEND_QUEUE:
      return { kind: 'spendQueue', ...decodeSpendQueue(f) };
    default:
      throw f.error(`type ${JSON.stringify(raw.type)} is not an item kind of this table`);
  }
}

/** A stored item that must be of one kind (a read by key). */
export function decodeAs<K extends StoredItem['kind']>(raw: RawItem, kind: K): Extract<StoredItem, { kind: K }> {
  const item = decodeItem(raw);
  if (item.kind !== kind) throw fields(raw, describe(raw)).error(`expected a ${kind} item`);
  return item as Extract<StoredItem, { kind: K }>;
}

/** A credit; one with `erasedAt` has no address, locale or reason any more (see erasure). */
export function decodeCredit(f: Fields): StoredCredit {
  const voided = f.optMap('voided', decodeVoidRecord);
  const categories = f.optOneOfList('categories', ELIGIBLE_CATEGORIES);
  const kept = {
    creditId: f.str('creditId'),
    customerId: f.str('customerId'),
    complaintId: f.str('complaintId'),
    currency: f.str('currency'),
    amount: f.int('amount'),
    remaining: f.int('remaining'),
    grantedAt: f.str('grantedAt'),
    expiresAt: f.str('expiresAt'),
    ...(voided ? { voided } : {}),
    ...(categories ? { categories } : {}),
  };
  const erasedAt = f.optStr('erasedAt');
  if (erasedAt !== undefined) return { ...kept, erasedAt };
  return { ...kept, reason: f.str('reason'), locale: f.str('locale'), email: f.str('email') };
}

function decodeVoidRecord(f: Fields): VoidRecord {
  const voidKey = f.optStr('voidKey');
  const fromHolds = f.has('fromHolds')
    ? f.list('fromHolds', (h) => ({ holdId: h.str('holdId'), orderId: h.str('orderId'), amount: h.int('amount') }))
    : undefined;
  return {
    voidId: f.str('voidId'),
    voidedAt: f.str('voidedAt'),
    amount: f.int('amount'),
    ...(voidKey !== undefined ? { voidKey } : {}),
    ...(fromHolds ? { fromHolds } : {}),
  };
}

function decodeReminder(f: Fields): Reminder {
  return { customerId: f.str('customerId'), creditId: f.str('creditId'), expiresAt: f.str('expiresAt'), remindAt: f.str('remindAt') };
}

const allocation = (a: Fields): Allocation => ({ creditId: a.str('creditId'), amount: a.int('amount'), expiresAt: a.str('expiresAt') });

export function decodeLedgerEntry(f: Fields): LedgerEntry {
  const base = {
    entryId: f.str('entryId'),
    customerId: f.str('customerId'),
    currency: f.str('currency'),
    amount: f.int('amount'),
    at: f.str('at'),
  };
  const kind = f.oneOf('kind', LEDGER_KINDS);
  switch (kind) {
    case 'GRANTED': {
      const reasonCode = f.optStr('reasonCode') === undefined ? undefined : f.oneOf('reasonCode', REASON_CODES);
      return {
        ...base,
        kind,
        creditId: f.str('creditId'),
        complaintId: f.str('complaintId'),
        ...optional('reason', f.optStr('reason')),
        ...(reasonCode ? { reasonCode } : {}),
        ...optional('issuedBy', f.optStr('issuedBy')),
        expiresAt: f.str('expiresAt'),
      };
    }
    case 'REDEEMED':
      return {
        ...base,
        kind,
        orderId: f.str('orderId'),
        allocations: f.list('allocations', allocation),
        ...refundProgress(f),
        ...redemptionState(f),
      };
    case 'REVERSED': {
      const reason = f.optStr('reason');
      return {
        ...base,
        kind,
        redemptionId: f.str('redemptionId'),
        orderId: f.str('orderId'),
        allocations: f.list('allocations', allocation),
        // Entries written before `lapsed` was recorded restored everything.
        lapsed: f.optInt('lapsed') ?? 0,
        ...(reason !== undefined ? { reason } : {}),
      };
    }
    case 'EXPIRED':
      return { ...base, kind, creditId: f.str('creditId'), expiresAt: f.str('expiresAt') };
    case 'VOIDED':
      return { ...base, kind, creditId: f.str('creditId'), ...optional('reason', f.optStr('reason')) };
    default:
      return decodePaymentFlowEntry(f, base, kind);
  }
}

const optional = <K extends string, V>(key: K, value: V | undefined) => (value !== undefined ? ({ [key]: value } as { [P in K]: V }) : {});

function redemptionState(f: Fields): RedemptionState {
  return f.oneOf('status', ['APPLIED', 'REVERSED'] as const) === 'APPLIED'
    ? { status: 'APPLIED' }
    : { status: 'REVERSED', reversalId: f.str('reversalId'), reversedAt: f.str('reversedAt') };
}

function decodeNoticeRecord(f: Fields): ReminderNoticeRecord {
  const messageId = f.optStr('messageId');
  return {
    customerId: f.str('customerId'),
    creditId: f.str('creditId'),
    currency: f.str('currency'),
    remaining: f.int('remaining'),
    expiresAt: f.str('expiresAt'),
    sentAt: f.str('sentAt'),
    ...(messageId !== undefined ? { messageId } : {}),
  };
}

export function decodeGrantRecord(f: Fields): GrantRecord {
  return {
    complaintId: f.str('complaintId'),
    customerId: f.str('customerId'),
    creditId: f.str('creditId'),
    requestHash: f.str('requestHash'),
  };
}

export function decodeRedeemRecord(f: Fields): RedeemRecord {
  const requestHash = f.str('requestHash');
  const response = storedResponse(f);
  // Replayed byte for byte as first sent: it was built by this service from a checked request.
  return { requestHash, response: response as RedeemRecord['response'] };
}
