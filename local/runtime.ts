/**
 * The local runtime: runs the REAL handler modules in-process, wired exactly as the synthesized
 * CloudFormation template wires them in AWS.
 *
 * - EventBridge: an HTTP endpoint speaking the AWS JSON 1.1 PutEvents protocol (so @aws-sdk/client-eventbridge
 *   works with an endpoint override); matching rules invoke their targets asynchronously with the retry and
 *   on-failure destination settings of the function's EventInvokeConfig.
 * - Lambda: POST /2015-03-31/functions/{name}/invocations (so @aws-sdk/client-lambda works), and `invoke()`.
 * - DynamoDB Streams: polls the table's stream and feeds every event-source mapping (filters, batch size,
 *   partial batch responses, bisect, retries, on-failure destination).
 * - On-failure destinations and dead-letter queues are in-memory named queues (`runtime.queues`).
 *
 * Handlers see the union of the functions' environment variables plus endpoint overrides that point the AWS
 * SDK at DynamoDB Local, the SES emulator and this runtime.
 */
import http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Context } from 'aws-lambda';
import {
  arnFor,
  defaultLocalName,
  loadTemplate,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type CfnTemplate,
  type DestinationModel,
  type FunctionModel,
  type InvokeConfigModel,
  type RuleModel,
  type RuleTargetModel,
  type TemplateModel,
} from './template';
import {
  callHandler,
  createContext,
  FunctionError,
  serializeError,
  type Handler,
  type InvokeOutcome,
  type SerializedError,
} from './lambda';
import { MappingProcessor, type DiscardedBatch } from './esm';
import { rewriteStreamArnRegion, StreamPoller, toLambdaStreamRecord, type LambdaStreamRecord, type PollCycle } from './streams';

export { FunctionError } from './lambda';

/** Repository root (this file lives in <root>/local). */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** Default handler module of a catalogue function: lambdas/<name>/handler.ts, export `handler`. */
export function defaultHandlerModule(name: string): string {
  return path.join(REPO_ROOT, 'lambdas', name, 'handler.ts');
}

export interface LocalRuntimeOptions {
  /** The synthesized CloudFormation template (e.g. `synthTemplate()` from infra/synth). */
  template: CfnTemplate;
  dynamoEndpoint: string;
  sesEndpoint: string;
  /** Local name of the template's table. */
  tableName: string;
  /** HTTP port for the EventBridge/Lambda endpoint; 0 (default) = any free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** DynamoDB stream poll interval (default 100 ms). */
  pollIntervalMs?: number;
  log?: (line: string) => void;
  /** Absolute path of a function's handler module (default lambdas/<name>/handler.ts). */
  resolveHandlerModule?: (name: string) => string;
  /** Delay before retry n (n >= 1) of an async invocation or a stream batch. Default 50 ms · 2^(n-1), at most 2 s. */
  retryDelayMs?: (retry: number) => number;
  /**
   * Optional clock control exposed as GET/POST /_local/clock ({ offsetMs }), for tools in another process
   * (npm start wires it to lambdas/shared/clock).
   */
  clock?: { get(): number; set(offsetMs: number): void };
}

/** The EventBridge event envelope, as targets receive it. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: any;
}

export interface RecordedEvent {
  eventBusName: string;
  event: EventEnvelope;
  /** Names (logical ids) of the rules that matched. */
  matchedRules: string[];
}

export interface PutEventsEntryInput {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  /** Epoch seconds (as the JSON protocol sends it), a Date or an ISO string. */
  Time?: number | string | Date;
}

export interface PutEventsOutput {
  FailedEntryCount: number;
  Entries: Array<{ EventId: string } | { ErrorCode: string; ErrorMessage: string }>;
}

/** Wraps every handler invocation (all sources). Call `next` to run the handler (optionally with another event). */
export type InvokeHook = (functionName: string, event: unknown, next: (event?: unknown) => Promise<unknown>) => unknown;

export interface LocalRuntime {
  /** Base URL of the EventBridge / Lambda endpoint, e.g. http://127.0.0.1:4010 */
  readonly url: string;
  readonly port: number;
  readonly model: TemplateModel;
  readonly tableName: string;
  /** The table's stream ARN as handlers see it in records (eventSourceARN). */
  readonly streamArn: string | undefined;
  /** Every event accepted on any bus (PutEvents entries, destination events), in order: the envelopes targets get. */
  readonly events: EventEnvelope[];
  /** The same events with their bus and the rules that matched (also GET /_local/events). */
  readonly eventLog: RecordedEvent[];
  /** In-memory queues (on-failure destinations, DLQs, queue targets) by local queue name: message bodies in order. */
  readonly queues: Record<string, unknown[]>;
  /** Environment variables the runtime set for the handlers. */
  readonly env: Readonly<Record<string, string>>;
  /** Synchronous (RequestResponse) invocation; resolves with the result, rejects with FunctionError. */
  invoke(functionName: string, payload?: unknown): Promise<unknown>;
  /** Asynchronous (Event) invocation with the function's retry / destination settings. Returns the request id. */
  invokeAsync(functionName: string, payload?: unknown): string;
  /** In-process PutEvents (same semantics as the HTTP endpoint). */
  putEvents(entries: PutEventsEntryInput[]): PutEventsOutput;
  /** Fire a rule's targets now with a "Scheduled Event" (for schedule rules), by rule logical id or name. */
  triggerRule(rule: string): EventEnvelope;
  setInvokeHook(hook: InvokeHook | undefined): void;
  /** Resolves when the stream is drained, every mapping is idle and no invocation is pending. */
  idle(timeoutMs?: number): Promise<void>;
  /** Forget recorded events and empty every queue. */
  clearRecorded(): void;
  stop(): Promise<void>;
}

const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime> {
  const runtime = new Runtime(opts);
  await runtime.start();
  return runtime;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

class Runtime implements LocalRuntime {
  readonly model: TemplateModel;
  readonly tableName: string;
  readonly events: EventEnvelope[] = [];
  readonly eventLog: RecordedEvent[] = [];
  readonly queues: Record<string, unknown[]> = {};
  env: Record<string, string> = {};
  streamArn: string | undefined;
  port = 0;
  url = '';

  private readonly log: (line: string) => void;
  private readonly pollIntervalMs: number;
  private readonly retryDelay: (retry: number) => number;
  private readonly resolveModule: (name: string) => string;
  private readonly functionEnv: Record<string, string>;
  private readonly server: http.Server;
  private readonly ddb: DynamoDBClient;
  private readonly streams: DynamoDBStreamsClient;
  private readonly modules = new Map<string, Promise<Handler>>();
  private readonly processors: Array<{ mapping: TemplateModel['eventSourceMappings'][number]; processor: MappingProcessor }> = [];
  private readonly savedEnv = new Map<string, string | undefined>();
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private poller: StreamPoller | undefined;
  private hook: InvokeHook | undefined;
  private inflight = 0;
  private pendingAsync = 0;
  private lastActivityAt = Date.now();
  private quietCycles = 0;
  private stopped = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly opts: LocalRuntimeOptions) {
    this.tableName = opts.tableName;
    this.log = opts.log ?? (() => {});
    this.pollIntervalMs = opts.pollIntervalMs ?? 100;
    this.retryDelay = opts.retryDelayMs ?? ((n) => Math.min(2000, 50 * 2 ** (n - 1)));
    this.resolveModule = opts.resolveHandlerModule ?? defaultHandlerModule;
    this.model = loadTemplate(opts.template, {
      names: (id, r) =>
        r.Type === 'AWS::DynamoDB::Table' || r.Type === 'AWS::DynamoDB::GlobalTable' ? opts.tableName : defaultLocalName(id, r),
    });
    this.functionEnv = unionEnvironment(this.model.functions);
    for (const q of this.model.queues) this.queues[q.name] = [];
    this.server = http.createServer((req, res) => void this.route(req, res));
    const client = { endpoint: opts.dynamoEndpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    this.ddb = new DynamoDBClient(client);
    this.streams = new DynamoDBStreamsClient(client);
  }

  // ---- lifecycle -----------------------------------------------------------------------------------

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    const host = this.opts.host && this.opts.host !== '0.0.0.0' && this.opts.host !== '::' ? this.opts.host : '127.0.0.1';
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
    try {
      this.applyEnvironment();
      await this.createTable();
      this.startStreams();
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.log(
      `local runtime on ${this.url}: ${this.model.functions.length} functions, ${this.model.rules.length} rules, ${this.processors.length} stream mappings, table ${this.tableName}`,
    );
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      for (const s of this.sleeps) {
        clearTimeout(s.timer);
        s.resolve();
      }
      this.sleeps.clear();
      for (const p of this.processors) p.processor.stop();
      await this.poller?.stop();
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
      this.ddb.destroy();
      this.streams.destroy();
      for (const [k, v] of this.savedEnv) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      this.savedEnv.clear();
    })();
    return this.stopping;
  }

  private applyEnvironment(): void {
    const overrides: Record<string, string | undefined> = {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_ENDPOINT_URL: undefined,
      AWS_ENDPOINT_URL_DYNAMODB: this.opts.dynamoEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: this.opts.dynamoEndpoint,
      AWS_ENDPOINT_URL_SESV2: this.opts.sesEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: this.url,
      AWS_ENDPOINT_URL_LAMBDA: this.url,
    };
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.functionEnv)) {
      if (k in overrides) this.log(`note: function environment sets ${k}; the local runtime overrides it`);
      else env[k] = v;
    }
    for (const [k, v] of Object.entries(overrides)) if (v !== undefined) env[k] = v;
    const set = (k: string, v: string | undefined) => {
      if (!this.savedEnv.has(k)) this.savedEnv.set(k, process.env[k]);
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    };
    for (const [k, v] of Object.entries(overrides)) set(k, v);
    for (const [k, v] of Object.entries(env)) set(k, v);
    this.env = env;
  }

  private async createTable(): Promise<void> {
    const t = this.model.table;
    try {
      await this.ddb.send(new CreateTableCommand(t.createTableInput));
    } catch (e) {
      if (!(e instanceof ResourceInUseException) && (e as Error).name !== 'ResourceInUseException') throw e;
    }
    let described = await this.ddb.send(new DescribeTableCommand({ TableName: this.tableName }));
    for (let i = 0; i < 100 && described.Table?.TableStatus !== 'ACTIVE'; i++) {
      await this.sleep(50);
      described = await this.ddb.send(new DescribeTableCommand({ TableName: this.tableName }));
    }
    if (t.ttlAttribute) {
      try {
        await this.ddb.send(
          new UpdateTimeToLiveCommand({
            TableName: this.tableName,
            TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true },
          }),
        );
      } catch (e) {
        if (!/already enabled/i.test((e as Error).message)) throw e;
      }
    }
    const localArn = described.Table?.LatestStreamArn;
    if (t.streamViewType && !localArn)
      throw new Error(`table ${this.tableName} exists without a stream; the template needs ${t.streamViewType}`);
    if (localArn) this.streamArn = rewriteStreamArnRegion(localArn, LOCAL_REGION);
    this.localStreamArn = localArn;
  }

  private localStreamArn: string | undefined;

  private startStreams(): void {
    for (const mapping of this.model.eventSourceMappings) {
      if (!mapping.enabled) continue;
      if (mapping.tableLogicalId !== this.model.table.logicalId) continue;
      const fn = this.functionByName(mapping.functionName);
      const processor = new MappingProcessor(mapping, {
        invoke: (records) => this.invokeFunction(fn, { Records: records }),
        onDiscard: (batch) => this.discard(mapping, fn, batch),
        backoff: (n) => this.sleep(this.retryDelay(n)),
        log: this.log,
      });
      this.processors.push({ mapping, processor });
    }
    if (this.processors.length === 0 || !this.localStreamArn) return;
    this.poller = new StreamPoller({
      client: this.streams,
      streamArn: this.localStreamArn,
      intervalMs: this.pollIntervalMs,
      onRecords: (records) => {
        this.markActivity();
        const normalized = records.map((r) => this.normalize(r));
        for (const { processor } of this.processors) processor.enqueue(normalized);
      },
      onCycle: (c) => this.onCycle(c),
      log: this.log,
    });
    this.poller.start();
  }

  /** SDK stream record → the Lambda event shape, TTL deletions normalized to AWS's REMOVE by the service principal. */
  private normalize(r: Parameters<typeof toLambdaStreamRecord>[0]): LambdaStreamRecord {
    return toLambdaStreamRecord(r, { streamArn: this.streamArn!, region: LOCAL_REGION });
  }

  // ---- idle tracking -------------------------------------------------------------------------------

  private markActivity(): void {
    this.lastActivityAt = Date.now();
    this.quietCycles = 0;
  }

  private lastPollError: unknown;

  private onCycle(c: PollCycle): void {
    this.lastPollError = c.error;
    if (c.records === 0 && !c.error && c.startedAt > this.lastActivityAt) this.quietCycles++;
    else this.quietCycles = 0;
  }

  private isQuiet(): boolean {
    if (this.inflight > 0 || this.pendingAsync > 0) return false;
    if (!this.processors.every((p) => p.processor.idle)) return false;
    if (this.poller) return this.quietCycles >= 2;
    return Date.now() - this.lastActivityAt >= 2 * this.pollIntervalMs;
  }

  async idle(timeoutMs = 15_000): Promise<void> {
    if (this.stopped) throw new Error('runtime stopped');
    const deadline = Date.now() + timeoutMs;
    // Records written just before this call must be seen by a poll cycle that starts after it.
    this.markActivity();
    const step = Math.max(5, Math.min(25, Math.floor(this.pollIntervalMs / 2)));
    while (!this.isQuiet()) {
      if (this.stopped) throw new Error('runtime stopped');
      if (Date.now() > deadline) {
        const backlog = this.processors.map((p) => `${p.mapping.logicalId}:${p.processor.backlog}`).join(', ');
        const pollError = this.lastPollError
          ? `, stream polling failing: ${(this.lastPollError as Error).message ?? String(this.lastPollError)}`
          : '';
        throw new Error(
          `local runtime not idle after ${timeoutMs} ms (in flight ${this.inflight}, async pending ${this.pendingAsync}, mapping backlog ${backlog || 'none'}${pollError})`,
        );
      }
      await this.sleep(step);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.sleeps.add(entry);
    });
  }

  // ---- functions -----------------------------------------------------------------------------------

  setInvokeHook(hook: InvokeHook | undefined): void {
    this.hook = hook;
  }

  private findFunction(ref: string): FunctionModel | undefined {
    let name = decodeURIComponent(ref);
    if (name.startsWith('arn:')) name = name.split(':function:')[1] ?? '';
    name = name.split(':')[0]!;
    return this.model.functions.find((f) => f.name === name || f.logicalId === name);
  }

  private functionByName(ref: string): FunctionModel {
    const fn = this.findFunction(ref);
    if (!fn) {
      throw new HttpError(404, 'ResourceNotFoundException', `Function not found: ${arnFor('AWS::Lambda::Function', ref)}`);
    }
    return fn;
  }

  private loadHandler(fn: FunctionModel): Promise<Handler> {
    let loading = this.modules.get(fn.name);
    if (!loading) {
      const file = this.resolveModule(fn.name);
      loading = (async () => {
        let mod: any;
        try {
          mod = await import(file);
        } catch (e) {
          const err = new Error(`Cannot load ${file}: ${(e as Error).message ?? String(e)}`);
          err.name = 'Runtime.ImportModuleError';
          err.stack = `${err.name}: ${err.message}\n${(e as Error).stack ?? ''}`;
          throw err;
        }
        const handler = mod?.handler ?? mod?.default?.handler;
        if (typeof handler !== 'function') {
          const err = new Error(`${file} does not export a function "handler"`);
          err.name = 'Runtime.HandlerNotFound';
          throw err;
        }
        return handler as Handler;
      })();
      this.modules.set(fn.name, loading);
      loading.catch(() => this.modules.delete(fn.name));
    }
    return loading;
  }

  /** One invocation of one function (any source). Never throws. */
  private async invokeFunction(fn: FunctionModel, payload: unknown, clientContext?: Context['clientContext']): Promise<InvokeOutcome> {
    this.inflight++;
    this.markActivity();
    const requestId = randomUUID();
    const started = Date.now();
    let outcome: InvokeOutcome;
    try {
      const event = payload === undefined ? {} : JSON.parse(JSON.stringify(payload));
      const handler = await this.loadHandler(fn);
      const run = (e: unknown) => {
        const deadline = Date.now() + fn.timeoutSeconds * 1000;
        const context = createContext(
          {
            functionName: fn.name,
            functionArn: fn.arn,
            memoryMb: fn.memoryMb,
            timeoutSeconds: fn.timeoutSeconds,
            requestId,
            ...(clientContext ? { clientContext } : {}),
          },
          deadline,
        );
        return callHandler(handler, e, context, fn.timeoutSeconds);
      };
      const hook = this.hook;
      const result = hook
        ? await hook(fn.name, event, (e?: unknown) => run(e === undefined ? event : JSON.parse(JSON.stringify(e))))
        : await run(event);
      outcome = {
        ok: true,
        result: result === undefined ? null : JSON.parse(JSON.stringify(result)),
        requestId,
        durationMs: Date.now() - started,
      };
      this.log(`λ ${fn.name} ${requestId.slice(0, 8)} ok ${outcome.durationMs} ms`);
    } catch (e) {
      outcome = { ok: false, error: serializeError(e), requestId, durationMs: Date.now() - started };
      this.log(
        `λ ${fn.name} ${requestId.slice(0, 8)} FAILED ${outcome.durationMs} ms: ${outcome.error.errorType}: ${outcome.error.errorMessage}`,
      );
    } finally {
      this.inflight--;
      this.markActivity();
    }
    return outcome;
  }

  async invoke(functionName: string, payload?: unknown): Promise<unknown> {
    const fn = this.functionByName(functionName);
    const out = await this.invokeFunction(fn, payload);
    if (!out.ok) throw new FunctionError(fn.name, out.error);
    return out.result;
  }

  invokeAsync(functionName: string, payload?: unknown): string {
    return this.asyncInvoke(this.functionByName(functionName), payload ?? {});
  }

  private invokeConfig(fn: FunctionModel): InvokeConfigModel {
    return (
      this.model.invokeConfigs.find((c) => c.functionName === fn.name) ?? {
        logicalId: '(default)',
        functionName: fn.name,
        maximumRetryAttempts: 2,
      }
    );
  }

  /** Lambda's asynchronous invocation: retries per EventInvokeConfig, then the on-failure destination (or the function's DLQ). */
  private asyncInvoke(fn: FunctionModel, payload: unknown): string {
    const requestId = randomUUID();
    const config = this.invokeConfig(fn);
    this.pendingAsync++;
    this.markActivity();
    void (async () => {
      try {
        let attempts = 0;
        let last: InvokeOutcome | undefined;
        while (!this.stopped) {
          attempts++;
          last = await this.invokeFunction(fn, payload);
          if (last.ok || attempts > config.maximumRetryAttempts) break;
          await this.sleep(this.retryDelay(attempts));
        }
        if (this.stopped || !last) return;
        const record = {
          version: '1.0',
          timestamp: new Date().toISOString(),
          requestContext: {
            requestId,
            functionArn: `${fn.arn}:$LATEST`,
            condition: last.ok ? 'Success' : 'RetriesExhausted',
            approximateInvokeCount: attempts,
          },
          requestPayload: payload,
          responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(last.ok ? {} : { functionError: 'Unhandled' }) },
          responsePayload: last.ok ? last.result : last.error,
        };
        if (last.ok) {
          if (config.onSuccess) this.deliver(config.onSuccess, record, fn, 'Success');
        } else if (config.onFailure) {
          this.deliver(config.onFailure, record, fn, 'Failure');
        } else if (fn.deadLetter) {
          this.deliver(fn.deadLetter, payload, fn, 'Failure');
        } else {
          this.log(`λ ${fn.name}: async event dropped after ${attempts} attempts (no on-failure destination)`);
        }
      } finally {
        this.pendingAsync--;
        this.markActivity();
      }
    })().catch((e) => this.log(`λ ${fn.name}: async invocation bookkeeping failed: ${(e as Error).stack ?? String(e)}`));
    return requestId;
  }

  /** Send a destination record / dead letter somewhere. */
  private deliver(dest: DestinationModel, body: unknown, fn: FunctionModel, result: 'Success' | 'Failure'): void {
    switch (dest.kind) {
      case 'queue':
        (this.queues[dest.name] ??= []).push(body);
        this.log(`→ queue ${dest.name} (${this.queues[dest.name]!.length} messages)`);
        return;
      case 'bus':
        this.acceptEvent(dest.name, {
          source: 'lambda',
          detailType: `Lambda Function Invocation Result - ${result}`,
          detail: body,
          resources: [`${fn.arn}:$LATEST`],
        });
        return;
      case 'function':
        this.asyncInvoke(this.functionByName(dest.name), body);
        return;
      default:
        this.log(`destination ${dest.arn} is not run locally; dropped`);
    }
  }

  private discard(mapping: TemplateModel['eventSourceMappings'][number], fn: FunctionModel, batch: DiscardedBatch): void {
    const first = batch.records[0]!;
    const last = batch.records[batch.records.length - 1]!;
    const iso = (r: LambdaStreamRecord) => new Date((r.dynamodb.ApproximateCreationDateTime ?? 0) * 1000).toISOString();
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: randomUUID(),
        functionArn: `${fn.arn}:$LATEST`,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: batch.approximateInvokeCount,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(batch.error ? { functionError: 'Unhandled' } : {}) },
      ...(batch.error
        ? { responsePayload: batch.error }
        : { responsePayload: { batchItemFailures: (batch.batchItemFailures ?? []).map((id) => ({ itemIdentifier: id })) } }),
      DDBStreamBatchInfo: {
        startSequenceNumber: first.dynamodb.SequenceNumber,
        endSequenceNumber: last.dynamodb.SequenceNumber,
        approximateArrivalOfFirstRecord: iso(first),
        approximateArrivalOfLastRecord: iso(last),
        batchSize: batch.records.length,
        streamArn: this.streamArn,
      },
      /** Local extension (AWS sends only the batch info): the discarded records themselves. */
      records: batch.records,
    };
    if (mapping.onFailure) this.deliver(mapping.onFailure, record, fn, 'Failure');
    else this.log(`${mapping.logicalId}: discarded ${batch.records.length} records (no on-failure destination)`);
  }

  // ---- EventBridge -----------------------------------------------------------------------------------

  private busNames(): Set<string> {
    return new Set(['default', ...this.model.buses.map((b) => b.name)]);
  }

  putEvents(entries: PutEventsEntryInput[]): PutEventsOutput {
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      throw new HttpError(
        400,
        'ValidationException',
        "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10",
      );
    }
    const buses = this.busNames();
    const out: PutEventsOutput = { FailedEntryCount: 0, Entries: [] };
    for (const entry of entries) {
      const failed = (ErrorCode: string, ErrorMessage: string) => {
        out.FailedEntryCount++;
        out.Entries.push({ ErrorCode, ErrorMessage });
      };
      let bus = entry.EventBusName ?? 'default';
      if (bus.startsWith('arn:')) bus = bus.includes(':event-bus/') ? bus.slice(bus.indexOf(':event-bus/') + 11) : bus;
      if (!buses.has(bus)) {
        failed('ResourceNotFoundException', `Event bus ${bus} does not exist.`);
        continue;
      }
      if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
        failed('InvalidArgument', 'Parameters Source, DetailType and Detail are required.');
        continue;
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        detail = undefined;
      }
      if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
        failed('MalformedDetail', 'Detail is malformed.');
        continue;
      }
      const envelope = this.acceptEvent(bus, {
        source: entry.Source,
        detailType: entry.DetailType,
        detail,
        resources: entry.Resources ?? [],
        ...(entry.Time !== undefined ? { time: toDate(entry.Time) } : {}),
      });
      out.Entries.push({ EventId: envelope.id });
    }
    return out;
  }

  /** Record an event on a bus and deliver it to every matching rule's targets. */
  private acceptEvent(
    bus: string,
    e: { source: string; detailType: string; detail: unknown; resources?: string[]; time?: Date },
  ): EventEnvelope {
    const envelope: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': e.detailType,
      source: e.source,
      account: LOCAL_ACCOUNT,
      time: isoSeconds(e.time ?? new Date()),
      region: LOCAL_REGION,
      resources: e.resources ?? [],
      detail: e.detail,
    };
    const matched = this.model.rules.filter((r) => r.enabled && r.busName === bus && r.matcher && r.matcher(envelope));
    this.events.push(envelope);
    this.eventLog.push({ eventBusName: bus, event: envelope, matchedRules: matched.map((r) => r.logicalId) });
    this.markActivity();
    this.log(`event ${e.source}/${e.detailType} on ${bus} → ${matched.length ? matched.map((r) => r.logicalId).join(', ') : 'no rule'}`);
    for (const rule of matched) for (const t of rule.targets) this.deliverToTarget(rule, t, envelope);
    return envelope;
  }

  private deliverToTarget(rule: RuleModel, target: RuleTargetModel, envelope: EventEnvelope): void {
    let input: unknown;
    try {
      input = transformInput(target, envelope, rule, arnFor('AWS::Events::Rule', rule.name));
    } catch (e) {
      this.log(`rule ${rule.logicalId} target ${target.id}: input transformation failed: ${(e as Error).message}`);
      if (target.deadLetter) this.deliverRaw(target.deadLetter, envelope);
      return;
    }
    switch (target.target.kind) {
      case 'function':
        this.asyncInvoke(this.functionByName(target.target.name), input);
        return;
      case 'queue':
        (this.queues[target.target.name] ??= []).push(input);
        return;
      case 'bus':
        this.acceptEvent(target.target.name, {
          source: envelope.source,
          detailType: envelope['detail-type'],
          detail: envelope.detail,
          resources: envelope.resources,
          time: new Date(envelope.time),
        });
        return;
      default:
        this.log(`rule ${rule.logicalId} target ${target.arn} is not run locally`);
    }
  }

  private deliverRaw(dest: DestinationModel, body: unknown): void {
    if (dest.kind === 'queue') (this.queues[dest.name] ??= []).push(body);
    else this.log(`dead letter to ${'arn' in dest ? dest.arn : '?'} dropped`);
  }

  triggerRule(ref: string): EventEnvelope {
    const rule = this.model.rules.find((r) => r.logicalId === ref || r.name === ref);
    if (!rule) throw new Error(`no rule ${ref} in the template (rules: ${this.model.rules.map((r) => r.logicalId).join(', ')})`);
    const envelope: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT,
      time: isoSeconds(new Date()),
      region: LOCAL_REGION,
      resources: [arnFor('AWS::Events::Rule', rule.name)],
      detail: {},
    };
    this.markActivity();
    for (const t of rule.targets) this.deliverToTarget(rule, t, envelope);
    return envelope;
  }

  clearRecorded(): void {
    this.events.length = 0;
    this.eventLog.length = 0;
    for (const q of Object.values(this.queues)) q.length = 0;
  }

  // ---- HTTP ------------------------------------------------------------------------------------------

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const target = req.headers['x-amz-target'];
      if (req.method === 'GET' && url.pathname === '/_local/health') {
        return sendJson(res, 200, {
          ok: !this.stopped,
          url: this.url,
          table: this.tableName,
          streamArn: this.streamArn,
          functions: this.model.functions.map((f) => f.name),
          rules: this.model.rules.map((r) => r.logicalId),
          mappings: this.processors.map((p) => ({
            mapping: p.mapping.logicalId,
            function: p.mapping.functionName,
            backlog: p.processor.backlog,
            ...p.processor.stats,
          })),
          queues: Object.fromEntries(Object.entries(this.queues).map(([k, v]) => [k, v.length])),
          events: this.events.length,
          inflight: this.inflight,
          pendingAsync: this.pendingAsync,
        });
      }
      if (req.method === 'GET' && url.pathname === '/_local/events') return sendJson(res, 200, this.eventLog);
      if (url.pathname === '/_local/clock' && this.opts.clock) {
        if (req.method === 'POST') {
          const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { offsetMs?: unknown };
          if (typeof body.offsetMs !== 'number' || !Number.isFinite(body.offsetMs))
            throw new HttpError(400, 'ValidationException', 'body must be {"offsetMs": number}');
          this.opts.clock.set(body.offsetMs);
          this.log(`clock offset set to ${body.offsetMs} ms`);
        }
        return sendJson(res, 200, { offsetMs: this.opts.clock.get(), now: new Date(Date.now() + this.opts.clock.get()).toISOString() });
      }
      if (req.method === 'GET' && url.pathname === '/_local/queues') return sendJson(res, 200, this.queues);
      if (req.method === 'POST' && typeof target === 'string' && url.pathname === '/')
        return await this.handleJsonProtocol(req, res, target);
      const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
      if (req.method === 'POST' && m) return await this.handleInvoke(req, res, m[1]!);
      sendJson(res, 404, { message: `no route for ${req.method} ${url.pathname}` });
    } catch (e) {
      if (e instanceof HttpError) {
        res.setHeader('x-amzn-ErrorType', e.type);
        return sendJson(
          res,
          e.status,
          { __type: e.type, Type: 'User', message: e.message },
          req.headers['x-amz-target'] ? 'application/x-amz-json-1.1' : 'application/json',
        );
      }
      this.log(`http error: ${(e as Error).stack ?? String(e)}`);
      sendJson(res, 500, { __type: 'InternalException', message: (e as Error).message });
    }
  }

  private async handleJsonProtocol(req: http.IncomingMessage, res: http.ServerResponse, target: string): Promise<void> {
    const [service, operation] = target.split('.');
    if (service !== 'AWSEvents' || operation !== 'PutEvents') {
      throw new HttpError(400, 'UnknownOperationException', `${target} is not supported by the local runtime (only AWSEvents.PutEvents)`);
    }
    const body = await readBody(req);
    let input: { Entries?: PutEventsEntryInput[] };
    try {
      input = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      throw new HttpError(400, 'SerializationException', 'request body is not JSON');
    }
    sendJson(res, 200, this.putEvents(input.Entries ?? []), 'application/x-amz-json-1.1');
  }

  private async handleInvoke(req: http.IncomingMessage, res: http.ServerResponse, rawName: string): Promise<void> {
    const fn = this.functionByName(rawName);
    const body = await readBody(req);
    if (body.length > MAX_PAYLOAD_BYTES)
      throw new HttpError(413, 'RequestTooLargeException', 'Request must be smaller than 6291456 bytes for the InvokeFunction operation');
    let payload: unknown = {};
    if (body.length > 0) {
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        throw new HttpError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
      }
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'DryRun') {
      res.writeHead(204).end();
      return;
    }
    if (type === 'Event') {
      const id = this.asyncInvoke(fn, payload);
      res.writeHead(202, { 'x-amzn-RequestId': id }).end();
      return;
    }
    if (type !== 'RequestResponse') throw new HttpError(400, 'InvalidParameterValueException', `invalid invocation type ${type}`);
    let clientContext: Context['clientContext'] | undefined;
    const cc = req.headers['x-amz-client-context'];
    if (typeof cc === 'string' && cc) {
      try {
        clientContext = JSON.parse(Buffer.from(cc, 'base64').toString('utf8'));
      } catch {
        throw new HttpError(400, 'InvalidParameterValueException', 'Client context must be base64-encoded JSON');
      }
    }
    const out = await this.invokeFunction(fn, payload, clientContext);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Amz-Executed-Version': '$LATEST',
      'x-amzn-RequestId': out.requestId,
    };
    if (!out.ok) headers['X-Amz-Function-Error'] = 'Unhandled';
    if (req.headers['x-amz-log-type'] === 'Tail') {
      const tail = `START RequestId: ${out.requestId} Version: $LATEST\nEND RequestId: ${out.requestId}\nREPORT RequestId: ${out.requestId}\tDuration: ${out.durationMs} ms\n`;
      headers['X-Amz-Log-Result'] = Buffer.from(tail).toString('base64');
    }
    const payloadOut: unknown = out.ok ? out.result : out.error;
    res.writeHead(200, headers).end(JSON.stringify(payloadOut));
  }
}

// ---- helpers -----------------------------------------------------------------------------------------

/** Union of the functions' environments; a variable two functions set differently is an error. */
export function unionEnvironment(functions: FunctionModel[]): Record<string, string> {
  const env: Record<string, string> = {};
  const owner: Record<string, string> = {};
  for (const f of functions) {
    for (const [k, v] of Object.entries(f.env)) {
      if (k in env && env[k] !== v) {
        throw new Error(
          `functions ${owner[k]} and ${f.name} set environment variable ${k} differently (${JSON.stringify(env[k])} vs ${JSON.stringify(v)}); ` +
            'the local runtime runs all handlers in one process and needs them to agree',
        );
      }
      env[k] = v;
      owner[k] ??= f.name;
    }
  }
  return env;
}

function toDate(t: number | string | Date): Date {
  if (t instanceof Date) return t;
  if (typeof t === 'number') return new Date(t * 1000);
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? new Date() : d;
}

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_PAYLOAD_BYTES + 1) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) }).end(text);
}

/** `$`, `$.a.b`, `$.a[0].b` */
export function jsonPath(obj: unknown, p: string): unknown {
  if (p === '$') return obj;
  if (!p.startsWith('$')) throw new Error(`unsupported JSON path ${p}`);
  const parts = p.slice(1).match(/\.[^.[\]]+|\[\d+\]|\['[^']*'\]/g) ?? [];
  if (parts.join('') !== p.slice(1)) throw new Error(`unsupported JSON path ${p}`);
  let cur: any = obj;
  for (const part of parts) {
    if (cur === null || cur === undefined) return undefined;
    if (part.startsWith("['")) cur = cur[part.slice(2, -2)];
    else if (part.startsWith('[')) cur = cur[Number(part.slice(1, -1))];
    else cur = cur[part.slice(1)];
  }
  return cur;
}

/** Apply a rule target's Input / InputPath / InputTransformer. */
export function transformInput(target: RuleTargetModel, envelope: EventEnvelope, rule: RuleModel, ruleArn: string): unknown {
  if (target.input !== undefined) return JSON.parse(target.input);
  if (target.inputPath !== undefined) return jsonPath(envelope, target.inputPath);
  const tr = target.inputTransformer;
  if (!tr) return envelope;
  const values: Record<string, unknown> = {
    'aws.events.event': envelope,
    'aws.events.event.json': envelope,
    'aws.events.rule-arn': ruleArn,
    'aws.events.rule-name': rule.name,
    'aws.events.event.ingestion-time': envelope.time,
  };
  for (const [k, p] of Object.entries(tr.InputPathsMap ?? {})) values[k] = jsonPath(envelope, p);
  const template = tr.InputTemplate;
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '"' && template[i - 1] !== '\\') inString = !inString;
    if (c === '<') {
      const end = template.indexOf('>', i);
      const name = end > i ? template.slice(i + 1, end) : '';
      if (name && name in values) {
        const v = values[name];
        if (inString) out += typeof v === 'string' ? JSON.stringify(v).slice(1, -1) : JSON.stringify(v ?? null).replace(/"/g, '\\"');
        else out += JSON.stringify(v ?? null);
        i = end;
        continue;
      }
    }
    out += c;
  }
  try {
    return JSON.parse(out);
  } catch {
    return out;
  }
}

export type { SerializedError, InvokeOutcome };
