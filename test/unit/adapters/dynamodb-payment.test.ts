/**
 * The payment flow's DynamoDB requests (hold, capture, release, expired release, refund, reads): keys, conditions,
 * guards and TTLs, with the SDK mocked (aws-sdk-client-mock); test/integration/payment-flow.test.ts runs the same code
 * on DynamoDB Local.
 */

import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { decodeItem, type DynamoCreditStore } from '../../../lambdas/adapters/dynamodb';
import { ledgerItem } from '../../../lambdas/adapters/dynamodb/codec';
import { newHold, planCapture } from '../../../lambdas/domain/hold';
import { capturedEntry, heldEntry, refundedEntry, releasedEntry } from '../../../lambdas/domain/payment-entries';
import type { KeyedRecord } from '../../../lambdas/app/payment-ports';
import { NOW, redemptionOf } from './fixtures';
import { cancelled, expectedDebit as debit, expectedRestore as restore, TABLE, useMockedTable } from './mocked-table';

const E1 = '2026-04-01T00:00:00.000Z';
const E2 = '2026-05-30T10:00:00.000Z';
const allocations = [
  { creditId: 'cr-a', amount: 300, expiresAt: E1 },
  { creditId: 'cr-b', amount: 100, expiresAt: E2 },
];
const hold = newHold({
  holdId: '01JHOLD0000000000000000000',
  customerId: 'cust-1',
  orderId: 'o-1',
  currency: 'EUR',
  allocations,
  now: NOW,
  lifetimeSeconds: 3600,
});
const HOLD_EXPIRES_MS = NOW.getTime() + 3_600_000;
const record: KeyedRecord<any> = { requestHash: 'h-1', response: { holdId: hold.holdId, held: 400 } };

let store: DynamoCreditStore;
const { ddb, sent } = useMockedTable((s) => (store = s));

const keyItem = (operation: string, key: string, r: KeyedRecord<unknown>) => ({
  Put: {
    TableName: TABLE,
    Item: {
      pk: 'C#cust-1',
      sk: `IDEM#${operation}#${key}`,
      type: 'IDEMPOTENCY',
      operation,
      requestHash: r.requestHash,
      response: JSON.stringify(r.response),
      ttl: Math.ceil(NOW.getTime() / 1000) + 90 * 86_400,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  },
});
const holdItem = {
  pk: 'C#cust-1',
  sk: `HOLD#${hold.holdId}`,
  type: 'HOLD',
  ...hold,
  expiresAtMs: HOLD_EXPIRES_MS,
  ttl: Math.ceil(HOLD_EXPIRES_MS / 1000),
};

describe('hold', () => {
  it('one transaction: the debits, the hold item (TTL = its expiry), the HELD entry, the key record last (the guard)', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const ledger = heldEntry(hold);
    expect(await store.commitHold({ customerId: 'cust-1', idempotencyKey: 'k-1', record, placed: { hold, ledger }, now: NOW })).toEqual({
      kind: 'committed',
    });
    expect(sent(TransactWriteCommand)[0].TransactItems).toEqual([
      debit(allocations[0]!),
      debit(allocations[1]!),
      { Put: { TableName: TABLE, Item: holdItem, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: TABLE,
          Item: { pk: 'C#cust-1', sk: `LEDGER#${hold.holdId}`, type: 'LEDGER', ...ledger },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      keyItem('HOLD', 'k-1', record),
    ]);
  });

  it('nothing held: only the key record; the key taken before → the stored answer (from the cancellation, else read)', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store.commitHold({ customerId: 'cust-1', idempotencyKey: 'k-2', record, now: NOW });
    expect(sent(TransactWriteCommand)[0].TransactItems).toEqual([keyItem('HOLD', 'k-2', record)]);
    const old = keyItem('HOLD', 'k-2', { requestHash: 'old', response: { holdId: 'x' } }).Put.Item;
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed', Item: marshall(old) }));
    expect(await store.commitHold({ customerId: 'cust-1', idempotencyKey: 'k-2', record, now: NOW })).toEqual({
      kind: 'duplicate',
      existing: { requestHash: 'old', response: { holdId: 'x' } },
    });
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
    ddb.on(GetCommand).resolves({ Item: old });
    expect(await store.commitHold({ customerId: 'cust-1', idempotencyKey: 'k-2', record, placed: undefined, now: NOW })).toEqual({
      kind: 'conflict',
      stale: true,
    });
  });
});

describe('capture and release', () => {
  const plan = planCapture(hold, 350, true, NOW);
  const capture = capturedEntry({ captureId: '01JCAPTURE0000000000000000', hold, taken: plan.taken, final: true, at: NOW.toISOString() });
  const release = {
    entry: releasedEntry({
      releaseId: '01JRELEASE0000000000000000',
      hold,
      reason: 'FINAL_CAPTURE',
      restored: [{ creditId: 'cr-b', amount: 50, expiresAt: E2 }],
      lapsed: 0,
      at: NOW.toISOString(),
    }),
    restore: [{ creditId: 'cr-b', amount: 50, expiresAt: E2, maxRemainingBefore: 950 }],
  };
  const { reason: _reason, ...releaseAttrs } = release.entry;
  const holdPut = {
    Put: {
      TableName: TABLE,
      Item: { ...holdItem, ...plan.next },
      ConditionExpression: 'version = :version AND expiresAtMs > :now',
      ExpressionAttributeValues: { ':version': 0, ':now': NOW.getTime() },
    },
  };

  it('capture: the hold replaced only if unchanged and unexpired, the CAPTURED entry, the final release, the key record', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store.commitCapture({ before: hold, after: plan.next, capture, release, captureKey: 'ck', record, now: NOW });
    expect(sent(TransactWriteCommand)[0].TransactItems).toEqual([
      holdPut,
      {
        Put: {
          TableName: TABLE,
          Item: { pk: 'C#cust-1', sk: `LEDGER#${capture.entryId}`, type: 'LEDGER', ...capture },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: TABLE,
          // the closed code under its own name, never `reason` (free text, erased)
          Item: { pk: 'C#cust-1', sk: `LEDGER#${release.entry.entryId}`, type: 'LEDGER', ...releaseAttrs, releaseReason: 'FINAL_CAPTURE' },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      restore('cr-b', 50, E2, 950),
      keyItem('CAPTURE', 'ck', record),
    ]);
  });

  it('release: the hold first, no guard (a failed condition is stale: re-read); the expired release guarded by its entry', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store.commitRelease({ before: hold, after: plan.next, release, now: NOW });
    expect(sent(TransactWriteCommand)[0].TransactItems).toEqual([
      holdPut,
      expect.objectContaining({ Put: expect.objectContaining({ ConditionExpression: 'attribute_not_exists(pk)' }) }),
      restore('cr-b', 50, E2, 950),
    ]);
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    expect(await store.commitRelease({ before: hold, after: plan.next, release, now: NOW })).toEqual({ kind: 'conflict', stale: true });
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    expect(await store.commitExpiredRelease({ release, now: NOW })).toEqual({ kind: 'duplicate', existing: undefined });
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
    expect(await store.commitExpiredRelease({ release, now: NOW })).toEqual({ kind: 'conflict', stale: true });
  });
});

describe('refund', () => {
  const redemption = redemptionOf(allocations);
  const refund = refundedEntry({
    refundId: '01JREFUND00000000000000000',
    of: redemption,
    restored: [{ creditId: 'cr-b', amount: 100, expiresAt: E2 }],
    lapsed: 0,
    at: NOW.toISOString(),
  });
  const progress = { refunded: 100, refundedAllocations: [{ creditId: 'cr-b', amount: 100, expiresAt: E2 }] };

  it('first refund of a redemption: progress only if none yet and APPLIED; the entry; restorations; the key record', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store.commitRefund({
      target: redemption,
      progress,
      refund,
      restore: [{ creditId: 'cr-b', amount: 100, expiresAt: E2, maxRemainingBefore: 900 }],
      refundKey: 'rk',
      record,
      now: NOW,
    });
    const [progressUpdate, entry, credit, key] = sent(TransactWriteCommand)[0].TransactItems;
    expect(progressUpdate).toEqual({
      Update: {
        TableName: TABLE,
        Key: { pk: 'C#cust-1', sk: `LEDGER#${redemption.entryId}` },
        UpdateExpression: 'SET refunded = :after, refundedAllocations = :allocations',
        ConditionExpression: 'attribute_not_exists(refunded) AND #status = :applied',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':after': 100, ':allocations': progress.refundedAllocations, ':applied': 'APPLIED' },
      },
    });
    expect(entry.Put.Item).toMatchObject({
      sk: `LEDGER#${refund.entryId}`,
      kind: 'REFUNDED',
      refundOf: 'REDEMPTION',
      redemptionId: redemption.entryId,
    });
    expect(credit).toEqual(restore('cr-b', 100, E2, 900));
    expect(key).toEqual(keyItem('REFUND', 'rk', record));
  });

  it('a later refund of a capture: progress only if unchanged since read, no status check', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const capture = {
      ...capturedEntry({ captureId: 'cap-1', hold, taken: allocations, final: false, at: NOW.toISOString() }),
      refunds: progress,
    };
    await store.commitRefund({
      target: capture,
      progress: { ...progress, refunded: 150 },
      refund,
      restore: [],
      refundKey: 'rk2',
      record,
      now: NOW,
    });
    expect(sent(TransactWriteCommand)[0].TransactItems[0].Update).toMatchObject({
      ConditionExpression: 'refunded = :before',
      ExpressionAttributeValues: { ':after': 150, ':before': 100, ':allocations': progress.refundedAllocations },
    });
    expect(sent(TransactWriteCommand)[0].TransactItems[0].Update.ExpressionAttributeNames).toBeUndefined();
  });
});

describe('reads', () => {
  it('a hold by key, the customer’s holds by prefix (every page), a key record; all strongly consistent', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: holdItem })
      .resolvesOnce({})
      .resolvesOnce({ Item: keyItem('CAPTURE', 'ck', record).Put.Item });
    expect(await store.getHold('cust-1', hold.holdId)).toEqual(hold);
    expect(await store.getHold('cust-1', 'nope')).toBeUndefined();
    expect(await store.getKeyedRecord('cust-1', 'CAPTURE', 'ck')).toEqual(record);
    expect(sent(GetCommand).map((g) => [g.Key.sk, g.ConsistentRead])).toEqual([
      [`HOLD#${hold.holdId}`, true],
      ['HOLD#nope', true],
      ['IDEM#CAPTURE#ck', true],
    ]);
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [holdItem], LastEvaluatedKey: { pk: 'C#cust-1', sk: 'HOLD#x' } })
      .resolvesOnce({ Items: [] });
    expect(await store.listHolds('cust-1')).toEqual([hold]);
    expect(sent(QueryCommand)[0]).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :hold)',
      ExpressionAttributeValues: { ':pk': 'C#cust-1', ':hold': 'HOLD#' },
      ConsistentRead: true,
    });
  });

  it('decodes each stored payment-flow item to its domain value; a malformed one fails loudly', () => {
    expect(decodeItem(holdItem)).toEqual({ kind: 'hold', hold });
    expect(decodeItem(keyItem('REFUND', 'rk', record).Put.Item)).toEqual({ kind: 'operationKey', operation: 'REFUND', record });
    expect(() => decodeItem({ ...holdItem, status: 'GONE' })).toThrow(/status "GONE" is not one of/);
    expect(() => decodeItem({ ...keyItem('REFUND', 'rk', record).Put.Item, operation: 'PAY' })).toThrow(/operation/);
    expect(() => decodeItem({ ...keyItem('REFUND', 'rk', record).Put.Item, response: '[' })).toThrow(/not JSON/);
  });

  it('payment-flow ledger entries and refund progress survive the round trip through the table', () => {
    const redemption = redemptionOf(allocations, 'r-1');
    const refunds = { refunded: 100, refundedAllocations: [{ creditId: 'cr-b', amount: 100, expiresAt: E2 }] };
    const capture = capturedEntry({ captureId: 'cap-1', hold, taken: allocations, final: false, at: NOW.toISOString() });
    const entries = [
      heldEntry(hold),
      capture,
      { ...capture, refunds },
      { ...redemption, refunds },
      releasedEntry({ releaseId: 'rel-1', hold, reason: 'EXPIRED', restored: allocations, lapsed: 7, at: NOW.toISOString() }),
      refundedEntry({ refundId: 'ref-1', of: capture, restored: allocations, lapsed: 0, at: NOW.toISOString(), reason: 'Retoure' }),
      refundedEntry({ refundId: 'ref-2', of: redemption, restored: [], lapsed: 3, at: NOW.toISOString() }),
    ];
    for (const entry of entries) {
      expect(decodeItem(JSON.parse(JSON.stringify(ledgerItem(entry))))).toEqual({ kind: 'ledger', entry });
    }
    const released = { pk: 'C#cust-1', sk: 'LEDGER#rel-1', type: 'LEDGER', ...entries[4] };
    expect(() => decodeItem({ ...released, reason: 'BORED' })).toThrow(/reason/);
    // Progress is stored as the two attributes a refund's update sets.
    expect(ledgerItem({ ...capture, refunds })).toMatchObject({ refunded: 100, refundedAllocations: refunds.refundedAllocations });
    expect('refunds' in ledgerItem({ ...capture, refunds })).toBe(false);
    expect(() => decodeItem({ ...released, lapsed: 1.5 })).toThrow(/lapsed must be a whole number/);
    expect(() => decodeItem({ pk: 'C#cust-1', sk: 'LEDGER#cap-1', type: 'LEDGER', ...capture, final: 'yes' })).toThrow(
      /final must be a boolean/,
    );
  });
});
