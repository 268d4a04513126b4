/**
 * The DynamoDB adapter's exact requests (keys, conditions, update expressions, TTLs) and how it reads the answers:
 * these pin the table layout. The SDK is mocked (aws-sdk-client-mock); the integration tests run the same code on
 * DynamoDB Local.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoCreditStore } from '../../../lambdas/adapters/dynamodb';
import { CreditError } from '../../../lambdas/domain/errors';
import { expiredEntry, grantedEntry, reversedEntry } from '../../../lambdas/domain/credit-entries';
import type { RedeemRecord } from '../../../lambdas/app/ports';
import { credit, EXPIRES, NOW, redemptionOf } from './fixtures';
import { cancelled, expectedDebit, expectedRestore, TABLE, useMockedTable } from './mocked-table';
import { issuerUsageItem } from '../../../lambdas/adapters/dynamodb/issuance-codec';
import { ISSUER_SHARDS, shardOfId } from '../../../lambdas/adapters/dynamodb/layout';

const EXPIRES_MS = 1780135200000;
const REMIND_AT = new Date('2026-05-23T10:00:00.000Z');

const storedCredit = {
  pk: 'C#cust-1',
  sk: `CREDIT#${EXPIRES}#${credit.creditId}`,
  type: 'CREDIT',
  ...credit,
  expiresAtMs: EXPIRES_MS,
  ttl: 1780135200,
};
const allocations = [
  { creditId: 'cr-a', amount: 300, expiresAt: '2026-04-01T00:00:00.000Z' },
  { creditId: 'cr-b', amount: 100, expiresAt: EXPIRES },
];
const redemption = redemptionOf(allocations);
const redeemRecord: RedeemRecord = {
  requestHash: 'hash-1',
  response: {
    redemptionId: redemption.entryId,
    customerId: 'cust-1',
    orderId: 'o-1',
    currency: 'EUR',
    requested: 400,
    applied: 400,
    allocations,
    remainingBalance: 0,
    redeemedAt: NOW.toISOString(),
  },
};

let store: DynamoCreditStore;
const { ddb, sent } = useMockedTable((s) => (store = s));

/** The cap counters of a customer's first grant (nothing stored yet: version 0). */
const DAY = { day: '2026-03-01', count: 1, amounts: { EUR: 2500 } };
const usage = { customerId: 'cust-1', customer: { value: [DAY], version: 0 } };
const usageItem = { pk: 'C#cust-1', sk: 'USAGE#GRANTS', type: 'GRANT_USAGE', customerId: 'cust-1', days: [DAY], version: 1 };
/** The issuer shard grant 01GRANT counts on, on 2026-03-01 in EUR (500 in 2 grants), as stored. */
const OWN_SHARD = shardOfId('01GRANT', ISSUER_SHARDS);
const ownShardItem = {
  pk: `ISSUER#agent-7#${OWN_SHARD}`,
  sk: 'USAGE#2026-03-01#EUR',
  type: 'ISSUER_USAGE',
  issuedBy: 'agent-7',
  shard: OWN_SHARD,
  day: '2026-03-01',
  currency: 'EUR',
  amount: 500,
  count: 2,
};

describe('grant: one transaction of grant key, credit, ledger entry, reminder and cap counters', () => {
  it('grant key (the guard), credit, ledger entry, reminder, usage: keys, conditions, TTLs', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store.grant({ credit, ledger: grantedEntry(credit), remindAt: REMIND_AT, requestHash: 'h', usage })).toEqual({
      kind: 'committed',
    });
    const [input] = sent(TransactWriteCommand);
    expect(input.ReturnConsumedCapacity).toBe('TOTAL');
    expect(input.TransactItems).toEqual([
      {
        Put: {
          TableName: TABLE,
          Item: {
            pk: 'COMPLAINT#CMP-1',
            sk: 'GRANT',
            type: 'GRANT_KEY',
            complaintId: 'CMP-1',
            customerId: 'cust-1',
            creditId: credit.creditId,
            requestHash: 'h',
            at: credit.grantedAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      { Put: { TableName: TABLE, Item: storedCredit, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: TABLE,
          Item: {
            pk: 'C#cust-1',
            sk: `LEDGER#${credit.creditId}`,
            type: 'LEDGER',
            entryId: credit.creditId,
            customerId: 'cust-1',
            kind: 'GRANTED',
            currency: 'EUR',
            amount: 2500,
            at: credit.grantedAt,
            creditId: credit.creditId,
            complaintId: 'CMP-1',
            reason: 'late delivery',
            expiresAt: EXPIRES,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: TABLE,
          Item: {
            pk: 'C#cust-1',
            sk: `REMINDER#${credit.creditId}`,
            type: 'REMINDER',
            customerId: 'cust-1',
            creditId: credit.creditId,
            expiresAt: EXPIRES,
            remindAt: REMIND_AT.toISOString(),
            ttl: 1779530400,
          },
        },
      },
      { Put: { TableName: TABLE, Item: usageItem, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
  });

  it("the customer's counter written as n + 1 only if still at n; each issuer shard added to within its bound, kept two days after its day", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const day = DAY.day;
    await store.grant({
      credit,
      ledger: grantedEntry(credit),
      requestHash: 'h',
      usage: {
        customerId: 'cust-1',
        customer: { value: [DAY], version: 4 },
        issuer: {
          issuedBy: 'agent-7',
          shards: [
            { shard: 9, currency: 'EUR', amount: 300, grants: 1, slice: 1000, usage: { day, count: 2, amounts: { EUR: 900 } } },
            { shard: 63, currency: 'EUR', amount: 200, grants: 0, slice: 999, usage: { day, count: 0, amounts: { EUR: 200 } } },
          ],
        },
      },
    });
    const items = sent(TransactWriteCommand)[0].TransactItems;
    const shardUpdate = (shard: number, amount: number, grants: number, most: number) => ({
      Update: {
        TableName: TABLE,
        Key: { pk: `ISSUER#agent-7#${shard}`, sk: `USAGE#${day}#EUR` },
        UpdateExpression:
          'SET #type = :type, #issuedBy = :issuedBy, #shard = :shard, #day = :day, #currency = :currency, #ttl = :ttl ADD #amount :amount, #count :grants',
        ConditionExpression: 'attribute_not_exists(#amount) OR #amount <= :most',
        ExpressionAttributeNames: {
          '#type': 'type',
          '#issuedBy': 'issuedBy',
          '#shard': 'shard',
          '#day': 'day',
          '#currency': 'currency',
          '#ttl': 'ttl',
          '#amount': 'amount',
          '#count': 'count',
        },
        ExpressionAttributeValues: {
          ':type': 'ISSUER_USAGE',
          ':issuedBy': 'agent-7',
          ':shard': shard,
          ':day': day,
          ':currency': 'EUR',
          ':ttl': Date.parse(`${day}T00:00:00Z`) / 1000 + 2 * 86_400,
          ':amount': amount,
          ':grants': grants,
          ':most': most,
        },
      },
    });
    expect(items.slice(3)).toEqual([
      {
        Put: {
          TableName: TABLE,
          Item: { ...usageItem, version: 5 },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': 4 },
        },
      },
      shardUpdate(9, 300, 1, 700),
      shardUpdate(63, 200, 0, 799),
    ]);
  });

  it('a give-back takes from a shard only what it holds', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const usage = { day: DAY.day, count: 0, amounts: { EUR: 0 } };
    await store.grant({
      credit,
      ledger: grantedEntry(credit),
      requestHash: 'h',
      usage: {
        customerId: 'cust-1',
        customer: { value: [DAY], version: 4 },
        issuer: { issuedBy: 'agent-7', shards: [{ shard: 2, currency: 'EUR', amount: -400, grants: -1, usage }] },
      },
    });
    const update = sent(TransactWriteCommand)[0].TransactItems[4].Update;
    expect(update.ConditionExpression).toBe('#amount >= :least');
    expect(update.ExpressionAttributeValues).toMatchObject({ ':amount': -400, ':grants': -1, ':least': 400 });
  });

  it("readUsage: counters strongly consistent, the grant's own issuer shard in its currency and the unsharded counter", async () => {
    const own = OWN_SHARD;
    const bucket = ownShardItem;
    const unsharded = issuerUsageItem('agent-7', { value: { ...DAY, amounts: { EUR: 7 } }, version: 2 });
    ddb.on(GetCommand).resolves({});
    ddb.on(GetCommand, { Key: { pk: 'C#cust-1', sk: 'USAGE#GRANTS' } }).resolves({ Item: { ...usageItem, version: 3 } });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [bucket, unsharded] } });
    expect(await store.readUsage('cust-1', 'agent-7', '2026-03-01', 'EUR', '01GRANT')).toEqual({
      customer: { value: [DAY], version: 3 },
      issuer: {
        shardCount: ISSUER_SHARDS,
        shards: [{ shard: own, usage: { day: '2026-03-01', count: 2, amounts: { EUR: 500 } } }],
        unsharded: { ...DAY, amounts: { EUR: 7 } },
      },
    });
    expect(sent(GetCommand)).toHaveLength(1);
    expect(sent(GetCommand)[0].ConsistentRead).toBe(true);
    expect(sent(BatchGetCommand)).toEqual([
      {
        RequestItems: {
          [TABLE]: {
            Keys: [
              { pk: 'ISSUER#agent-7', sk: 'USAGE#2026-03-01' },
              { pk: `ISSUER#agent-7#${own}`, sk: 'USAGE#2026-03-01#EUR' },
            ],
            ConsistentRead: true,
          },
        },
        ReturnConsumedCapacity: 'TOTAL',
      },
    ]);
    ddb.reset();
    ddb.on(GetCommand).resolves({});
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    const every = await store.readUsage('cust-1', 'agent-7', '2026-03-02', 'USD');
    expect(every.issuer?.shards).toEqual(Array.from({ length: ISSUER_SHARDS }, (_, shard) => ({ shard, usage: undefined })));
    expect(every.issuer).not.toHaveProperty('unsharded');
    // 129 keys: two requests of at most 100, not a GetItem each
    const batches = sent(BatchGetCommand).map((b) => b.RequestItems[TABLE].Keys as Array<{ pk: string; sk: string }>);
    expect(batches.map((keys) => keys.length)).toEqual([100, ISSUER_SHARDS + 1 - 100]);
    expect(batches.flat().map((k) => k.sk)).toEqual(['USAGE#2026-03-02', ...Array(ISSUER_SHARDS).fill('USAGE#2026-03-02#USD')]);
    expect(sent(GetCommand).map((g) => g.Key.sk)).toEqual(['USAGE#GRANTS']);
    ddb.reset();
    ddb.on(GetCommand).resolves({});
    expect(await store.readUsage('cust-1', undefined, '2026-03-01', 'EUR')).toEqual({ customer: { value: [], version: 0 } });
    expect(sent(GetCommand)).toHaveLength(1);
    expect(sent(BatchGetCommand)).toHaveLength(0);
  });

  it('readUsage: shard keys DynamoDB leaves unprocessed (a throttled partition) are asked for again until read', async () => {
    const own = shardOfId('01GRANT', ISSUER_SHARDS);
    const shardKey = { pk: `ISSUER#agent-7#${own}`, sk: 'USAGE#2026-03-01#EUR' };
    const bucket = {
      ...shardKey,
      type: 'ISSUER_USAGE',
      issuedBy: 'agent-7',
      shard: own,
      day: '2026-03-01',
      currency: 'EUR',
      amount: 500,
      count: 2,
    };
    ddb.on(GetCommand).resolves({});
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [shardKey], ConsistentRead: true } } })
      .resolves({ Responses: { [TABLE]: [bucket] } });
    const usage = await store.readUsage('cust-1', 'agent-7', '2026-03-01', 'EUR', '01GRANT');
    expect(usage.issuer?.shards).toEqual([{ shard: own, usage: { day: '2026-03-01', count: 2, amounts: { EUR: 500 } } }]);
    expect(sent(BatchGetCommand).map((b) => b.RequestItems[TABLE].Keys)).toEqual([
      [{ pk: 'ISSUER#agent-7', sk: 'USAGE#2026-03-01' }, shardKey],
      [shardKey],
    ]);
    // never read: refused, not taken for an empty shard
    ddb.reset();
    ddb.on(GetCommand).resolves({});
    ddb
      .on(BatchGetCommand)
      .resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [shardKey], ConsistentRead: true } } });
    await expect(store.readUsage('cust-1', 'agent-7', '2026-03-01', 'EUR', '01GRANT')).rejects.toThrow(/unprocessed/);
  });

  it('refuse: the refusal under the complaint key, once; a second one answers with the first', async () => {
    const refusal = {
      complaintId: 'CMP-1',
      customerId: 'cust-1',
      currency: 'EUR',
      amount: 2500,
      cap: 'CUSTOMER_COUNT_30D' as const,
      limit: 10,
      used: 10,
      refusedAt: NOW.toISOString(),
    };
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store.refuse(refusal, 'h')).toEqual({ kind: 'committed' });
    expect(sent(TransactWriteCommand)[0].TransactItems).toEqual([
      {
        Put: {
          TableName: TABLE,
          Item: { pk: 'COMPLAINT#CMP-1', sk: 'GRANT', type: 'GRANT_REFUSED', ...refusal, requestHash: 'h' },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ]);
    ddb.reset();
    const old = { pk: 'COMPLAINT#CMP-1', sk: 'GRANT', type: 'GRANT_REFUSED', ...refusal, requestHash: 'h0' };
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed', Item: marshall(old) }));
    expect(await store.refuse(refusal, 'h')).toEqual({ kind: 'duplicate', existing: { kind: 'refused', refusal, requestHash: 'h0' } });
  });

  it('without a reminder time: no reminder item', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store.grant({ credit, ledger: grantedEntry(credit), requestHash: 'h', usage });
    expect(sent(TransactWriteCommand)[0].TransactItems.map((i: any) => i.Put.Item.type)).toEqual([
      'GRANT_KEY',
      'CREDIT',
      'LEDGER',
      'GRANT_USAGE',
    ]);
  });

  it('grant key condition failed → duplicate, with the earlier record from the cancellation', async () => {
    const old = {
      pk: 'COMPLAINT#CMP-1',
      sk: 'GRANT',
      type: 'GRANT_KEY',
      complaintId: 'CMP-1',
      customerId: 'cust-1',
      creditId: 'cr-0',
      requestHash: 'old',
      at: 'x',
    };
    ddb.on(TransactWriteCommand).rejects(cancelled({ Code: 'ConditionalCheckFailed', Item: marshall(old) }, 'None', 'None'));
    expect(await store.grant({ credit, ledger: grantedEntry(credit), requestHash: 'h', usage })).toEqual({
      kind: 'duplicate',
      existing: { kind: 'granted', grant: { complaintId: 'CMP-1', customerId: 'cust-1', creditId: 'cr-0', requestHash: 'old' } },
    });
    expect(sent(GetCommand)).toEqual([]);
  });

  it('duplicate without the old item in the cancellation → reads the grant key (strongly consistent)', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    ddb
      .on(GetCommand)
      .resolves({ Item: { complaintId: 'CMP-1', customerId: 'cust-1', creditId: 'cr-0', requestHash: 'old', type: 'GRANT_KEY' } });
    const out = await store.grant({ credit, ledger: grantedEntry(credit), requestHash: 'h', usage });
    expect(out).toEqual({
      kind: 'duplicate',
      existing: { kind: 'granted', grant: { complaintId: 'CMP-1', customerId: 'cust-1', creditId: 'cr-0', requestHash: 'old' } },
    });
    expect(sent(GetCommand)).toEqual([
      {
        TableName: TABLE,
        Key: { pk: 'COMPLAINT#CMP-1', sk: 'GRANT' },
        ConsistentRead: true,
        ProjectionExpression: undefined,
        ReturnConsumedCapacity: 'TOTAL',
      },
    ]);
  });

  it.each([
    ['another transaction held an item', ['None', 'TransactionConflict', 'None'], false],
    ['a condition other than the guard failed', ['None', 'ConditionalCheckFailed', 'None'], true],
  ])('%s → conflict (stale or not, as the reasons say)', async (_what, codes, stale) => {
    ddb.on(TransactWriteCommand).rejects(cancelled(...codes));
    expect(await store.grant({ credit, ledger: grantedEntry(credit), requestHash: 'h', usage })).toEqual({ kind: 'conflict', stale });
  });

  it('any other error is thrown as it is', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('network down'));
    await expect(store.grant({ credit, ledger: grantedEntry(credit), requestHash: 'h', usage })).rejects.toThrow('network down');
  });
});

describe('redemption: conditional debits, ledger entry, idempotency record', () => {
  const commit = (ledger = redemption as typeof redemption | undefined) =>
    store.commitRedemption({ customerId: 'cust-1', idempotencyKey: 'k-1', record: redeemRecord, ledger, now: NOW });

  it('each debit only if the credit is there, unexpired and covers it; the idempotency record last', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await commit()).toEqual({ kind: 'committed' });
    const items = sent(TransactWriteCommand)[0].TransactItems;
    expect(items).toHaveLength(4);
    expect(items.slice(0, 2)).toEqual(allocations.map(expectedDebit));
    expect(items[2]).toEqual({
      Put: {
        TableName: TABLE,
        Item: { pk: 'C#cust-1', sk: `LEDGER#${redemption.entryId}`, type: 'LEDGER', ...redemption },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    expect(items[2].Put.Item).toMatchObject({ kind: 'REDEEMED', status: 'APPLIED', orderId: 'o-1', amount: 400 });
    expect(items[3]).toEqual({
      Put: {
        TableName: TABLE,
        Item: {
          pk: 'C#cust-1',
          sk: 'IDEM#REDEEM#k-1',
          type: 'IDEMPOTENCY',
          requestHash: 'hash-1',
          response: JSON.stringify(redeemRecord.response),
          ttl: 1780135200,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
  });

  it('nothing applied: no ledger entry, the idempotency record still written', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store.commitRedemption({
      customerId: 'cust-1',
      idempotencyKey: 'k-1',
      record: { ...redeemRecord, response: { ...redeemRecord.response, allocations: [] } },
      now: NOW,
    });
    expect(sent(TransactWriteCommand)[0].TransactItems.map((i: any) => i.Put.Item.type)).toEqual(['IDEMPOTENCY']);
  });

  it('idempotency record existed → duplicate with the stored answer, parsed', async () => {
    const old = {
      pk: 'C#cust-1',
      sk: 'IDEM#REDEEM#k-1',
      type: 'IDEMPOTENCY',
      requestHash: 'hash-0',
      response: JSON.stringify(redeemRecord.response),
      ttl: 1,
    };
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'None', { Code: 'ConditionalCheckFailed', Item: marshall(old) }));
    expect(await commit()).toEqual({ kind: 'duplicate', existing: { requestHash: 'hash-0', response: redeemRecord.response } });
  });

  it('idempotency record existed but was not returned → read by key', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'None', 'ConditionalCheckFailed'));
    ddb.on(GetCommand).resolves({ Item: { type: 'IDEMPOTENCY', requestHash: 'hash-0', response: JSON.stringify(redeemRecord.response) } });
    expect(await commit()).toEqual({ kind: 'duplicate', existing: { requestHash: 'hash-0', response: redeemRecord.response } });
    expect(sent(GetCommand)[0].Key).toEqual({ pk: 'C#cust-1', sk: 'IDEM#REDEEM#k-1' });
  });

  it('a debit condition failed (spent or expired meanwhile) → stale conflict; contention → plain conflict', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('ConditionalCheckFailed', 'None', 'None', 'None'))
      .rejectsOnce(cancelled('None', 'TransactionConflict', 'None', 'None'));
    expect(await commit()).toEqual({ kind: 'conflict', stale: true });
    expect(await commit()).toEqual({ kind: 'conflict', stale: false });
  });
});

describe('reversal', () => {
  const reversal = reversedEntry({
    reversalId: '01JREVERSE00000000000000AA',
    redemption,
    restored: 300,
    lapsed: 100,
    allocations: [allocations[0]!],
    at: NOW.toISOString(),
    reason: 'cancelled',
  });
  const commit = () => store.commitReversal({ redemption, reversal, restore: [{ ...allocations[0]!, maxRemainingBefore: 700 }], now: NOW });

  it('flips the redemption APPLIED → REVERSED, appends the reversal, restores each credit up to its original amount', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await commit()).toEqual({ kind: 'committed' });
    expect(sent(TransactWriteCommand)[0].TransactItems).toEqual([
      {
        Update: {
          TableName: TABLE,
          Key: { pk: 'C#cust-1', sk: `LEDGER#${redemption.entryId}` },
          UpdateExpression: 'SET #status = :reversed, reversalId = :reversalId, reversedAt = :at',
          ConditionExpression: '#status = :applied AND attribute_not_exists(refunded)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':reversed': 'REVERSED',
            ':applied': 'APPLIED',
            ':reversalId': reversal.entryId,
            ':at': NOW.toISOString(),
          },
        },
      },
      {
        Put: {
          TableName: TABLE,
          Item: {
            pk: 'C#cust-1',
            sk: `LEDGER#${reversal.entryId}`,
            type: 'LEDGER',
            entryId: reversal.entryId,
            customerId: 'cust-1',
            kind: 'REVERSED',
            currency: 'EUR',
            amount: 300,
            lapsed: 100,
            at: NOW.toISOString(),
            redemptionId: redemption.entryId,
            orderId: 'o-1',
            allocations: [allocations[0]],
            reason: 'cancelled',
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      expectedRestore('cr-a', 300, '2026-04-01T00:00:00.000Z', 700),
    ]);
  });

  it('the status flip failed → duplicate (reversed before); a restore failed → stale conflict', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('ConditionalCheckFailed', 'None', 'None'))
      .rejectsOnce(cancelled('None', 'None', 'ConditionalCheckFailed'));
    expect(await commit()).toEqual({ kind: 'duplicate', existing: undefined });
    expect(await commit()).toEqual({ kind: 'conflict', stale: true });
  });
});

describe('expiry entry and notices: put if absent', () => {
  const expired = expiredEntry({ ...credit, remaining: 700 }, '01JEXPIRE000000000000000AA');

  it('expiry: a conditional PutItem of the EXPIRED entry; false when it was there (redelivery)', async () => {
    ddb
      .on(PutCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    expect(await store.recordExpiry(expired)).toBe(true);
    expect(await store.recordExpiry(expired)).toBe(false);
    expect(sent(PutCommand)[0]).toEqual({
      TableName: TABLE,
      Item: { pk: 'C#cust-1', sk: `LEDGER#${expired.entryId}`, type: 'LEDGER', ...expired },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(sent(PutCommand)[0].Item).toMatchObject({ kind: 'EXPIRED', amount: 700, at: EXPIRES, creditId: credit.creditId });
  });

  it('expiry: other errors are thrown', async () => {
    ddb.on(PutCommand).rejects(new Error('throttled'));
    await expect(store.recordExpiry(expired)).rejects.toThrow('throttled');
  });

  const notice = {
    customerId: 'cust-1',
    creditId: credit.creditId,
    currency: 'EUR',
    remaining: 2500,
    expiresAt: EXPIRES,
    sentAt: NOW.toISOString(),
    messageId: 'm-1',
  };

  it("putNotice: the notice item, kept 90 days past the credit's expiry", async () => {
    ddb.on(PutCommand).resolves({});
    expect(await store.putNotice('ISSUED', notice, EXPIRES)).toBe(true);
    expect(sent(PutCommand)[0]).toEqual({
      TableName: TABLE,
      Item: { pk: 'C#cust-1', sk: `NOTICE#${credit.creditId}#ISSUED`, type: 'NOTICE', notice: 'ISSUED', ...notice, ttl: 1787911200 },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it('hasNotice: a consistent GetItem of the key only', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { pk: 'C#cust-1' } })
      .resolvesOnce({});
    expect(await store.hasNotice('cust-1', credit.creditId, 'REMINDER')).toBe(true);
    expect(await store.hasNotice('cust-1', credit.creditId, 'REMINDER')).toBe(false);
    expect(sent(GetCommand)[0]).toEqual({
      TableName: TABLE,
      Key: { pk: 'C#cust-1', sk: `NOTICE#${credit.creditId}#REMINDER` },
      ConsistentRead: true,
      ProjectionExpression: 'pk',
      ReturnConsumedCapacity: 'TOTAL',
    });
  });
});

describe('reads', () => {
  it('spendable credits: unexpired by key range, used-up filtered out, every page read', async () => {
    const c = (id: string, remaining: number) => ({ creditId: id, currency: 'EUR', remaining, expiresAt: EXPIRES });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [c('a', 1)], LastEvaluatedKey: { pk: 'C#cust-1', sk: 'CREDIT#x' } })
      .resolvesOnce({ Items: [c('b', 2)] });
    expect(await store.listSpendableCredits('cust-1', NOW)).toEqual([c('a', 1), c('b', 2)]);
    const [first, second] = sent(QueryCommand);
    expect(first).toEqual({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      FilterExpression: 'remaining > :zero',
      ExpressionAttributeValues: { ':pk': 'C#cust-1', ':from': `CREDIT#${NOW.toISOString()}`, ':to': 'CREDIT#~', ':zero': 0 },
      ProjectionExpression: 'creditId, currency, remaining, expiresAt, categories',
      ConsistentRead: true,
      ExclusiveStartKey: undefined,
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(second.ExclusiveStartKey).toEqual({ pk: 'C#cust-1', sk: 'CREDIT#x' });
  });

  it('stored credits: every credit item, with its original amount and whether it was voided', async () => {
    const voided = { voidId: 'v', voidedAt: NOW.toISOString(), amount: 4 };
    ddb.on(QueryCommand).resolves({
      Items: [
        { creditId: 'a', currency: 'EUR', remaining: 1, amount: 5, expiresAt: EXPIRES },
        { creditId: 'b', currency: 'EUR', remaining: 0, amount: 5, expiresAt: EXPIRES, voided },
      ],
    });
    expect(await store.listStoredCredits('cust-1')).toEqual([
      { creditId: 'a', currency: 'EUR', remaining: 1, amount: 5, expiresAt: EXPIRES, voided: false },
      { creditId: 'b', currency: 'EUR', remaining: 0, amount: 5, expiresAt: EXPIRES, voided: true },
    ]);
    expect(sent(QueryCommand)[0]).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :credit)',
      ExpressionAttributeValues: { ':pk': 'C#cust-1', ':credit': 'CREDIT#' },
      ProjectionExpression: 'creditId, currency, remaining, expiresAt, categories, amount, voided',
      ConsistentRead: true,
    });
  });

  it('spendable credits carry their category narrowing; an unknown category in a stored credit fails loudly', async () => {
    const narrowed = { creditId: 'n', currency: 'EUR', remaining: 1, expiresAt: EXPIRES, categories: ['SERVICES'] };
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [narrowed] })
      .resolvesOnce({ Items: [{ ...narrowed, categories: ['GIFT_CARD'] }] });
    expect(await store.listSpendableCredits('cust-1', NOW)).toEqual([narrowed]);
    await expect(store.listSpendableCredits('cust-1', NOW)).rejects.toThrow(/categories\[0\] is not one of/);
  });

  it('a projected credit with a malformed field fails loudly', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ creditId: 'a', currency: 'EUR', remaining: '1', expiresAt: EXPIRES }] });
    await expect(store.listSpendableCredits('cust-1', NOW)).rejects.toThrow('remaining must be a whole number');
  });

  it('getCredit: by its key, decoded without keys, TTL or kind', async () => {
    ddb.on(GetCommand).resolves({ Item: storedCredit });
    expect(await store.getCredit('cust-1', credit.creditId, EXPIRES)).toEqual(credit);
    expect(sent(GetCommand)[0].Key).toEqual({ pk: 'C#cust-1', sk: `CREDIT#${EXPIRES}#${credit.creditId}` });
  });

  it('getLedgerEntry: a stored item of another kind is an error, not a cast', async () => {
    ddb.on(GetCommand).resolves({ Item: storedCredit });
    await expect(store.getLedgerEntry('cust-1', 'x')).rejects.toThrow('expected a ledger item');
    expect(sent(GetCommand)[0].Key).toEqual({ pk: 'C#cust-1', sk: 'LEDGER#x' });
  });
});

describe('history pages', () => {
  const entry = (id: string) => ({ pk: 'C#cust-1', sk: `LEDGER#${id}`, type: 'LEDGER', ...grantedEntry({ ...credit, creditId: id }) });

  it('newest first, one page, an opaque cursor for the next that continues after the last sort key', async () => {
    ddb.on(QueryCommand).resolves({ Items: [entry('02'), entry('01')], LastEvaluatedKey: { pk: 'C#cust-1', sk: 'LEDGER#01' } });
    const page = await store.history('cust-1', 2);
    expect(page.entries.map((e) => e.entryId)).toEqual(['02', '01']);
    expect(page.entries[0]).toEqual(grantedEntry({ ...credit, creditId: '02' }));
    expect(sent(QueryCommand)[0]).toEqual({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ledger)',
      ExpressionAttributeValues: { ':pk': 'C#cust-1', ':ledger': 'LEDGER#' },
      ScanIndexForward: false,
      Limit: 2,
      ExclusiveStartKey: undefined,
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(JSON.parse(Buffer.from(page.nextCursor!, 'base64url').toString())).toEqual({ sk: 'LEDGER#01' });

    ddb.on(QueryCommand).resolves({ Items: [] });
    expect(await store.history('cust-1', 2, page.nextCursor)).toEqual({ entries: [], nextCursor: undefined });
    expect(sent(QueryCommand)[1].ExclusiveStartKey).toEqual({ pk: 'C#cust-1', sk: 'LEDGER#01' });
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['outside the ledger', Buffer.from(JSON.stringify({ sk: `CREDIT#${EXPIRES}#x` })).toString('base64url')],
    ['without a sort key', Buffer.from(JSON.stringify({ pk: 'C#other' })).toString('base64url')],
  ])('a cursor %s → INVALID_INPUT, nothing queried', async (_what, cursor) => {
    const e = await store.history('cust-1', 2, cursor).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(CreditError);
    expect((e as CreditError).code).toBe('INVALID_INPUT');
    expect(sent(QueryCommand)).toEqual([]);
  });
});
