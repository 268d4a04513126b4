/**
 * One emulator child process: its handle and start options, and its bookkeeping — output capture, readiness
 * wait, stop (SIGTERM to the process group, SIGKILL after a grace period).
 *
 * Children run detached in their own process group; stopChild() kills the group and waits for the exit, so no
 * stray java is left. As a safety net, live children are killed when this process exits and on
 * SIGINT / SIGTERM / SIGHUP (unless `handleSignals: false`; the signal is re-raised if nobody else handles it).
 */
import type { ChildProcess } from 'node:child_process';

export interface ServiceHandle {
  name: string;
  endpoint: string;
  port: number;
  pid: number;
  /** Last lines of the process output (for diagnostics). */
  output(): string;
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

export function track(child: ChildProcess, handleSignals: boolean): void {
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

export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
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

export function captureOutput(child: ChildProcess): () => string {
  let buf = '';
  const add = (d: Buffer) => {
    buf = (buf + d.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => buf;
}

export async function waitUntilReady(
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
