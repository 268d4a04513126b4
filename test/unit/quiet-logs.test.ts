/**
 * Quiet tests: service log lines go to this file's .test-logs/….log (test/setup/quiet-logs.ts), not the terminal;
 * the summary reporter prints them only for a failing test file; the Metrics "No application metrics" warning is gone.
 */
import fs from 'node:fs';
import { logger, metrics } from '../../lambdas/shared/observability';
import { terminalWrites } from '../setup/quiet-logs';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { logFileFor } = require('../setup/test-logs.js') as { logFileFor: (p: string) => string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SummaryReporter = require('../summary-reporter.js') as new () => {
  onTestResult(test: { path: string }, result: { numFailingTests: number; testExecError?: unknown }): void;
};

const ownLog = () => fs.readFileSync(logFileFor(expect.getState().testPath!), 'utf8');

/** Everything the setup's wrapper passes on to the terminal streams while `fn` runs. */
function terminal(fn: () => void): string {
  const seen: string[] = [];
  const saved = new Map(terminalWrites);
  for (const stream of terminalWrites.keys()) terminalWrites.set(stream, ((chunk: unknown) => (seen.push(String(chunk)), true)) as never);
  try {
    fn();
  } finally {
    for (const [stream, write] of saved) terminalWrites.set(stream, write);
  }
  return seen.join('');
}

describe('service logs in tests', () => {
  it('the redirection is installed for every test file of both projects', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require('../../jest.config.js') as { projects: Array<{ displayName: string; setupFilesAfterEnv?: string[] }> };
    expect(config.projects.map((p) => p.displayName)).toEqual(['unit', 'integration']);
    for (const p of config.projects) expect(p.setupFilesAfterEnv).toContain('<rootDir>/test/setup/quiet-logs.ts');
  });

  it("go to the test file's log, not the terminal", () => {
    const marker = `marker-${Date.now()}`;
    const out = terminal(() => {
      logger.info('quiet please', { marker });
      logger.error('an error line', new Error(marker));
      process.stdout.write(`plain ${marker}\n`); // anything else passes through
    });
    expect(out).toBe(`plain ${marker}\n`);
    const log = ownLog();
    expect(log).toContain(`"message":"quiet please"`);
    expect(log).toContain(`"message":"an error line"`);
    expect(log.split('\n').filter((l) => l.includes(marker))).toHaveLength(2);
  });

  it('metrics: no "No application metrics to publish" warning; other metric output is kept in the log', () => {
    const out = terminal(() => metrics.publishStoredMetrics());
    expect(out).toBe('');
    expect(ownLog()).not.toContain('No application metrics');
  });
});

describe('the summary reporter', () => {
  const testPath = `${__dirname}/pretend-${process.pid}.test.ts`;
  const file = logFileFor(testPath);
  beforeAll(() => fs.writeFileSync(file, '{"level":"ERROR","message":"what went wrong"}\n'));
  afterAll(() => fs.rmSync(file, { force: true }));

  const printed = (result: { numFailingTests: number; testExecError?: unknown }) => {
    const chunks: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(((c: string) => (chunks.push(String(c)), true)) as never);
    try {
      new SummaryReporter().onTestResult({ path: testPath }, result);
    } finally {
      spy.mockRestore();
    }
    return chunks.join('');
  };

  it("prints a failing file's service logs", () => {
    expect(printed({ numFailingTests: 1 })).toContain('what went wrong');
    expect(printed({ numFailingTests: 0, testExecError: new Error('x') })).toContain('what went wrong');
  });

  it('prints nothing for a passing file', () => {
    expect(printed({ numFailingTests: 0 })).toBe('');
  });
});
