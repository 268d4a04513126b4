/**
 * Stored items of the issuance controls (refusal record, customer and issuer counters) decode back to what was
 * written, malformed ones are refused by name, and an inserted refusal is published as GrantRefused with ids, code
 * and cap only.
 */
import { decodeItem } from '../../lambdas/adapters/dynamodb/codec';
import { grantUsageItem, issuerUsageItem, refusalItem } from '../../lambdas/adapters/dynamodb/issuance-codec';
import { eventForStoredItem } from '../../lambdas/app/publish';
import type { GrantRefusal } from '../../lambdas/domain/caps';
import { eventForLedgerEntry } from '../../lambdas/domain/events';
import { grantedEntry } from '../../lambdas/domain/credit-entries';
import { credit } from './adapters/fixtures';

const refusal: GrantRefusal = {
  complaintId: 'cmp-9',
  customerId: 'cust-1',
  currency: 'EUR',
  amount: 2500,
  cap: 'ISSUER_AMOUNT_1D',
  limit: 10_000,
  used: 9000,
  refusedAt: '2026-03-01T10:00:00.000Z',
  issuedBy: 'agent-7',
};
const DAY = { day: '2026-03-01', count: 2, amounts: { EUR: 2500, JPY: 300 } };

test('a refusal round-trips (with and without an issuer)', () => {
  expect(decodeItem(refusalItem(refusal, 'h1'))).toEqual({ kind: 'refusal', refusal, requestHash: 'h1' });
  const { issuedBy: _i, ...anonymous } = refusal;
  expect(decodeItem(refusalItem(anonymous, 'h1'))).toEqual({ kind: 'refusal', refusal: anonymous, requestHash: 'h1' });
});

test('a refusal naming an unknown cap is a stored-item error', () => {
  expect(() => decodeItem({ ...refusalItem(refusal, 'h'), cap: 'CUSTOMER_AMOUNT_7D' })).toThrow(/cap "CUSTOMER_AMOUNT_7D" is not one of/);
});

test('counters round-trip with their versions', () => {
  expect(decodeItem(grantUsageItem('cust-1', { value: [DAY], version: 3 }))).toEqual({
    kind: 'grantUsage',
    customerId: 'cust-1',
    usage: { value: [DAY], version: 3 },
  });
  expect(decodeItem(issuerUsageItem('agent-7', { value: DAY, version: 1 }))).toEqual({
    kind: 'issuerUsage',
    issuedBy: 'agent-7',
    usage: { value: DAY, version: 1 },
  });
});

test("an issuer shard's bucket (one currency, written by ADD) decodes as that shard's day in that currency", () => {
  const bucket = {
    pk: 'ISSUER#agent-7#17',
    sk: 'USAGE#2026-03-01#EUR',
    type: 'ISSUER_USAGE',
    issuedBy: 'agent-7',
    shard: 17,
    day: '2026-03-01',
    currency: 'EUR',
    amount: 1500,
    count: 2,
    ttl: 1_772_496_000,
  };
  expect(decodeItem(bucket)).toEqual({
    kind: 'issuerUsage',
    issuedBy: 'agent-7',
    shard: 17,
    usage: { value: { day: '2026-03-01', count: 2, amounts: { EUR: 1500 } }, version: 0 },
  });
  expect(() => decodeItem({ ...bucket, amount: 1.5 })).toThrow(/amount must be a whole number/);
  expect(() => decodeItem({ ...bucket, currency: undefined })).toThrow(/currency is missing/);
});

test('malformed counters are refused by attribute', () => {
  const item = grantUsageItem('cust-1', { value: [DAY], version: 3 });
  expect(() => decodeItem({ ...item, days: [{ ...DAY, amounts: { EUR: 1.5 } }] })).toThrow(/amounts.EUR must be a whole number/);
  expect(() => decodeItem({ ...item, days: [{ ...DAY, amounts: [1] }] })).toThrow(/amounts must be a map/);
  expect(() => decodeItem({ ...item, version: undefined })).toThrow(/version is missing/);
});

test('an inserted refusal is published as GrantRefused: ids, code, cap, amount and limit — nothing else', () => {
  expect(eventForStoredItem({ kind: 'refusal', refusal, requestHash: 'h' })).toEqual({
    detailType: 'GrantRefused',
    detail: {
      eventId: 'GRANT_REFUSED#cmp-9',
      customerId: 'cust-1',
      occurredAt: '2026-03-01T10:00:00.000Z',
      complaintId: 'cmp-9',
      code: 'GRANT_CAP_EXCEEDED',
      cap: 'ISSUER_AMOUNT_1D',
      currency: 'EUR',
      amount: 2500,
      limit: 10_000,
      issuedBy: 'agent-7',
    },
  });
  const { issuedBy: _i, ...anonymous } = refusal;
  expect(eventForStoredItem({ kind: 'refusal', refusal: anonymous, requestHash: 'h' })?.detail).not.toHaveProperty('issuedBy');
});

test('counters are never published', () => {
  expect(eventForStoredItem({ kind: 'grantUsage', customerId: 'cust-1', usage: { value: [DAY], version: 1 } })).toBeUndefined();
  expect(eventForStoredItem({ kind: 'issuerUsage', issuedBy: 'a', usage: { value: DAY, version: 1 } })).toBeUndefined();
});

test('CreditGranted names the issuer when the complaint did; the stored entry decodes with it', () => {
  const entry = grantedEntry(credit, undefined, 'agent-7');
  expect(eventForLedgerEntry(entry).detail).toMatchObject({ issuedBy: 'agent-7' });
  expect(eventForLedgerEntry(grantedEntry(credit)).detail).not.toHaveProperty('issuedBy');
  const stored = { pk: 'x', sk: 'y', type: 'LEDGER', ...entry };
  expect(decodeItem(stored)).toEqual({ kind: 'ledger', entry });
});
