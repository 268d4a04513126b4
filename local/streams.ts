/**
 * DynamoDB Streams → Lambda event records: normalization of what DynamoDB Local emits into what Lambda
 * delivers in AWS, and a poller that reads every shard of a stream in order.
 */
import type { DynamoDBRecord, AttributeValue as LambdaAttributeValue } from 'aws-lambda';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record as SdkStreamRecord,
  type AttributeValue as SdkAttributeValue,
} from '@aws-sdk/client-dynamodb-streams';

export const DYNAMODB_SERVICE_PRINCIPAL = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

/** A stream record in the shape Lambda delivers (`event.Records[i]`). */
export type LambdaStreamRecord = DynamoDBRecord & {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventSourceARN: string;
  dynamodb: NonNullable<DynamoDBRecord['dynamodb']> & { SequenceNumber: string };
};

export interface NormalizeOptions {
  /** The stream ARN to report as eventSourceARN (region already rewritten). */
  streamArn: string;
  region: string;
}

const toBase64 = (b: Uint8Array | string) => (typeof b === 'string' ? b : Buffer.from(b).toString('base64'));

/** SDK AttributeValue (binary as Uint8Array) → Lambda event JSON (binary as base64). */
export function toLambdaAttributeValue(av: SdkAttributeValue | Record<string, unknown>): LambdaAttributeValue {
  const v = av as Record<string, any>;
  if (v.S !== undefined) return { S: v.S };
  if (v.N !== undefined) return { N: v.N };
  if (v.B !== undefined) return { B: toBase64(v.B) };
  if (v.SS !== undefined) return { SS: [...v.SS] };
  if (v.NS !== undefined) return { NS: [...v.NS] };
  if (v.BS !== undefined) return { BS: v.BS.map(toBase64) };
  if (v.BOOL !== undefined) return { BOOL: v.BOOL };
  if (v.NULL !== undefined) return { NULL: v.NULL };
  if (v.L !== undefined) return { L: v.L.map(toLambdaAttributeValue) };
  if (v.M !== undefined) return { M: toLambdaImage(v.M)! };
  throw new Error(`unsupported attribute value ${JSON.stringify(Object.keys(v))}`);
}

function toLambdaImage(image: Record<string, unknown> | undefined): Record<string, LambdaAttributeValue> | undefined {
  if (!image) return undefined;
  const out: Record<string, LambdaAttributeValue> = {};
  for (const [k, v] of Object.entries(image)) out[k] = toLambdaAttributeValue(v as SdkAttributeValue);
  return out;
}

/** Replace the region of a DynamoDB Local ARN ("ddblocal") with the region Lambda would report. */
export function rewriteStreamArnRegion(arn: string, region: string): string {
  return arn.replace(/^arn:aws:dynamodb:[^:]*:/, `arn:aws:dynamodb:${region}:`);
}

const toEpochSeconds = (d: unknown): number | undefined => {
  if (d === undefined || d === null) return undefined;
  if (d instanceof Date) return Math.floor(d.getTime() / 1000);
  if (typeof d === 'number') return d > 1e11 ? Math.floor(d / 1000) : d;
  const parsed = Date.parse(String(d));
  return Number.isNaN(parsed) ? undefined : Math.floor(parsed / 1000);
};

/**
 * Convert an SDK stream record into the Lambda event record AWS would deliver:
 * - eventName outside INSERT/MODIFY/REMOVE (DynamoDB Local may emit e.g. 'UNKNOWN_TO_SDK_VERSION' for TTL
 *   deletions) becomes REMOVE by the DynamoDB service principal, as a TTL deletion is in AWS;
 * - userIdentity {PrincipalId, Type} becomes {type, principalId};
 * - eventSourceARN and awsRegion are set; images stay DynamoDB JSON (binary base64);
 *   ApproximateCreationDateTime becomes epoch seconds.
 */
export function toLambdaStreamRecord(record: SdkStreamRecord, opts: NormalizeOptions): LambdaStreamRecord {
  const d = record.dynamodb ?? {};
  const known = record.eventName === 'INSERT' || record.eventName === 'MODIFY' || record.eventName === 'REMOVE';
  const eventName = (known ? record.eventName : 'REMOVE') as LambdaStreamRecord['eventName'];
  const ui = record.userIdentity as { PrincipalId?: string; Type?: string; principalId?: string; type?: string } | undefined;
  let userIdentity: { type: string; principalId: string } | undefined;
  if (!known) userIdentity = { ...DYNAMODB_SERVICE_PRINCIPAL };
  else if (ui) userIdentity = { type: String(ui.Type ?? ui.type), principalId: String(ui.PrincipalId ?? ui.principalId) };
  if (!d.SequenceNumber) throw new Error('stream record without SequenceNumber');
  const approx = toEpochSeconds(d.ApproximateCreationDateTime);
  const dynamodb: LambdaStreamRecord['dynamodb'] = {
    ...(approx !== undefined ? { ApproximateCreationDateTime: approx } : {}),
    Keys: toLambdaImage(d.Keys as Record<string, unknown>) ?? {},
    ...(d.NewImage ? { NewImage: toLambdaImage(d.NewImage as Record<string, unknown>) } : {}),
    ...(d.OldImage ? { OldImage: toLambdaImage(d.OldImage as Record<string, unknown>) } : {}),
    SequenceNumber: d.SequenceNumber,
    ...(d.SizeBytes !== undefined ? { SizeBytes: d.SizeBytes } : {}),
    ...(d.StreamViewType ? { StreamViewType: d.StreamViewType as NonNullable<DynamoDBRecord['dynamodb']>['StreamViewType'] } : {}),
  };
  return {
    eventID: record.eventID ?? `${d.SequenceNumber}`,
    eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: opts.region,
    dynamodb,
    eventSourceARN: opts.streamArn,
    ...(userIdentity ? { userIdentity } : {}),
  };
}

/** Compare DynamoDB stream sequence numbers (decimal strings of varying length). */
export function compareSequenceNumbers(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface PollCycle {
  startedAt: number;
  records: number;
  error?: unknown;
}

interface ShardState {
  parent?: string;
  iterator?: string;
  lastSequence?: string;
  closed: boolean;
}

export interface StreamPollerOptions {
  client: DynamoDBStreamsClient;
  /** The stream ARN as DynamoDB Local reports it (used for the API calls). */
  streamArn: string;
  intervalMs: number;
  onRecords: (records: SdkStreamRecord[], shardId: string) => void;
  onCycle?: (cycle: PollCycle) => void;
  log?: (line: string) => void;
}

/**
 * Reads a stream: all shards (re-described periodically to find new ones), parents before children,
 * TRIM_HORIZON for every shard (the runtime creates its table, so every record is new to it), every
 * shard drained each cycle. Cycles run one at a time, `intervalMs` apart.
 */
export class StreamPoller {
  private readonly shards = new Map<string, ShardState>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private cycles = 0;
  private shardClosed = false;

  constructor(private readonly opts: StreamPollerOptions) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.cycle()
        .then(
          () => undefined,
          (e) => this.opts.log?.(`stream poll cycle crashed: ${(e as Error).stack ?? String(e)}`),
        )
        .then(() => {
          this.running = undefined;
          this.schedule(this.opts.intervalMs);
        });
    }, ms);
  }

  /** One complete pass over the stream. Public for tests. */
  async cycle(): Promise<PollCycle> {
    const startedAt = Date.now();
    let count = 0;
    let error: unknown;
    try {
      if (this.cycles % 20 === 0 || this.shardClosed) {
        this.shardClosed = false;
        await this.describe();
      }
      this.cycles++;
      for (const [id, shard] of this.shards) {
        if (this.stopped) break;
        if (shard.closed) continue;
        if (shard.parent && this.shards.has(shard.parent) && !this.shards.get(shard.parent)!.closed) continue;
        count += await this.drainShard(id, shard);
      }
    } catch (e) {
      error = e;
      if (!this.stopped) this.opts.log?.(`stream poll failed: ${(e as Error).message ?? String(e)}`);
    }
    const cycle: PollCycle = { startedAt, records: count, ...(error ? { error } : {}) };
    this.opts.onCycle?.(cycle);
    return cycle;
  }

  private async describe(): Promise<void> {
    let exclusiveStartShardId: string | undefined;
    do {
      const out = await this.opts.client.send(
        new DescribeStreamCommand({
          StreamArn: this.opts.streamArn,
          ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}),
        }),
      );
      for (const s of out.StreamDescription?.Shards ?? []) {
        if (!s.ShardId || this.shards.has(s.ShardId)) continue;
        this.shards.set(s.ShardId, { ...(s.ParentShardId ? { parent: s.ParentShardId } : {}), closed: false });
      }
      exclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
  }

  private async iteratorFor(id: string, shard: ShardState): Promise<string | undefined> {
    try {
      return await this.shardIterator(id, shard);
    } catch (e) {
      // The last record read has been trimmed from the shard (DynamoDB Local 3.x trims too): start again from the
      // oldest record still there, as Lambda does; consumers are idempotent, so a record seen twice is harmless.
      if ((e as Error).name !== 'TrimmedDataAccessException' || !shard.lastSequence) throw e;
      shard.lastSequence = undefined;
      return this.shardIterator(id, shard);
    }
  }

  private async shardIterator(id: string, shard: ShardState): Promise<string | undefined> {
    const out = await this.opts.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.opts.streamArn,
        ShardId: id,
        ...(shard.lastSequence
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequence }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator;
  }

  private async drainShard(id: string, shard: ShardState): Promise<number> {
    let count = 0;
    for (let page = 0; page < 50 && !this.stopped; page++) {
      shard.iterator ??= await this.iteratorFor(id, shard);
      if (!shard.iterator) {
        shard.closed = this.shardClosed = true;
        break;
      }
      let out: GetRecordsCommandOutput;
      try {
        out = await this.opts.client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }));
      } catch (e) {
        if (e instanceof ExpiredIteratorException || (e as Error).name === 'ExpiredIteratorException') {
          shard.iterator = undefined;
          continue;
        }
        if ((e as Error).name === 'TrimmedDataAccessException') {
          shard.iterator = undefined; // re-read from the oldest record still in the shard (see iteratorFor)
          shard.lastSequence = undefined;
          continue;
        }
        throw e;
      }
      const records = out.Records ?? [];
      if (records.length > 0) {
        shard.lastSequence = records[records.length - 1]!.dynamodb?.SequenceNumber ?? shard.lastSequence;
        count += records.length;
        this.opts.onRecords(records, id);
      }
      shard.iterator = out.NextShardIterator;
      if (!shard.iterator) {
        shard.closed = this.shardClosed = true;
        break;
      }
      if (records.length === 0) break;
    }
    return count;
  }
}
