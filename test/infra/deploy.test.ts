/**
 * What would break in a real account, checked on the synthesized templates (issue 14 items 4-7):
 * - stages: two stages synthesize side by side in one app with no explicitly named resource in common;
 * - deploy hygiene: placeholders and an implicit stage are refused by `npm run deploy` (and only then), naming the
 *   setting; removal policies keep data except when the creating deploy rolls back;
 * - SES: ses:SendEmail covers the configuration set when one is configured;
 * - runtime: every function runs with source maps enabled, matching the bundling.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { BUNDLING, NODE_OPTIONS } from '../../infra/bundling';
import { CONTEXT_KEYS, ConfigError, DEPLOY_CONTEXT_KEY, loadConfig, parseConfig } from '../../infra/config';
import { isExampleAccount, isExampleDomain } from '../../infra/deploy-checks';
import { DEFAULT_STAGE, stageNames } from '../../infra/names';
import { REPO_ROOT } from '../../infra/paths';
import { CourtesyCreditsStack } from '../../infra/stack';
import { cdkJsonContext, functionLogicalIds, synthTemplate } from '../../infra/synth';

/** Real-looking values for every setting cdk.json fills with a placeholder. */
const REAL: Record<string, unknown> = {
  'courtesy:stage': 'prod',
  'courtesy:senderEmail': 'no-reply@mail.shop-retailer.de',
  'courtesy:sesIdentity': 'mail.shop-retailer.de',
  'courtesy:paymentFlowRoleArn': 'arn:aws:iam::493817265012:role/payment-flow',
  'courtesy:accountServiceRoleArn': 'arn:aws:iam::493817265012:role/account-service',
  'courtesy:complaintPublisherPrincipals': ['arn:aws:iam::493817265012:role/complaint-service', '584920175634'],
};

/** Properties holding an account- or region-wide name. (An AWS::IAM::Policy's PolicyName is scoped to its role.) */
const NAME_PROPERTIES = [
  'Name',
  'TableName',
  'QueueName',
  'EventBusName',
  'FunctionName',
  'LogGroupName',
  'RoleName',
  'ManagedPolicyName',
  'TopicName',
  'BucketName',
];

/** Every literal (string) value of a name property in a template, with where it is. */
function literalNames(template: Record<string, any>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, r] of Object.entries<any>(template.Resources)) {
    for (const key of NAME_PROPERTIES) {
      const v = r.Properties?.[key];
      if (typeof v === 'string') out.set(v, `${id}.${key}`);
    }
  }
  return out;
}

describe('stages', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtesy-stages-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const app = new App({ outdir, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] }, analyticsReporting: false });
  const base = parseConfig((k) => cdkJsonContext()[k]);
  const stacks = ['prod', 'staging'].map(
    (stage) => new CourtesyCreditsStack(app, stageNames(stage).stackName, { config: { ...base, stage } }),
  );
  const assembly = app.synth();
  const [prod, staging] = stacks.map((s) => assembly.getStackArtifact(s.artifactId).template as Record<string, any>);

  test('stack and bus names derive from the stage', () => {
    expect(stacks.map((s) => s.stackName)).toEqual(['CourtesyCredits-prod', 'CourtesyCredits-staging']);
    const bus = (t: Record<string, any>) =>
      Object.values<any>(t.Resources)
        .filter((r) => r.Type === 'AWS::Events::EventBus')
        .map((r) => r.Properties.Name);
    expect(bus(prod!)).toEqual(['courtesy-credits-prod']);
    expect(bus(staging!)).toEqual(['courtesy-credits-staging']);
  });

  test('two stages in one app and account share no explicitly named resource and export nothing', () => {
    const a = literalNames(prod!);
    const b = literalNames(staging!);
    expect(a.size).toBeGreaterThan(0); // the bus at least: the check is not vacuous
    expect([...a.keys()].filter((n) => b.has(n))).toEqual([]);
    for (const t of [prod!, staging!]) {
      for (const o of Object.values<any>(t.Outputs ?? {})) expect(o.Export).toBeUndefined();
    }
  });

  test('explicit names are only the bus: everything else gets a stack-unique generated name', () => {
    expect([...literalNames(prod!).values()].map((where) => where.replace(/[0-9A-F]{8}\./, '.'))).toEqual(['EventBus.Name']);
  });

  test('without courtesy:stage the stage is "dev", never production', () => {
    expect(DEFAULT_STAGE).toBe('dev');
    expect(parseConfig((k) => cdkJsonContext()[k]).stage).toBe('dev');
    expect(stageNames('dev')).toEqual({
      stackName: 'CourtesyCredits-dev',
      eventBusName: 'courtesy-credits-dev',
      metricsNamespace: 'CourtesyCredits/dev',
      schemaRegistryName: 'courtesy-credits-dev',
    });
  });

  test.each(['Prod', 'prod_1', '1prod', 'a'.repeat(21), 'pr od', '-x'])('stage %j is refused, naming the setting', (stage) => {
    expect(() => parseConfig((k) => ({ ...cdkJsonContext(), [CONTEXT_KEYS.stage]: stage })[k])).toThrow(
      /courtesy:stage: 1-20 lower-case letters/,
    );
    expect(() => stageNames(stage)).toThrow(/invalid stage/);
  });
});

describe('deploy-time checks (npm run deploy sets courtesy:deploy=true)', () => {
  const deployConfig = (context: Record<string, unknown>) => loadConfig(new Stack(new App({ context }), 'S'));
  const problemsOf = (context: Record<string, unknown>): string[] => {
    try {
      deployConfig(context);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).phase).toBe('deploy');
      expect((e as Error).message).toMatch(/^Refusing to deploy courtesy-credits configuration/);
      return [...(e as ConfigError).problems];
    }
    throw new Error('expected a ConfigError');
  };

  test('the cdk.json placeholders are refused, each problem naming its setting', () => {
    const found = problemsOf({ ...cdkJsonContext(), [DEPLOY_CONTEXT_KEY]: true });
    expect(found.map((p) => p.slice(0, p.indexOf(': '))).sort()).toEqual(
      [
        CONTEXT_KEYS.stage,
        CONTEXT_KEYS.paymentFlowRoleArn,
        CONTEXT_KEYS.accountServiceRoleArn,
        CONTEXT_KEYS.complaintPublisherPrincipals,
        CONTEXT_KEYS.senderEmail,
        CONTEXT_KEYS.sesIdentity,
      ].sort(),
    );
    expect(found.find((p) => p.startsWith(CONTEXT_KEYS.complaintPublisherPrincipals))).toMatch(
      /"arn:aws:iam::111111111111:role\/complaint-service" is a placeholder \(example account 111111111111\)/,
    );
    expect(found.find((p) => p.startsWith(CONTEXT_KEYS.paymentFlowRoleArn))).toMatch(/placeholder \(example account 111111111111\)/);
    expect(found.find((p) => p.startsWith(CONTEXT_KEYS.senderEmail))).toMatch(/reserved example domain courtesy-credits\.example\.com/);
    expect(found.find((p) => p.startsWith(CONTEXT_KEYS.stage))).toMatch(/required for deploy/);
  });

  test('real values pass, also given as strings on the command line', () => {
    expect(deployConfig({ ...cdkJsonContext(), ...REAL, [DEPLOY_CONTEXT_KEY]: true }).stage).toBe('prod');
    expect(deployConfig({ ...cdkJsonContext(), ...REAL, [DEPLOY_CONTEXT_KEY]: 'true' }).paymentFlowRoleArn).toBe(
      REAL['courtesy:paymentFlowRoleArn'],
    );
  });

  test('one placeholder left is reported alone', () => {
    const found = problemsOf({
      ...cdkJsonContext(),
      ...REAL,
      'courtesy:accountServiceRoleArn': 'arn:aws:iam::123456789012:role/x',
      [DEPLOY_CONTEXT_KEY]: true,
    });
    expect(found).toEqual([expect.stringMatching(/^courtesy:accountServiceRoleArn: "arn:aws:iam::123456789012:role\/x" is a placeholder/)]);
  });

  test('without the flag (cdk synth, tests, local runtime) the placeholders synthesize', () => {
    expect(deployConfig(cdkJsonContext()).paymentFlowRoleArn).toBe('arn:aws:iam::111111111111:role/payment-flow');
    expect(deployConfig({ ...cdkJsonContext(), [DEPLOY_CONTEXT_KEY]: 'false' }).stage).toBe('dev');
    expect(() => synthTemplate({ context: { [DEPLOY_CONTEXT_KEY]: true } })).toThrow(
      /Refusing to deploy[\s\S]*courtesy:paymentFlowRoleArn/,
    );
  });

  test('a malformed flag or invoke-principal ARN fails before anything is built', () => {
    expect(() => deployConfig({ ...cdkJsonContext(), [DEPLOY_CONTEXT_KEY]: 'yes' })).toThrow(/courtesy:deploy: must be true or false/);
    expect(() => deployConfig({ ...cdkJsonContext(), 'courtesy:paymentFlowRoleArn': 'arn:aws:iam::493817265012:user/bob' })).toThrow(
      /courtesy:paymentFlowRoleArn: must be an IAM role ARN/,
    );
  });

  test.each([
    ['111111111111', true],
    ['000000000000', true],
    ['123456789012', true],
    ['493817265012', false],
  ])('account %s is an example: %s', (account, example) => expect(isExampleAccount(account)).toBe(example));

  test.each([
    ['example.com', true],
    ['mail.example.org', true],
    ['shop.test', true],
    ['x.invalid', true],
    ['counterexample.com', false],
    ['example.com.de', false],
    ['shop-retailer.de', false],
  ])('domain %s is an example: %s', (domain, example) => expect(isExampleDomain(domain)).toBe(example));

  test('npm run deploy passes the flag; the CDK app entry point refuses placeholders with it and exits non-zero', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.deploy).toMatch(/^cdk deploy\b.*-c courtesy:deploy=true/);
    const context = { ...cdkJsonContext(), [DEPLOY_CONTEXT_KEY]: true };
    let stderr = '';
    try {
      execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(REPO_ROOT, 'infra/app.ts')], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          CDK_CONTEXT_JSON: JSON.stringify(context),
          CDK_OUTDIR: fs.mkdtempSync(path.join(os.tmpdir(), 'courtesy-app-')),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      stderr = String((e as { stderr?: Buffer }).stderr);
      expect((e as { status?: number }).status).toBe(1);
    }
    expect(stderr).toMatch(/Refusing to deploy/);
    expect(stderr).toContain('courtesy:paymentFlowRoleArn');
    expect(stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
  }, 30_000);
});

describe('SES permissions', () => {
  const sesStatements = (json: Record<string, any>) => {
    const roleId = json.Resources[functionLogicalIds(json).notify].Properties.Role['Fn::GetAtt'][0];
    return Object.values<any>(json.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
      .flatMap((r) => r.Properties.PolicyDocument.Statement)
      .filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('ses:')));
  };
  const suffixes = (s: any) => [s.Resource].flat().map((r: any) => r['Fn::Join'][1].at(-1));

  test('without a configuration set: the identity and the set the stack creates; with one: the identity and that set, From the sender only', () => {
    const json = synthTemplate();
    const [without] = sesStatements(json);
    const created = Object.entries<any>(json.Resources).filter(([, r]) => r.Type === 'AWS::SES::ConfigurationSet');
    expect(created).toHaveLength(1);
    expect(suffixes(without)).toEqual([{ Ref: created[0]![0] }, ':identity/courtesy-credits.example.com']);
    expect(without.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'no-reply@courtesy-credits.example.com' } });
    const withSet = sesStatements(synthTemplate({ context: { 'courtesy:sesConfigurationSet': 'courtesy-emails' } }));
    expect(withSet).toHaveLength(1);
    expect(suffixes(withSet[0]).sort()).toEqual([':configuration-set/courtesy-emails', ':identity/courtesy-credits.example.com']);
    expect(withSet[0].Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'no-reply@courtesy-credits.example.com' } });
  });
});

describe('source maps at run time', () => {
  test('bundles carry source maps and every function enables them', () => {
    expect(BUNDLING.sourceMap).toBe(true);
    expect(NODE_OPTIONS).toBe('--enable-source-maps');
    const json = synthTemplate();
    for (const id of Object.values(functionLogicalIds(json))) {
      expect(json.Resources[id].Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });
});
