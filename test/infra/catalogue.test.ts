import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BUNDLE_FILE, BUNDLING, ESBUILD_OPTIONS, esbuildOptions } from '../../infra/bundling';
import { CONTEXT_KEYS } from '../../infra/config';
import {
  COMMON_ENV,
  ENV_VARS,
  FUNCTIONS,
  FUNCTION_LIST,
  FUNCTION_NAMES,
  functionsTriggeredBy,
  isFunctionName,
  routeFilters,
} from '../../infra/functions';
import { REPO_ROOT } from '../../infra/paths';

const BUILTINS = new Set(builtinModules);

describe('function catalogue', () => {
  test('nineteen functions, keyed by their own name, in a fixed order', () => {
    expect(FUNCTION_NAMES).toEqual([
      'grant',
      'redeem',
      'reverse',
      'balance',
      'route',
      'expire',
      'notify',
      'publish',
      'void',
      'erase',
      'report',
      'aggregate',
      'hold',
      'capture',
      'release',
      'refund',
      'approval',
      'declineExpired',
      'releaseExpired',
    ]);
    expect(FUNCTION_LIST.map((f) => f.name)).toEqual([...FUNCTION_NAMES]);
    for (const [key, spec] of Object.entries(FUNCTIONS)) expect(spec.name).toBe(key);
    expect(isFunctionName('grant')).toBe(true);
    expect(isFunctionName('toString')).toBe(false);
  });

  test.each(FUNCTION_NAMES)('%s: entry lambdas/%s/handler.ts exists and exports `handler`', (name) => {
    const spec = FUNCTIONS[name];
    expect(spec.entry).toBe(`lambdas/${name}/handler.ts`);
    expect(spec.handler).toBe('handler');
    const source = fs.readFileSync(path.join(REPO_ROOT, spec.entry), 'utf8');
    expect(source).toMatch(/export\s+(const|let|var|async\s+function|function)\s+handler\b|export\s*\{[^}]*\bhandler\b[^}]*\}/);
  });

  test.each(FUNCTION_NAMES)('%s: sane sizing, a description, and only known env vars', (name) => {
    const spec = FUNCTIONS[name];
    expect(spec.memorySize).toBeGreaterThanOrEqual(128);
    expect(spec.memorySize).toBeLessThanOrEqual(10_240);
    expect(Number.isInteger(spec.timeoutSeconds)).toBe(true);
    expect(spec.timeoutSeconds).toBeGreaterThan(0);
    expect(spec.timeoutSeconds).toBeLessThanOrEqual(900);
    expect(spec.description.length).toBeGreaterThan(10);
    expect(spec.description.length).toBeLessThanOrEqual(256);
    for (const v of [...spec.env, ...spec.optionalEnv]) expect(ENV_VARS).toContain(v);
    expect(new Set([...spec.env, ...spec.optionalEnv]).size).toBe(spec.env.length + spec.optionalEnv.length);
  });

  test('triggers: grant via EventBridge, eleven synchronous APIs, ONE stream reader (the router), six queue workers', () => {
    const byTrigger = (t: string) => FUNCTION_LIST.filter((f) => f.trigger.kind === t).map((f) => f.name);
    expect(byTrigger('eventbridge')).toEqual(['grant']);
    expect(byTrigger('invoke')).toEqual([
      'redeem',
      'reverse',
      'balance',
      'void',
      'erase',
      'report',
      'hold',
      'capture',
      'release',
      'refund',
      'approval',
    ]);
    expect(byTrigger('stream')).toEqual(['route']);
    expect(byTrigger('queue')).toEqual(['expire', 'notify', 'publish', 'aggregate', 'declineExpired', 'releaseExpired']);
  });

  test("what each worker consumes, as data (the router's filters and routes derive from it)", () => {
    expect(Object.fromEntries(functionsTriggeredBy('queue').map((f) => [f.name, f.trigger.consumes]))).toEqual({
      expire: [{ change: 'expired', item: 'CREDIT' }],
      notify: [
        { change: 'inserted', item: 'CREDIT' },
        { change: 'expired', item: 'REMINDER' },
      ],
      publish: [
        { change: 'inserted', item: 'LEDGER' },
        { change: 'inserted', item: 'NOTICE', where: { notice: 'REMINDER' } },
        { change: 'inserted', item: 'GRANT_REFUSED' },
        { change: 'inserted', item: 'PENDING_GRANT' },
        { change: 'inserted', item: 'GRANT_DECISION' },
      ],
      aggregate: [{ change: 'inserted', item: 'LEDGER' }],
      declineExpired: [{ change: 'expired', item: 'PENDING_GRANT' }],
      releaseExpired: [{ change: 'expired', item: 'HOLD' }],
    });
  });

  test('work queues: own queue and DLQ per worker, redrive after 5 receives, batches of 10', () => {
    expect(Object.fromEntries(functionsTriggeredBy('queue').map((f) => [f.name, f.trigger.queue]))).toEqual({
      expire: { id: 'ExpireQueue', deadLetter: { id: 'ExpireDlq', purpose: expect.any(String) }, maxReceiveCount: 5, batchSize: 10 },
      notify: { id: 'NotifyQueue', deadLetter: { id: 'NotifyDlq', purpose: expect.any(String) }, maxReceiveCount: 5, batchSize: 10 },
      publish: { id: 'PublishQueue', deadLetter: { id: 'PublishDlq', purpose: expect.any(String) }, maxReceiveCount: 5, batchSize: 10 },
      aggregate: {
        id: 'AggregateQueue',
        deadLetter: { id: 'AggregateDlq', purpose: expect.any(String) },
        maxReceiveCount: 5,
        batchSize: 10,
      },
      declineExpired: {
        id: 'DeclineExpiredQueue',
        deadLetter: { id: 'DeclineExpiredDlq', purpose: expect.any(String) },
        maxReceiveCount: 5,
        batchSize: 10,
      },
      releaseExpired: {
        id: 'ReleaseExpiredQueue',
        deadLetter: { id: 'ReleaseExpiredDlq', purpose: expect.any(String) },
        maxReceiveCount: 5,
        batchSize: 10,
      },
    });
  });
});

describe('catalogue entries carry everything about a function', () => {
  test('who may invoke: the payment flow redeem, reverse, balance, hold, capture, release, refund; the account service balance only; operations void and balance, privacy erase, finance report, approvers approval and balance', () => {
    const invokers = Object.fromEntries(functionsTriggeredBy('invoke').map((f) => [f.name, f.trigger.invokers]));
    expect(invokers).toEqual({
      redeem: ['paymentFlowRoleArn'],
      reverse: ['paymentFlowRoleArn'],
      balance: ['paymentFlowRoleArn', 'accountServiceRoleArn', 'opsRoleArn', 'approverRoleArn'],
      void: ['opsRoleArn'],
      erase: ['privacyRoleArn'],
      report: ['financeRoleArn'],
      approval: ['approverRoleArn'],
      hold: ['paymentFlowRoleArn'],
      capture: ['paymentFlowRoleArn'],
      release: ['paymentFlowRoleArn'],
      refund: ['paymentFlowRoleArn'],
    });
    // every invoker names a role setting of the configuration
    for (const setting of Object.values(invokers).flat()) expect(Object.keys(CONTEXT_KEYS)).toContain(setting);
  });

  test('table actions: exact DynamoDB actions per function, publish none', () => {
    expect(Object.fromEntries(FUNCTION_LIST.map((f) => [f.name, [...f.tableActions].sort()]))).toEqual({
      grant: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      redeem: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      reverse: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      balance: ['dynamodb:Query'],
      route: [],
      expire: ['dynamodb:PutItem'],
      notify: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      publish: [],
      void: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      erase: ['dynamodb:Query', 'dynamodb:UpdateItem'],
      report: ['dynamodb:Query', 'dynamodb:Scan'],
      aggregate: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      hold: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      capture: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      release: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      refund: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      approval: [
        'dynamodb:BatchGetItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      declineExpired: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      releaseExpired: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    });
  });

  test('other permissions as data: the router sends to the work queues, notify sends email as the sender identity, publish puts events on the bus', () => {
    expect(Object.fromEntries(FUNCTION_LIST.filter((f) => f.permissions.length > 0).map((f) => [f.name, f.permissions]))).toEqual({
      route: [{ on: 'workQueues', actions: ['sqs:SendMessage'] }],
      notify: [{ on: 'senderIdentity', actions: ['ses:SendEmail'] }],
      publish: [{ on: 'eventBus', actions: ['events:PutEvents'] }],
    });
  });

  test('every failure queue is named once, with a purpose', () => {
    const queues = FUNCTION_LIST.flatMap((f) =>
      f.trigger.kind === 'eventbridge'
        ? [f.trigger.rule.deadLetter, f.trigger.onFailure]
        : f.trigger.kind === 'stream'
          ? [f.trigger.onFailure]
          : f.trigger.kind === 'queue'
            ? [f.trigger.queue.deadLetter]
            : [],
    );
    expect(queues.map((q) => q.id).sort()).toEqual([
      'AggregateDlq',
      'ComplaintRuleDlq',
      'DeclineExpiredDlq',
      'ExpireDlq',
      'GrantFailures',
      'NotifyDlq',
      'PublishDlq',
      'ReleaseExpiredDlq',
      'StreamFailuresBucket',
    ]);
    for (const q of queues) expect(q.purpose.length).toBeGreaterThan(20);
  });

  test("the router's filters: between 1 and 5 (Lambda's default quota per mapping), only on the dynamodb key; NODE_OPTIONS is common to all", () => {
    const filters = routeFilters();
    expect(filters.length).toBeGreaterThan(0);
    expect(filters.length).toBeLessThanOrEqual(5);
    for (const f of filters) expect(Object.keys(f)).toEqual(['dynamodb']);
    expect(COMMON_ENV).toContain('NODE_OPTIONS');
    for (const f of FUNCTION_LIST) expect(f.env).toEqual(expect.arrayContaining([...COMMON_ENV]));
  });
});

describe('bundling', () => {
  test('NodejsFunction options: minified CJS for node22 with source maps, AWS SDK v3 bundled (nothing external)', () => {
    expect(BUNDLING).toMatchObject({
      minify: true,
      sourceMap: true,
      target: 'node22',
      format: OutputFormat.CJS,
      externalModules: [],
      mainFields: ['module', 'main'],
    });
    expect(BUNDLING.forceDockerBundling).toBeUndefined();
  });

  test('the plain esbuild options carry the same values', () => {
    expect(ESBUILD_OPTIONS).toMatchObject({
      bundle: true,
      platform: 'node',
      minify: BUNDLING.minify,
      sourcemap: BUNDLING.sourceMap,
      sourcesContent: BUNDLING.sourcesContent,
      target: BUNDLING.target,
      format: BUNDLING.format,
      external: BUNDLING.externalModules,
      mainFields: BUNDLING.mainFields,
      logLevel: BUNDLING.logLevel,
    });
    const opts = esbuildOptions('lambdas/grant/handler.ts', '/tmp/out/index.js');
    expect(opts).toMatchObject({ ...ESBUILD_OPTIONS, entryPoints: ['lambdas/grant/handler.ts'], outfile: '/tmp/out/index.js' });
    expect(path.basename(opts.outfile!)).toBe(BUNDLE_FILE);
    // Callers may mutate their copy without touching the shared settings.
    (opts.external as string[]).push('x');
    expect(ESBUILD_OPTIONS.external).toEqual([]);
  });

  test('the IAM engine is a dev dependency only', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.devDependencies['@cloud-copilot/iam-simulate']).toBeDefined();
    expect(Object.keys(pkg.dependencies).filter((d) => d.startsWith('@cloud-copilot/'))).toEqual([]);
  });

  test('every entry bundles with the plain options, as CJS, with the AWS SDK inside', async () => {
    const results = await Promise.all(
      FUNCTION_LIST.map((spec) =>
        build({
          ...esbuildOptions(path.join(REPO_ROOT, spec.entry), path.join('/tmp', `courtesy-${spec.name}`, BUNDLE_FILE)),
          write: false,
          metafile: true,
          logLevel: 'silent',
          absWorkingDir: REPO_ROOT,
        }),
      ),
    );
    for (const r of results) {
      expect(r.errors).toEqual([]);
      const inputs = Object.keys(r.metafile!.inputs);
      // The SDK clients come from this repo's node_modules (the version the tests run), and nothing is left to resolve at run time.
      expect(inputs.some((i) => i.includes('node_modules/@aws-sdk/client-'))).toBe(true);
      // The IAM engine of the local runtime (AGPL-3.0, a dev dependency) never reaches a function's bundle.
      expect(inputs.filter((i) => i.includes('@cloud-copilot/') || i.includes('local/iam/'))).toEqual([]);
      const jsOut = Object.entries(r.metafile!.outputs).find(([p]) => p.endsWith('.js'))![1];
      expect(jsOut.imports.filter((i) => i.external && !i.path.startsWith('node:') && !BUILTINS.has(i.path))).toEqual([]);
      const js = r.outputFiles!.find((f) => f.path.endsWith('.js'))!.text;
      expect(js.startsWith('"use strict";')).toBe(true); // CJS
      expect(r.outputFiles!.some((f) => f.path.endsWith('.js.map'))).toBe(true);
    }
  });
});
