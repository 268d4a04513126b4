import type { Allocation } from '../../domain/allocation';
import { PURCHASE_CATEGORIES, type LineApplication } from '../../domain/eligibility';
import type { HeldAllocation, Hold } from '../../domain/hold';
import type { LedgerEntry } from '../../domain/ledger';
import type { RefundProgress } from '../../domain/restore';
import type { KeyedRecord } from '../../app/payment-ports';
import { expiredReleaseId } from '../../shared/ids';
import { storedResponse, type Fields, type RawItem } from './fields';
import { CODE_ATTRIBUTES, ITEM, keys } from './layout';
import { epochSeconds, KEY_RETENTION_MS } from './ttl';
import { KEYED_OPERATIONS, type KeyedOperation } from '../../domain/keyed-operation';
import { RELEASE_REASONS, type PaymentFlowEntry, type ReleaseReason } from '../../domain/payment-entries';

/**
 * Item codecs of the payment flow (issue 10): the hold item, the key items of hold, capture and refund, the
 * payment-flow ledger kinds and the refund progress kept on a redemption or capture. codec.ts dispatches to these.
 */

/** The hold item; its TTL (the hold's expiry) drives the auto-release. */
export function holdItem(hold: Hold): RawItem {
  const expiresAtMs = Date.parse(hold.expiresAt);
  return {
    pk: keys.customer(hold.customerId),
    sk: keys.hold(hold.holdId),
    type: ITEM.HOLD,
    ...hold,
    expiresAtMs,
    ttl: epochSeconds(expiresAtMs),
  };
}

export function operationKeyItem(
  customerId: string,
  operation: KeyedOperation,
  key: string,
  record: KeyedRecord<unknown>,
  now: Date,
): RawItem {
  return {
    pk: keys.customer(customerId),
    sk: keys.operationKey(operation, key),
    type: ITEM.IDEMPOTENCY,
    operation,
    requestHash: record.requestHash,
    // The exact JSON sent the first time, so a replay answers byte for byte the same.
    response: JSON.stringify(record.response),
    ttl: epochSeconds(now.getTime() + KEY_RETENTION_MS),
  };
}

export const allocation = (a: Fields): Allocation => ({
  creditId: a.str('creditId'),
  amount: a.int('amount'),
  expiresAt: a.str('expiresAt'),
});
const heldAllocation = (a: Fields): HeldAllocation => ({ ...allocation(a), held: a.int('held') });
const line = (l: Fields): LineApplication => ({
  lineId: l.str('lineId'),
  category: l.oneOf('category', PURCHASE_CATEGORIES),
  amount: l.int('amount'),
  applied: l.int('applied'),
});

export function decodeHold(f: Fields): Hold {
  const lines = f.has('lines') ? f.list('lines', line) : undefined;
  const releaseId = f.optStr('releaseId');
  return {
    holdId: f.str('holdId'),
    customerId: f.str('customerId'),
    orderId: f.str('orderId'),
    currency: f.str('currency'),
    amount: f.int('amount'),
    captured: f.int('captured'),
    allocations: f.list('allocations', heldAllocation),
    ...(lines ? { lines } : {}),
    status: f.oneOf('status', ['ACTIVE', 'CAPTURED', 'RELEASED'] as const),
    placedAt: f.str('placedAt'),
    expiresAt: f.str('expiresAt'),
    version: f.int('version'),
    ...(releaseId !== undefined ? { releaseId } : {}),
  };
}

export function decodeOperationKey(f: Fields): { operation: KeyedOperation; record: KeyedRecord<unknown> } {
  const operation = f.oneOf('operation', KEYED_OPERATIONS);
  const response = storedResponse(f);
  return { operation, record: { requestHash: f.str('requestHash'), response } };
}

/**
 * An entry's attributes: its refund progress (if any) as the two attributes a refund's update sets, a RELEASED
 * entry's closed code under its own name (never `reason`, which is free text and erased).
 */
export function entryAttributes(entry: LedgerEntry): RawItem {
  if (entry.kind === 'RELEASED') {
    const { reason, ...rest } = entry;
    return { ...rest, [CODE_ATTRIBUTES.RELEASE_REASON]: reason };
  }
  if (!('refunds' in entry) || entry.refunds === undefined) return { ...entry };
  const { refunds, ...rest } = entry;
  return { ...rest, refunded: refunds.refunded, refundedAllocations: refunds.refundedAllocations };
}

/**
 * A RELEASED entry's code: under its own name; under `reason` in entries written before it had one; and if an erasure
 * before this fix removed that, the entry still decodes (repair): EXPIRED when its id is the one the auto-release
 * derives from the hold (release.ts), else EXPLICIT (a final capture's rest erased then reads EXPLICIT too; amounts,
 * credits and `lapsed` are exact either way).
 */
function releaseReason(f: Fields, base: Base, holdId: string): ReleaseReason {
  if (f.has(CODE_ATTRIBUTES.RELEASE_REASON)) return f.oneOf(CODE_ATTRIBUTES.RELEASE_REASON, RELEASE_REASONS);
  if (f.has('reason')) return f.oneOf('reason', RELEASE_REASONS);
  return base.entryId === expiredReleaseId(holdId, base.at) ? 'EXPIRED' : 'EXPLICIT';
}

/** Refund progress on a REDEEMED or CAPTURED entry; absent on entries never refunded (and on those written before refunds existed). */
export function refundProgress(f: Fields): { refunds?: RefundProgress } {
  const refunded = f.optInt('refunded');
  return refunded === undefined ? {} : { refunds: { refunded, refundedAllocations: f.list('refundedAllocations', allocation) } };
}

type Base = { entryId: string; customerId: string; currency: string; amount: number; at: string };

export function decodePaymentFlowEntry(f: Fields, base: Base, kind: PaymentFlowEntry['kind']): PaymentFlowEntry {
  switch (kind) {
    case 'HELD':
      return {
        ...base,
        kind,
        orderId: f.str('orderId'),
        allocations: f.list('allocations', allocation),
        holdExpiresAt: f.str('holdExpiresAt'),
      };
    case 'CAPTURED':
      return {
        ...base,
        kind,
        holdId: f.str('holdId'),
        orderId: f.str('orderId'),
        allocations: f.list('allocations', allocation),
        final: f.bool('final'),
        ...refundProgress(f),
      };
    case 'RELEASED':
      return {
        ...base,
        kind,
        holdId: f.str('holdId'),
        orderId: f.str('orderId'),
        reason: releaseReason(f, base, f.str('holdId')),
        allocations: f.list('allocations', allocation),
        lapsed: f.int('lapsed'),
      };
    case 'REFUNDED': {
      const reason = f.optStr('reason');
      const common = {
        ...base,
        kind,
        orderId: f.str('orderId'),
        allocations: f.list('allocations', allocation),
        lapsed: f.int('lapsed'),
        ...(reason !== undefined ? { reason } : {}),
      };
      return f.oneOf('refundOf', ['REDEMPTION', 'CAPTURE'] as const) === 'REDEMPTION'
        ? { ...common, refundOf: 'REDEMPTION', redemptionId: f.str('redemptionId') }
        : { ...common, refundOf: 'CAPTURE', captureId: f.str('captureId') };
    }
  }
}
