/**
 * The strict DynamoDB layer on the wire, through the AWS SDK as the service uses it: the errors arrive as the SDK
 * parses AWS's (TransactionCanceledException with per-item CancellationReasons, TransactionConflictException,
 * ProvisionedThroughputExceededException with ThrottlingReasons), and the layer is what every test talks to.
 */
import {
  BatchGetItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { startStrictDynamo, type StrictDynamo } from '../../local/ddb-strict';
import { AWS_PARTITION_LIMITS } from '../../local/ddb-strict-rules';

const endpoint = process.env.DDB_ENDPOINT!;
const table = `strict-${Date.now().toString(36)}`;
const client = (url: string) =>
  new DynamoDBClient({ endpoint: url, region: 'eu-central-1', maxAttempts: 1, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const key = (pk: string, sk = 'A') => ({ pk: { S: pk }, sk: { S: sk } });
const put = (pk: string): TransactWriteItem => ({ Put: { TableName: table, Item: { ...key(pk), n: { N: '1' } } } });
const caught = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: any) => e,
  );

let upstream: string;
let slow: StrictDynamo;

beforeAll(async () => {
  const status = (await (await fetch(`${endpoint}/_strict`)).json()) as any;
  upstream = status.upstream;
  await client(endpoint).send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
    }),
  );
  // A second layer over the same DynamoDB Local with a long window, so that "in flight" is certain.
  slow = await startStrictDynamo(upstream, { txnWindowMs: 400, limits: AWS_PARTITION_LIMITS });
});
afterAll(() => slow?.stop());

it('the shared DynamoDB endpoint of the tests is the strict layer, on with its default settings', async () => {
  const status = (await (await fetch(`${endpoint}/_strict`)).json()) as any;
  expect(status.settings.limits).toEqual(AWS_PARTITION_LIMITS);
  expect(status.upstream).not.toBe(endpoint);
});

it('an overlapping TransactWriteItems is cancelled with TransactionConflict at the shared item, None elsewhere', async () => {
  const c = client(slow.endpoint);
  const first = c.send(new TransactWriteItemsCommand({ TransactItems: [put('tw-x'), put('tw-y')] }));
  await new Promise((r) => setTimeout(r, 50));
  const e = await caught(c.send(new TransactWriteItemsCommand({ TransactItems: [put('tw-z'), put('tw-y')] })));
  expect(e?.name).toBe('TransactionCanceledException');
  expect(e.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual(['None', 'TransactionConflict']);
  await first;
  // nothing of the cancelled one was written, all of the first one was
  expect((await c.send(new GetItemCommand({ TableName: table, Key: key('tw-z') }))).Item).toBeUndefined();
  expect((await c.send(new GetItemCommand({ TableName: table, Key: key('tw-y') }))).Item).toBeDefined();
});

it('a PutItem or UpdateItem on an item of an in-flight transaction fails with TransactionConflictException', async () => {
  const c = client(slow.endpoint);
  const first = c.send(new TransactWriteItemsCommand({ TransactItems: [put('sw-x')] }));
  await new Promise((r) => setTimeout(r, 50));
  expect((await caught(c.send(new PutItemCommand({ TableName: table, Item: key('sw-x') }))))?.name).toBe('TransactionConflictException');
  const upd = new UpdateItemCommand({
    TableName: table,
    Key: key('sw-x'),
    UpdateExpression: 'ADD n :one',
    ExpressionAttributeValues: { ':one': { N: '1' } },
  });
  expect((await caught(c.send(upd)))?.name).toBe('TransactionConflictException');
  await first;
  await c.send(upd); // the transaction over, the item is free
});

it('a TransactGetItems on an item of an in-flight write transaction is cancelled', async () => {
  const c = client(slow.endpoint);
  const first = c.send(new TransactWriteItemsCommand({ TransactItems: [put('tg-x')] }));
  await new Promise((r) => setTimeout(r, 50));
  const e = await caught(c.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: table, Key: key('tg-x') } }] })));
  expect(e?.name).toBe('TransactionCanceledException');
  expect(e.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual(['TransactionConflict']);
  await first;
});

it('a transaction holds its items for at least the window', async () => {
  const started = Date.now();
  await client(slow.endpoint).send(new TransactWriteItemsCommand({ TransactItems: [put('win-x')] }));
  expect(Date.now() - started).toBeGreaterThanOrEqual(390);
});

it('writes beyond the partition ceiling are refused with ProvisionedThroughputExceededException (KeyRange), other partitions are not', async () => {
  const tight = await startStrictDynamo(upstream, { txnWindowMs: 0, limits: { wcuPerSecond: 5, rcuPerSecond: 3000 } });
  try {
    const c = client(tight.endpoint);
    const big = (sk: string) => ({ ...key('hot', sk), blob: { S: 'x'.repeat(4500) } }); // 5 WCU: the whole second
    await c.send(new PutItemCommand({ TableName: table, Item: big('1') }));
    const e = await caught(c.send(new PutItemCommand({ TableName: table, Item: big('2') })));
    expect(e?.name).toBe('ProvisionedThroughputExceededException');
    expect(e.ThrottlingReasons).toEqual([{ reason: 'TableWriteKeyRangeThroughputExceeded', resource: expect.stringContaining(table) }]);
    await c.send(new PutItemCommand({ TableName: table, Item: { ...key('cold'), blob: { S: 'x' } } }));
    // a transaction whose item is on the spent partition is cancelled with ThrottlingError at that item
    const t = await caught(
      c.send(new TransactWriteItemsCommand({ TransactItems: [put('cold2'), { Put: { TableName: table, Item: big('4') } }] })),
    );
    expect(t?.name).toBe('TransactionCanceledException');
    expect(t.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual(['None', 'ThrottlingError']);
  } finally {
    await tight.stop();
  }
});

it('BatchGetItem: the keys of a spent partition come back unprocessed, the others are read; all spent: ProvisionedThroughputExceededException', async () => {
  const tight = await startStrictDynamo(upstream, { txnWindowMs: 0, limits: { wcuPerSecond: 1000, rcuPerSecond: 2 } });
  try {
    const c = client(tight.endpoint);
    for (const pk of ['rhot', 'rcold']) await c.send(new PutItemCommand({ TableName: table, Item: { ...key(pk), n: { N: '1' } } }));
    const batch = (...pks: string[]) =>
      c.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pks.map((pk) => key(pk)), ConsistentRead: true } } }));
    // three reads of 1 unit: the partition's 2 a second spent (a read is refused once its balance is at or below 0)
    for (let i = 0; i < 3; i++) await c.send(new GetItemCommand({ TableName: table, Key: key('rhot'), ConsistentRead: true }));
    const out = await batch('rhot', 'rcold');
    expect(out.Responses?.[table]).toEqual([{ ...key('rcold'), n: { N: '1' } }]);
    expect(out.UnprocessedKeys?.[table]).toEqual({ Keys: [key('rhot')], ConsistentRead: true });
    const e = await caught(batch('rhot'));
    expect(e?.name).toBe('ProvisionedThroughputExceededException');
    expect(tight.stats().throttled).toBe(2);
  } finally {
    await tight.stop();
  }
});

it('an induced conflict is met by exactly the next write of the item', async () => {
  await fetch(`${slow.endpoint}/_strict/induce`, { method: 'POST', body: JSON.stringify({ TableName: table, Key: key('ind'), count: 1 }) });
  const c = client(slow.endpoint);
  expect((await caught(c.send(new PutItemCommand({ TableName: table, Item: key('ind') }))))?.name).toBe('TransactionConflictException');
  await c.send(new PutItemCommand({ TableName: table, Item: key('ind') }));
});
