/**
 * Group commit's exact requests (lambdas/adapters/dynamodb/spend-groups.ts): a queued request's item next to the
 * sequencer, the group's one transaction (each credit debited ONCE by the group's sum, each member's writes, each
 * request taken out only if still queued), the withdrawal that may meet a group's transaction, the turns counted at
 * once. SDK mocked (aws-sdk-client-mock); test/integration/group-commit.test.ts runs the same code on DynamoDB Local.
 */
import { ConditionalCheckFailedException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decodeItem, type DynamoCreditStore } from '../../../lambdas/adapters/dynamodb';
import { WITHDRAW_PATIENCE_MS } from '../../../lambdas/adapters/dynamodb/spend-groups';
import { QUEUED_SPEND_PREFIX, SPEND_QUEUE_SK, keys } from '../../../lambdas/adapters/dynamodb/layout';
import { planGroup } from '../../../lambdas/app/group-commit';
import type { QueuedEntry } from '../../../lambdas/app/group-ports';
import { cancelled, TABLE, useMockedTable } from './mocked-table';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const EXPIRES = '2026-04-01T00:00:00.000Z';
let store: DynamoCreditStore;
const { ddb, sent } = useMockedTable((s) => (store = s));

const request = (key: string, amount: number) => ({
  customerId: 'cust-1',
  orderId: `o-${key}`,
  amount,
  currency: 'EUR',
  idempotencyKey: key,
});
const queued = (ticket: number, key: string, amount: number, hold = false): QueuedEntry => ({
  ticket,
  queuedAtMs: NOW.getTime(),
  spend: hold
    ? { kind: 'hold', request: { ...request(key, amount), lifetimeSeconds: 600 }, requestHash: `h-${key}`, lifetimeSeconds: 600 }
    : { kind: 'redeem', request: request(key, amount), requestHash: `h-${key}` },
});

describe('a queued request', () => {
  it('sits next to the sequencer, sorted by ticket, outside every prefix the service queries by, and decodes back', async () => {
    expect(keys.queuedSpend(7)).toBe(`${SPEND_QUEUE_SK}#0000000007`);
    expect(keys.queuedSpend(12) > keys.queuedSpend(7)).toBe(true);
    for (const prefix of ['CREDIT#', 'LEDGER#', 'HOLD#', 'IDEM#', 'REMINDER#', 'NOTICE#', 'PENDING#'])
      expect(QUEUED_SPEND_PREFIX.startsWith(prefix)).toBe(false);
    ddb.on(PutCommand).resolves({});
    const entry = queued(7, 'k', 300, true);
    await store.groups.enqueueSpend('cust-1', entry, NOW);
    const [put] = sent(PutCommand);
    expect(put).toMatchObject({ TableName: TABLE, ConditionExpression: 'attribute_not_exists(pk)' });
    expect(put.Item).toMatchObject({
      pk: 'C#cust-1',
      sk: keys.queuedSpend(7),
      type: 'QUEUED_SPEND',
      ticket: 7,
      ttl: Math.ceil((NOW.getTime() + 86_400_000) / 1000),
    });
    expect(decodeItem(put.Item)).toEqual({ kind: 'queuedSpend', customerId: 'cust-1', entry });
  });

  it('keeps when its caller stops waiting, and decodes one stored without it', async () => {
    ddb.on(PutCommand).resolves({});
    const entry = { ...queued(8, 'k', 300), waitsUntilMs: NOW.getTime() + 2500 };
    await store.groups.enqueueSpend('cust-1', entry, NOW);
    const [put] = sent(PutCommand);
    expect(put.Item).toMatchObject({ waitsUntilMs: NOW.getTime() + 2500 });
    expect(decodeItem(put.Item)).toEqual({ kind: 'queuedSpend', customerId: 'cust-1', entry });
    const { waitsUntilMs: _, ...older } = put.Item;
    expect(decodeItem(older)).toEqual({ kind: 'queuedSpend', customerId: 'cust-1', entry: queued(8, 'k', 300) });
    expect(() => decodeItem({ ...put.Item, waitsUntilMs: 'soon' })).toThrow(/waitsUntilMs/);
  });

  it('a stored request that is not a redeem or hold by its contract is a decode error, not a spend', () => {
    const item = { pk: 'C#cust-1', sk: keys.queuedSpend(1), type: 'QUEUED_SPEND', customerId: 'cust-1', ticket: 1, queuedAtMs: 1 };
    expect(() => decodeItem({ ...item, spend: 'not json' })).toThrow(/spend is not JSON/);
    const smuggled = { kind: 'redeem', request: { ...request('k', 100), email: 'a@example.com' }, requestHash: 'h' };
    expect(() => decodeItem({ ...item, spend: JSON.stringify(smuggled) })).toThrow(/not a queued redeem or hold/);
    expect(() => decodeItem({ ...item, spend: JSON.stringify({ kind: 'refund', request: request('k', 1), requestHash: 'h' }) })).toThrow(
      /not a queued/,
    );
  });
});

describe('commitGroup: one transaction for the whole group', () => {
  it('debits each credit once by the sum the members take, then each member’s writes and its conditional removal', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const credits = [
      { creditId: 'cr-a', currency: 'EUR', remaining: 250, expiresAt: EXPIRES },
      { creditId: 'cr-b', currency: 'EUR', remaining: 1000, expiresAt: '2026-05-01T00:00:00.000Z' },
    ];
    let n = 0;
    const members = planGroup(
      3,
      [queued(3, 'a', 200), queued(4, 'b', 100, true), queued(5, 'c', 50)],
      credits,
      NOW,
      () => `01JID${++n}`,
      48,
      Number.POSITIVE_INFINITY, // nobody left out as given up
    );
    await expect(store.groups.commitGroup('cust-1', members, NOW)).resolves.toEqual({ kind: 'committed' });
    const items = sent(TransactWriteCommand)[0].TransactItems as any[];
    const debits = items.filter((i) => i.Update);
    expect(debits.map((d) => [d.Update.Key.sk, d.Update.ExpressionAttributeValues[':take']])).toEqual([
      [keys.credit(EXPIRES, 'cr-a'), 250],
      [keys.credit('2026-05-01T00:00:00.000Z', 'cr-b'), 100],
    ]);
    for (const d of debits) expect(d.Update.ConditionExpression).toBe('attribute_exists(pk) AND remaining >= :take AND expiresAtMs > :now');
    const removals = items.filter((i) => i.Delete);
    expect(removals.map((r) => [r.Delete.Key.sk, r.Delete.ConditionExpression])).toEqual(
      [3, 4, 5].map((t) => [keys.queuedSpend(t), 'attribute_exists(pk)']),
    );
    const puts = items.filter((i) => i.Put).map((i) => i.Put.Item.sk as string);
    expect(puts.filter((sk) => sk.startsWith('IDEM#'))).toEqual(['IDEM#REDEEM#a', 'IDEM#HOLD#b', 'IDEM#REDEEM#c']);
    expect(puts.filter((sk) => sk.startsWith('HOLD#'))).toHaveLength(1);
    expect(puts.filter((sk) => sk.startsWith('LEDGER#'))).toHaveLength(3);
    expect(items).toHaveLength(2 + 3 + 3 + 3 + 1);
  });

  it('any cancellation is a conflict for the group (stale when a condition failed), naming the tickets whose key was taken', async () => {
    const members = planGroup(
      7,
      [queued(7, 'a', 10)],
      [{ creditId: 'cr-a', currency: 'EUR', remaining: 50, expiresAt: EXPIRES }],
      NOW,
      () => '01JX',
      48,
      Number.POSITIVE_INFINITY, // nobody left out as given up
    );
    // items: the debit, the REDEEMED entry, the key record, the request's removal
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'ConditionalCheckFailed', 'None', 'None'))
      .rejectsOnce(cancelled('None', 'None', 'ConditionalCheckFailed', 'None'))
      .rejectsOnce(cancelled('TransactionConflict', 'None', 'None', 'None'));
    await expect(store.groups.commitGroup('cust-1', members, NOW)).resolves.toEqual({ kind: 'conflict', stale: true, keysTaken: [] });
    await expect(store.groups.commitGroup('cust-1', members, NOW)).resolves.toEqual({ kind: 'conflict', stale: true, keysTaken: [7] });
    await expect(store.groups.commitGroup('cust-1', members, NOW)).resolves.toEqual({ kind: 'conflict', stale: false, keysTaken: [] });
  });
});

describe('withdrawSpend and finishTurns', () => {
  it('withdraw: a conditional delete; gone means a group committed it; a TransactionConflict (a group committing it) is asked again', async () => {
    ddb
      .on(DeleteCommand)
      .rejectsOnce(new TransactionConflictException({ message: 'conflict', $metadata: {} }))
      .rejectsOnce(new TransactionConflictException({ message: 'conflict', $metadata: {} }))
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }))
      .resolves({});
    await expect(store.groups.withdrawSpend('cust-1', 4)).resolves.toBe(false);
    expect(sent(DeleteCommand)).toHaveLength(3);
    expect(sent(DeleteCommand)[0]).toMatchObject({
      Key: { pk: 'C#cust-1', sk: keys.queuedSpend(4) },
      ConditionExpression: 'attribute_exists(pk)',
    });
    await expect(store.groups.withdrawSpend('cust-1', 4)).resolves.toBe(true);
  });

  it('withdraw: waits out a group transaction that holds the request for seconds, and gives up only after WITHDRAW_PATIENCE_MS', async () => {
    jest.useFakeTimers({ now: NOW });
    try {
      const conflict = () => new TransactionConflictException({ message: 'Transaction is ongoing for the item', $metadata: {} });
      // held for 2 s (a loaded DynamoDB Local): many more than the 10 tries it used to allow, then the group's answer
      let heldUntil = Date.now() + 2000;
      ddb.on(DeleteCommand).callsFake(() => {
        if (Date.now() < heldUntil) throw conflict();
        throw new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });
      });
      const settled = store.groups.withdrawSpend('cust-1', 4);
      await jest.advanceTimersByTimeAsync(2500);
      await expect(settled).resolves.toBe(false);
      expect(sent(DeleteCommand).length).toBeGreaterThan(10);
      // held for good: the conflict is thrown once the patience is spent, not sooner
      heldUntil = Number.POSITIVE_INFINITY;
      const started = Date.now();
      let thrown: unknown;
      const given = store.groups.withdrawSpend('cust-1', 4).catch((e: unknown) => (thrown = e));
      await jest.advanceTimersByTimeAsync(WITHDRAW_PATIENCE_MS - 300);
      expect(thrown).toBeUndefined();
      await jest.advanceTimersByTimeAsync(600);
      await given;
      expect(thrown).toBeInstanceOf(TransactionConflictException);
      expect(Date.now() - started).toBeGreaterThanOrEqual(WITHDRAW_PATIENCE_MS);
    } finally {
      jest.useRealTimers();
    }
  });

  it('finishTurns: one ADD of the group’s size, only while turns are open; the holder’s mark set while it goes on, removed after', async () => {
    ddb.on(UpdateCommand).resolves({});
    await store.groups.finishTurns('cust-1', 27, NOW, 1_700_000_000_000);
    await store.groups.finishTurns('cust-1', 5, NOW);
    await store.groups.finishTurns('cust-1', 0, NOW);
    const [going, last, handOn] = sent(UpdateCommand);
    expect(going).toMatchObject({
      Key: { pk: 'C#cust-1', sk: SPEND_QUEUE_SK },
      UpdateExpression: 'SET holdingUntil = :until ADD serving :count',
      ConditionExpression: 'serving < issued',
      ExpressionAttributeValues: { ':count': 27, ':until': 1_700_000_000_000 },
    });
    expect(last).toMatchObject({ UpdateExpression: 'REMOVE holdingUntil ADD serving :count', ExpressionAttributeValues: { ':count': 5 } });
    // nothing to count: only the mark goes, unconditionally, and DynamoDB is sent no empty ExpressionAttributeValues
    expect(handOn).toEqual({
      TableName: TABLE,
      Key: { pk: 'C#cust-1', sk: SPEND_QUEUE_SK },
      UpdateExpression: 'REMOVE holdingUntil',
      ReturnConsumedCapacity: 'TOTAL',
    });
    ddb.reset();
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    await expect(store.groups.finishTurns('cust-1', 27, NOW)).resolves.toBeUndefined();
  });
});
