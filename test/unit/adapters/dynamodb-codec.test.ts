/**
 * The item codecs and the stream record decoder: every stored item kind decodes to its domain value (keys, TTL and
 * kind attribute left behind); a malformed item, an unknown kind or a missing image fails with a clear error; a
 * removal counts as TTL's only when DynamoDB's service principal made it.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { decodeItem, decodeStreamRecord, StoredItemError } from '../../../lambdas/adapters/dynamodb';
import { creditItem, ledgerItem, noticeItem, redeemKeyItem, reminderItem, grantKeyItem } from '../../../lambdas/adapters/dynamodb/codec';
import { TTL_REMOVER } from '../../../lambdas/adapters/dynamodb/layout';
import type { Credit } from '../../../lambdas/domain/credit';
import { credit as base, EXPIRES, NOW, redemptionOf } from './fixtures';
import { eventForLedgerEntry } from '../../../lambdas/domain/events';
import type { LedgerEntry } from '../../../lambdas/domain/ledger';
import { expiredEntry, grantedEntry, reversedEntry } from '../../../lambdas/domain/credit-entries';

const credit: Credit = { ...base, remaining: 2000 };
const allocations = [{ creditId: credit.creditId, amount: 400, expiresAt: EXPIRES }];
const redeemed = redemptionOf(allocations);
const entries: LedgerEntry[] = [
  grantedEntry(credit),
  redeemed,
  { ...redeemed, status: 'REVERSED', reversalId: '01JREVERSE00000000000000AA', reversedAt: NOW.toISOString() },
  reversedEntry({
    reversalId: '01JREVERSE00000000000000AA',
    redemption: redeemed,
    restored: 300,
    lapsed: 100,
    allocations,
    at: NOW.toISOString(),
  }),
  reversedEntry({
    reversalId: '01JREVERSE00000000000000AB',
    redemption: redeemed,
    restored: 400,
    lapsed: 0,
    allocations,
    at: NOW.toISOString(),
    reason: 'cancelled',
  }),
  expiredEntry(credit, '01JEXPIRE000000000000000AA'),
];
const notice = {
  customerId: 'cust-1',
  creditId: credit.creditId,
  currency: 'EUR',
  remaining: 2000,
  expiresAt: EXPIRES,
  sentAt: NOW.toISOString(),
  messageId: 'm-1',
};
const response = {
  redemptionId: null,
  customerId: 'cust-1',
  orderId: 'o-1',
  currency: 'EUR',
  requested: 5,
  applied: 0,
  allocations: [],
  remainingBalance: 0,
  redeemedAt: NOW.toISOString(),
};

describe('decodeItem: what each encoder writes decodes to the value it stored', () => {
  it('credit (expiresAtMs, ttl, keys and kind left behind)', () => {
    expect(decodeItem(creditItem(credit))).toEqual({ kind: 'credit', credit });
  });

  it('reminder', () => {
    expect(decodeItem(reminderItem(credit, new Date('2026-05-23T10:00:00.000Z')))).toEqual({
      kind: 'reminder',
      reminder: { customerId: 'cust-1', creditId: credit.creditId, expiresAt: EXPIRES, remindAt: '2026-05-23T10:00:00.000Z' },
    });
  });

  it.each(entries.map((e) => [`${e.kind}${'status' in e ? ` ${e.status}` : ''}`, e] as const))('ledger entry %s', (_name, entry) => {
    expect(decodeItem(ledgerItem(entry))).toEqual({ kind: 'ledger', entry });
  });

  it('notices, with and without a message id', () => {
    expect(decodeItem(noticeItem('REMINDER', notice, EXPIRES))).toEqual({ kind: 'notice', notice: { kind: 'REMINDER', ...notice } });
    const { messageId: _m, ...bare } = notice;
    expect(decodeItem(noticeItem('ISSUED', bare, EXPIRES))).toEqual({ kind: 'notice', notice: { kind: 'ISSUED', ...bare } });
  });

  it('grant key and redeem key (the stored response parsed back)', () => {
    const grant = { complaintId: 'CMP-1', customerId: 'cust-1', creditId: credit.creditId, requestHash: 'h' };
    expect(decodeItem(grantKeyItem(grant, NOW.toISOString()))).toEqual({ kind: 'grantKey', grant });
    expect(decodeItem(redeemKeyItem('cust-1', 'k-1', { requestHash: 'h', response }, NOW))).toEqual({
      kind: 'redeemKey',
      record: { requestHash: 'h', response },
    });
  });

  it('a REVERSED entry stored without `lapsed` restored everything: lapsed 0, also in its event', () => {
    const { lapsed: _l, ...legacy } = ledgerItem(entries[3]!) as Record<string, unknown>;
    const decoded = decodeItem(legacy);
    expect(decoded).toMatchObject({ kind: 'ledger', entry: { kind: 'REVERSED', lapsed: 0 } });
    if (decoded.kind !== 'ledger') throw new Error('not a ledger entry');
    expect(eventForLedgerEntry(decoded.entry).detail.lapsed).toBe(0);
  });
});

describe('decodeItem: malformed items fail loudly, naming the item and the attribute (never a value)', () => {
  const stored = creditItem(credit);
  const without = (item: Record<string, unknown>, name: string) => Object.fromEntries(Object.entries(item).filter(([k]) => k !== name));

  it('a missing field', () => {
    expect(() => decodeItem(without(stored, 'remaining'))).toThrow(StoredItemError);
    expect(() => decodeItem(without(stored, 'remaining'))).toThrow(
      `stored CREDIT item C#cust-1 CREDIT#${EXPIRES}#${credit.creditId}: remaining is missing`,
    );
  });

  it.each([
    ['amount', '2500', 'amount must be a whole number'],
    ['amount', 12.5, 'amount must be a whole number'],
    ['email', 42, 'email must be a string'],
  ])('a wrong type: %s = %p', (name, value, message) => {
    expect(() => decodeItem({ ...stored, [name]: value })).toThrow(message);
  });

  it('the address in a malformed credit is not in the error', () => {
    const caught = (() => {
      try {
        decodeItem({ ...stored, email: [credit.email] });
      } catch (e) {
        return e;
      }
    })();
    expect(caught).toBeInstanceOf(StoredItemError);
    expect(String(caught)).toContain('email must be a string');
    expect(String(caught)).not.toContain(credit.email);
  });

  it('an unknown item kind, or none', () => {
    expect(() => decodeItem({ ...stored, type: 'VOUCHER' })).toThrow('type "VOUCHER" is not an item kind of this table');
    expect(() => decodeItem(without(stored, 'type'))).toThrow('is not an item kind of this table');
  });

  it('an unknown ledger kind', () => {
    expect(() => decodeItem({ ...ledgerItem(entries[0]!), kind: 'TRANSFERRED' })).toThrow(
      'kind "TRANSFERRED" is not one of GRANTED, REDEEMED, REVERSED, EXPIRED',
    );
  });

  it('a field a kind always has, missing: no fallback', () => {
    expect(() => decodeItem(without(ledgerItem(entries[0]!), 'complaintId'))).toThrow('complaintId is missing');
    expect(() => decodeItem(without(ledgerItem(redeemed), 'status'))).toThrow('status is missing');
    expect(() => decodeItem(without(ledgerItem(entries[2]!), 'reversalId'))).toThrow('reversalId is missing');
    expect(() => decodeItem({ ...ledgerItem(redeemed), allocations: [{ creditId: 'x', amount: '1', expiresAt: EXPIRES }] })).toThrow(
      'allocations[0]: amount must be a whole number',
    );
    expect(() => decodeItem({ ...ledgerItem(redeemed), allocations: 'none' })).toThrow('allocations must be a list');
  });

  it('a notice of an unknown email, a redeem key whose response is not JSON', () => {
    expect(() => decodeItem({ ...noticeItem('ISSUED', notice, EXPIRES), notice: 'WELCOME' })).toThrow(
      'notice "WELCOME" is not one of ISSUED, REMINDER',
    );
    expect(() => decodeItem({ ...redeemKeyItem('cust-1', 'k', { requestHash: 'h', response }, NOW), response: '{' })).toThrow(
      'response is not JSON',
    );
  });
});

describe('decodeStreamRecord', () => {
  const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as never;
  const record = (over: Partial<DynamoDBRecord> & { dynamodb?: DynamoDBRecord['dynamodb'] }): DynamoDBRecord => ({
    eventID: 'ev-1',
    eventSource: 'aws:dynamodb',
    ...over,
  });
  const creditImage = image(creditItem(credit));

  it('INSERT → inserted, from the new image', () => {
    expect(decodeStreamRecord(record({ eventName: 'INSERT', dynamodb: { NewImage: creditImage } }))).toEqual({
      change: 'inserted',
      item: { kind: 'credit', credit },
    });
  });

  it('MODIFY → modified, with the item before', () => {
    const after = image(creditItem({ ...credit, remaining: 100 }));
    expect(decodeStreamRecord(record({ eventName: 'MODIFY', dynamodb: { NewImage: after, OldImage: creditImage } }))).toEqual({
      change: 'modified',
      item: { kind: 'credit', credit: { ...credit, remaining: 100 } },
      before: { kind: 'credit', credit },
    });
  });

  it("REMOVE by DynamoDB's TTL service principal → removed by ttl", () => {
    const change = decodeStreamRecord(
      record({ eventName: 'REMOVE', userIdentity: { ...TTL_REMOVER }, dynamodb: { OldImage: creditImage } }),
    );
    expect(change).toEqual({ change: 'removed', item: { kind: 'credit', credit }, by: 'ttl' });
    expect(TTL_REMOVER).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
  });

  it.each([
    ['no userIdentity (a DeleteItem call)', undefined],
    ['another service', { type: 'Service', principalId: 'lambda.amazonaws.com' }],
    ['a user claiming the principal id', { type: 'User', principalId: 'dynamodb.amazonaws.com' }],
  ])('REMOVE with %s → removed by user', (_what, userIdentity) => {
    expect(decodeStreamRecord(record({ eventName: 'REMOVE', userIdentity, dynamodb: { OldImage: creditImage } }))).toMatchObject({
      change: 'removed',
      by: 'user',
    });
  });

  it('a record arriving as JSON (e.g. inside a queue message) decodes the same', () => {
    const r = record({ eventName: 'REMOVE', userIdentity: { ...TTL_REMOVER }, dynamodb: { OldImage: creditImage } });
    expect(decodeStreamRecord(JSON.parse(JSON.stringify(r)))).toEqual(decodeStreamRecord(r));
  });

  it('a missing image fails, naming the stream view it needs', () => {
    expect(() => decodeStreamRecord(record({ eventName: 'REMOVE', dynamodb: { Keys: creditImage } }))).toThrow(
      'stream record ev-1 (REMOVE) has no OldImage: the stream must be NEW_AND_OLD_IMAGES',
    );
    expect(() => decodeStreamRecord(record({ eventName: 'MODIFY', dynamodb: { NewImage: creditImage } }))).toThrow('has no OldImage');
  });

  it('a malformed image fails as the item would', () => {
    const poison = image({ ...ledgerItem(entries[0]!), kind: 'TRANSFERRED' });
    expect(() => decodeStreamRecord(record({ eventName: 'INSERT', dynamodb: { NewImage: poison } }))).toThrow(StoredItemError);
  });
});
