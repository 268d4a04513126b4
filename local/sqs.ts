/**
 * The template's SQS queues, in memory: send, receive with a visibility timeout, delete, the redrive policy
 * (after maxReceiveCount receives a message moves to the dead-letter queue), retention, and a message move
 * task back from a dead-letter queue. Time-based settings are scaled by `visibilityDelayMs` locally.
 * sqs-protocol.ts serves the SQS JSON protocol over them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sqsError } from './aws-errors';
import { LOCAL_ACCOUNT } from './cfn';
import type { Activity } from './activity';
import type { QueueModel } from './template-model';

export interface QueueMessage {
  messageId: string;
  body: string;
  md5: string;
  sentAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** Epoch ms before which the message is invisible (delay or in flight). */
  visibleAt: number;
  receiptHandle?: string;
  /** ARN of the queue a redriven message came from (for StartMessageMoveTask without a destination). */
  deadLetterSourceArn?: string;
}

export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes: Record<string, string>;
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const MAX_MESSAGE_BYTES = 256 * 1024;

export class Queues {
  private readonly messages = new Map<string, QueueMessage[]>();
  private readonly byName = new Map<string, QueueModel>();

  constructor(
    models: QueueModel[],
    private readonly activity: Activity,
    /** Local delay for a visibility timeout of `seconds` (scaled down like the retry delays). */
    private readonly visibilityDelayMs: (seconds: number) => number,
    readonly log: (line: string) => void,
    private readonly baseUrl: () => string,
  ) {
    for (const q of models) {
      this.byName.set(q.name, q);
      this.messages.set(q.name, []);
    }
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  model(name: string): QueueModel {
    const q = this.byName.get(name);
    if (!q) throw sqsError('QueueDoesNotExist', `The specified queue ${name} does not exist.`);
    return q;
  }

  /** Queue by URL (any host: the template's https://sqs.<region>.amazonaws.com/<account>/<name> or this runtime's), ARN or name. */
  resolve(ref: unknown): QueueModel {
    if (typeof ref !== 'string' || ref === '') throw sqsError('MissingParameter', 'The request must contain the parameter QueueUrl.');
    const name = ref.startsWith('arn:') ? ref.split(':').pop()! : ref.split('/').pop()!;
    return this.model(name);
  }

  url(name: string): string {
    return `${this.baseUrl()}/${LOCAL_ACCOUNT}/${name}`;
  }

  private list(name: string): QueueMessage[] {
    this.model(name);
    const now = Date.now();
    const q = this.byName.get(name)!;
    const list = this.messages.get(name)!;
    const kept = list.filter((m) => now - m.sentAt < q.retentionSeconds * 1000);
    if (kept.length !== list.length) this.messages.set(name, kept);
    return this.messages.get(name)!;
  }

  send(name: string, body: string, delaySeconds = 0): QueueMessage {
    if (Buffer.byteLength(body, 'utf8') > MAX_MESSAGE_BYTES)
      throw sqsError('InvalidParameterValue', `Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`);
    const now = Date.now();
    const m: QueueMessage = {
      messageId: randomUUID(),
      body,
      md5: md5(body),
      sentAt: now,
      receiveCount: 0,
      visibleAt: now + (delaySeconds ? this.visibilityDelayMs(delaySeconds) : 0),
    };
    this.list(name).push(m);
    this.activity.mark();
    this.log(`→ queue ${name} (${this.list(name).length} messages)`);
    return m;
  }

  /** Receive up to `max` visible messages; a message past maxReceiveCount moves to the dead-letter queue instead. */
  receive(name: string, max: number, visibilitySeconds?: number): ReceivedMessage[] {
    const q = this.model(name);
    const now = Date.now();
    const out: ReceivedMessage[] = [];
    const list = this.list(name);
    for (const m of [...list]) {
      if (out.length >= max) break;
      if (m.visibleAt > now) continue;
      if (q.redrive && m.receiveCount >= q.redrive.maxReceiveCount) {
        list.splice(list.indexOf(m), 1);
        this.list(q.redrive.deadLetterQueue).push({ ...m, visibleAt: now, deadLetterSourceArn: q.arn });
        delete m.receiptHandle;
        this.log(
          `queue ${name}: message ${m.messageId.slice(0, 8)} → dead-letter queue ${q.redrive.deadLetterQueue} after ${m.receiveCount} receives`,
        );
        continue;
      }
      m.receiveCount++;
      m.firstReceiveAt ??= now;
      m.receiptHandle = `${m.messageId}#${randomUUID()}`;
      m.visibleAt = now + this.visibilityDelayMs(visibilitySeconds ?? q.visibilityTimeoutSeconds);
      out.push({
        MessageId: m.messageId,
        ReceiptHandle: m.receiptHandle,
        MD5OfBody: m.md5,
        Body: m.body,
        Attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          SenderId: LOCAL_ACCOUNT,
          ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt),
        },
      });
    }
    if (out.length) this.activity.mark();
    return out;
  }

  delete(name: string, receiptHandle: unknown): void {
    if (typeof receiptHandle !== 'string') throw sqsError('ReceiptHandleIsInvalid', 'The receipt handle is missing.');
    const list = this.list(name);
    const i = list.findIndex((m) => m.receiptHandle === receiptHandle);
    if (i < 0) {
      if (!list.some((m) => receiptHandle.startsWith(`${m.messageId}#`))) return; // already deleted: SQS answers success
      throw sqsError('ReceiptHandleIsInvalid', 'The receipt handle has expired.');
    }
    list.splice(i, 1);
    this.activity.mark();
  }

  /** Make a received message visible again at once (ChangeMessageVisibility 0). */
  release(name: string, receiptHandle: string): void {
    const m = this.list(name).find((x) => x.receiptHandle === receiptHandle);
    if (m) m.visibleAt = Date.now();
  }

  /** Move every message of a dead-letter queue back to its source queue (or `destination`). */
  moveMessages(sourceArn: string, destinationArn?: string): number {
    const src = this.resolve(sourceArn);
    const list = this.list(src.name);
    const moved = list.splice(0, list.length);
    for (const m of moved) {
      const target = destinationArn ?? m.deadLetterSourceArn;
      if (!target) throw sqsError('InvalidParameterValue', `message ${m.messageId} has no source queue; pass DestinationArn`);
      const { deadLetterSourceArn: _drop, ...rest } = m;
      this.list(this.resolve(target).name).push({
        ...rest,
        messageId: randomUUID(),
        receiveCount: 0,
        visibleAt: Date.now(),
        sentAt: Date.now(),
      });
    }
    this.activity.mark();
    return moved.length;
  }

  /** Message bodies (JSON-parsed where possible) of every queue, in order, visible or in flight. */
  snapshot(): Record<string, unknown[]> {
    const out: Record<string, unknown[]> = {};
    for (const name of this.names) out[name] = this.list(name).map((m) => parseMaybe(m.body));
    return out;
  }

  /** True if a message of `name` is waiting or in flight (will be delivered again). */
  pending(name: string): boolean {
    return this.list(name).length > 0;
  }

  purgeAll(): void {
    for (const name of this.names) this.messages.set(name, []);
  }

  /** Counts of a queue's messages: visible now, and in flight or delayed. */
  counts(name: string): { visible: number; inFlight: number } {
    const now = Date.now();
    const list = this.list(name);
    const visible = list.filter((m) => m.visibleAt <= now).length;
    return { visible, inFlight: list.length - visible };
  }
}

function parseMaybe(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
