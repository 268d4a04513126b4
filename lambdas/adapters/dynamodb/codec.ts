import { REASON_CODES } from '../../domain/reason-code';
import { ELIGIBLE_CATEGORIES } from '../../domain/eligibility';
import type { Allocation } from '../../domain/allocation';
import { DAY_MS, type Credit } from '../../domain/credit';
import { LEDGER_KINDS, type LedgerEntry, type RedemptionState } from '../../domain/ledger';
import type { GrantRecord, NoticeKind, RedeemRecord, ReminderNoticeRecord } from '../../app/ports';
import type { Reminder, StoredItem } from '../../app/stored';
import { describe, fields, type Fields, type RawItem } from './fields';
import { GRANT_SK, ITEM, NOTICE, keys } from './layout';
import { decodeHold, decodeOperationKey, decodePaymentFlowEntry, refundAttributes, refundProgress } from './payment-codec';

/**
 * Item codecs: each domain value to the item that stores it, and every stored item back to a domain value
 * (`decodeItem`), checked field by field; pk, sk, ttl and the kind attribute stay here.
 */

const IDEMPOTENCY_RETENTION_MS = 90 * DAY_MS;
const NOTICE_RETENTION_MS = 90 * DAY_MS;
const epochSeconds = (ms: number) => Math.ceil(ms / 1000);

export function creditItem(credit: Credit): RawItem {
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
export function reminderItem(credit: Credit, remindAt: Date): RawItem {
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
  return { pk: keys.customer(entry.customerId), sk: keys.ledger(entry.entryId), type: ITEM.LEDGER, ...refundAttributes(entry) };
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
    ttl: epochSeconds(now.getTime() + IDEMPOTENCY_RETENTION_MS),
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

export function decodeCredit(f: Fields): Credit {
  const categories = f.optOneOfList('categories', ELIGIBLE_CATEGORIES);
  return {
    creditId: f.str('creditId'),
    customerId: f.str('customerId'),
    complaintId: f.str('complaintId'),
    currency: f.str('currency'),
    amount: f.int('amount'),
    remaining: f.int('remaining'),
    grantedAt: f.str('grantedAt'),
    expiresAt: f.str('expiresAt'),
    reason: f.str('reason'),
    locale: f.str('locale'),
    email: f.str('email'),
    ...(categories ? { categories } : {}),
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
        reason: f.str('reason'),
        ...(reasonCode ? { reasonCode } : {}),
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
    default:
      return decodePaymentFlowEntry(f, base, kind);
  }
}

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
  let response: unknown;
  try {
    response = JSON.parse(f.str('response'));
  } catch {
    throw f.error('response is not JSON');
  }
  if (!response || typeof response !== 'object') throw f.error('response is not a JSON object');
  // Replayed byte for byte as first sent: it was built by this service from a checked request.
  return { requestHash, response: response as RedeemRecord['response'] };
}
