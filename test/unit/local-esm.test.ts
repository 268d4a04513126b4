/** Event-source-mapping semantics of the local runtime (filters, batching, partial failures, bisect, retries). */
import { MappingProcessor, type DiscardedBatch, type MappingConfig } from '../../local/esm';
import type { InvokeOutcome } from '../../local/lambda';
import { compilePattern } from '../../local/pattern';
import type { LambdaStreamRecord } from '../../local/streams';

const rec = (
  seq: number,
  image: Record<string, unknown> = {},
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT',
): LambdaStreamRecord => ({
  eventID: `e${seq}`,
  eventName,
  eventSource: 'aws:dynamodb',
  eventSourceARN: 'arn:aws:dynamodb:eu-central-1:000000000000:table/t/stream/x',
  dynamodb: {
    SequenceNumber: String(seq).padStart(21, '0'),
    Keys: { pk: { S: `k${seq}` } },
    NewImage: { pk: { S: `k${seq}` }, type: { S: 'ORDER' }, ...(image as object) },
  },
});
const seqs = (rs: LambdaStreamRecord[]) => rs.map((r) => Number(r.dynamodb.SequenceNumber));

type Behaviour = (records: LambdaStreamRecord[]) => unknown;

function harness(config: Partial<MappingConfig>, behaviour: Behaviour) {
  const calls: number[][] = [];
  const discarded: DiscardedBatch[] = [];
  const p = new MappingProcessor(
    { batchSize: 10, maximumRetryAttempts: 2, bisectBatchOnFunctionError: false, reportBatchItemFailures: true, matchers: [], ...config },
    {
      invoke: async (records): Promise<InvokeOutcome> => {
        calls.push(seqs(records));
        try {
          return { ok: true, result: behaviour(records) ?? null, requestId: 'r', durationMs: 0 };
        } catch (e) {
          return { ok: false, error: { errorType: 'Error', errorMessage: (e as Error).message }, requestId: 'r', durationMs: 0 };
        }
      },
      onDiscard: (b) => {
        discarded.push(b);
      },
      backoff: async () => {},
    },
  );
  return { p, calls, discarded };
}

const poisonAt =
  (...bad: number[]): Behaviour =>
  (records) => ({
    batchItemFailures: records
      .filter((r) => bad.includes(Number(r.dynamodb.SequenceNumber)))
      .map((r) => ({ itemIdentifier: r.dynamodb.SequenceNumber })),
  });
const throwOn =
  (...bad: number[]): Behaviour =>
  (records) => {
    const hit = records.find((r) => bad.includes(Number(r.dynamodb.SequenceNumber)));
    if (hit) throw new Error(`bad ${hit.dynamodb.SequenceNumber}`);
  };

it('delivers in order in batches of at most BatchSize', async () => {
  const h = harness({ batchSize: 3 }, () => undefined);
  h.p.enqueue([1, 2, 3, 4, 5, 6, 7].map((n) => rec(n)));
  await h.p.drained();
  expect(h.calls).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  expect(h.p.idle).toBe(true);
  expect(h.p.stats).toMatchObject({ delivered: 7, invocations: 3, failedInvocations: 0 });
});

it('drops records that match none of the filters (and delivers those matching any)', async () => {
  const matchers = [
    compilePattern({ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['ORDER'] } } } }),
    compilePattern({ eventName: ['REMOVE'] }),
  ];
  const h = harness({ matchers }, () => undefined);
  h.p.enqueue([rec(1), rec(2, { type: { S: 'OTHER' } }), rec(3, {}, 'MODIFY'), rec(4, {}, 'REMOVE')]);
  await h.p.drained();
  expect(h.calls).toEqual([[1, 4]]);
  expect(h.p.stats.filteredOut).toBe(2);
});

it('partial batch failure: checkpoints before the lowest failed record and retries from there', async () => {
  let attempt = 0;
  const h = harness({}, (records) => {
    attempt++;
    // first attempt: 3 and 5 fail; afterwards only 5 fails once more, then everything succeeds
    if (attempt === 1) return poisonAt(3, 5)(records);
    if (attempt === 2) return poisonAt(5)(records);
    return { batchItemFailures: [] };
  });
  h.p.enqueue([1, 2, 3, 4, 5, 6].map((n) => rec(n)));
  await h.p.drained();
  expect(h.calls).toEqual([
    [1, 2, 3, 4, 5, 6],
    [3, 4, 5, 6],
    [5, 6],
  ]);
  expect(h.discarded).toEqual([]);
});

it('after MaximumRetryAttempts the remaining records go to the on-failure destination and processing moves on', async () => {
  const h = harness({ maximumRetryAttempts: 2, batchSize: 4 }, poisonAt(3));
  h.p.enqueue([1, 2, 3, 4, 5, 6].map((n) => rec(n)));
  await h.p.drained();
  expect(h.calls).toEqual([
    [1, 2, 3, 4],
    [3, 4],
    [3, 4],
    [5, 6],
  ]);
  expect(h.discarded).toHaveLength(1);
  expect(seqs(h.discarded[0]!.records)).toEqual([3, 4]);
  expect(h.discarded[0]).toMatchObject({ approximateInvokeCount: 3, batchItemFailures: ['000000000000000000003'] });
  expect(h.discarded[0]).not.toHaveProperty('error');
});

it('a thrown error retries the whole batch; without bisect the whole batch is discarded', async () => {
  const h = harness({ maximumRetryAttempts: 1, batchSize: 3 }, throwOn(2));
  h.p.enqueue([1, 2, 3, 4].map((n) => rec(n)));
  await h.p.drained();
  expect(h.calls).toEqual([[1, 2, 3], [1, 2, 3], [4]]);
  expect(seqs(h.discarded[0]!.records)).toEqual([1, 2, 3]);
  expect(h.discarded[0]!.error).toEqual({ errorType: 'Error', errorMessage: 'bad 000000000000000000002' });
});

it('with BisectBatchOnFunctionError a failing batch is split in halves until the bad record is isolated', async () => {
  const h = harness({ maximumRetryAttempts: 2, batchSize: 4, bisectBatchOnFunctionError: true }, throwOn(3));
  h.p.enqueue([1, 2, 3, 4].map((n) => rec(n)));
  await h.p.drained();
  expect(h.calls).toEqual([[1, 2, 3, 4], [1, 2], [3, 4], [3], [4]]);
  expect(h.discarded.map((d) => seqs(d.records))).toEqual([[3]]);
  expect(h.discarded[0]!.approximateInvokeCount).toBe(3);
  expect(h.p.stats.delivered).toBe(3);
});

it('MaximumRetryAttempts 0 discards on the first failure', async () => {
  const h = harness({ maximumRetryAttempts: 0 }, throwOn(1));
  h.p.enqueue([rec(1), rec(2)]);
  await h.p.drained();
  expect(h.calls).toEqual([[1, 2]]);
  expect(seqs(h.discarded[0]!.records)).toEqual([1, 2]);
});

it.each([
  ['an itemIdentifier not in the batch', { batchItemFailures: [{ itemIdentifier: '999' }] }],
  ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
  ['a missing itemIdentifier', { batchItemFailures: [{ id: '1' }] }],
  ['batchItemFailures that is not a list', { batchItemFailures: 'all' }],
])('a response with %s fails the whole batch', async (_name, response) => {
  let attempt = 0;
  const h = harness({ maximumRetryAttempts: 3 }, () => (++attempt === 1 ? response : undefined));
  h.p.enqueue([rec(1), rec(2)]);
  await h.p.drained();
  expect(h.calls).toEqual([
    [1, 2],
    [1, 2],
  ]);
});

it.each([
  ['null', null],
  ['an empty list', { batchItemFailures: [] }],
  ['no batchItemFailures key', { ok: true }],
])('a response of %s is success', async (_name, response) => {
  const h = harness({}, () => response);
  h.p.enqueue([rec(1), rec(2)]);
  await h.p.drained();
  expect(h.calls).toEqual([[1, 2]]);
});

it('without ReportBatchItemFailures the response is ignored', async () => {
  const h = harness({ reportBatchItemFailures: false }, poisonAt(1));
  h.p.enqueue([rec(1), rec(2)]);
  await h.p.drained();
  expect(h.calls).toEqual([[1, 2]]);
  expect(h.discarded).toEqual([]);
});

it('processes one batch at a time even when records keep arriving', async () => {
  let concurrent = 0;
  let maxConcurrent = 0;
  const calls: number[][] = [];
  const p = new MappingProcessor(
    { batchSize: 2, maximumRetryAttempts: 0, bisectBatchOnFunctionError: false, reportBatchItemFailures: true, matchers: [] },
    {
      invoke: async (records) => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        calls.push(seqs(records));
        await new Promise((r) => setTimeout(r, 5));
        concurrent--;
        return { ok: true, result: null, requestId: 'r', durationMs: 5 };
      },
      onDiscard: () => {},
      backoff: async () => {},
    },
  );
  p.enqueue([rec(1), rec(2), rec(3)]);
  p.enqueue([rec(4)]);
  await new Promise((r) => setTimeout(r, 2));
  p.enqueue([rec(5), rec(6)]);
  await p.drained();
  expect(maxConcurrent).toBe(1);
  expect(calls.flat()).toEqual([1, 2, 3, 4, 5, 6]);
  expect(p.idle).toBe(true);
});
