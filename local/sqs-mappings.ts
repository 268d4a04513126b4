/**
 * SQS event source mappings, processed the way Lambda's SQS poller does: batches of up to BatchSize messages
 * (waiting up to MaximumBatchingWindowInSeconds, scaled, to fill one), the SQS event shape, delete on success;
 * a thrown error leaves the whole batch to reappear after the visibility timeout; with ReportBatchItemFailures
 * only the reported messages stay (an unknown or empty itemIdentifier fails the whole batch). Redrive to the
 * dead-letter queue is the queue's own business (sqs.ts). Batches of one mapping run one at a time.
 */
import { LOCAL_REGION } from './cfn';
import type { Activity } from './activity';
import type { InvokeOutcome } from './lambda';
import type { Queues, ReceivedMessage } from './sqs';
import type { QueueMappingModel } from './template-model';

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, never>;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

export function toSqsRecord(m: ReceivedMessage, queueArn: string): SqsRecord {
  return {
    messageId: m.MessageId,
    receiptHandle: m.ReceiptHandle,
    body: m.Body,
    attributes: m.Attributes,
    messageAttributes: {},
    md5OfBody: m.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

/** Which messages of a batch failed, judged from the invocation outcome. */
export function failedMessageIds(records: SqsRecord[], outcome: InvokeOutcome, reportBatchItemFailures: boolean): Set<string> {
  const all = new Set(records.map((r) => r.messageId));
  if (!outcome.ok) return all;
  if (!reportBatchItemFailures) return new Set();
  const result = outcome.result as { batchItemFailures?: unknown } | null;
  if (result === null || typeof result !== 'object' || result.batchItemFailures === undefined || result.batchItemFailures === null)
    return new Set();
  if (!Array.isArray(result.batchItemFailures)) return all;
  const failed = new Set<string>();
  for (const f of result.batchItemFailures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}

export class QueueMapping {
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  readonly stats = { invocations: 0, deleted: 0, failed: 0 };

  constructor(
    readonly mapping: QueueMappingModel,
    private readonly deps: {
      queues: Queues;
      activity: Activity;
      invoke: (records: SqsRecord[]) => Promise<InvokeOutcome>;
      windowDelayMs: (seconds: number) => number;
      pollIntervalMs: number;
      log: (line: string) => void;
    },
  ) {}

  /** True when no batch is in flight and the queue holds nothing this mapping will receive again. */
  get idle(): boolean {
    return this.running === undefined && !this.deps.queues.pending(this.mapping.queueName);
  }

  start(): void {
    this.schedule(0);
  }

  stop(): Promise<void> | undefined {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.deps.activity.stopped || this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.poll()
        .catch((e) => this.deps.log(`${this.mapping.logicalId}: poller crashed: ${(e as Error).stack ?? String(e)}`))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.deps.pollIntervalMs);
        });
    }, ms);
  }

  private async poll(): Promise<void> {
    const { queues, activity } = this.deps;
    const q = queues.model(this.mapping.queueName);
    for (;;) {
      if (activity.stopped) return;
      let batch = queues.receive(q.name, this.mapping.batchSize);
      if (batch.length === 0) return;
      if (batch.length < this.mapping.batchSize && this.mapping.batchingWindowSeconds > 0) {
        await activity.sleep(this.deps.windowDelayMs(this.mapping.batchingWindowSeconds));
        // A message whose visibility ran out during the window comes again: keep its latest receipt only.
        const more = queues.receive(q.name, this.mapping.batchSize - batch.length);
        batch = [...batch.filter((m) => !more.some((x) => x.MessageId === m.MessageId)), ...more];
      }
      const records = batch.map((m) => toSqsRecord(m, q.arn));
      this.stats.invocations++;
      const outcome = await this.deps.invoke(records);
      if (activity.stopped) return;
      const failed = failedMessageIds(records, outcome, this.mapping.reportBatchItemFailures);
      for (const r of records) {
        if (failed.has(r.messageId)) continue;
        try {
          queues.delete(q.name, r.receiptHandle);
          this.stats.deleted++;
        } catch (e) {
          // As in AWS: the visibility timeout ran out before the function finished; the message comes again.
          this.deps.log(`${this.mapping.logicalId}: could not delete message ${r.messageId}: ${(e as Error).message}`);
        }
      }
      this.stats.failed += failed.size;
    }
  }
}
