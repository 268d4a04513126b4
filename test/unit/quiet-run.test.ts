/**
 * A passing jest run prints only the runner's lines (issue 20.9): a test file whose service logs and publishes
 * metrics, during a test and in its afterAll, run in a jest of its own with this repo's setup and reporters. Every
 * service line ends in that file's .test-logs log, none on the terminal.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../infra/paths';
import { SERVICE_LOG } from '../setup/quiet-logs';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { logFileFor } = require('../setup/test-logs.js') as { logFileFor: (p: string) => string };

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/quiet-logs/late-lines.test.ts');

it('a passing file that logs during its tests and its afterAll prints no service line', () => {
  const base = require(path.join(REPO_ROOT, 'jest.config.js')) as any;
  const unit = base.projects.find((p: { displayName: string }) => p.displayName === 'unit');
  const config = { ...unit, rootDir: REPO_ROOT, testMatch: [FIXTURE], reporters: base.reporters, displayName: undefined };
  const run = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--ci', FIXTURE], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    timeout: 120_000,
  });
  const printed = `${run.stdout}${run.stderr}`;
  expect(run.status).toBe(0);
  expect(printed).toContain('tests: 1 passed, 0 failed, 0 skipped');
  expect(printed.split('\n').filter((l) => SERVICE_LOG.test(l.trim()) || l.includes('service line'))).toEqual([]);
  const log = fs.readFileSync(logFileFor(FIXTURE), 'utf8');
  for (const line of ['service line in-test', 'service line in-afterAll', 'Namespace should be defined', '"Late_in-afterAll"'])
    expect(log).toContain(line);
}, 150_000);
