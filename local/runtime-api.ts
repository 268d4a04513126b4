/** The local runtime's public surface: how to start it, and what tests and tools can do with a running one. */
import type { CfnTemplate, TemplateModel } from './template';
import type { EventEnvelope, PublishObserver, PutEventsOutput, RecordedEvent } from './eventbridge';
import type { InvokeHook, InvokeObserver } from './functions';
import type { IamDenial } from './iam/gate';
import type { InvokeOutcome } from './lambda';

export interface LocalRuntimeOptions {
  /** The synthesized CloudFormation template (e.g. `synthTemplate()` from infra/synth). */
  template: CfnTemplate;
  dynamoEndpoint: string;
  sesEndpoint: string;
  /** Local name of the template's table. */
  tableName: string;
  /** Refuse templates AWS would refuse or advise against (aws-compat.ts). Default true. */
  strict?: boolean;
  /** HTTP port for the EventBridge/Lambda/SQS endpoint; 0 (default) = any free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** DynamoDB stream and SQS poll interval (default 100 ms). */
  pollIntervalMs?: number;
  log?: (line: string) => void;
  /** Absolute path of a function's handler module (default lambdas/<name>/handler.ts). */
  resolveHandlerModule?: (name: string) => string;
  /** Delay before retry n (n >= 1) of an async invocation or a stream batch. Default 50 ms · 2^(n-1), at most 2 s. */
  retryDelayMs?: (retry: number) => number;
  /**
   * Local duration of an SQS time setting of `seconds` (visibility timeout, batching window, message delay).
   * Default seconds · 20 ms, at most 2 s (a 30 s visibility timeout takes 600 ms locally).
   */
  queueDelayMs?: (seconds: number) => number;
  /** Directory to also write S3 bucket objects to (<dir>/<bucket>/<key>); default in memory only. */
  bucketDir?: string;
  /** Clock control exposed as GET/POST /_local/clock ({ offsetMs }), for tools in another process. */
  clock?: { get(): number; set(offsetMs: number): void };
  /**
   * Evaluate IAM as AWS would (local/iam): every SDK call a handler makes, as its execution role, and the template's
   * deliveries. Default on; `false`, or COURTESY_LOCAL_IAM=off in the environment, turns it off.
   */
  iam?: boolean;
  /** Told of every invocation's outcome and every event a bus accepts (e.g. the contract tests' checks). */
  observe?: RuntimeObserver;
}

/** Watches the runtime without changing it: called after the fact, and must not throw. */
export interface RuntimeObserver extends InvokeObserver, PublishObserver {}

export interface LocalRuntime {
  /** Base URL of the EventBridge / Lambda / SQS endpoint, e.g. http://127.0.0.1:4010 */
  readonly url: string;
  readonly port: number;
  readonly model: TemplateModel;
  readonly tableName: string;
  /** The table's stream ARN as handlers see it in records (eventSourceARN). */
  readonly streamArn: string | undefined;
  /** The same stream's ARN as DynamoDB Local names it (for the DynamoDB Streams API, e.g. to read failed batches back). */
  readonly localStreamArn: string | undefined;
  /** Every event accepted on any bus, in order: the envelopes targets get. */
  readonly events: EventEnvelope[];
  /** The same events with their bus and the rules that matched (also GET /_local/events). */
  readonly eventLog: RecordedEvent[];
  /** Message bodies in each queue (waiting or in flight), by queue name; a fresh snapshot on every read. */
  readonly queues: Record<string, unknown[]>;
  /** Objects in each bucket (S3 failure destinations), key → parsed body; a fresh snapshot on every read. */
  readonly buckets: Record<string, Record<string, unknown>>;
  /** Every IAM denial so far (calls and deliveries AWS would refuse); empty with IAM evaluation off. */
  readonly iamDenials: readonly IamDenial[];
  /** Environment variables the runtime set for the handlers. */
  readonly env: Readonly<Record<string, string>>;
  /** Synchronous (RequestResponse) invocation; resolves with the result, rejects with FunctionError. */
  invoke(functionName: string, payload?: unknown): Promise<unknown>;
  /** Asynchronous (Event) invocation with the function's retry / destination settings. Returns the request id. */
  invokeAsync(functionName: string, payload?: unknown): string;
  /** In-process PutEvents (same semantics as the HTTP endpoint). */
  putEvents(entries: unknown): PutEventsOutput;
  /** Send a message to a queue of the template (as SendMessage does). */
  sendMessage(queue: string, body: string): string;
  /** Fire a rule's targets now with a "Scheduled Event" (for schedule rules), by rule logical id or name. */
  triggerRule(rule: string): EventEnvelope;
  setInvokeHook(hook: InvokeHook | undefined): void;
  /** Resolves when the stream is drained, every mapping and queue is idle and no invocation is pending. */
  idle(timeoutMs?: number): Promise<void>;
  /** Forget recorded events and empty every queue and bucket. */
  clearRecorded(): void;
  stop(): Promise<void>;
}
