/**
 * The deployable artifacts under the Lambda runtime's Node major (nodejs22.x), whatever Node runs jest: every function
 * is bundled with the CDK app's esbuild options (infra/bundling.ts), and a child process on the Node 22 binary
 * (test/lambda-node/node.ts) requires each bundle and invokes grant, balance, redeem and reverse against DynamoDB
 * Local. The AWS SDK is inside each bundle (infra/bundling.ts): the child gets no NODE_PATH, so a bundle that still
 * needed anything from node_modules would fail here as it would on Lambda.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_FILE, esbuildOptions } from '../../infra/bundling';
import { FUNCTIONS, FUNCTION_NAMES, type FunctionName } from '../../infra/functions';
import { functionLogicalIds } from '../../infra/synth';
import { findLambdaNode, LAMBDA_NODE_MAJOR, REPO_ROOT } from '../lambda-node/node';
import { appTemplate, startTestRuntime, type TestRuntime } from './harness';
import { complaint, unique } from './service-client';

const RUNNER = path.join(REPO_ROOT, 'test', 'fixtures', 'lambda-node', 'invoke.cjs');

interface StepResult {
  fn: string;
  initMs?: number;
  exports?: string[];
  result?: any;
  error?: { name: string; message: string };
}
interface Step {
  fn: FunctionName;
  event?: unknown;
}

let t: TestRuntime;
let dir: string;
const bundles = {} as Record<FunctionName, string>;

beforeAll(async () => {
  t = await startTestRuntime();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtesy-lambda-node-'));
  await Promise.all(
    FUNCTION_NAMES.map(async (name) => {
      const outfile = path.join(dir, name, BUNDLE_FILE);
      await build({ ...esbuildOptions(path.join(REPO_ROOT, FUNCTIONS[name].entry), outfile), absWorkingDir: REPO_ROOT, logLevel: 'error' });
      bundles[name] = outfile;
    }),
  );
});
afterAll(async () => {
  await t?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the steps in one child on the Lambda Node, with only the functions' environment (as on Lambda). */
async function runUnderLambdaNode(steps: Step[]): Promise<{ node: string; steps: StepResult[] }> {
  const node = findLambdaNode();
  if (!node.found) throw new Error(node.reason);
  const planFile = path.join(dir, `plan-${unique('p')}.json`);
  const out = `${planFile}.out`;
  fs.writeFileSync(planFile, JSON.stringify({ out, steps: steps.map((s) => ({ ...s, bundle: bundles[s.fn] })) }));
  const { NODE_PATH: _none, ...runtimeEnv } = { NODE_PATH: undefined, ...t.runtime.env };
  const env = { ...runtimeEnv, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  // Asynchronous: the child's DynamoDB calls go through the strict layer, which a one-file jest run (in band) hosts in
  // this very process; a synchronous spawn blocked it and the child hung until its timeout.
  const r = await new Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(node.path, [RUNNER, planFile], { env, cwd: dir, timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  if (r.status !== 0) throw new Error(`runner failed (${r.status ?? r.signal}): ${r.stderr}\n${r.stdout.slice(-2000)}`);
  return JSON.parse(fs.readFileSync(out, 'utf8'));
}

test('the Lambda runtime of every function is the Node major the tests run the bundles on', async () => {
  const template = await appTemplate();
  const ids = functionLogicalIds(template);
  expect(Number.isInteger(LAMBDA_NODE_MAJOR)).toBe(true);
  for (const name of FUNCTION_NAMES) expect(template.Resources?.[ids[name]]?.Properties?.Runtime).toBe(`nodejs${LAMBDA_NODE_MAJOR}.x`);
  const node = findLambdaNode();
  expect(node).toMatchObject({ found: true, version: expect.stringMatching(new RegExp(`^v${LAMBDA_NODE_MAJOR}\\.`)) });
});

test('under Node 22 every bundle loads, and grant -> balance -> redeem -> reverse work against DynamoDB Local', async () => {
  const c = complaint({ amount: 2500, currency: 'EUR' });
  const grantEvent = {
    version: '0',
    id: unique('evt'),
    'detail-type': 'ComplaintResolved',
    source: 'retailer.complaints',
    account: '000000000000',
    time: new Date().toISOString(),
    region: t.runtime.env.AWS_REGION,
    resources: [],
    detail: c,
  };
  const orderId = unique('order');
  const loads: Step[] = FUNCTION_NAMES.map((fn) => ({ fn }));
  const redeemStep = loads.length + 2; // index of the redeem below: reverse refers to its answer
  const steps: Step[] = [
    ...loads,
    { fn: 'grant', event: grantEvent },
    { fn: 'balance', event: { customerId: c.customerId } },
    { fn: 'redeem', event: { customerId: c.customerId, orderId, amount: 1000, currency: 'EUR', idempotencyKey: `pay-${orderId}` } },
    {
      fn: 'reverse',
      event: { customerId: c.customerId, redemptionId: `$${redeemStep}.redemptionId`, currency: 'EUR', reason: 'order cancelled' },
    },
    { fn: 'balance', event: { customerId: c.customerId } },
  ];
  expect(steps[redeemStep]!.fn).toBe('redeem');
  const run = await runUnderLambdaNode(steps);

  expect(run.node).toMatch(new RegExp(`^v${LAMBDA_NODE_MAJOR}\\.`));
  for (const s of run.steps) expect(s).not.toHaveProperty('error');
  for (const s of run.steps.slice(0, loads.length)) expect(s.exports).toEqual(['handler']);

  const [grant, before, redeem, reverse, after] = run.steps.slice(loads.length).map((s) => s.result);
  expect(grant).toMatchObject({ outcome: 'GRANTED', creditId: expect.any(String) });
  expect(before).toMatchObject({ ok: true, courtesyCredit: { balances: [{ currency: 'EUR', available: 2500 }] } });
  expect(redeem).toMatchObject({ ok: true, requested: 1000, applied: 1000, remainingBalance: 1500 });
  expect(reverse).toMatchObject({ ok: true, redemptionId: redeem.redemptionId, restored: 1000 });
  expect(after).toMatchObject({ ok: true, courtesyCredit: { balances: [{ currency: 'EUR', available: 2500 }] } });
});
