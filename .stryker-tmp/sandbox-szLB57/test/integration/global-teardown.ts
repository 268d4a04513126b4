/** Jest globalTeardown of the integration project: stops the emulators started by global-setup. */
// @ts-nocheck

import fs from 'node:fs';
import path from 'node:path';

export default async function globalTeardown(): Promise<void> {
  const services = globalThis.__COURTESY_LOCAL_SERVICES__;
  globalThis.__COURTESY_LOCAL_SERVICES__ = undefined;
  await services?.stop();
  const file = globalThis.__COURTESY_TEMPLATE_FILE__;
  globalThis.__COURTESY_TEMPLATE_FILE__ = undefined;
  if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
