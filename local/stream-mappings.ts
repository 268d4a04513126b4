/**
 * The table stream's event source mappings: one poller reads DynamoDB Local's stream, records are normalized to
 * what Lambda delivers and fed to each mapping's processor (esm.ts). A discarded batch goes to the mapping's
 * on-failure destination with what AWS sends there: an SQS queue gets the invocation record with the batch
 * metadata only (shard, sequence numbers, arrival times, size); an S3 bucket gets the same record plus the
 * whole invocation payload, under aws/lambda/<mapping uuid>/<shard id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { LOCAL_REGION } from './cfn';
import { MappingProcessor, type DiscardedBatch } from './esm';
import { StreamPoller, toLambdaStreamRecord, type LambdaStreamRecord, type PollCycle } from './streams';
import type { Activity } from './activity';
import type { Functions } from './functions';
import type { StreamMappingModel } from './template-model';

export interface StreamDestinations {
  sendToQueue: (queue: string, body: unknown) => void;
  putObject: (bucket: string, key: string, body: string) => void;
}

/** The invocation record Lambda sends to a stream mapping's on-failure destination (`payload`: S3 only). */
export function streamFailureRecord(opts: {
  functionArn: string;
  streamArn: string;
  shardId: string;
  batch: DiscardedBatch;
  withPayload: boolean;
  now?: Date;
}): Record<string, unknown> {
  const { batch } = opts;
  const first = batch.records[0]!;
  const last = batch.records[batch.records.length - 1]!;
  const iso = (r: LambdaStreamRecord) =>
    new Date((r.dynamodb.ApproximateCreationDateTime ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: opts.functionArn,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: batch.approximateInvokeCount,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(batch.error ? { functionError: 'Unhandled' } : {}) },
    version: '1.0',
    timestamp: (opts.now ?? new Date()).toISOString(),
    DDBStreamBatchInfo: {
      shardId: opts.shardId,
      startSequenceNumber: first.dynamodb.SequenceNumber,
      endSequenceNumber: last.dynamodb.SequenceNumber,
      approximateArrivalOfFirstRecord: iso(first),
      approximateArrivalOfLastRecord: iso(last),
      batchSize: batch.records.length,
      streamArn: opts.streamArn,
    },
    ...(opts.withPayload ? { payload: JSON.stringify({ Records: batch.records }) } : {}),
  };
}

/** S3 object key of a stream failure record, as Lambda names it. */
export function failureObjectKey(mappingUuid: string, shardId: string, at: Date): string {
  const [date, time] = at.toISOString().split('T') as [string, string];
  return `aws/lambda/${mappingUuid}/${shardId}/${date.replace(/-/g, '/')}/${date}T${time.slice(0, 8).replace(/:/g, '.')}-${randomUUID()}`;
}

export class StreamMappings {
  readonly processors: Array<{ mapping: StreamMappingModel; processor: MappingProcessor }> = [];
  private poller: StreamPoller | undefined;
  private readonly shardOf = new WeakMap<LambdaStreamRecord, string>();
  private quietCycles = 0;
  lastPollError: unknown;

  constructor(
    private readonly deps: {
      mappings: StreamMappingModel[];
      functions: Functions;
      activity: Activity;
      destinations: StreamDestinations;
      retryDelay: (retry: number) => number;
      log: (line: string) => void;
    },
  ) {}

  /** Start reading `localStreamArn` (as DynamoDB Local names it); `streamArn` is what handlers see. */
  start(client: DynamoDBStreamsClient, localStreamArn: string | undefined, streamArn: string | undefined, pollIntervalMs: number): void {
    const { functions, activity, log } = this.deps;
    for (const mapping of this.deps.mappings) {
      if (!mapping.enabled) continue;
      const fn = functions.byName(mapping.functionName);
      const processor = new MappingProcessor(mapping, {
        invoke: (records) => functions.run(fn, { Records: records }),
        onDiscard: (batch) => this.discard(mapping, fn.arn, streamArn!, batch),
        backoff: (n) => activity.sleep(this.deps.retryDelay(n)),
        log,
      });
      this.processors.push({ mapping, processor });
    }
    activity.onMark(() => (this.quietCycles = 0));
    if (this.processors.length === 0 || !localStreamArn) return;
    this.poller = new StreamPoller({
      client,
      streamArn: localStreamArn,
      intervalMs: pollIntervalMs,
      onRecords: (records, shardId) => {
        activity.mark();
        const normalized = records.map((r) => {
          const rec = toLambdaStreamRecord(r, { streamArn: streamArn!, region: LOCAL_REGION });
          this.shardOf.set(rec, shardId);
          return rec;
        });
        for (const { processor } of this.processors) processor.enqueue(normalized);
      },
      onCycle: (c) => this.onCycle(c),
      log,
    });
    this.poller.start();
  }

  private onCycle(c: PollCycle): void {
    this.lastPollError = c.error;
    if (c.records === 0 && !c.error && c.startedAt > this.deps.activity.lastActivityAt) this.quietCycles++;
    else this.quietCycles = 0;
  }

  /** No backlog, and (with a stream) two poll cycles without records since the last activity. */
  get idle(): boolean {
    if (!this.processors.every((p) => p.processor.idle)) return false;
    return this.poller ? this.quietCycles >= 2 : true;
  }

  get hasPoller(): boolean {
    return this.poller !== undefined;
  }

  backlog(): string {
    return this.processors.map((p) => `${p.mapping.logicalId}:${p.processor.backlog}`).join(', ');
  }

  async stop(): Promise<void> {
    for (const p of this.processors) p.processor.stop();
    await this.poller?.stop();
  }

  private discard(mapping: StreamMappingModel, functionArn: string, streamArn: string, batch: DiscardedBatch): void {
    const dest = mapping.onFailure;
    if (!dest) {
      this.deps.log(`${mapping.logicalId}: discarded ${batch.records.length} records (no on-failure destination)`);
      return;
    }
    const now = new Date();
    const shardId = this.shardOf.get(batch.records[0]!) ?? 'shardId-unknown';
    const record = streamFailureRecord({ functionArn, streamArn, shardId, batch, withPayload: dest.kind === 'bucket', now });
    if (dest.kind === 'queue') this.deps.destinations.sendToQueue(dest.name, record);
    else this.deps.destinations.putObject(dest.name, failureObjectKey(mapping.uuid, shardId, now), JSON.stringify(record));
  }
}
