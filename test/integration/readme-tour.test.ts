/**
 * The README's tour runs as shown (issue 22.5): every `npm run cli -- …` line of "The two commands" and "The payment
 * flow from the CLI", in order, through the CLI as a user runs it (a child process per command) against a local
 * runtime whose clock the CLI may shift, as under `npm start`. Placeholders (`<holdId>`, `<captureId of ship-1>`,
 * `<redemptionId from redeem>`) take the ids of the answers before; a comment of `"field": value` pairs after a
 * command is checked against its answer; `events --type T` must list a T the service published.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { setClock, systemClock } from '../../lambdas/shared/clock';
import { REPO_ROOT } from '../../infra/paths';
import { commandsUnder, type ShownCommand } from '../support/markdown';
import { startTestRuntime, type TestRuntime } from './harness';

jest.setTimeout(900_000);

const execFileAsync = promisify(execFile);
const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const CLI = 'npm run cli -- ';
const tour = commandsUnder(README, '## The two commands', CLI);

let t: TestRuntime;
beforeAll(async () => {
  t = await startTestRuntime({ shiftableClock: true });
});
afterAll(async () => {
  setClock(systemClock);
  await t?.stop();
});

interface Ran {
  args: string[];
  answer: Record<string, unknown> | undefined;
}

/** `<field>`, `<field from command>` or `<field of word>`: the field of the latest answer that fits. */
function resolve(arg: string, ran: readonly Ran[]): string {
  const m = /^<(\w+)(?: (from|of) ([^>]+))?>$/.exec(arg);
  if (!m) return arg;
  const [, field, how, what] = m as unknown as [string, string, string | undefined, string | undefined];
  const fits = (r: Ran) => (how === 'from' ? r.args[0] === what : how === 'of' ? r.args.includes(what!) : true);
  const found = [...ran].reverse().find((r) => fits(r) && typeof r.answer?.[field] === 'string');
  if (!found) throw new Error(`README placeholder ${arg}: no answer before it has ${field}`);
  return found.answer![field] as string;
}

/** True if `value` holds `key` with a value matching `expected` at any depth. */
function holds(value: unknown, key: string, expected: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  if (key in record && matches(record[key], expected)) return true;
  return Object.values(record).some((v) => holds(v, key, expected));
}
const matches = (actual: unknown, expected: unknown): boolean => {
  try {
    expect(actual).toMatchObject(expected as object);
    return true;
  } catch {
    return actual === expected;
  }
};

/** The `"field": value, …` pairs a comment states, or none if it is prose. */
function statedFields(comment: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(`{${comment}}`);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

async function run(command: ShownCommand, ran: Ran[]): Promise<void> {
  const args = command.words.slice(CLI.trim().split(' ').length).map((a) => resolve(a, ran));
  const { stdout } = await execFileAsync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), ['local/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      COURTESY_LOCAL_URL: t.runtime.url,
      COURTESY_SES_URL: process.env.SES_ENDPOINT,
      COURTESY_ENDPOINTS: path.join(REPO_ROOT, '.no-endpoints-file'),
    },
  });
  await t.runtime.idle(60_000);
  const json = stdout.startsWith('{') ? stdout.slice(0, stdout.lastIndexOf('}') + 1) : undefined;
  const answer = json === undefined ? undefined : (JSON.parse(json) as Record<string, unknown>);
  ran.push({ args, answer });
  const where = `README.md:${command.line}: ${args.join(' ')}`;
  for (const [key, value] of Object.entries(statedFields(command.comment)))
    expect({ where, key, holds: holds(answer, key, value) }).toEqual({ where, key, holds: true });
  const type = args[0] === 'events' && args.includes('--type') ? args[args.indexOf('--type') + 1] : undefined;
  if (type !== undefined) {
    expect({ where, published: /published by the service \(source [^)]+\): [1-9]/.test(stdout) }).toEqual({ where, published: true });
    expect(stdout).toContain(`  ${type}  `);
  }
}

it('the README shows the two commands the package defines, and a tour of CLI commands', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const two = commandsUnder(README, '## The two commands', 'npm ').filter((c) => !c.words.includes('cli'));
  expect(two.map((c) => c.words.join(' '))).toEqual(['npm install && npm start', 'npm test']);
  expect(pkg.scripts).toEqual(expect.objectContaining({ start: expect.any(String), test: expect.any(String), cli: expect.any(String) }));
  expect(fs.readFileSync(path.join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  expect(tour.length).toBeGreaterThan(30);
});

it('every command of the tour runs as shown and answers what its comment says', async () => {
  const ran: Ran[] = [];
  for (const command of tour) await run(command, ran);
  expect(ran).toHaveLength(tour.length);
});
