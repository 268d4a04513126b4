/**
 * The DynamoDB adapter's requests for the approval above a threshold and the codec of what they store: the pending
 * request (pending key as guard, pending item with its TTL at the deadline, counters), the approval and decline
 * transactions (decision item as guard), the reads. The SDK is mocked; the integration tests run the same code on
 * DynamoDB Local.
 */
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createDocumentClient, decodeItem, DynamoCreditStore } from '../../../lambdas/adapters/dynamodb';
import { decisionItem, pendingGrantItem } from '../../../lambdas/adapters/dynamodb/approval-codec';
import { decideApprove, decideDecline, decideExpired, type OpenPendingGrant } from '../../../lambdas/domain/approval';
import { DEFAULT_GRANT_POLICY } from '../../../lambdas/domain/credit';

const TABLE = 'CourtesyCredits';
const ddb = mockClient(DynamoDBDocumentClient);
let store: DynamoCreditStore;
beforeEach(() => {
  ddb.reset();
  store = new DynamoCreditStore(
    createDocumentClient(new DynamoDBClient({ region: 'eu-central-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })),
    TABLE,
  );
});
afterAll(() => ddb.restore());
const sent = <T>(command: new (...args: never[]) => T) => ddb.commandCalls(command as never).map((c) => c.args[0].input as any);
const cancelled = (codes: string[], item?: Record<string, unknown>) =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code, i) => ({ Code, ...(i === 0 && item ? { Item: marshall(item) } : {}) })) as never,
  });

const NOW = new Date('2026-03-01T10:00:00.000Z');
const DECIDE_BY = '2026-03-04T10:00:00.000Z';
const pending: OpenPendingGrant = {
  pendingId: 'pg-1',
  complaintId: 'cmp-1',
  customerId: 'cust-1',
  currency: 'EUR',
  amount: 15_000,
  validityDays: 90,
  requestedAt: NOW.toISOString(),
  decideBy: DECIDE_BY,
  reasonCode: 'LATE_DELIVERY',
  issuedBy: 'agent-7',
  email: 'kim@example.com',
  locale: 'de-DE',
  reason: 'late',
};
const usage = { customerId: 'cust-1', customer: { value: [{ day: '2026-03-01', count: 1, amounts: { EUR: 15_000 } }], version: 2 } };

describe('request approval', () => {
  test('pending key (the guard, old item returned), pending item with TTL at the deadline, customer counters at their version', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store.requestApproval({ pending, requestHash: 'h', usage })).toEqual({ kind: 'committed' });
    const items = sent(TransactWriteCommand)[0].TransactItems;
    expect(items[0]).toEqual({
      Put: {
        TableName: TABLE,
        Item: {
          pk: 'COMPLAINT#cmp-1',
          sk: 'GRANT',
          type: 'GRANT_PENDING_KEY',
          complaintId: 'cmp-1',
          customerId: 'cust-1',
          pendingId: 'pg-1',
          requestHash: 'h',
          at: NOW.toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
    expect(items[1]).toEqual({
      Put: {
        TableName: TABLE,
        Item: {
          pk: 'C#cust-1',
          sk: 'PENDING#pg-1',
          type: 'PENDING_GRANT',
          ...pending,
          decideByMs: Date.parse(DECIDE_BY),
          ttl: Date.parse(DECIDE_BY) / 1000,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    expect(items[2].Put).toMatchObject({ Item: { pk: 'C#cust-1', sk: 'USAGE#GRANTS', version: 3 }, ConditionExpression: 'version = :v' });
    expect(items).toHaveLength(3);
  });

  test('a redelivery: the guard returns the pending key → duplicate naming the pending grant', async () => {
    const key = {
      pk: 'COMPLAINT#cmp-1',
      sk: 'GRANT',
      type: 'GRANT_PENDING_KEY',
      complaintId: 'cmp-1',
      customerId: 'cust-1',
      pendingId: 'pg-1',
      requestHash: 'h',
    };
    ddb.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None', 'None'], key));
    expect(await store.requestApproval({ pending, requestHash: 'h', usage })).toEqual({
      kind: 'duplicate',
      existing: { kind: 'pending', key: { complaintId: 'cmp-1', customerId: 'cust-1', pendingId: 'pg-1', requestHash: 'h' } },
    });
  });
});

describe('approve', () => {
  const approved = decideApprove(pending, 'boss-1', NOW, 'pg-1', DEFAULT_GRANT_POLICY);

  test('decision (the guard), pending deleted only if there and before its deadline, grant key replacing the pending key, credit writes', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store.commitApproval({ pending, ...approved, requestHash: 'h', now: NOW })).toEqual({ kind: 'committed' });
    const items = sent(TransactWriteCommand)[0].TransactItems;
    expect(items.map((i: any) => Object.keys(i)[0])).toEqual(['Put', 'Delete', 'Put', 'Put', 'Put', 'Put']);
    expect(items[0].Put).toMatchObject({
      Item: { pk: 'C#cust-1', sk: 'DECISION#pg-1', type: 'GRANT_DECISION', outcome: 'APPROVED', approverId: 'boss-1', creditId: 'pg-1' },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(items[1]).toEqual({
      Delete: {
        TableName: TABLE,
        Key: { pk: 'C#cust-1', sk: 'PENDING#pg-1' },
        ConditionExpression: 'attribute_exists(pk) AND decideByMs > :now',
        ExpressionAttributeValues: { ':now': NOW.getTime() },
      },
    });
    expect(items[2].Put).toEqual({
      TableName: TABLE,
      Item: {
        pk: 'COMPLAINT#cmp-1',
        sk: 'GRANT',
        type: 'GRANT_KEY',
        complaintId: 'cmp-1',
        customerId: 'cust-1',
        creditId: 'pg-1',
        requestHash: 'h',
        at: NOW.toISOString(),
      },
      ConditionExpression: '#type = :pendingKey AND pendingId = :pendingId',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':pendingKey': 'GRANT_PENDING_KEY', ':pendingId': 'pg-1' },
    });
    expect(items[3].Put.Item).toMatchObject({
      sk: `CREDIT#${approved.credit.expiresAt}#pg-1`,
      type: 'CREDIT',
      amount: 15_000,
      email: 'kim@example.com',
    });
    expect(items[4].Put.Item).toMatchObject({ sk: 'LEDGER#pg-1', type: 'LEDGER', kind: 'GRANTED' });
    expect(items[5].Put.Item).toMatchObject({ sk: 'REMINDER#pg-1', type: 'REMINDER' });
  });

  test('decided before: the guard returns the decision → duplicate with it; a condition elsewhere → stale conflict', async () => {
    const declined = decideDecline(pending, 'boss-2', NOW);
    ddb
      .on(TransactWriteCommand)
      .rejects(cancelled(['ConditionalCheckFailed', 'None', 'None', 'None', 'None', 'None'], decisionItem(declined)));
    expect(await store.commitApproval({ pending, ...approved, requestHash: 'h', now: NOW })).toEqual({
      kind: 'duplicate',
      existing: declined,
    });
    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'ConditionalCheckFailed', 'None', 'None', 'None', 'None']));
    expect(await store.commitApproval({ pending, ...approved, requestHash: 'h', now: NOW })).toEqual({ kind: 'conflict', stale: true });
  });
});

describe('decline', () => {
  test('by an approver: decision, pending deleted, counters; expired: no delete (TTL removed it)', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store.commitDecline({ decision: decideDecline(pending, 'boss-1', NOW, 'DUPLICATE'), deletePending: true, usage });
    await store.commitDecline({ decision: decideExpired(pending, NOW), deletePending: false, usage });
    const [byApprover, expired] = sent(TransactWriteCommand).map((c) => c.TransactItems);
    expect(byApprover.map((i: any) => Object.keys(i)[0])).toEqual(['Put', 'Delete', 'Put']);
    expect(byApprover[0].Put.Item).toMatchObject({
      sk: 'DECISION#pg-1',
      outcome: 'DECLINED',
      declineReason: 'DECLINED',
      reasonCode: 'DUPLICATE',
    });
    expect(byApprover[1]).toEqual({ Delete: { TableName: TABLE, Key: { pk: 'C#cust-1', sk: 'PENDING#pg-1' } } });
    expect(expired.map((i: any) => Object.keys(i)[0])).toEqual(['Put', 'Put']);
    expect(expired[0].Put.Item).toMatchObject({ sk: 'DECISION#pg-1', outcome: 'DECLINED', declineReason: 'EXPIRED' });
    expect(expired[0].Put.Item).not.toHaveProperty('reason');
    expect(expired[0].Put.Item.approverId).toBeUndefined();
  });
});

describe('reads and codec', () => {
  test('a pending grant, its decision and the list decode from their items', async () => {
    ddb.on(GetCommand, { Key: { pk: 'C#cust-1', sk: 'PENDING#pg-1' } }).resolves({ Item: pendingGrantItem(pending) });
    ddb.on(QueryCommand).resolves({ Items: [pendingGrantItem(pending)] });
    expect(await store.getPending('cust-1', 'pg-1')).toEqual(pending);
    expect(await store.listPending('cust-1')).toEqual([pending]);
    expect(sent(QueryCommand)[0]).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pending)',
      ExpressionAttributeValues: { ':pk': 'C#cust-1', ':pending': 'PENDING#' },
      ConsistentRead: true,
    });
    for (const d of [
      decideDecline(pending, 'b', NOW, 'OTHER'),
      decideExpired(pending, NOW),
      decideApprove(pending, 'b', NOW, 'pg-1', DEFAULT_GRANT_POLICY).decision,
    ]) {
      expect(decodeItem(decisionItem(d))).toEqual({ kind: 'decision', decision: d });
    }
  });

  test('an erased pending grant decodes without address, locale or reason; approving it makes an erased credit', () => {
    const { email: _e, locale: _l, reason: _r, ...kept } = pending;
    const erased = { ...kept, erasedAt: '2026-03-02T00:00:00.000Z' };
    expect(decodeItem(pendingGrantItem(erased))).toEqual({ kind: 'pendingGrant', pending: erased });
    const { credit, ledger } = decideApprove(erased, 'boss', NOW, 'pg-1', DEFAULT_GRANT_POLICY);
    expect(credit).toMatchObject({ erasedAt: '2026-03-02T00:00:00.000Z', amount: 15_000 });
    expect(JSON.stringify([credit, ledger])).not.toMatch(/erased@|"email"|"locale"|"reason"/);
  });

  test('a malformed decision fails naming the attribute', () => {
    expect(() => decodeItem({ ...decisionItem(decideExpired(pending, NOW)), declineReason: 'LATER' })).toThrow(
      /declineReason "LATER" is not one of DECLINED, EXPIRED/,
    );
  });
});
