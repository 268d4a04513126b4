/** Local SQS queues and the SQS event source mapping's batch judgement; stream failure records as AWS sends them; PutEvents limits. */
import { Activity } from '../../local/activity';
import { Queues } from '../../local/sqs';
import { handleSqsOperation } from '../../local/sqs-protocol';
import { failedMessageIds, toSqsRecord } from '../../local/sqs-mappings';
import { failureObjectKey, streamFailureRecord } from '../../local/stream-mappings';
import { EventBuses } from '../../local/eventbridge';
import type { QueueModel, TemplateModel } from '../../local/template-model';
import type { LambdaStreamRecord } from '../../local/streams';

const work: QueueModel = {
  logicalId: 'W',
  name: 'work',
  arn: 'arn:aws:sqs:eu-central-1:000000000000:work',
  visibilityTimeoutSeconds: 30,
  retentionSeconds: 60,
  redrive: { maxReceiveCount: 2, deadLetterQueue: 'dlq' },
};
const dlq: QueueModel = {
  logicalId: 'D',
  name: 'dlq',
  arn: 'arn:aws:sqs:eu-central-1:000000000000:dlq',
  visibilityTimeoutSeconds: 30,
  retentionSeconds: 60,
};
const queues = (delay = 0) =>
  new Queues(
    [work, dlq],
    new Activity(),
    () => delay,
    () => {},
    () => 'http://127.0.0.1:1',
  );

describe('Queues', () => {
  it('hides a received message for the visibility timeout, counts receives, then moves it to the DLQ after maxReceiveCount', async () => {
    const q = queues(30);
    q.send('work', '{"a":1}');
    const first = q.receive('work', 10);
    expect(first).toHaveLength(1);
    expect(first[0]!.Attributes.ApproximateReceiveCount).toBe('1');
    expect(q.receive('work', 10)).toEqual([]); // in flight
    await new Promise((r) => setTimeout(r, 40));
    expect(q.receive('work', 10)[0]!.Attributes.ApproximateReceiveCount).toBe('2');
    await new Promise((r) => setTimeout(r, 40));
    expect(q.receive('work', 10)).toEqual([]); // third receive: redriven instead
    expect(q.snapshot()).toEqual({ work: [], dlq: [{ a: 1 }] });
    expect(q.moveMessages(dlq.arn)).toBe(1); // StartMessageMoveTask back to the source queue
    expect(q.receive('work', 10)[0]!.Attributes.ApproximateReceiveCount).toBe('1');
  });

  it('deletes by receipt handle and answers the JSON protocol with MD5s the SDK checks', () => {
    const q = queues();
    const sent = handleSqsOperation(q, 'SendMessage', {
      QueueUrl: 'https://sqs.eu-central-1.amazonaws.com/000000000000/work',
      MessageBody: 'hello',
    }) as any;
    expect(sent.MD5OfMessageBody).toBe('5d41402abc4b2a76b9719d911017c592');
    const got = handleSqsOperation(q, 'ReceiveMessage', {
      QueueUrl: 'http://127.0.0.1:1/000000000000/work',
      MaxNumberOfMessages: 10,
    }) as any;
    expect(got.Messages[0]).toMatchObject({ MessageId: sent.MessageId, Body: 'hello', MD5OfBody: sent.MD5OfMessageBody });
    handleSqsOperation(q, 'DeleteMessage', { QueueUrl: 'work', ReceiptHandle: got.Messages[0].ReceiptHandle });
    expect(q.snapshot().work).toEqual([]);
    expect(handleSqsOperation(q, 'GetQueueUrl', { QueueName: 'dlq' })).toEqual({ QueueUrl: 'http://127.0.0.1:1/000000000000/dlq' });
    expect(() => handleSqsOperation(q, 'SendMessage', { QueueUrl: 'nope', MessageBody: 'x' })).toThrow(/does not exist/);
    expect(() => handleSqsOperation(q, 'PurgeQueue', { QueueUrl: 'work' })).toThrow(/not emulated/);
  });

  it('SQS event records have the shape Lambda sends', () => {
    const q = queues();
    q.send('work', 'b');
    const rec = toSqsRecord(q.receive('work', 1)[0]!, work.arn);
    expect(rec).toMatchObject({
      body: 'b',
      eventSource: 'aws:sqs',
      eventSourceARN: work.arn,
      awsRegion: 'eu-central-1',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(typeof rec.receiptHandle).toBe('string');
  });

  it('judges a batch: error = all failed; reported ids only; an unknown id fails the whole batch', () => {
    const records = ['m1', 'm2'].map((messageId) => ({ messageId }) as any);
    const ok = (result: unknown) => ({ ok: true as const, result, requestId: 'r', durationMs: 1 });
    expect(
      failedMessageIds(records, { ok: false, error: { errorType: 'E', errorMessage: 'x' }, requestId: 'r', durationMs: 1 }, true),
    ).toEqual(new Set(['m1', 'm2']));
    expect(failedMessageIds(records, ok({ batchItemFailures: [{ itemIdentifier: 'm2' }] }), true)).toEqual(new Set(['m2']));
    expect(failedMessageIds(records, ok({ batchItemFailures: [{ itemIdentifier: 'zz' }] }), true)).toEqual(new Set(['m1', 'm2']));
    expect(failedMessageIds(records, ok({ batchItemFailures: [{ itemIdentifier: 'm2' }] }), false)).toEqual(new Set());
  });
});

describe('stream on-failure records', () => {
  const rec = (seq: string, t: number) =>
    ({ dynamodb: { SequenceNumber: seq, ApproximateCreationDateTime: t, Keys: {} } }) as unknown as LambdaStreamRecord;
  const batch = {
    records: [rec('100', 1_700_000_000), rec('200', 1_700_000_005)],
    approximateInvokeCount: 3,
    error: { errorType: 'E', errorMessage: 'x' },
  };
  const base = { functionArn: 'arn:aws:lambda:eu-central-1:000000000000:function:f', streamArn: 'arn:s', shardId: 'shardId-1', batch };

  it('SQS/SNS: the invocation record with batch metadata only, not the records', () => {
    const r = streamFailureRecord({ ...base, withPayload: false });
    expect(Object.keys(r).sort()).toEqual(['DDBStreamBatchInfo', 'requestContext', 'responseContext', 'timestamp', 'version']);
    expect(r.DDBStreamBatchInfo).toEqual({
      shardId: 'shardId-1',
      startSequenceNumber: '100',
      endSequenceNumber: '200',
      approximateArrivalOfFirstRecord: '2023-11-14T22:13:20Z',
      approximateArrivalOfLastRecord: '2023-11-14T22:13:25Z',
      batchSize: 2,
      streamArn: 'arn:s',
    });
    expect(r.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
      functionArn: base.functionArn,
    });
    expect(JSON.stringify(r)).not.toContain('"Keys"');
  });

  it("S3: the same record plus the whole invocation payload, under Lambda's key scheme", () => {
    const r = streamFailureRecord({ ...base, withPayload: true });
    expect(JSON.parse(r.payload as string)).toEqual({ Records: batch.records });
    expect(failureObjectKey('uuid-1', 'shardId-1', new Date('2026-03-04T05:06:07.890Z'))).toMatch(
      /^aws\/lambda\/uuid-1\/shardId-1\/2026\/03\/04\/2026-03-04T05\.06\.07-[0-9a-f-]{36}$/,
    );
  });
});

describe('PutEvents limits', () => {
  const model = { buses: [{ logicalId: 'B', name: 'bus', arn: 'x' }], rules: [] } as unknown as TemplateModel;
  const buses = new EventBuses(model, {} as never, new Activity(), () => {});
  const entry = { EventBusName: 'bus', Source: 's', DetailType: 'd', Detail: '{}' };

  it('rejects the request for wrong types, a null entry, no or more than 10 entries, or over 256 KB in total', () => {
    expect(() => buses.putEvents([{ ...entry, EventBusName: 5 }])).toThrow(
      expect.objectContaining({ status: 400, type: 'SerializationException' }),
    );
    expect(() => buses.putEvents([{ ...entry, Source: 7 }])).toThrow(
      expect.objectContaining({ status: 400, type: 'SerializationException' }),
    );
    expect(() => buses.putEvents([null])).toThrow(expect.objectContaining({ status: 400, type: 'SerializationException' }));
    expect(() => buses.putEvents([])).toThrow(expect.objectContaining({ status: 400, type: 'ValidationException' }));
    expect(() => buses.putEvents(Array(11).fill(entry))).toThrow(expect.objectContaining({ status: 400, type: 'ValidationException' }));
    const big = JSON.stringify({ x: 'a'.repeat(256 * 1024) });
    expect(() => buses.putEvents([{ ...entry, Detail: big }])).toThrow(
      expect.objectContaining({ status: 400, type: 'ValidationException' }),
    );
    // exactly at the limit is accepted (Source + DetailType + Detail bytes)
    const atLimit = JSON.stringify({ x: 'a'.repeat(256 * 1024 - 10) });
    expect(buses.putEvents([{ ...entry, Detail: atLimit }]).FailedEntryCount).toBe(0);
  });

  it('answers per entry for a missing field, malformed detail or unknown bus', () => {
    const out = buses.putEvents([{ ...entry, Source: undefined }, { ...entry, Detail: '[1]' }, { ...entry, EventBusName: 'nope' }, entry]);
    expect(out.FailedEntryCount).toBe(3);
    expect(out.Entries.map((e) => ('ErrorCode' in e ? e.ErrorCode : 'ok'))).toEqual([
      'InvalidArgument',
      'MalformedDetail',
      'ResourceNotFoundException',
      'ok',
    ]);
  });
});

describe('QueueMapping (SQS event source mapping)', () => {
  const mapping = (over: Partial<import('../../local/template-model').QueueMappingModel> = {}) => ({
    kind: 'queue' as const,
    logicalId: 'M',
    functionName: 'f',
    queueName: 'work',
    enabled: true,
    batchSize: 10,
    batchingWindowSeconds: 0,
    reportBatchItemFailures: true,
    ...over,
  });
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('deletes successes, redelivers reported failures after the visibility timeout, dead-letters them after maxReceiveCount, and is idle only then', async () => {
    const { QueueMapping } = await import('../../local/sqs-mappings');
    const activity = new Activity();
    const q = new Queues(
      [work, dlq],
      activity,
      () => 20,
      () => {},
      () => 'http://x',
    );
    const batches: string[][] = [];
    const m = new QueueMapping(mapping(), {
      queues: q,
      activity,
      pollIntervalMs: 5,
      windowDelayMs: () => 0,
      log: () => {},
      invoke: async (records) => {
        batches.push(records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
        return {
          ok: true,
          result: { batchItemFailures: records.filter((r) => r.body === 'bad').map((r) => ({ itemIdentifier: r.messageId })) },
          requestId: 'r',
          durationMs: 1,
        };
      },
    });
    q.send('work', 'good');
    q.send('work', 'bad');
    m.start();
    await until(() => q.snapshot().dlq!.length > 0);
    expect(batches).toEqual([['good#1', 'bad#1'], ['bad#2']]);
    await until(() => m.idle);
    expect(m.idle).toBe(true);
    expect(q.snapshot()).toEqual({ work: [], dlq: ['bad'] });
    activity.stop();
    await m.stop();
  });

  it('a thrown error keeps the whole batch; a batching window collects messages sent meanwhile', async () => {
    const { QueueMapping } = await import('../../local/sqs-mappings');
    const activity = new Activity();
    const q = new Queues(
      [{ ...work, redrive: undefined }],
      activity,
      (s) => s * 10,
      () => {},
      () => 'http://x',
    );
    let calls = 0;
    let sentB = false;
    const sizes: number[] = [];
    const m = new QueueMapping(mapping({ reportBatchItemFailures: false, batchingWindowSeconds: 30 }), {
      queues: q,
      activity,
      pollIntervalMs: 5,
      // 'b' arrives while the mapping waits out its batching window (deterministic: sent when the window opens)
      windowDelayMs: () => {
        if (!sentB) q.send('work', 'b');
        sentB = true;
        return 5;
      },
      log: () => {},
      invoke: async (records) => {
        sizes.push(records.length);
        calls++;
        return calls === 1
          ? { ok: false, error: { errorType: 'E', errorMessage: 'x' }, requestId: 'r', durationMs: 1 }
          : { ok: true, result: null, requestId: 'r', durationMs: 1 };
      },
    });
    q.send('work', 'a');
    m.start();
    await until(() => calls >= 2 && m.idle);
    expect(sizes[0]).toBe(2); // the window collected 'b'
    expect(sizes.slice(1).reduce((a, b) => a + b, 0)).toBe(2); // both messages of the failed batch came back
    expect(q.snapshot().work).toEqual([]);
    activity.stop();
    await m.stop();
  });
});
