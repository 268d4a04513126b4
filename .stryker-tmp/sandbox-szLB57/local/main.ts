/**
 * `npm start`: the whole service on this machine.
 * DynamoDB Local (port 8000, or any free port if taken), the SES v2 emulator (8005, likewise), the CDK app's
 * template synthesized in-process, and the local runtime on port 4010 (LOCAL_PORT overrides) with table
 * "courtesy-credits". Ctrl-C stops everything.
 */
// @ts-nocheck

import { synthTemplate } from '../infra/synth';
import { offsetClock, setClock, systemClock } from '../lambdas/shared/clock';
import { startLocalRuntime, type LocalRuntime } from './runtime';
import { startLocalServices, type LocalServices } from './services';

const TABLE_NAME = 'courtesy-credits';
const RUNTIME_PORT = Number(process.env.LOCAL_PORT ?? 4010);

const time = () => new Date().toISOString().slice(11, 23);
const log = (line: string) => process.stdout.write(`${time()} ${line}\n`);

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let services: LocalServices | undefined;
  let runtime: LocalRuntime | undefined;
  let stopping = false;

  const shutdown = async (signal: string) => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: stopping`);
    try {
      await runtime?.stop();
      await services?.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const started = Date.now();
  log('starting DynamoDB Local and the SES emulator, synthesizing the CDK app ...');
  const servicesStarting = startLocalServices({ dynamo: { preferredPort: 8000 }, ses: { preferredPort: 8005 }, handleSignals: false });
  servicesStarting.catch(() => {}); // awaited below
  const template = synthTemplate(); // synchronous; the emulators boot meanwhile
  services = await servicesStarting;
  if (stopping) return;

  let offsetMs = 0;
  runtime = await startLocalRuntime({
    template,
    dynamoEndpoint: services.dynamoEndpoint,
    sesEndpoint: services.sesEndpoint,
    tableName: TABLE_NAME,
    port: RUNTIME_PORT,
    log,
    clock: {
      get: () => offsetMs,
      set: (ms) => {
        offsetMs = ms;
        setClock(ms === 0 ? systemClock : offsetClock(ms));
      },
    },
  });

  const u = runtime.url;
  const lines = [
    '',
    `Courtesy credits running locally (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    `  Lambda Invoke + EventBridge PutEvents  ${u}   (AWS SDK: endpoint ${u}, region eu-central-1, any credentials)`,
    `  Mailbox (SES v2 emulator)              ${services.sesEndpoint}/`,
    `  DynamoDB Local                         ${services.dynamoEndpoint}   table ${TABLE_NAME}`,
    `  Runtime state                          ${u}/_local/health  ${u}/_local/events  ${u}/_local/queues`,
    `  Functions: ${runtime.model.functions.map((f) => f.name).join(', ')}; bus: ${runtime.model.buses.map((b) => b.name).join(', ')}`,
    '',
    'In another terminal: npm run cli -- --help        (Ctrl-C here stops everything)',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((e) => {
  const busy = (e as NodeJS.ErrnoException).code === 'EADDRINUSE';
  const hint = busy ? `\nPort ${RUNTIME_PORT} is taken (another npm start?). Stop it, or run with LOCAL_PORT=<port>.` : '';
  process.stderr.write(`npm start failed: ${(e as Error).stack ?? String(e)}${hint}\n`);
  process.exit(1);
});
