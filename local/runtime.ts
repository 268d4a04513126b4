/**
 * The local runtime: runs the REAL handler modules in-process, wired exactly as the synthesized CloudFormation
 * template wires them in AWS. This file only wires the emulated services together:
 * functions.ts (Lambda), eventbridge.ts (buses and rules), stream-mappings.ts + esm.ts + streams.ts (the table
 * stream), sqs.ts + sqs-mappings.ts (queues), buckets.ts (S3 failure destinations), http-front.ts (wire
 * protocols), provision.ts (table and environment); template.ts reads the template and refuses what none emulates.
 */
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { Activity } from './activity';
import { Buckets } from './buckets';
import { defaultLocalName, LOCAL_REGION, loadTemplate, type LocalNameResolver, type TemplateModel } from './template';
import { IamGate, type IamDenial } from './iam/gate';
import { readIamPicture } from './iam/picture';
import type { LocalRuntime, LocalRuntimeOptions } from './runtime-api';
import { EventBuses, type EventEnvelope, type PutEventsOutput, type RecordedEvent } from './eventbridge';
import { defaultHandlerModule, Functions, unionEnvironment, type InvokeHook } from './functions';
import { createHttpFront } from './http-front';
import { applyEnvironment, provisionTable } from './provision';
import { QueueMapping } from './sqs-mappings';
import { Queues } from './sqs';
import { StreamMappings } from './stream-mappings';

export { FunctionError } from './lambda';
export type { SerializedError, InvokeOutcome } from './lambda';
export { REPO_ROOT, defaultHandlerModule, unionEnvironment, type InvokeHook } from './functions';
export type { EventEnvelope, RecordedEvent, PutEventsEntryInput, PutEventsOutput } from './eventbridge';
export type { LocalRuntime, LocalRuntimeOptions, RuntimeObserver } from './runtime-api';

export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime> {
  const runtime = new Runtime(opts);
  await runtime.start();
  return runtime;
}

class Runtime implements LocalRuntime {
  readonly model: TemplateModel;
  readonly tableName: string;
  env: Record<string, string> = {};
  streamArn: string | undefined;
  localStreamArn: string | undefined;
  port = 0;
  url = '';

  private readonly log: (line: string) => void;
  private readonly pollIntervalMs: number;
  private readonly activity = new Activity();
  private readonly functions: Functions;
  private readonly buses: EventBuses;
  private readonly sqs: Queues;
  private readonly bucketStore: Buckets;
  private readonly streamMappings: StreamMappings;
  private readonly queueMappings: QueueMapping[];
  private readonly server;
  private readonly ddb: DynamoDBClient;
  private readonly streams: DynamoDBStreamsClient;
  private readonly iam: IamGate | undefined;
  private restoreEnv: (() => void) | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly opts: LocalRuntimeOptions) {
    this.tableName = opts.tableName;
    this.log = opts.log ?? (() => {});
    this.pollIntervalMs = opts.pollIntervalMs ?? 100;
    const retryDelay = opts.retryDelayMs ?? ((n) => Math.min(2000, 50 * 2 ** (n - 1)));
    const queueDelay = opts.queueDelayMs ?? ((s) => Math.min(2000, s * 20));
    const names: LocalNameResolver = (id, r) => (r.Type === 'AWS::DynamoDB::Table' ? opts.tableName : defaultLocalName(id, r));
    this.model = loadTemplate(opts.template, { names, ...(opts.strict !== undefined ? { strict: opts.strict } : {}) });
    const iamOn = opts.iam ?? process.env.COURTESY_LOCAL_IAM !== 'off';
    this.iam = iamOn ? new IamGate(readIamPicture(opts.template, names), this.log) : undefined;
    unionEnvironment(this.model.functions); // fail early if handlers cannot share one process
    this.sqs = new Queues(this.model.queues, this.activity, queueDelay, this.log, () => this.url);
    this.bucketStore = new Buckets(this.model.buckets, opts.bucketDir, this.log);
    const sendToQueue = (queue: string, body: unknown) => void this.sqs.send(queue, JSON.stringify(body));
    // A failure destination AWS would refuse (IAM, local/iam/deliveries.ts) receives nothing; the denial is logged.
    const queueArn = (name: string) => this.model.queues.find((q) => q.name === name)?.arn ?? name;
    const gated = (kind: string, arn: string, deliver: () => void) =>
      this.iam?.deniedTo(kind, arn) ? this.log(`IAM: ${kind} to ${arn} not delivered: AWS would refuse it`) : deliver();
    this.functions = new Functions({
      model: this.model,
      activity: this.activity,
      resolveModule: opts.resolveHandlerModule ?? defaultHandlerModule,
      retryDelay,
      sendToQueue: (q, body) => gated('async-failure', queueArn(q), () => sendToQueue(q, body)),
      log: this.log,
      ...(this.iam ? { around: this.iam.runAs.bind(this.iam) } : {}),
      ...(opts.observe ? { observe: opts.observe } : {}),
    });
    this.buses = new EventBuses(this.model, this.functions, this.activity, this.log, opts.observe);
    this.streamMappings = new StreamMappings({
      mappings: this.model.streamMappings.filter((m) => m.tableLogicalId === this.model.table.logicalId),
      functions: this.functions,
      activity: this.activity,
      destinations: {
        sendToQueue: (q, body) => gated('mapping-failure', queueArn(q), () => sendToQueue(q, body)),
        putObject: (b, k, body) => gated('mapping-failure', `arn:aws:s3:::${b}`, () => this.bucketStore.put(b, k, body)),
      },
      retryDelay,
      log: this.log,
    });
    this.queueMappings = this.model.queueMappings
      .filter((m) => m.enabled)
      .map((m) => {
        const fn = this.functions.byName(m.functionName);
        return new QueueMapping(m, {
          queues: this.sqs,
          activity: this.activity,
          invoke: (records) => this.functions.run(fn, { Records: records }),
          windowDelayMs: queueDelay,
          pollIntervalMs: this.pollIntervalMs,
          log: this.log,
        });
      });
    this.server = createHttpFront({
      functions: this.functions,
      buses: this.buses,
      queues: this.sqs,
      health: () => this.health(),
      buckets: () => this.bucketStore.snapshot(),
      ...(opts.clock ? { clock: opts.clock } : {}),
      log: this.log,
    });
    const client = { endpoint: opts.dynamoEndpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    this.ddb = new DynamoDBClient(client);
    this.streams = new DynamoDBStreamsClient(client);
  }

  get events(): EventEnvelope[] {
    return this.buses.events;
  }

  get eventLog(): RecordedEvent[] {
    return this.buses.eventLog;
  }

  get queues(): Record<string, unknown[]> {
    return this.sqs.snapshot();
  }

  get iamDenials(): readonly IamDenial[] {
    return this.iam?.denials ?? [];
  }

  get buckets(): Record<string, Record<string, unknown>> {
    return this.bucketStore.snapshot();
  }

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
      const applied = applyEnvironment(
        unionEnvironment(this.model.functions),
        { dynamo: this.opts.dynamoEndpoint, ses: this.opts.sesEndpoint, runtime: this.url },
        this.log,
      );
      this.env = applied.env;
      this.restoreEnv = applied.restore;
      const table = await provisionTable(this.ddb, this.model.table, (ms) => this.activity.sleep(ms));
      this.streamArn = table.streamArn;
      this.localStreamArn = table.localStreamArn;
      await this.iam?.start();
      this.streamMappings.start(this.streams, table.localStreamArn, table.streamArn, this.pollIntervalMs);
      // A mapping whose role may not read its queue never delivers in AWS (the denial is logged).
      for (const m of this.queueMappings) if (!this.iam?.deliveryDenied(`mapping-read:${m.mapping.logicalId}`)) m.start();
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.log(
      `local runtime on ${this.url}: ${this.model.functions.length} functions, ${this.model.rules.length} rules, ` +
        `${this.streamMappings.processors.length} stream mappings, ${this.queueMappings.length} queue mappings, table ${this.tableName}`,
    );
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.activity.stop();
      await Promise.all(this.queueMappings.map((m) => m.stop()));
      await this.streamMappings.stop();
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
      this.ddb.destroy();
      this.streams.destroy();
      this.restoreEnv?.();
    })();
    return this.stopping;
  }

  private health(): unknown {
    return {
      ok: !this.activity.stopped,
      url: this.url,
      table: this.tableName,
      streamArn: this.streamArn,
      functions: this.model.functions.map((f) => f.name),
      rules: this.model.rules.map((r) => r.logicalId),
      mappings: [
        ...this.streamMappings.processors.map((p) => ({
          mapping: p.mapping.logicalId,
          function: p.mapping.functionName,
          backlog: p.processor.backlog,
          ...p.processor.stats,
        })),
        ...this.queueMappings.map((m) => ({
          mapping: m.mapping.logicalId,
          function: m.mapping.functionName,
          queue: m.mapping.queueName,
          ...m.stats,
        })),
      ],
      queues: Object.fromEntries(Object.entries(this.sqs.snapshot()).map(([k, v]) => [k, v.length])),
      events: this.buses.events.length,
      inflight: this.functions.inflight,
      pendingAsync: this.functions.pendingAsync,
    };
  }

  private isQuiet(): boolean {
    if (this.functions.busy || !this.streamMappings.idle) return false;
    if (!this.queueMappings.every((m) => m.idle)) return false;
    if (this.streamMappings.hasPoller) return true;
    return Date.now() - this.activity.lastActivityAt >= 2 * this.pollIntervalMs;
  }

  async idle(timeoutMs = 15_000): Promise<void> {
    if (this.activity.stopped) throw new Error('runtime stopped');
    const deadline = Date.now() + timeoutMs;
    // Records written just before this call must be seen by a poll cycle that starts after it.
    this.activity.mark();
    const step = Math.max(5, Math.min(25, Math.floor(this.pollIntervalMs / 2)));
    while (!this.isQuiet()) {
      if (this.activity.stopped) throw new Error('runtime stopped');
      if (Date.now() > deadline) {
        const err = this.streamMappings.lastPollError as Error | undefined;
        const busyQueues = this.queueMappings.filter((m) => !m.idle).map((m) => m.mapping.queueName);
        throw new Error(
          `local runtime not idle after ${timeoutMs} ms (in flight ${this.functions.inflight}, async pending ${this.functions.pendingAsync}, ` +
            `mapping backlog ${this.streamMappings.backlog() || 'none'}, queues in flight ${busyQueues.join(', ') || 'none'}` +
            `${err ? `, stream polling failing: ${err.message ?? String(err)}` : ''})`,
        );
      }
      await this.activity.sleep(step);
    }
  }

  setInvokeHook(hook: InvokeHook | undefined): void {
    this.functions.setHook(hook);
  }

  invoke(functionName: string, payload?: unknown): Promise<unknown> {
    return this.functions.invoke(functionName, payload);
  }

  invokeAsync(functionName: string, payload?: unknown): string {
    return this.functions.invokeAsync(this.functions.byName(functionName), payload ?? {});
  }

  putEvents(entries: unknown): PutEventsOutput {
    return this.buses.putEvents(entries);
  }

  sendMessage(queue: string, body: string): string {
    return this.sqs.send(this.sqs.resolve(queue).name, body).messageId;
  }

  triggerRule(rule: string): EventEnvelope {
    return this.buses.triggerRule(rule);
  }

  clearRecorded(): void {
    this.buses.clear();
    this.sqs.purgeAll();
    this.bucketStore.clear();
  }
}
