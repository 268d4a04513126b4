/**
 * Start the SES v2 emulator (aws-ses-v2-local: a Node process with an in-memory mailbox).
 */
import { spawn as spawnChild } from 'node:child_process';
import { httpRequest } from './emulator-http';
import { captureOutput, stopChild, track, waitUntilReady, type ServiceHandle, type ServiceOptions } from './emulator-process';
import { HOST, choosePort } from './service-ports';

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
