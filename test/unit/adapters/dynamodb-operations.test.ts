/**
 * The DynamoDB adapter's requests for the operations (void, erasure, finance aggregates and reads) and the codec of
 * what they store: exact keys, conditions and expressions. The SDK is mocked; the integration tests run the same
 * code on DynamoDB Local.
 */

import { QueryCommand, ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { decodeItem, type DynamoCreditStore } from '../../../lambdas/adapters/dynamodb';
import { creditItem, ledgerItem } from '../../../lambdas/adapters/dynamodb/codec';
import { shardOf } from '../../../lambdas/adapters/dynamodb/finance';
import { FIN_SHARDS } from '../../../lambdas/adapters/dynamodb/layout';
import { newHold } from '../../../lambdas/domain/hold';
import { voidedEntry } from '../../../lambdas/domain/credit-entries';
import { decideVoid } from '../../../lambdas/domain/void';
import { credit, EXPIRES, NOW } from './fixtures';
import { cancelled, TABLE, useMockedTable } from './mocked-table';

let store: DynamoCreditStore;
const { ddb, sent } = useMockedTable((s) => (store = s));

describe('void', () => {
  const record = { voidId: 'v-1', voidedAt: NOW.toISOString(), amount: 1800, voidKey: 'k' };
  const entry = voidedEntry({ ...credit, remaining: 1800 }, 'v-1', NOW.toISOString(), 'fraud');

  test('credit update (the guard), VOIDED entry, reminder deleted: one transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store.commitVoid({ credit: { ...credit, remaining: 1800 }, entry, record, holds: [], now: NOW })).toEqual({
      kind: 'committed',
    });
    expect(sent(TransactWriteCommand)[0].TransactItems).toEqual([
      {
        Update: {
          TableName: TABLE,
          Key: { pk: 'C#cust-1', sk: `CREDIT#${EXPIRES}#${credit.creditId}` },
          UpdateExpression: 'SET remaining = :zero, voided = :voided',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(voided) AND remaining = :seen AND expiresAtMs > :now',
          ExpressionAttributeValues: { ':zero': 0, ':voided': record, ':seen': 1800, ':now': NOW.getTime() },
        },
      },
      {
        Put: {
          TableName: TABLE,
          Item: { pk: 'C#cust-1', sk: 'LEDGER#v-1', type: 'LEDGER', ...entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Delete: { TableName: TABLE, Key: { pk: 'C#cust-1', sk: `REMINDER#${credit.creditId}` } } },
    ]);
  });

  test('an active hold holding the credit: shrunk in the same transaction (unchanged since read, unexpired) with its RELEASED entry', async () => {
    const hold = newHold({
      holdId: 'h-1',
      customerId: 'cust-1',
      orderId: 'o-1',
      currency: 'EUR',
      allocations: [{ creditId: credit.creditId, amount: 700, expiresAt: EXPIRES }],
      now: NOW,
      lifetimeSeconds: 86_400,
    });
    const decision = decideVoid({ ...credit, remaining: 1800 }, { reason: 'fraud' }, NOW, 'v-1', {
      holds: [hold],
      newId: () => 'rel-1',
    });
    const shrink = decision.kind === 'void' ? decision.holds[0]! : undefined!;
    ddb.on(TransactWriteCommand).resolves({});
    await store.commitVoid({ credit: { ...credit, remaining: 1800 }, entry, record, holds: [shrink], now: NOW });
    const items = sent(TransactWriteCommand)[0].TransactItems;
    expect(items).toHaveLength(5);
    expect(items[3]).toEqual({
      Put: {
        TableName: TABLE,
        Item: expect.objectContaining({ sk: 'HOLD#h-1', version: 1, allocations: [expect.objectContaining({ held: 0 })] }),
        ConditionExpression: 'version = :version AND expiresAtMs > :now',
        ExpressionAttributeValues: { ':version': 0, ':now': NOW.getTime() },
      },
    });
    expect(items[4].Put.Item).toMatchObject({ sk: 'LEDGER#rel-1', kind: 'RELEASED', releaseReason: 'VOIDED', amount: 0, lapsed: 700 });
  });

  test('a void reaching more holds than one transaction holds (3 items + 2 per hold > 100) is refused TOO_MANY_CREDITS, nothing sent', async () => {
    const holds = Array.from({ length: 49 }, (_, i) =>
      newHold({
        holdId: `h-${i}`,
        customerId: 'cust-1',
        orderId: `o-${i}`,
        currency: 'EUR',
        allocations: [{ creditId: credit.creditId, amount: 1, expiresAt: EXPIRES }],
        now: NOW,
        lifetimeSeconds: 86_400,
      }),
    );
    let n = 0;
    const decide = (count: number) => {
      const d = decideVoid({ ...credit, remaining: 1800 }, { reason: 'fraud' }, NOW, 'v-1', {
        holds: holds.slice(0, count),
        newId: () => `rel-${++n}`,
      });
      return d.kind === 'void' ? d.holds : [];
    };
    ddb.on(TransactWriteCommand).resolves({});
    const write = (count: number) =>
      store.commitVoid({ credit: { ...credit, remaining: 1800 }, entry, record, holds: decide(count), now: NOW });
    await expect(write(49)).rejects.toMatchObject({ code: 'TOO_MANY_CREDITS', details: { items: 101, max: 100 } });
    expect(sent(TransactWriteCommand)).toHaveLength(0);
    expect(await write(48)).toEqual({ kind: 'committed' });
    expect(sent(TransactWriteCommand)[0].TransactItems).toHaveLength(99);
  });

  test('the guard failing → duplicate (re-read); another cancellation → conflict', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    expect(await store.commitVoid({ credit, entry, record, holds: [], now: NOW })).toEqual({ kind: 'duplicate', existing: undefined });
    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict', 'None'));
    expect(await store.commitVoid({ credit, entry, record, holds: [], now: NOW })).toEqual({ kind: 'conflict', stale: false });
  });
});

describe('codec: voided and erased credits, VOIDED entries', () => {
  test('a voided credit decodes with its void record', () => {
    const voided = { ...credit, remaining: 0, voided: { voidId: 'v', voidedAt: 't', amount: 5 } };
    expect(decodeItem(creditItem(voided))).toEqual({ kind: 'credit', credit: voided });
    expect(() => decodeItem({ ...creditItem(credit), voided: { voidId: 'v' } })).toThrow(/voided: voidedAt is missing/);
    expect(() => decodeItem({ ...creditItem(credit), voided: 'yes' })).toThrow(/voided must be a map/);
  });

  test('an erased credit decodes without address, locale and reason; an unerased one still needs them', () => {
    const { email: _e, locale: _l, reason: _r, ...stored } = creditItem(credit);
    expect(decodeItem({ ...stored, erasedAt: 'E' })).toEqual({
      kind: 'credit',
      credit: {
        creditId: credit.creditId,
        customerId: 'cust-1',
        complaintId: 'CMP-1',
        currency: 'EUR',
        amount: 2500,
        remaining: 2500,
        grantedAt: credit.grantedAt,
        expiresAt: EXPIRES,
        erasedAt: 'E',
      },
    });
    expect(() => decodeItem(stored)).toThrow(/reason is missing/);
  });

  test('VOIDED and erased GRANTED entries (no reason) decode', () => {
    const entry = voidedEntry(credit, 'v-1', 'at', 'fraud');
    expect(decodeItem(ledgerItem(entry))).toEqual({ kind: 'ledger', entry });
    const { reason: _r, ...erasedVoid } = ledgerItem(entry);
    expect(decodeItem(erasedVoid)).toEqual({
      kind: 'ledger',
      entry: { entryId: 'v-1', customerId: 'cust-1', kind: 'VOIDED', currency: 'EUR', amount: 2500, at: 'at', creditId: credit.creditId },
    });
    const granted = {
      entryId: 'g',
      customerId: 'cust-1',
      kind: 'GRANTED',
      currency: 'EUR',
      amount: 1,
      at: 'a',
      creditId: 'g',
      complaintId: 'c',
      expiresAt: 'x',
    };
    expect(decodeItem({ pk: 'C#cust-1', sk: 'LEDGER#g', type: 'LEDGER', ...granted })).toEqual({ kind: 'ledger', entry: granted });
  });
});

describe('erasure', () => {
  test('finds every item with a personal attribute (consistent, keys only), removes them; credits get erasedAt', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ pk: 'C#cust-1', sk: 'CREDIT#x#a', type: 'CREDIT' }],
        LastEvaluatedKey: { pk: 'C#cust-1', sk: 'CREDIT#x#a' },
      })
      .resolvesOnce({ Items: [{ pk: 'C#cust-1', sk: 'LEDGER#a', type: 'LEDGER' }] });
    ddb.on(UpdateCommand).resolves({});
    expect(await store.eraseCustomer('cust-1', 'E')).toBe(2);
    const queries = sent(QueryCommand);
    expect(queries[0]).toMatchObject({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'attribute_exists(#p0) OR attribute_exists(#p1) OR attribute_exists(#p2)',
      ExpressionAttributeNames: { '#p0': 'email', '#p1': 'locale', '#p2': 'reason', '#type': 'type' },
      ExpressionAttributeValues: { ':pk': 'C#cust-1' },
      ProjectionExpression: 'pk, sk, #type',
      ConsistentRead: true,
    });
    expect(queries[1].ExclusiveStartKey).toEqual({ pk: 'C#cust-1', sk: 'CREDIT#x#a' });
    const updates = sent(UpdateCommand);
    expect(updates[0]).toEqual({
      TableName: TABLE,
      Key: { pk: 'C#cust-1', sk: 'CREDIT#x#a' },
      UpdateExpression: 'SET erasedAt = if_not_exists(erasedAt, :at) REMOVE #p0, #p1, #p2',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#p0': 'email', '#p1': 'locale', '#p2': 'reason' },
      ExpressionAttributeValues: { ':at': 'E' },
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(updates[1]).toEqual({
      TableName: TABLE,
      Key: { pk: 'C#cust-1', sk: 'LEDGER#a' },
      UpdateExpression: 'REMOVE #p0, #p1, #p2',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#p0': 'email', '#p1': 'locale', '#p2': 'reason' },
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  test('an item removed meanwhile is skipped (never recreated), other errors are thrown', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        { pk: 'C#cust-1', sk: 'REMINDER#a', type: 'REMINDER' },
        { pk: 'C#cust-1', sk: 'LEDGER#b', type: 'LEDGER' },
      ],
    });
    ddb
      .on(UpdateCommand, { Key: { pk: 'C#cust-1', sk: 'REMINDER#a' } })
      .rejects(new ConditionalCheckFailedException({ message: 'gone', $metadata: {} }));
    ddb.on(UpdateCommand, { Key: { pk: 'C#cust-1', sk: 'LEDGER#b' } }).resolves({});
    expect(await store.eraseCustomer('cust-1', 'E')).toBe(1);
    ddb.on(UpdateCommand, { Key: { pk: 'C#cust-1', sk: 'LEDGER#b' } }).rejects(new Error('throttled'));
    await expect(store.eraseCustomer('cust-1', 'E')).rejects.toThrow('throttled');
  });
});

describe('finance aggregates', () => {
  test('shardOf: stable, spread over all FIN_SHARDS', () => {
    expect(shardOf('01JABC')).toBe(shardOf('01JABC'));
    const seen = new Set(Array.from({ length: 2000 }, (_, i) => shardOf(`01KENTRY${i}`)));
    expect(seen.size).toBe(FIN_SHARDS);
    for (const s of seen) expect(s >= 0 && s < FIN_SHARDS).toBe(true);
  });

  test('applyMovement: the applied mark (the guard, if absent, 30-day TTL) and ADD to the day totals, one transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const movement = { currency: 'EUR', day: '2026-03-01', amounts: { spent: 300 } };
    expect(await store.applyMovement('e-1', movement)).toEqual({ kind: 'committed' });
    const [mark, update] = sent(TransactWriteCommand)[0].TransactItems;
    expect(mark).toEqual({
      Put: {
        TableName: TABLE,
        Item: { pk: 'AGG#e-1', sk: 'AGG', type: 'AGG_APPLIED', entryId: 'e-1', ttl: expect.any(Number) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    const ttl = mark.Put.Item.ttl * 1000 - Date.now();
    expect(ttl).toBeGreaterThan(29.9 * 86_400_000);
    expect(ttl).toBeLessThanOrEqual(30 * 86_400_000 + 1000);
    expect(update).toEqual({
      Update: {
        TableName: TABLE,
        Key: { pk: `FIN#${shardOf('e-1')}`, sk: 'DAY#2026-03-01#EUR' },
        UpdateExpression: 'SET #type = :type, currency = :currency, #day = :day ADD #c0 :a0',
        ExpressionAttributeNames: { '#type': 'type', '#day': 'day', '#c0': 'spent' },
        ExpressionAttributeValues: { ':type': 'DAY_TOTALS', ':currency': 'EUR', ':day': '2026-03-01', ':a0': 300 },
      },
    });
    // A lapse moves two columns in the same update: given back (refunded) and gone at once (expired).
    ddb.reset();
    ddb.on(TransactWriteCommand).resolves({});
    await store.applyMovement('e-2', { currency: 'EUR', day: '2026-03-01', amounts: { refunded: 1000, expired: 1000 } });
    expect(sent(TransactWriteCommand)[0].TransactItems[1].Update).toMatchObject({
      UpdateExpression: 'SET #type = :type, currency = :currency, #day = :day ADD #c0 :a0, #c1 :a1',
      ExpressionAttributeNames: { '#c0': 'refunded', '#c1': 'expired' },
      ExpressionAttributeValues: { ':a0': 1000, ':a1': 1000 },
    });
    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    expect(await store.applyMovement('e-1', movement)).toEqual({ kind: 'duplicate', existing: undefined });
  });

  test('dayTotals: every shard up to the end of `to`, columns never added count 0', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'FIN#3', ':to': 'DAY#2026-03-31#~' } }).resolves({
      Items: [{ pk: 'FIN#3', sk: 'DAY#2026-03-01#EUR', type: 'DAY_TOTALS', currency: 'EUR', day: '2026-03-01', granted: 10 }],
    });
    expect(await store.dayTotals('2026-03-31')).toEqual([
      { currency: 'EUR', day: '2026-03-01', granted: 10, spent: 0, refunded: 0, expired: 0, voided: 0 },
    ]);
    const queries = sent(QueryCommand);
    expect(queries.map((q) => q.ExpressionAttributeValues[':pk']).sort()).toEqual(
      Array.from({ length: FIN_SHARDS }, (_, i) => `FIN#${i}`).sort(),
    );
    for (const q of queries) expect(q).toMatchObject({ KeyConditionExpression: 'pk = :pk AND sk <= :to', ConsistentRead: true });
  });

  test('remainingOnCredits: a consistent scan of credit items, summed per currency, every page', async () => {
    ddb
      .on(ScanCommand)
      .resolvesOnce({
        Items: [
          { currency: 'EUR', remaining: 5 },
          { currency: 'JPY', remaining: 7 },
        ],
        LastEvaluatedKey: { pk: 'x', sk: 'y' },
      })
      .resolvesOnce({
        Items: [{ currency: 'EUR', remaining: 10 }],
      });
    expect(await store.remainingOnCredits()).toEqual({ EUR: 15, JPY: 7 });
    const [first, second] = sent(ScanCommand);
    expect(first).toMatchObject({
      TableName: TABLE,
      FilterExpression: '#type = :credit',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':credit': 'CREDIT' },
      ProjectionExpression: 'currency, remaining',
      ConsistentRead: true,
    });
    expect(second.ExclusiveStartKey).toEqual({ pk: 'x', sk: 'y' });
  });
});
