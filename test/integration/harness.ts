/**
 * Integration-test helpers. global-setup.ts has started DynamoDB Local and the SES emulator (DDB_ENDPOINT,
 * SES_ENDPOINT) and synthesized the CDK template (COURTESY_TEMPLATE_FILE); each test file starts its own local
 * runtime on its own table:
 *
 *   let t: TestRuntime;
 *   beforeAll(async () => { t = await startTestRuntime(); });
 *   afterAll(() => t?.stop());
 *   ...
 *   await eventBridge.send(new PutEventsCommand(...));   // endpoint: t.runtime.url
 *   await t.runtime.idle();                               // stream drained, mappings idle, no invocation pending
 *   const mails = await waitFor(async () => { const m = await emailsTo(addr); return m.length ? m : undefined; });
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../local/runtime';
import { shiftableServiceClock } from '../../local/service-clock';
import type { CfnTemplate } from '../../local/template';
import { ContractCheck } from './contract-check';

export interface TestRuntime {
  runtime: LocalRuntime;
  /** This file's table (unique per test file). */
  tableName: string;
  template: CfnTemplate;
  /** The contract checks (contract-check.ts) on the service's own template; undefined on another template. */
  contracts: ContractCheck | undefined;
  stop(): Promise<void>;
}

export interface TestRuntimeOptions {
  /** Template to run (default: the CDK app's, synthesized once per test run by global-setup or once per file). */
  template?: CfnTemplate;
  resolveHandlerModule?: (name: string) => string;
  pollIntervalMs?: number;
  retryDelayMs?: (retry: number) => number;
  /** Local delay standing for an SQS visibility timeout of `seconds` (the runtime's default scales it down to ≤ 2 s). */
  queueDelayMs?: (seconds: number) => number;
  /** SES endpoint the handlers use (default: the shared emulator, SES_ENDPOINT), e.g. a fault proxy in front of it. */
  sesEndpoint?: string;
  /** Let `/_local/clock` (the CLI's `clock`) shift the service's clock, as `npm start` does. */
  shiftableClock?: boolean;
  /** Print runtime log lines (also enabled by LOCAL_DEBUG=1). */
  log?: (line: string) => void;
  /** Evaluate IAM (default true); only a fixture template without IAM turns it off. */
  iam?: boolean;
  /** Hold every event, request and answer against schemas/ (default: on the service's own template). */
  contracts?: boolean;
}

/** The runtimes of this test file that check contracts: each test fails on a violation it caused. */
const checked = new Set<ContractCheck>();
afterEach(() => {
  for (const c of checked) c.assertKept();
});

function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v)
    throw new Error(
      `${name} is not set: integration tests need test/integration/global-setup.ts (run them through jest's "integration" project)`,
    );
  return v;
}

let cachedTemplate: CfnTemplate | undefined;
let templateContext: Record<string, unknown> | undefined;

/**
 * Run this file on a template synthesized with these CDK context values (e.g. `courtesy:kms`) instead of the
 * default one. Call at the top of a test file, before its runtime starts.
 */
export function useTemplateContext(context: Record<string, unknown>): void {
  templateContext = context;
  cachedTemplate = undefined;
}

/** The CDK app's synthesized template: from global-setup's file, else synthesized here (once per file). */
export async function appTemplate(): Promise<CfnTemplate> {
  if (cachedTemplate) return cachedTemplate;
  const file = process.env.COURTESY_TEMPLATE_FILE;
  if (templateContext) {
    const { synthTemplate } = await import('../../infra/synth');
    cachedTemplate = synthTemplate({ context: templateContext }) as CfnTemplate;
  } else if (file && fs.existsSync(file)) {
    cachedTemplate = JSON.parse(fs.readFileSync(file, 'utf8')) as CfnTemplate;
  } else {
    const { synthTemplate } = await import('../../infra/synth');
    cachedTemplate = synthTemplate() as CfnTemplate;
  }
  return cachedTemplate;
}

function uniqueTableName(): string {
  let file = 'test';
  try {
    file = path.basename(expect.getState().testPath ?? 'test').replace(/\.test\.ts$/, '');
  } catch {
    /* outside jest */
  }
  return `it-${file.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40)}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Start a local runtime for this test file: its own table, its own HTTP port, the shared emulators. */
export async function startTestRuntime(opts: TestRuntimeOptions = {}): Promise<TestRuntime> {
  const template = opts.template ?? (await appTemplate());
  const tableName = uniqueTableName();
  const log = opts.log ?? (process.env.LOCAL_DEBUG ? (line: string) => process.stderr.write(`[local ${tableName}] ${line}\n`) : undefined);
  const runtimeOpts: LocalRuntimeOptions = {
    template,
    dynamoEndpoint: requireEnv('DDB_ENDPOINT'),
    sesEndpoint: opts.sesEndpoint ?? requireEnv('SES_ENDPOINT'),
    tableName,
    port: 0,
    pollIntervalMs: opts.pollIntervalMs ?? 50,
    ...(opts.resolveHandlerModule ? { resolveHandlerModule: opts.resolveHandlerModule } : {}),
    ...(opts.retryDelayMs ? { retryDelayMs: opts.retryDelayMs } : {}),
    ...(opts.queueDelayMs ? { queueDelayMs: opts.queueDelayMs } : {}),
    ...(log ? { log } : {}),
    ...(opts.iam !== undefined ? { iam: opts.iam } : {}),
    ...(opts.shiftableClock ? { clock: shiftableServiceClock() } : {}),
  };
  const contracts = (opts.contracts ?? opts.template === undefined) ? new ContractCheck() : undefined;
  const runtime = await startLocalRuntime({ ...runtimeOpts, ...(contracts ? { observe: contracts } : {}) });
  if (contracts) checked.add(contracts);
  const stop = async () => {
    await runtime.stop();
    if (contracts) {
      checked.delete(contracts);
      contracts.assertKept(); // what happened after the last test
    }
    // Every call a handler made and every delivery was evaluated as AWS would (local/iam): none may be refused.
    if (runtime.iamDenials.length > 0) {
      throw new Error(
        `AWS would refuse ${runtime.iamDenials.length} call(s) or deliveries:\n${runtime.iamDenials.map((d) => d.message).join('\n')}`,
      );
    }
  };
  return { runtime, tableName, template, contracts, stop };
}

/** An email as the SES emulator stored it, flattened. */
export interface Mail {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  text?: string;
  html?: string;
  headers?: Array<{ name: string; value: string }>;
  /** Epoch seconds. */
  at: number;
}

interface StoredEmail {
  messageId: string;
  from: string;
  replyTo?: string[];
  destination: { to?: string[]; cc?: string[]; bcc?: string[] };
  subject: string;
  body: { text?: string; html?: string };
  headers?: Array<{ name: string; value: string }>;
  at: number;
}

const bareAddress = (a: string) => (/<([^>]+)>/.exec(a)?.[1] ?? a).trim().toLowerCase();

/** Every email the SES emulator holds (this run, all test files). */
export async function allEmails(): Promise<Mail[]> {
  const res = await fetch(`${requireEnv('SES_ENDPOINT')}/store`);
  if (!res.ok) throw new Error(`SES emulator /store: HTTP ${res.status}`);
  const store = (await res.json()) as { emails: StoredEmail[] };
  return store.emails.map((e) => ({
    messageId: e.messageId,
    from: e.from,
    to: e.destination.to ?? [],
    cc: e.destination.cc ?? [],
    bcc: e.destination.bcc ?? [],
    replyTo: e.replyTo ?? [],
    subject: e.subject,
    ...(e.body.text !== undefined ? { text: e.body.text } : {}),
    ...(e.body.html !== undefined ? { html: e.body.html } : {}),
    ...(e.headers ? { headers: e.headers } : {}),
    at: e.at,
  }));
}

/** Emails sent to `address` (To, Cc or Bcc; case-insensitive), oldest first. */
export async function emailsTo(address: string): Promise<Mail[]> {
  const want = bareAddress(address);
  return (await allEmails()).filter((m) => [...m.to, ...m.cc, ...m.bcc].some((a) => bareAddress(a) === want));
}

/**
 * How long a test waits for DynamoDB Local's TTL job to delete an expired item. Every second DynamoDB Local starts a
 * job for each TTL-enabled table whose job is not running; the job Scans 20 items per page and pauses 10 s after
 * every page in which it deleted something. On an idle instance a deletion takes 1-10 s; with the test files sharing
 * one instance on a loaded 2-core machine it took up to ~40 s (DynamoDB Local 3.3), and a 30 s wait failed once.
 * A test waiting this long needs a test timeout above it.
 */
export const TTL_WAIT_MS = 120_000;

/**
 * Poll `fn` until it returns something other than undefined / null / false, and return that.
 * Errors thrown by `fn` count as "not yet"; the last one is reported on timeout.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v as Exclude<T, undefined | null | false>;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why = lastError ? `; last error: ${(lastError as Error).message ?? String(lastError)}` : '';
      throw new Error(`waitFor: condition not met within ${timeoutMs} ms${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Stream records as a worker receives them from its queue: the router forwards each record unchanged as an SQS
 * message body (lambdas/app/route.ts), so a test can hand a worker a table change directly.
 */
export function viaQueue(
  event: { Records: readonly unknown[] },
  queueArn = 'arn:aws:sqs:eu-central-1:000000000000:test-queue',
): { Records: unknown[] } {
  return {
    Records: event.Records.map((record, i) => ({
      messageId: `test-${i}-${randomBytes(4).toString('hex')}`,
      receiptHandle: `test-receipt-${i}`,
      body: JSON.stringify(record),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: '000000000000',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'eu-central-1',
    })),
  };
}

/** A worker's SQS event with every message body parsed back into its stream record (anything else unchanged). */
export function withParsedBodies(event: unknown): unknown {
  const records = (event as { Records?: unknown })?.Records;
  if (!Array.isArray(records)) return event;
  return { Records: records.map((r) => (typeof r?.body === 'string' ? { ...r, body: JSON.parse(r.body) } : r)) };
}
