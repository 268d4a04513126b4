/**
 * Jest setup (every test file): the service's own log lines (Powertools JSON logs and EMF metrics, on stdout or
 * stderr) go to this file's `.test-logs/….log` instead of the terminal, so a passing run prints only jest's summary.
 * The reporter (test/summary-reporter.js) prints the file when the test file fails. Everything else written to
 * stdout/stderr passes through unchanged; a test that captures the streams itself (spyOn, or replacing `write`)
 * still sees every line, because it replaces this wrapper while it captures.
 * The wrapper stays until the next test file of the worker installs its own: jest runs this file's afterAll before
 * the test file's, so a restore there let the lines of a runtime stopping in the test's afterAll reach the terminal.
 */
import fs from 'node:fs';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LOG_DIR, logFileFor } = require('./test-logs.js') as { LOG_DIR: string; logFileFor: (p: string) => string };

/** A Powertools log line (our formatter starts with "level") or an EMF metrics blob. */
export const SERVICE_LOG = /^\{"(?:level|_aws)":/;

const file = logFileFor(expect.getState().testPath ?? 'unknown.test.ts');
fs.mkdirSync(LOG_DIR, { recursive: true });
fs.writeFileSync(file, '');

type Write = typeof process.stdout.write;
/** The streams' own `write`, looked up at each call (a test may stand in for the terminal here). */
export const terminalWrites = new Map<NodeJS.WriteStream, Write>();

/** The stream's `write` before any test file wrapped it, kept on the stream (shared by every file of a worker). */
const UNWRAPPED = Symbol.for('courtesy-credits.quiet-logs.unwrapped');
type Wrapped = NodeJS.WriteStream & { [UNWRAPPED]?: Write };

for (const stream of [process.stdout, process.stderr] as Wrapped[]) {
  const original = (stream[UNWRAPPED] ??= stream.write);
  terminalWrites.set(stream, original);
  stream.write = function quietWrite(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : undefined;
    if (text !== undefined && SERVICE_LOG.test(text)) {
      fs.appendFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
      const done = rest.find((r): r is () => void => typeof r === 'function');
      done?.();
      return true;
    }
    return (terminalWrites.get(stream) as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Write;
}
