/**
 * `npm run console [-- --aws --stage S] [--port N]`: the operator console in the browser. By default against the
 * running `npm start` (its endpoints file, local/endpoints.ts); with `--aws`, against a deployed stage with the
 * operator's own AWS credentials (profile, SSO or environment: whatever role they assumed decides what they may do).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_STAGE } from '../infra/names';
import { DEFAULT_ENDPOINTS_FILE, type EndpointsFile, readEndpoints } from '../local/endpoints';
import { awsBackend, localBackend } from './backend';
import { startConsole } from './server';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function runningService(): EndpointsFile {
  const file = process.env.COURTESY_ENDPOINTS ?? DEFAULT_ENDPOINTS_FILE();
  const endpoints = readEndpoints(file);
  if (!endpoints) throw new Error(`no running service found (${file}): start it with npm start, or use --aws --stage S`);
  return endpoints;
}

async function main(): Promise<void> {
  const { values: o } = parseArgs({
    options: {
      aws: { type: 'boolean', default: false },
      stage: { type: 'string', default: DEFAULT_STAGE },
      port: { type: 'string', default: '4020' },
    },
    allowPositionals: false,
  });
  const backend = o.aws ? await awsBackend(o.stage!) : localBackend(runningService());
  const server = await startConsole({ backend, port: Number(o.port) });
  console.log(`Operator console for the ${backend.target.label}:\n  ${server.url}\n(loopback only; Ctrl-C stops it)`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
