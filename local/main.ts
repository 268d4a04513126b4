/**
 * `npm start`: the whole service on this machine.
 * DynamoDB Local (port 8000, or a free port if taken, confirmed as this process's own), the SES v2 emulator
 * (8005, likewise), the CDK app's template synthesized in-process (or read from COURTESY_TEMPLATE_FILE), and the
 * local runtime on port 4010 (a free port if taken; LOCAL_PORT makes it exact) with table "courtesy-credits".
 * The endpoints go to .local/endpoints.json for the CLI. SIGINT / SIGTERM stop everything within 5 s.
 */
import fs from 'node:fs';
import path from 'node:path';
import { localDir, removeEndpoints, writeEndpoints } from './endpoints';
import { startLocalRuntime, type LocalRuntime } from './runtime';
import { shiftableServiceClock } from './service-clock';
import { isPortFree, startLocalServices, type LocalServices } from './services';
import type { CfnTemplate } from './template';

const TABLE_NAME = 'courtesy-credits';
const DEFAULT_PORTS = { runtime: 4010, dynamo: 8000, ses: 8005 };
/** A supervisor's stop must complete within this; the emulators are killed at the deadline. */
const STOP_DEADLINE_MS = 4500;

const time = () => new Date().toISOString().slice(11, 23);
const log = (line: string) => process.stdout.write(`${time()} ${line}\n`);

async function loadTemplateForStart(): Promise<CfnTemplate> {
  const file = process.env.COURTESY_TEMPLATE_FILE;
  if (file) return JSON.parse(fs.readFileSync(file, 'utf8')) as CfnTemplate;
  const { synthTemplate } = await import('../infra/synth');
  return synthTemplate() as CfnTemplate;
}

async function runtimePort(): Promise<{ port: number; note?: string }> {
  if (process.env.LOCAL_PORT) return { port: Number(process.env.LOCAL_PORT), note: `LOCAL_PORT=${process.env.LOCAL_PORT}` };
  if (await isPortFree(DEFAULT_PORTS.runtime)) return { port: DEFAULT_PORTS.runtime };
  return { port: 0, note: `${DEFAULT_PORTS.runtime} was taken` };
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let services: LocalServices | undefined;
  let runtime: LocalRuntime | undefined;
  let endpointsFile: string | undefined;
  let stopping = false;

  // One clean stop: a repeated signal while stopping is ignored; at the deadline the process exits and the
  // services module's exit handler kills the emulators' process groups.
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
    try {
      if (endpointsFile) removeEndpoints(endpointsFile);
      await runtime?.stop();
      await services?.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const started = Date.now();
  log('starting DynamoDB Local and the SES emulator, reading the CDK app ...');
  const servicesStarting = startLocalServices({
    dynamo: { preferredPort: DEFAULT_PORTS.dynamo },
    ses: { preferredPort: DEFAULT_PORTS.ses },
    handleSignals: false,
  });
  servicesStarting.catch(() => {}); // awaited below
  const template = await loadTemplateForStart(); // synthesis is synchronous; the emulators boot meanwhile
  services = await servicesStarting;
  if (stopping) return;

  const { port, note: runtimeNote } = await runtimePort();
  runtime = await startLocalRuntime({
    template,
    dynamoEndpoint: services.dynamoEndpoint,
    sesEndpoint: services.sesEndpoint,
    tableName: TABLE_NAME,
    port,
    bucketDir: path.join(localDir(), 'buckets'),
    log,
    clock: shiftableServiceClock(),
  });
  if (stopping) return;
  const bus = runtime.model.buses[0]?.name ?? 'default';
  endpointsFile = writeEndpoints({
    runtime: runtime.url,
    ses: services.sesEndpoint,
    dynamo: services.dynamoEndpoint,
    table: TABLE_NAME,
    bus,
    pid: process.pid,
    pids: { main: process.pid, dynamo: services.dynamo.pid, ses: services.ses.pid },
    startedAt: new Date().toISOString(),
  });

  const fell = (name: keyof typeof DEFAULT_PORTS, actual: number) =>
    actual !== DEFAULT_PORTS[name] ? `   (${DEFAULT_PORTS[name]} was taken)` : '';
  const u = runtime.url;
  const cliHint = endpointsFile.endsWith('/endpoints.json')
    ? 'npm run cli -- --help'
    : `COURTESY_ENDPOINTS=${endpointsFile} npm run cli -- --help`;
  const lines = [
    '',
    `Courtesy credits running locally (ready in ${((Date.now() - started) / 1000).toFixed(1)} s, pid ${process.pid})`,
    `  Lambda Invoke + EventBridge PutEvents + SQS  ${u}${runtimeNote ? `   (${runtimeNote})` : ''}`,
    `  Mailbox (SES v2 emulator)                    ${services.sesEndpoint}/${fell('ses', services.ses.port)}`,
    `  DynamoDB Local                               ${services.dynamoEndpoint}   table ${TABLE_NAME}${fell('dynamo', services.dynamo.port)}`,
    services.strict
      ? `    strict layer (conflicts, partition limits)  on, transaction window ${services.strict.settings.txnWindowMs} ms (DDB_STRICT=0: off)`
      : '    strict layer                               off (DDB_STRICT=0)',
    `  Runtime state                                ${u}/_local/health  ${u}/_local/events  ${u}/_local/queues  ${u}/_local/buckets`,
    `  Functions: ${runtime.model.functions.map((f) => f.name).join(', ')}; bus: ${bus}`,
    `  Endpoints for the CLI                        ${endpointsFile}`,
    '',
    `In another terminal: ${cliHint}        (Ctrl-C or SIGTERM here stops everything)`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((e) => {
  const busy = (e as NodeJS.ErrnoException).code === 'EADDRINUSE';
  const hint = busy
    ? `\nPort ${process.env.LOCAL_PORT} is taken (another npm start?). Stop it, or run with another LOCAL_PORT, or unset LOCAL_PORT.`
    : '';
  process.stderr.write(`npm start failed: ${(e as Error).stack ?? String(e)}${hint}\n`);
  process.exit(1);
});
