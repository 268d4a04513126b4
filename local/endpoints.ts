/**
 * The endpoints file `npm start` writes (<repo>/.local/endpoints.json, gitignored) and the CLI reads, so the
 * CLI talks to the instance that is actually running, on whatever ports it got. COURTESY_LOCAL_DIR moves the
 * directory (tests, a second checkout); a second live instance writes endpoints-<runtime port>.json instead
 * and says so. The file is removed when its instance stops.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './functions';

export interface EndpointsFile {
  /** EventBridge PutEvents, Lambda Invoke, SQS, /_local/*. */
  runtime: string;
  ses: string;
  dynamo: string;
  table: string;
  bus: string;
  pid: number;
  /** Child processes, so a supervisor (or a test) can check they are gone. */
  /** main: the service process itself (below `npm start`); dynamo, ses: the emulators it started. */
  pids: { main: number; dynamo: number; ses: number };
  startedAt: string;
}

export function localDir(): string {
  return process.env.COURTESY_LOCAL_DIR ?? path.join(REPO_ROOT, '.local');
}

export const DEFAULT_ENDPOINTS_FILE = () => path.join(localDir(), 'endpoints.json');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readEndpoints(file = process.env.COURTESY_ENDPOINTS ?? DEFAULT_ENDPOINTS_FILE()): EndpointsFile | undefined {
  try {
    const e = JSON.parse(fs.readFileSync(file, 'utf8')) as EndpointsFile;
    return alive(e.pid) ? e : undefined;
  } catch {
    return undefined;
  }
}

/** Write this instance's file: the default one unless another live instance holds it. Returns the path. */
export function writeEndpoints(e: EndpointsFile): string {
  fs.mkdirSync(localDir(), { recursive: true });
  const other = readEndpoints(DEFAULT_ENDPOINTS_FILE());
  const file = other && other.pid !== e.pid ? path.join(localDir(), `endpoints-${new URL(e.runtime).port}.json`) : DEFAULT_ENDPOINTS_FILE();
  fs.writeFileSync(file, `${JSON.stringify(e, null, 2)}\n`);
  return file;
}

export function removeEndpoints(file: string, pid = process.pid): void {
  try {
    const e = JSON.parse(fs.readFileSync(file, 'utf8')) as EndpointsFile;
    if (e.pid === pid) fs.rmSync(file);
  } catch {
    /* gone already */
  }
}
