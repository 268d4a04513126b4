/**
 * The local runtime itself, on the real DynamoDB Local and SES emulator, with a hand-written template in CDK's shapes
 * (test/fixtures/local-runtime/template.json) and small fixture handlers. Requests go through the real AWS SDK clients.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { confirmDynamoOwnership } from '../../local/services';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { FunctionError } from '../../local/runtime';
import { offsetClock, setClock } from '../../lambdas/shared/clock';
import type { CfnTemplate } from '../../local/template';
import fixtureTemplate from '../fixtures/local-runtime/template.json';
import { emailsTo, startTestRuntime, TTL_WAIT_MS, waitFor, type TestRuntime } from './harness';
import { discardedRecords } from '../support/stream-failures';

const creds = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'eu-central-1';

interface Call {
  fn: string;
  event: any;
  ok: boolean;
  result?: any;
  error?: string;
}

let t: TestRuntime;
let calls: Call[];
let eventBridge: EventBridgeClient;
let lambda: LambdaClient;
let ddb: DynamoDBClient;
const ttlKey = { pk: { S: `TTL#${process.pid}` }, sk: { S: 'EXPIRED' } };

const callsOf = (fn: string) => calls.filter((c) => c.fn === fn);
const decode = (p?: Uint8Array) => JSON.parse(Buffer.from(p ?? []).toString('utf8'));

beforeAll(async () => {
  t = await startTestRuntime({
    template: fixtureTemplate as CfnTemplate,
    resolveHandlerModule: (name) => path.join(__dirname, '../fixtures/local-runtime/handlers', `${name}.ts`),
    retryDelayMs: () => 10,
    iam: false, // the fixture template tests the runtime's mechanics and has no IAM; the service's template is evaluated
  });
  calls = [];
  t.runtime.setInvokeHook(async (fn, event, next) => {
    try {
      const result = await next();
      calls.push({ fn, event, ok: true, result });
      return result;
    } catch (e) {
      calls.push({ fn, event, ok: false, error: (e as Error).message });
      throw e;
    }
  });
  eventBridge = new EventBridgeClient({ endpoint: t.runtime.url, region, credentials: creds });
  lambda = new LambdaClient({ endpoint: t.runtime.url, region, credentials: creds });
  ddb = new DynamoDBClient({ endpoint: process.env.DDB_ENDPOINT, region, credentials: creds });
  // Written first so DynamoDB Local's TTL sweep (every ~10 s) has removed it by the time the last test looks.
  await ddb.send(
    new PutItemCommand({
      TableName: t.tableName,
      Item: { ...ttlKey, type: { S: 'TEMP' }, ttl: { N: String(Math.floor(Date.now() / 1000) - 60) } },
    }),
  );
});

afterAll(async () => {
  eventBridge?.destroy();
  lambda?.destroy();
  ddb?.destroy();
  await t?.stop();
});

describe('EventBridge PutEvents', () => {
  it('routes only matching events to rule targets, with the real envelope', async () => {
    const out = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'fixture-bus',
            Source: 'fixture.orders',
            DetailType: 'OrderPlaced',
            Detail: JSON.stringify({ orderId: 'o-1', amount: 5 }),
            Resources: ['arn:x'],
          },
          {
            EventBusName: 'fixture-bus',
            Source: 'fixture.orders',
            DetailType: 'OrderPlaced',
            Detail: JSON.stringify({ orderId: 'o-2', amount: 0 }),
          },
          {
            EventBusName: 'fixture-bus',
            Source: 'other',
            DetailType: 'OrderPlaced',
            Detail: JSON.stringify({ orderId: 'o-3', amount: 5 }),
          },
          {
            EventBusName: 'no-such-bus',
            Source: 'fixture.orders',
            DetailType: 'OrderPlaced',
            Detail: JSON.stringify({ orderId: 'o-4', amount: 5 }),
          },
          { EventBusName: 'fixture-bus', Source: 'fixture.orders', DetailType: 'OrderPlaced', Detail: '[1,2]' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries![0]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries![3]).toMatchObject({ ErrorCode: 'ResourceNotFoundException' });
    expect(out.Entries![4]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    await t.runtime.idle();

    const routed = callsOf('router');
    expect(routed).toHaveLength(1);
    expect(routed[0]!.event).toEqual({
      version: '0',
      id: out.Entries![0]!.EventId,
      'detail-type': 'OrderPlaced',
      source: 'fixture.orders',
      account: '000000000000',
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      region: 'eu-central-1',
      resources: ['arn:x'],
      detail: { orderId: 'o-1', amount: 5 },
    });
    expect(t.runtime.events.map((e) => e.detail.orderId)).toEqual(['o-1', 'o-2', 'o-3']);
    expect(t.runtime.eventLog.map((e) => e.matchedRules)).toEqual([['OrdersRule'], [], []]);
    const viaHttp = (await (await fetch(`${t.runtime.url}/_local/events`)).json()) as unknown[];
    expect(viaHttp).toHaveLength(3);
  });

  it('routes events on the default bus to the target, with the envelope', async () => {
    const out = await eventBridge.send(
      new PutEventsCommand({ Entries: [{ Source: 'fixture.default', DetailType: 'Anything', Detail: '{"x":1}' }] }),
    );
    expect(out.FailedEntryCount).toBe(0);
    await t.runtime.idle();
    expect(callsOf('router').at(-1)!.event).toMatchObject({ source: 'fixture.default', 'detail-type': 'Anything', detail: { x: 1 } });
  });

  it('a failing async target is retried per its EventInvokeConfig, then lands in the on-failure queue', async () => {
    await eventBridge.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: 'fixture-bus', Source: 'fixture.orders', DetailType: 'Explode', Detail: '{"n":1}' }],
      }),
    );
    await t.runtime.idle();
    expect(callsOf('failing')).toHaveLength(2); // MaximumRetryAttempts: 1
    const queue = t.runtime.queues.AsyncFailures!;
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({
      version: '1.0',
      requestContext: {
        condition: 'RetriesExhausted',
        functionArn: 'arn:aws:lambda:eu-central-1:000000000000:function:failing:$LATEST',
        approximateInvokeCount: 2,
      },
      requestPayload: { 'detail-type': 'Explode', detail: { n: 1 } },
      responseContext: { functionError: 'Unhandled' },
      responsePayload: { errorType: 'RangeError', errorMessage: 'always fails' },
    });
    const viaHttp = (await (await fetch(`${t.runtime.url}/_local/queues`)).json()) as Record<string, unknown[]>;
    expect(viaHttp.AsyncFailures).toHaveLength(1);
  });

  it("handlers reach DynamoDB Local, the SES emulator and the runtime's own EventBridge through the environment alone", async () => {
    const to = `someone-${process.pid}@example.com`;
    await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'fixture-bus', Source: 'fixture.mail', DetailType: 'SendMail', Detail: JSON.stringify({ to, subject: 'Grüße' }) },
        ],
      }),
    );
    await t.runtime.idle();
    expect(callsOf('mailer').at(-1)).toMatchObject({ ok: true });
    const mails = await waitFor(async () => {
      const m = await emailsTo(to.toUpperCase());
      return m.length ? m : undefined;
    }, 5000);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: 'noreply@fixture.example.com', to: [to], subject: 'Grüße', text: `Hello ${to}` });
    const item = await ddb.send(new GetItemCommand({ TableName: t.tableName, Key: { pk: { S: `MAIL#${to}` }, sk: { S: 'SENT' } } }));
    expect(item.Item?.messageId?.S).toBe(mails[0]!.messageId);
    expect(t.runtime.events.find((e) => e['detail-type'] === 'MailSent')?.detail).toEqual({ to, messageId: mails[0]!.messageId });
  });
});

describe('Lambda Invoke', () => {
  it('invokes by catalogue name through @aws-sdk/client-lambda, with a realistic context and the resolved environment', async () => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: 'echo',
        Payload: Buffer.from(JSON.stringify({ hello: 'world' })),
        ClientContext: Buffer.from(JSON.stringify({ custom: { a: 1 } })).toString('base64'),
      }),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe('$LATEST');
    const body = decode(out.Payload);
    expect(body).toMatchObject({
      event: { hello: 'world' },
      functionName: 'echo',
      invokedFunctionArn: 'arn:aws:lambda:eu-central-1:000000000000:function:echo',
      memoryLimitInMB: '256',
      clientContext: { custom: { a: 1 } },
      env: {
        TABLE_NAME: t.tableName,
        EVENT_BUS_NAME: 'fixture-bus',
        STACK_REGION: 'eu-central-1',
        FAILURE_QUEUE_ARN: 'arn:aws:sqs:eu-central-1:000000000000:AsyncFailures',
        TABLE_ARN_JOINED: `arn:aws:dynamodb:eu-central-1:000000000000:table/${t.tableName}`,
        AWS_REGION: 'eu-central-1',
      },
    });
    expect(body.remainingMs).toBeGreaterThan(0);
    expect(body.remainingMs).toBeLessThanOrEqual(1000); // Timeout: 1
  });

  it('also accepts the function ARN', async () => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'arn:aws:lambda:eu-central-1:000000000000:function:echo', Payload: Buffer.from('{}') }),
    );
    expect(decode(out.Payload).functionName).toBe('echo');
  });

  it('reports a thrown error as an Unhandled function error', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from(JSON.stringify({ fail: 'broken' })) }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload)).toMatchObject({ errorType: 'TypeError', errorMessage: 'broken' });
  });

  it('enforces the function timeout', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from(JSON.stringify({ sleepMs: 1500 })) }));
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload)).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringContaining('Task timed out after 1.00 seconds'),
    });
  });

  it('answers ResourceNotFoundException for an unknown function', async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'nope', Payload: Buffer.from('{}') }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it("loads handlers into the test's module registry, so setClock in the test reaches them", async () => {
    const restore = setClock(offsetClock(10 * 86_400_000));
    try {
      const body = (await t.runtime.invoke('echo', {})) as { now: string };
      expect(Date.parse(body.now) - Date.now()).toBeGreaterThan(10 * 86_400_000 - 60_000);
    } finally {
      restore();
    }
  });

  it('runtime.invoke resolves with the result or rejects with FunctionError', async () => {
    await expect(t.runtime.invoke('echo', { a: 1 })).resolves.toMatchObject({ event: { a: 1 } });
    const err = (await t.runtime.invoke('echo', { fail: 'x' }).catch((e: unknown) => e)) as FunctionError;
    expect(err).toBeInstanceOf(FunctionError);
    expect(err.error).toMatchObject({ errorType: 'TypeError', errorMessage: 'x' });
  });
});

describe('DynamoDB stream → event-source mappings', () => {
  const order = (sk: string, extra: Record<string, unknown> = {}) => ({
    pk: { S: `ORD#${process.pid}` },
    sk: { S: sk },
    type: { S: 'ORDER' },
    ...extra,
  });
  const other = (sk: string) => ({ pk: { S: `OTHER#${process.pid}` }, sk: { S: sk }, type: { S: 'NOTE' } });
  /** One PutItem after the other, so the stream order is the write order (BatchWriteItem does not promise one). */
  const write = async (...items: Record<string, unknown>[]) => {
    for (const Item of items) await ddb.send(new PutItemCommand({ TableName: t.tableName, Item: Item as never }));
  };
  const delivered = (fn: string) =>
    callsOf(fn).flatMap((c) =>
      c.event.Records.map((r: any) => ({ sk: r.dynamodb.NewImage?.sk?.S ?? r.dynamodb.OldImage?.sk?.S, ok: c.ok })),
    );

  it('delivers only records matching the filter, retries after a partial batch failure, and discards the poison record', async () => {
    await write(order('a1'), other('n1'), order('a2'), order('a3', { poison: { BOOL: true } }), other('n2'));
    await t.runtime.idle();
    const seen = delivered('orders');
    expect(new Set(seen.map((s) => s.sk))).toEqual(new Set(['a1', 'a2', 'a3'])); // NOTE items filtered out
    // the poison record (last in its batch) is delivered 1 + MaximumRetryAttempts (2) times, then discarded alone
    expect(seen.filter((s) => s.sk === 'a3')).toHaveLength(3);
    const failures = t.runtime.queues.StreamFailures!;
    expect(failures).toHaveLength(1);
    const f = failures[0] as any;
    expect(f).toMatchObject({
      requestContext: {
        condition: 'RetryAttemptsExhausted',
        functionArn: 'arn:aws:lambda:eu-central-1:000000000000:function:orders',
        approximateInvokeCount: 3,
      },
      DDBStreamBatchInfo: { batchSize: 1, streamArn: t.runtime.streamArn, shardId: expect.stringMatching(/^shardId-/) },
    });
    expect(f.records).toBeUndefined(); // an SQS destination gets the batch metadata only, as in AWS
    expect(f.DDBStreamBatchInfo.startSequenceNumber).toBe(f.DDBStreamBatchInfo.endSequenceNumber);
    const records = await discardedRecords(t.runtime, f); // read back from the stream, as an operator would
    expect(records.map((r: any) => r.dynamodb.NewImage.sk.S)).toEqual(['a3']);
    expect(records[0]).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-central-1',
      eventSourceARN: t.runtime.streamArn,
    });
  });

  it('bisects a batch whose invocation throws and discards only the bad record', async () => {
    t.runtime.clearRecorded();
    const before = callsOf('orders').length;
    await write(order('b1'), order('b2'), order('b3', { explode: { BOOL: true } }), order('b4'));
    await t.runtime.idle();
    const later = calls.filter((c) => c.fn === 'orders').slice(before);
    const okSks = later.filter((c) => c.ok).flatMap((c) => c.event.Records.map((r: any) => r.dynamodb.NewImage.sk.S));
    expect(new Set(okSks)).toEqual(new Set(['b1', 'b2', 'b4']));
    const failures = t.runtime.queues.StreamFailures! as any[];
    expect(failures).toHaveLength(1);
    expect((await discardedRecords(t.runtime, failures[0])).map((r: any) => r.dynamodb.NewImage.sk.S)).toEqual(['b3']);
    expect(failures[0]).toMatchObject({ responseContext: { functionError: 'Unhandled' } });
    expect(later.filter((c) => !c.ok).map((c) => c.error)).toContain('explode b3');
  });

  it(
    'a TTL deletion reaches its mapping as REMOVE by the DynamoDB service principal',
    async () => {
      const removal = await waitFor(
        () =>
          callsOf('ttl')
            .flatMap((c) => c.event.Records)
            .find((r: any) => r.dynamodb.Keys.pk.S === ttlKey.pk.S),
        TTL_WAIT_MS,
      );
      expect(removal).toMatchObject({
        eventName: 'REMOVE',
        userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
        eventSource: 'aws:dynamodb',
        eventSourceARN: t.runtime.streamArn,
        awsRegion: 'eu-central-1',
        dynamodb: { Keys: ttlKey, OldImage: { type: { S: 'TEMP' } }, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      });
      expect(typeof removal.dynamodb.ApproximateCreationDateTime).toBe('number');
      expect(removal.dynamodb.SequenceNumber).toMatch(/^\d+$/);
    },
    TTL_WAIT_MS + 30_000,
  );

  it('user deletions reach the TTL mapping too (filters select only on dynamodb); the handler tells them apart by principal', async () => {
    const key = { pk: { S: `USERDEL#${process.pid}` }, sk: { S: 'x' } };
    await ddb.send(new PutItemCommand({ TableName: t.tableName, Item: { ...key, type: { S: 'TEMP' } } }));
    await ddb.send(new DeleteItemCommand({ TableName: t.tableName, Key: key }));
    await t.runtime.idle();
    const call = callsOf('ttl').find((c) => c.event.Records.some((r: any) => r.dynamodb.Keys.pk.S === key.pk.S))!;
    expect(call.event.Records.find((r: any) => r.dynamodb.Keys.pk.S === key.pk.S).userIdentity).toBeUndefined();
    expect(call.result.ttlDeletions).not.toContain(key.pk.S);
  });

  it('a batch discarded to an S3 destination keeps the whole invocation payload', async () => {
    const key = { pk: { S: `POISON#${process.pid}` }, sk: { S: 'x' } };
    await ddb.send(new PutItemCommand({ TableName: t.tableName, Item: { ...key, type: { S: 'TEMP' }, poison: { BOOL: true } } }));
    await ddb.send(new DeleteItemCommand({ TableName: t.tableName, Key: key }));
    await t.runtime.idle();
    const objects = Object.entries(t.runtime.buckets['fixture-failures']!) as Array<[string, any]>;
    const [objectKey, record] = objects.find(([, r]) => r.payload.includes(key.pk.S))!;
    expect(objectKey).toMatch(
      /^aws\/lambda\/[0-9a-f-]{36}\/shardId-[^/]+\/\d{4}\/\d{2}\/\d{2}\/\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}-[0-9a-f-]{36}$/,
    );
    expect(record).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 },
      DDBStreamBatchInfo: { batchSize: 1 },
    });
    expect(JSON.parse(record.payload).Records[0]).toMatchObject({ eventName: 'REMOVE', dynamodb: { Keys: key } });
  });
});

describe('SQS queues and the SQS event source mapping', () => {
  const sqs = async (op: string, body: unknown) => {
    const res = await fetch(t.runtime.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${op}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('delivers messages in the SQS event shape, deletes what succeeded, redelivers reported failures, then dead-letters them after maxReceiveCount', async () => {
    const url = (await sqs('GetQueueUrl', { QueueName: 'WorkQueue' })).body.QueueUrl;
    const sent = await sqs('SendMessageBatch', {
      QueueUrl: url,
      Entries: [
        { Id: '1', MessageBody: `ok:${process.pid}` },
        { Id: '2', MessageBody: `fail:${process.pid}` },
      ],
    });
    expect(sent.status).toBe(200);
    expect(sent.body.Successful).toHaveLength(2);
    await t.runtime.idle();
    const records = callsOf('worker').flatMap((c) => c.event.Records);
    const failing = records.filter((r: any) => r.body === `fail:${process.pid}`);
    expect(failing.map((r: any) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']); // maxReceiveCount 2
    expect(records.filter((r: any) => r.body === `ok:${process.pid}`)).toHaveLength(1);
    expect(records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-central-1:000000000000:WorkQueue',
      awsRegion: 'eu-central-1',
    });
    expect(t.runtime.queues.WorkQueue).toEqual([]);
    expect(t.runtime.queues.WorkDlq).toEqual([`fail:${process.pid}`]);
    // a redrive tool: receive from the DLQ over the wire protocol, move the rest back
    const got = await sqs('ReceiveMessage', {
      QueueUrl: (await sqs('GetQueueUrl', { QueueName: 'WorkDlq' })).body.QueueUrl,
      MaxNumberOfMessages: 10,
    });
    expect(got.body.Messages[0]).toMatchObject({ Body: `fail:${process.pid}` });
  });

  it('answers protocol errors as AWS does', async () => {
    expect(
      await sqs('SendMessage', { QueueUrl: 'https://sqs.eu-central-1.amazonaws.com/000000000000/nope', MessageBody: 'x' }),
    ).toMatchObject({ status: 400, body: { __type: 'com.amazonaws.sqs#QueueDoesNotExist' } });
  });
});

describe('protocol errors', () => {
  const post = async (headers: Record<string, string>, body: string, path = '/') => {
    const res = await fetch(`${t.runtime.url}${path}`, { method: 'POST', headers, body });
    return { status: res.status, body: (await res.json()) as any };
  };
  const events = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' };

  it('400 with the AWS error shape for bad JSON, a null entry, a non-string bus name or source, an oversized request', async () => {
    expect(await post(events, '{not json')).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
    expect(await post(events, '{"Entries":[null]}')).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
    expect(
      await post(events, JSON.stringify({ Entries: [{ EventBusName: 5, Source: 's', DetailType: 'd', Detail: '{}' }] })),
    ).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
    expect(await post(events, JSON.stringify({ Entries: [{ Source: 5, DetailType: 'd', Detail: '{}' }] }))).toMatchObject({
      status: 400,
      body: { __type: 'SerializationException' },
    });
    const big = JSON.stringify({ x: 'a'.repeat(300 * 1024) });
    expect(await post(events, JSON.stringify({ Entries: [{ Source: 's', DetailType: 'd', Detail: big }] }))).toMatchObject({
      status: 400,
      body: { __type: 'ValidationException' },
    });
  });
});

describe('housekeeping', () => {
  it('reports health', async () => {
    const health = (await (await fetch(`${t.runtime.url}/_local/health`)).json()) as any;
    expect(health).toMatchObject({
      ok: true,
      table: t.tableName,
      functions: ['echo', 'router', 'failing', 'mailer', 'orders', 'ttl', 'worker'],
      inflight: 0,
    });
  });
});

describe('npm start (local/main.ts)', () => {
  it("a DynamoDB Local that already holds tables is not confirmed as a fresh start's own", async () => {
    expect(await confirmDynamoOwnership(process.env.DDB_ENDPOINT!, 'someone-else')).toBe(false);
  });

  it('records its endpoints for the CLI, and SIGTERM to `npm start` stops it, DynamoDB Local and the SES emulator within 5 s, cleanly', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtesy-start-'));
    // Exactly what a person or a supervisor runs: the npm process gets the signal, not the service process below it.
    const child = spawn('npm', ['start', '--silent'], {
      cwd: path.join(__dirname, '../..'),
      env: { ...process.env, COURTESY_LOCAL_DIR: dir, LOCAL_PORT: '0' }, // COURTESY_TEMPLATE_FILE from global-setup: no synthesis
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => out.includes('running locally'), 60_000, 100);
      const endpoints = JSON.parse(fs.readFileSync(path.join(dir, 'endpoints.json'), 'utf8'));
      expect(out).toContain(endpoints.runtime);
      expect(out).toContain('LOCAL_PORT=0'); // the banner names the override
      expect((await (await fetch(`${endpoints.runtime}/_local/health`)).json()) as any).toMatchObject({ ok: true });
      const started = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(out).not.toMatch(/exiting now/);
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      expect([endpoints.pids.main, endpoints.pids.dynamo, endpoints.pids.ses].filter(alive)).toEqual([]);
      expect(fs.existsSync(path.join(dir, 'endpoints.json'))).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
