/**
 * Jest globalSetup of the integration project (runs once, in the parent process, before any worker starts):
 * starts DynamoDB Local and the SES emulator on free ports and synthesizes the CDK template once.
 * Workers inherit process.env: DDB_ENDPOINT, SES_ENDPOINT, and COURTESY_TEMPLATE_FILE (the synthesized template as
 * JSON; unset if synthesis failed, in which case the harness synthesizes in the test file and reports the error there).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalServices, type LocalServices } from '../../local/services';

declare global {
  // eslint-disable-next-line no-var
  var __COURTESY_LOCAL_SERVICES__: LocalServices | undefined;
  // eslint-disable-next-line no-var
  var __COURTESY_TEMPLATE_FILE__: string | undefined;
}

export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const started = Date.now();
  const services = startLocalServices();
  services.catch(() => {}); // awaited below; avoid an unhandled rejection while synthesis runs
  // Synthesis is synchronous and CPU-bound: run it while the emulators boot.
  let templateFile: string | undefined;
  try {
    const { synthTemplate } = await import('../../infra/synth');
    const template = synthTemplate();
    templateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'courtesy-it-')), 'template.json');
    fs.writeFileSync(templateFile, JSON.stringify(template));
  } catch (e) {
    process.stderr.write(
      `\nglobal-setup: synthesizing the CDK template failed; tests that need it will retry and fail: ${(e as Error).message}\n`,
    );
  }
  const svc = await services;
  globalThis.__COURTESY_LOCAL_SERVICES__ = svc;
  globalThis.__COURTESY_TEMPLATE_FILE__ = templateFile;
  process.env.DDB_ENDPOINT = svc.dynamoEndpoint;
  process.env.SES_ENDPOINT = svc.sesEndpoint;
  if (templateFile) process.env.COURTESY_TEMPLATE_FILE = templateFile;
  else delete process.env.COURTESY_TEMPLATE_FILE;
  if (process.env.LOCAL_DEBUG) {
    process.stderr.write(`\nglobal-setup: DynamoDB Local ${svc.dynamoEndpoint}, SES ${svc.sesEndpoint} in ${Date.now() - started} ms\n`);
  }
}
