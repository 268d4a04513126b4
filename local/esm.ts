/**
 * One DynamoDB-stream event-source mapping, processed the way Lambda's stream poller does:
 * - records that match none of the mapping's filters are dropped (an empty filter list delivers everything);
 * - strictly in order, one batch at a time, at most BatchSize records per batch;
 * - a thrown error fails the whole batch; with BisectBatchOnFunctionError the failing batch is split in halves
 *   and each half retried (the halves keep the batch's failure count);
 * - with ReportBatchItemFailures, `{ batchItemFailures: [{ itemIdentifier }] }` checkpoints before the lowest
 *   failed sequence number and retries from there (later records of the batch too); an itemIdentifier that is
 *   empty or not in the batch fails the whole batch; an empty list is success;
 * - after MaximumRetryAttempts retries (-1 = forever) the failing records go to the on-failure handler and the
 *   mapping moves on.
 */
import type { EventMatcher } from './pattern';
import type { InvokeOutcome, SerializedError } from './lambda';
import type { LambdaStreamRecord } from './streams';

export interface MappingConfig {
  batchSize: number;
  maximumRetryAttempts: number;
  bisectBatchOnFunctionError: boolean;
  reportBatchItemFailures: boolean;
  matchers: EventMatcher[];
}

export interface DiscardedBatch {
  records: LambdaStreamRecord[];
  /** Invocations of the discarded records' last segment. */
  approximateInvokeCount: number;
  /** The function error, if the last attempt threw; absent if it reported item failures. */
  error?: SerializedError;
  /** Identifiers the function reported as failed on the last attempt. */
  batchItemFailures?: string[];
}

export interface MappingDeps {
  invoke: (records: LambdaStreamRecord[]) => Promise<InvokeOutcome>;
  onDiscard: (batch: DiscardedBatch) => void | Promise<void>;
  /** Wait before a retry; `failures` counts failed invocations of this segment so far (>= 1). */
  backoff: (failures: number) => Promise<void>;
  log?: (line: string) => void;
}

interface Segment {
  records: LambdaStreamRecord[];
  failures: number;
}

export interface MappingStats {
  received: number;
  filteredOut: number;
  invocations: number;
  failedInvocations: number;
  delivered: number;
  discarded: number;
}

export class MappingProcessor {
  private readonly queue: LambdaStreamRecord[] = [];
  private readonly segments: Segment[] = [];
  private draining: Promise<void> | undefined;
  private stopped = false;
  readonly stats: MappingStats = { received: 0, filteredOut: 0, invocations: 0, failedInvocations: 0, delivered: 0, discarded: 0 };

  constructor(
    readonly config: MappingConfig,
    private readonly deps: MappingDeps,
  ) {
    if (config.batchSize < 1) throw new Error('batchSize must be >= 1');
  }

  /** True when there is nothing queued and no batch in flight. */
  get idle(): boolean {
    return this.queue.length === 0 && this.segments.length === 0 && this.draining === undefined;
  }

  /** Records waiting or in flight. */
  get backlog(): number {
    return this.queue.length + this.segments.reduce((n, s) => n + s.records.length, 0);
  }

  /** Filter and queue records (in stream order) and make sure processing runs. */
  enqueue(records: LambdaStreamRecord[]): void {
    for (const r of records) {
      this.stats.received++;
      if (this.config.matchers.length > 0 && !this.config.matchers.some((m) => m(r))) {
        this.stats.filteredOut++;
        continue;
      }
      this.queue.push(r);
    }
    this.kick();
  }

  /** Resolves when the processor is idle (or stopped). */
  async drained(): Promise<void> {
    while (this.draining) await this.draining;
  }

  stop(): void {
    this.stopped = true;
  }

  private kick(): void {
    if (this.draining || this.stopped || (this.queue.length === 0 && this.segments.length === 0)) return;
    this.draining = this.drain()
      .catch((e) => this.deps.log?.(`mapping processor crashed: ${(e as Error).stack ?? String(e)}`))
      .finally(() => {
        this.draining = undefined;
        // Records may have arrived after the loop's last check.
        this.kick();
      });
  }

  private exhausted(failures: number): boolean {
    const max = this.config.maximumRetryAttempts;
    return max >= 0 && failures > max;
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      if (this.segments.length === 0) {
        if (this.queue.length === 0) return;
        this.segments.push({ records: this.queue.splice(0, this.config.batchSize), failures: 0 });
      }
      const seg = this.segments[0]!;
      this.stats.invocations++;
      const outcome = await this.deps.invoke(seg.records);
      if (this.stopped) return;
      const verdict = this.judge(seg, outcome);
      if (verdict.kind === 'success') {
        this.stats.delivered += seg.records.length;
        this.segments.shift();
        continue;
      }
      this.stats.failedInvocations++;
      // Records before the lowest reported failure are checkpointed.
      if (verdict.kind === 'partial') {
        this.stats.delivered += verdict.from;
        seg.records = seg.records.slice(verdict.from);
      }
      seg.failures++;
      if (this.exhausted(seg.failures)) {
        this.segments.shift();
        this.stats.discarded += seg.records.length;
        await this.deps.onDiscard({
          records: seg.records,
          approximateInvokeCount: seg.failures,
          ...(verdict.kind === 'error' ? { error: verdict.error } : {}),
          ...(verdict.kind === 'partial' ? { batchItemFailures: verdict.identifiers } : {}),
        });
        continue;
      }
      if (verdict.kind === 'error' && this.config.bisectBatchOnFunctionError && seg.records.length > 1) {
        const half = Math.ceil(seg.records.length / 2);
        this.segments.splice(
          0,
          1,
          { records: seg.records.slice(0, half), failures: seg.failures },
          { records: seg.records.slice(half), failures: seg.failures },
        );
      }
      await this.deps.backoff(seg.failures);
    }
  }

  private judge(
    seg: Segment,
    outcome: InvokeOutcome,
  ): { kind: 'success' } | { kind: 'error'; error: SerializedError } | { kind: 'partial'; from: number; identifiers: string[] } {
    if (!outcome.ok) return { kind: 'error', error: outcome.error };
    if (!this.config.reportBatchItemFailures) return { kind: 'success' };
    const result = outcome.result as { batchItemFailures?: unknown } | null;
    if (result === null || typeof result !== 'object' || result.batchItemFailures === undefined || result.batchItemFailures === null) {
      return { kind: 'success' };
    }
    const failures = result.batchItemFailures;
    const invalid = (why: string) => ({
      kind: 'error' as const,
      error: { errorType: 'InvalidBatchItemFailures', errorMessage: `batch treated as failed: ${why}` },
    });
    if (!Array.isArray(failures)) return invalid('batchItemFailures is not a list');
    if (failures.length === 0) return { kind: 'success' };
    const seqs = seg.records.map((r) => r.dynamodb.SequenceNumber);
    let from = Infinity;
    const identifiers: string[] = [];
    for (const f of failures) {
      const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || id === '') return invalid('an itemIdentifier is missing or empty');
      const idx = seqs.indexOf(id);
      if (idx < 0) return invalid(`itemIdentifier ${id} is not a sequence number of this batch`);
      identifiers.push(id);
      from = Math.min(from, idx);
    }
    return { kind: 'partial', from, identifiers };
  }
}
