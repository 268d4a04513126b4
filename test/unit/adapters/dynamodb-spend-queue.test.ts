/**
 * The spend queue's exact requests (issue 10.5): the sequencer item's key, the atomic ticket ADD, the strongly
 * consistent read, the count of finished turns (a single-item ADD after the commit; no spend transaction touches the
 * sequencer, so none of these writes can meet one), the conditional pass of a stalled turn. SDK mocked
 * (aws-sdk-client-mock); the integration test runs the same code on DynamoDB Local.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createDocumentClient, decodeItem, DynamoCreditStore } from '../../../lambdas/adapters/dynamodb';
import { SPEND_QUEUE_SK } from '../../../lambdas/adapters/dynamodb/layout';
import { redeemedEntry } from '../../../lambdas/domain/credit-entries';
import { newHold } from '../../../lambdas/domain/hold';
import { heldEntry } from '../../../lambdas/domain/payment-entries';

const TABLE = 'CourtesyCredits';
const NOW = new Date('2026-03-01T10:00:00.000Z');
const TTL_ONE_DAY = Math.ceil((NOW.getTime() + 86_400_000) / 1000);
const KEY = { pk: 'C#cust-1', sk: 'QUEUE#SPEND' };
const allocations = [{ creditId: 'cr-a', amount: 300, expiresAt: '2026-04-01T00:00:00.000Z' }];

const ddb = mockClient(DynamoDBDocumentClient);
let store: DynamoCreditStore;
beforeEach(() => {
  ddb.reset();
  const client = new DynamoDBClient({ region: 'eu-central-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  store = new DynamoCreditStore(createDocumentClient(client), TABLE);
});
afterAll(() => ddb.restore());

const sent = <T>(command: new (...args: never[]) => T) => ddb.commandCalls(command as never).map((c) => c.args[0].input as any);

describe('the spend queue item', () => {
  it('lives in the customer partition outside every prefix the service queries by', () => {
    expect(SPEND_QUEUE_SK).toBe('QUEUE#SPEND');
    for (const prefix of ['CREDIT#', 'LEDGER#', 'HOLD#', 'IDEM#', 'REMINDER#', 'NOTICE#'])
      expect(SPEND_QUEUE_SK.startsWith(prefix)).toBe(false);
  });

  it('decodes as a spendQueue item (stream records of it are recognised, not failures)', () => {
    const item = { ...KEY, type: 'SPEND_QUEUE', customerId: 'cust-1', issued: 7, serving: 5, ttl: TTL_ONE_DAY };
    expect(decodeItem(item)).toEqual({ kind: 'spendQueue', customerId: 'cust-1', issued: 7, serving: 5 });
    expect(() => decodeItem({ ...item, serving: 'five' })).toThrow(/serving/);
  });
});

describe('takeTicket: one atomic ADD, the ticket and the queue read back', () => {
  it('creates or updates the sequencer, answering ticket = issued − 1 and serving', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { ...KEY, type: 'SPEND_QUEUE', customerId: 'cust-1', issued: 13, serving: 4 } });
    await expect(store.takeTicket('cust-1', NOW)).resolves.toEqual({ ticket: 12, serving: 4 });
    const [input] = sent(UpdateCommand);
    expect(input).toMatchObject({
      TableName: TABLE,
      Key: KEY,
      UpdateExpression: 'SET #type = :type, customerId = :customerId, serving = if_not_exists(serving, :zero), #ttl = :ttl ADD issued :one',
      ExpressionAttributeNames: { '#type': 'type', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':type': 'SPEND_QUEUE', ':customerId': 'cust-1', ':zero': 0, ':one': 1, ':ttl': TTL_ONE_DAY },
      ReturnValues: 'ALL_NEW',
    });
    expect(input.ConditionExpression).toBeUndefined();
  });

  it('an error is thrown, not retried (nothing else writes the sequencer in a transaction)', async () => {
    ddb.on(UpdateCommand).rejects(new Error('boom'));
    await expect(store.takeTicket('cust-1', NOW)).rejects.toThrow('boom');
    expect(sent(UpdateCommand)).toHaveLength(1);
  });
});

describe('readQueue: strongly consistent GetItem of `serving`', () => {
  it('reads the count; no item yet means nobody ever queued (0)', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { serving: 9 } })
      .resolvesOnce({})
      .resolvesOnce({ Item: { serving: 9, holdingUntil: 1_700_000_000_000 } });
    await expect(store.readQueue('cust-1')).resolves.toEqual({ serving: 9 });
    await expect(store.readQueue('cust-1')).resolves.toEqual({ serving: 0 });
    // a group-commit holder going on with the next groups (lambdas/app/group-commit.ts)
    await expect(store.readQueue('cust-1')).resolves.toEqual({ serving: 9, holdingUntilMs: 1_700_000_000_000 });
    expect(sent(GetCommand)[0]).toMatchObject({
      TableName: TABLE,
      Key: KEY,
      ConsistentRead: true,
      ProjectionExpression: 'serving, holdingUntil',
    });
  });
});

describe('finishing and passing turns', () => {
  it('finishTurn: ADD serving 1, never past the tickets issued (a turn passed as stalled that then finishes counts once)', async () => {
    ddb
      .on(UpdateCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    await store.finishTurn('cust-1', NOW);
    expect(sent(UpdateCommand)[0]).toMatchObject({
      Key: KEY,
      UpdateExpression: 'SET #ttl = :ttl ADD serving :one',
      ConditionExpression: 'serving < issued',
      ExpressionAttributeValues: { ':one': 1, ':ttl': TTL_ONE_DAY },
    });
    await expect(store.finishTurn('cust-1', NOW)).resolves.toBeUndefined();
    ddb.reset();
    ddb.on(UpdateCommand).rejects(new Error('boom'));
    await expect(store.finishTurn('cust-1', NOW)).rejects.toThrow('boom');
  });

  it('passStalledTurn: serving + 1 only if still at the count seen; false when it moved', async () => {
    ddb.on(UpdateCommand).resolvesOnce({});
    await expect(store.passStalledTurn('cust-1', 4, NOW)).resolves.toBe(true);
    expect(sent(UpdateCommand)[0]).toMatchObject({
      Key: KEY,
      UpdateExpression: 'SET serving = :next, #ttl = :ttl',
      ConditionExpression: 'serving = :seen',
      ExpressionAttributeValues: { ':seen': 4, ':next': 5, ':ttl': TTL_ONE_DAY },
    });
    ddb.reset();
    ddb.on(UpdateCommand).rejectsOnce(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    await expect(store.passStalledTurn('cust-1', 4, NOW)).resolves.toBe(false);
    ddb.reset();
    ddb.on(UpdateCommand).rejects(new Error('boom'));
    await expect(store.passStalledTurn('cust-1', 4, NOW)).rejects.toThrow('boom');
  });
});

describe('no spend transaction touches the sequencer (the turn is counted finished after the commit)', () => {
  it('redeem: debits, ledger entry, the idempotency record last', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const ledger = redeemedEntry({
      redemptionId: '01JREDEEM000000000000000AA',
      customerId: 'cust-1',
      orderId: 'o-1',
      currency: 'EUR',
      amount: 300,
      allocations,
      at: NOW.toISOString(),
    });
    const response = {
      redemptionId: ledger.entryId,
      customerId: 'cust-1',
      orderId: 'o-1',
      currency: 'EUR',
      requested: 300,
      applied: 300,
      allocations,
      remainingBalance: 0,
      redeemedAt: NOW.toISOString(),
    };
    await expect(
      store.commitRedemption({
        customerId: 'cust-1',
        idempotencyKey: 'k-1',
        record: { requestHash: 'h', response },
        ledger,
        now: NOW,
      }),
    ).resolves.toEqual({ kind: 'committed' });
    const items = sent(TransactWriteCommand)[0].TransactItems;
    expect(items).toHaveLength(3);
    expect(JSON.stringify(items)).not.toContain('SPEND_QUEUE');
    expect(items[2].Put.Item.sk).toBe('IDEM#REDEEM#k-1');
  });

  it('redeem of nothing: only the idempotency record', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const response = {
      redemptionId: null,
      customerId: 'cust-1',
      orderId: 'o-1',
      currency: 'EUR',
      requested: 300,
      applied: 0,
      allocations: [],
      remainingBalance: 0,
      redeemedAt: NOW.toISOString(),
    };
    await store.commitRedemption({ customerId: 'cust-1', idempotencyKey: 'k-2', record: { requestHash: 'h', response }, now: NOW });
    const items = sent(TransactWriteCommand)[0].TransactItems;
    expect(items.map((i: any) => (i.Put ?? i.Update).Key?.sk ?? i.Put.Item.sk)).toEqual(['IDEM#REDEEM#k-2']);
  });

  it('hold: debits, hold, HELD entry, the key record last; "nothing held": the key record alone', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const hold = newHold({
      holdId: '01JHOLD0000000000000000000',
      customerId: 'cust-1',
      orderId: 'o-1',
      currency: 'EUR',
      allocations,
      now: NOW,
      lifetimeSeconds: 3600,
    });
    const response = {
      holdId: hold.holdId,
      customerId: 'cust-1',
      orderId: 'o-1',
      currency: 'EUR',
      requested: 300,
      held: 300,
      allocations,
      holdExpiresAt: hold.expiresAt,
      remainingBalance: 0,
      heldAt: NOW.toISOString(),
    };
    await store.commitHold({
      customerId: 'cust-1',
      idempotencyKey: 'h-1',
      record: { requestHash: 'h', response },
      placed: { hold, ledger: heldEntry(hold) },
      now: NOW,
    });
    const items = sent(TransactWriteCommand)[0].TransactItems;
    expect(items).toHaveLength(4);
    expect(JSON.stringify(items)).not.toContain('SPEND_QUEUE');
    expect(items[3].Put.Item.sk).toBe('IDEM#HOLD#h-1');

    ddb.reset();
    ddb.on(TransactWriteCommand).resolves({});
    const nothing = { ...response, holdId: null, held: 0, allocations: [], holdExpiresAt: null };
    await store.commitHold({
      customerId: 'cust-1',
      idempotencyKey: 'h-2',
      record: { requestHash: 'h', response: nothing },
      now: NOW,
    });
    const only = sent(TransactWriteCommand)[0].TransactItems;
    expect(only).toHaveLength(1);
    expect(only[0].Put.Item.sk).toBe('IDEM#HOLD#h-2');
  });
});
