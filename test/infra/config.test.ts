import { App, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LANDING_ZONE_DEFAULTS, LOG_RETENTION_DAYS } from '../../infra/options/settings';
import { CONTEXT_KEYS, ConfigError, DEFAULTS, loadConfig, parseConfig } from '../../infra/config';
import { DEFAULT_CAP_POLICY } from '../../lambdas/domain/caps';
import { DEFAULT_GRANT_POLICY, isValidEmail } from '../../lambdas/domain/credit';
import { DEFAULT_HOLD_POLICY } from '../../lambdas/domain/hold';
import { cdkJsonContext, functionLogicalIds, synthTemplate } from '../../infra/synth';

const BASE: Record<string, unknown> = {
  'courtesy:senderEmail': 'no-reply@mail.example.com',
  'courtesy:sesIdentity': 'example.com',
  'courtesy:complaintEventSources': ['retailer.complaints'],
  'courtesy:paymentFlowRoleArn': 'arn:aws:iam::111111111111:role/payment-flow',
  'courtesy:accountServiceRoleArn': 'arn:aws:iam::222222222222:role/path/account-service',
  'courtesy:emailTimeZone': 'Europe/Berlin',
  'courtesy:complaintPublisherPrincipals': ['arn:aws:iam::333333333333:role/complaints'],
};
const parse = (ctx: Record<string, unknown>, unknown: string[] = []) => parseConfig((k) => ctx[k], unknown);
const problems = (ctx: Record<string, unknown>, unknown: string[] = []): string[] => {
  try {
    parse(ctx, unknown);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
};

describe('parseConfig', () => {
  test('cdk.json context is valid and yields the documented defaults', () => {
    const config = parse(cdkJsonContext());
    expect(config).toEqual({
      stage: 'dev',
      senderEmail: 'no-reply@courtesy-credits.example.com',
      sesIdentity: 'courtesy-credits.example.com',
      complaintEventSources: ['retailer.complaints'],
      paymentFlowRoleArn: 'arn:aws:iam::111111111111:role/payment-flow',
      accountServiceRoleArn: 'arn:aws:iam::111111111111:role/account-service',
      reminderDaysBeforeExpiry: 7,
      emailTimeZone: 'Europe/Berlin',
      maxGrantMajorUnits: 10_000,
      sesMaxSendRate: 14,
      holdDefaultLifetimeSeconds: 604_800,
      holdMaxLifetimeSeconds: 2_592_000,
      complaintPublisherPrincipals: [{ kind: 'role', arn: 'arn:aws:iam::111111111111:role/complaint-service', account: '111111111111' }],
      kms: 'aws-managed',
      logRetentionDays: 365,
      vpc: { placement: 'none' },
      grantCaps: DEFAULT_CAP_POLICY,
      approvalThreshold: {},
      approvalTimeoutHours: 72,
    });
  });

  test('approval: thresholds per currency in whole units (none by default), a timeout in hours, an optional approver role', () => {
    const arn = 'arn:aws:iam::222222222222:role/approvers';
    expect(
      parse({
        ...BASE,
        'courtesy:approvalThreshold': { EUR: 100, JPY: 10_000 },
        'courtesy:approvalTimeoutHours': 24,
        'courtesy:approverRoleArn': arn,
      }),
    ).toMatchObject({ approvalThreshold: { EUR: 100, JPY: 10_000 }, approvalTimeoutHours: 24, approverRoleArn: arn });
    expect(parse({ ...BASE, 'courtesy:approvalThreshold': '{"USD":50}' }).approvalThreshold).toEqual({ USD: 50 });
    expect(parse(BASE).approverRoleArn).toBeUndefined();
  });

  test.each([
    ['no currency', { 'courtesy:approvalThreshold': { EURO: 100 } }, /courtesy:approvalThreshold: EURO: not an ISO 4217 currency code/],
    ['negative', { 'courtesy:approvalThreshold': { EUR: -1 } }, /courtesy:approvalThreshold: EUR: must be a whole number from 0/],
    ['not an object', { 'courtesy:approvalThreshold': [100] }, /courtesy:approvalThreshold: must be an object of currency: whole units/],
    ['timeout zero', { 'courtesy:approvalTimeoutHours': 0 }, /courtesy:approvalTimeoutHours: must be a whole number from 1 to 720/],
    ['timeout too long', { 'courtesy:approvalTimeoutHours': 721 }, /courtesy:approvalTimeoutHours: must be a whole number from 1 to 720/],
    [
      'approver not a role',
      { 'courtesy:approverRoleArn': 'arn:aws:iam::222222222222:user/x' },
      /courtesy:approverRoleArn: must be an IAM role ARN/,
    ],
  ])('approval settings refused: %s', (_what, extra, message) => {
    expect(() => parse({ ...BASE, ...extra })).toThrow(message);
  });

  test('grant caps: the domain defaults, overridden setting by setting (JSON object, also as a string from -c)', () => {
    expect(parse(BASE).grantCaps).toBe(DEFAULT_CAP_POLICY);
    expect(parse({ ...BASE, 'courtesy:grantCaps': { customerGrants30d: 3 } }).grantCaps).toEqual({
      ...DEFAULT_CAP_POLICY,
      customerGrants30d: 3,
    });
    expect(parse({ ...BASE, 'courtesy:grantCaps': '{"issuerAmountPerDayMajorUnits":250}' }).grantCaps).toEqual({
      ...DEFAULT_CAP_POLICY,
      issuerAmountPerDayMajorUnits: 250,
    });
  });

  test.each([
    ['unknown cap', { customerGrants: 3 }, /courtesy:grantCaps: customerGrants: unknown cap/],
    ['zero', { customerGrants30d: 0 }, /courtesy:grantCaps: customerGrants30d: must be a whole number from 1 to 1000000000/],
    ['fraction', { customerAmount30dMajorUnits: 1.5 }, /customerAmount30dMajorUnits: must be a whole number/],
    ['not an object', [1], /courtesy:grantCaps: must be an object of cap settings/],
    ['bad JSON', '{x', /courtesy:grantCaps: not valid JSON/],
  ])('grant caps refused: %s', (_what, value, message) => {
    expect(() => parse({ ...BASE, 'courtesy:grantCaps': value })).toThrow(message);
  });

  test('ops, privacy and finance roles are optional role ARNs', () => {
    expect(parse(BASE).opsRoleArn).toBeUndefined();
    const arn = 'arn:aws:iam::111111111111:role/ops';
    expect(parse({ ...BASE, 'courtesy:opsRoleArn': arn, 'courtesy:privacyRoleArn': arn, 'courtesy:financeRoleArn': arn })).toMatchObject({
      opsRoleArn: arn,
      privacyRoleArn: arn,
      financeRoleArn: arn,
    });
    expect(() => parse({ ...BASE, 'courtesy:financeRoleArn': 'arn:aws:iam::111111111111:user/bob' })).toThrow(
      /courtesy:financeRoleArn: must be an IAM role ARN/,
    );
  });

  test('hold lifetimes: the domain defaults (7 and 30 days), configurable within 60 s … 30 days, the default not above the maximum', () => {
    expect(DEFAULTS.holdDefaultLifetimeSeconds).toBe(DEFAULT_HOLD_POLICY.defaultLifetimeSeconds);
    expect(DEFAULTS.holdMaxLifetimeSeconds).toBe(DEFAULT_HOLD_POLICY.maxLifetimeSeconds);
    expect(parse({ ...BASE, 'courtesy:holdDefaultLifetimeSeconds': '3600', 'courtesy:holdMaxLifetimeSeconds': 86_400 })).toMatchObject({
      holdDefaultLifetimeSeconds: 3600,
      holdMaxLifetimeSeconds: 86_400,
    });
    // A lower maximum alone lowers the default with it.
    expect(parse({ ...BASE, 'courtesy:holdMaxLifetimeSeconds': 86_400 })).toMatchObject({
      holdDefaultLifetimeSeconds: 86_400,
      holdMaxLifetimeSeconds: 86_400,
    });
    expect(problems({ ...BASE, 'courtesy:holdMaxLifetimeSeconds': 2_592_001 }).join()).toMatch(
      /courtesy:holdMaxLifetimeSeconds: must be a whole number from 60 to 2592000/,
    );
    expect(problems({ ...BASE, 'courtesy:holdDefaultLifetimeSeconds': 59 }).join()).toMatch(
      /courtesy:holdDefaultLifetimeSeconds: must be a whole number from 60/,
    );
    expect(problems({ ...BASE, 'courtesy:holdDefaultLifetimeSeconds': 7200, 'courtesy:holdMaxLifetimeSeconds': 3600 }).join()).toMatch(
      /courtesy:holdDefaultLifetimeSeconds: must not exceed courtesy:holdMaxLifetimeSeconds \(3600\), got 7200/,
    );
  });

  test('defaults: 7 reminder days, 10000 major units, no configuration set', () => {
    const config = parse(BASE);
    expect(config.reminderDaysBeforeExpiry).toBe(DEFAULTS.reminderDaysBeforeExpiry);
    expect(config.reminderDaysBeforeExpiry).toBe(7);
    expect(config.maxGrantMajorUnits).toBe(10_000);
    expect(config.sesConfigurationSetName).toBeUndefined();
    // one source: the domain's default grant policy (what a function uses when the variable is absent)
    expect(DEFAULTS.reminderDaysBeforeExpiry).toBe(DEFAULT_GRANT_POLICY.reminderDaysBeforeExpiry);
    expect(DEFAULTS.maxGrantMajorUnits).toBe(DEFAULT_GRANT_POLICY.maxMajorUnits);
  });

  test('email addresses are checked by the domain rule (isValidEmail), the same one grants use', () => {
    for (const sender of ['a b@example.com', 'x@localhost', `${'a'.repeat(65)}@example.com`, 'a@-example.com']) {
      expect(isValidEmail(sender)).toBe(false);
      expect(problems({ ...BASE, 'courtesy:senderEmail': sender }).join()).toMatch(/courtesy:senderEmail: not a valid email address/);
    }
  });

  test('values given on the command line (-c key=value arrive as strings) are parsed', () => {
    const config = parse({
      ...BASE,
      'courtesy:reminderDaysBeforeExpiry': '10',
      'courtesy:maxGrantMajorUnits': '500',
      'courtesy:complaintEventSources': 'a.complaints, b.complaints',
      'courtesy:sesConfigurationSet': 'courtesy-emails',
    });
    expect(config).toMatchObject({
      reminderDaysBeforeExpiry: 10,
      maxGrantMajorUnits: 500,
      complaintEventSources: ['a.complaints', 'b.complaints'],
      sesConfigurationSetName: 'courtesy-emails',
    });
    expect(parse({ ...BASE, 'courtesy:complaintEventSources': '["x.y","z"]' }).complaintEventSources).toEqual(['x.y', 'z']);
  });

  test('a sender on a subdomain of the identity, or equal to an address identity, is accepted', () => {
    expect(() => parse({ ...BASE, 'courtesy:senderEmail': 'a@example.com' })).not.toThrow();
    expect(() => parse({ ...BASE, 'courtesy:senderEmail': 'a@deep.mail.example.com' })).not.toThrow();
    expect(() => parse({ ...BASE, 'courtesy:sesIdentity': 'a@example.com', 'courtesy:senderEmail': 'A@example.com' })).not.toThrow();
  });

  test('every problem is reported at once, naming its context key', () => {
    const found = problems({
      'courtesy:senderEmail': 'not-an-email',
      'courtesy:sesIdentity': 'example.com',
      'courtesy:complaintEventSources': [],
      'courtesy:paymentFlowRoleArn': 'arn:aws:iam::1234:user/bob',
      'courtesy:reminderDaysBeforeExpiry': 0,
      'courtesy:maxGrantMajorUnits': 1.5,
      'courtesy:emailTimeZone': 'Mars/Olympus_Mons',
      'courtesy:sesConfigurationSet': 'has spaces',
    });
    const keys = found.map((p) => p.split(':').slice(0, 2).join(':'));
    expect(keys.sort()).toEqual(
      [
        CONTEXT_KEYS.senderEmail,
        CONTEXT_KEYS.complaintEventSources,
        CONTEXT_KEYS.paymentFlowRoleArn,
        CONTEXT_KEYS.accountServiceRoleArn, // missing
        CONTEXT_KEYS.reminderDaysBeforeExpiry,
        CONTEXT_KEYS.maxGrantMajorUnits,
        CONTEXT_KEYS.emailTimeZone,
        CONTEXT_KEYS.sesConfigurationSetName,
        CONTEXT_KEYS.complaintPublisherPrincipals, // missing
      ].sort(),
    );
    expect(found.find((p) => p.startsWith(CONTEXT_KEYS.accountServiceRoleArn))).toMatch(/required/);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['sender outside the SES identity', { 'courtesy:senderEmail': 'x@other.org' }, /not covered by courtesy:sesIdentity/],
    ['sender on a look-alike domain', { 'courtesy:senderEmail': 'x@badexample.com' }, /not covered/],
    ['invalid identity', { 'courtesy:sesIdentity': 'not a domain' }, /must be a domain/],
    ['reserved aws. source', { 'courtesy:complaintEventSources': ['aws.s3'] }, /reserved/],
    ['duplicate source', { 'courtesy:complaintEventSources': ['a', 'a'] }, /twice/],
    ['source not a string', { 'courtesy:complaintEventSources': [42] }, /each source/],
    ['sources as an object', { 'courtesy:complaintEventSources': { a: 1 } }, /non-empty list/],
    ['broken JSON list', { 'courtesy:complaintEventSources': '["a",' }, /not valid JSON/],
    ['number as a string with junk', { 'courtesy:reminderDaysBeforeExpiry': '7 days' }, /whole number from 1 to 364/],
    ['reminder longer than the longest validity', { 'courtesy:reminderDaysBeforeExpiry': 365 }, /from 1 to 364/],
    ['sender not a string', { 'courtesy:senderEmail': 42 }, /must be a string/],
    [
      'role name over 64 characters',
      { 'courtesy:paymentFlowRoleArn': `arn:aws:iam::111111111111:role/${'r'.repeat(65)}` },
      /must be an IAM role ARN/,
    ],
    ['role ARN with a wildcard', { 'courtesy:paymentFlowRoleArn': 'arn:aws:iam::111111111111:role/*' }, /must be an IAM role ARN/],
    ['role ARN ending in a path', { 'courtesy:paymentFlowRoleArn': 'arn:aws:iam::111111111111:role/team/' }, /must be an IAM role ARN/],
    ['padded value', { 'courtesy:emailTimeZone': ' Europe/Berlin' }, /leading or trailing spaces/],
  ])('rejects %s', (_what, override, message) => {
    const found = problems({ ...BASE, ...override });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  test('unknown courtesy:* keys are errors (typos must not fall back to defaults silently)', () => {
    const found = problems(BASE, ['courtesy:reminderDaysBeforExpiry']);
    expect(found).toEqual([expect.stringMatching(/^courtesy:reminderDaysBeforExpiry: unknown setting/)]);
  });

  test('the error message lists every problem on its own line', () => {
    try {
      parse({});
      throw new Error('unreachable');
    } catch (e) {
      expect((e as Error).message).toMatch(/^Invalid courtesy-credits configuration/);
      for (const key of [CONTEXT_KEYS.senderEmail, CONTEXT_KEYS.sesIdentity, CONTEXT_KEYS.emailTimeZone]) {
        expect((e as Error).message).toContain(`\n  - ${key}: required`);
      }
    }
  });
});

describe('landing-zone settings (infra/options/settings.ts)', () => {
  test('defaults: AWS-managed encryption, logs kept one year, no VPC', () => {
    expect(parse(BASE)).toMatchObject({ kms: 'aws-managed', logRetentionDays: 365, vpc: { placement: 'none' } });
    expect(LANDING_ZONE_DEFAULTS).toEqual({ kms: 'aws-managed', logRetentionDays: 365, vpc: { placement: 'none' } });
  });

  test('values from cdk.json and from -c (strings, JSON) are read', () => {
    const existing = { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0', 'subnet-89abcdef'] };
    expect(parse({ ...BASE, 'courtesy:kms': 'customer-managed', 'courtesy:logRetentionDays': 731, 'courtesy:vpc': 'new' })).toMatchObject({
      kms: 'customer-managed',
      logRetentionDays: 731,
      vpc: { placement: 'new-vpc' },
    });
    expect(parse({ ...BASE, 'courtesy:logRetentionDays': '30', 'courtesy:vpc': JSON.stringify(existing) })).toMatchObject({
      logRetentionDays: 30,
      vpc: { placement: 'existing-vpc', ...existing },
    });
    expect(parse({ ...BASE, 'courtesy:vpc': existing }).vpc).toEqual({ placement: 'existing-vpc', ...existing });
    expect(parse({ ...BASE, 'courtesy:vpc': 'none' }).vpc).toEqual({ placement: 'none' });
  });

  test("retention accepts exactly CloudWatch Logs' values (CDK's RetentionDays without 'never expire')", () => {
    const cdkValues = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number' && v !== RetentionDays.INFINITE);
    expect([...LOG_RETENTION_DAYS].sort((a, b) => a - b)).toEqual(cdkValues.sort((a, b) => a - b));
    for (const days of LOG_RETENTION_DAYS) expect(parse({ ...BASE, 'courtesy:logRetentionDays': days }).logRetentionDays).toBe(days);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown key option', { 'courtesy:kms': 'customer' }, /courtesy:kms: must be one of aws-managed, customer-managed/],
    [
      'a retention CloudWatch does not offer',
      { 'courtesy:logRetentionDays': 364 },
      /courtesy:logRetentionDays: must be a retention CloudWatch Logs accepts/,
    ],
    ['never-expire retention', { 'courtesy:logRetentionDays': 9999 }, /courtesy:logRetentionDays/],
    ['a retention with a unit', { 'courtesy:logRetentionDays': '365d' }, /courtesy:logRetentionDays/],
    ['vpc "on"', { 'courtesy:vpc': 'on' }, /courtesy:vpc: must be "none", "new", or/],
    ['vpc true', { 'courtesy:vpc': true }, /courtesy:vpc: must be/],
    [
      'a malformed VPC id',
      { 'courtesy:vpc': { vpcId: 'vpc-xyz', subnetIds: ['subnet-01234567', 'subnet-89abcdef'] } },
      /vpcId must be a VPC id/,
    ],
    ['a single subnet', { 'courtesy:vpc': { vpcId: 'vpc-01234567', subnetIds: ['subnet-01234567'] } }, /at least two subnet ids/],
    ['a subnet listed twice', { 'courtesy:vpc': { vpcId: 'vpc-01234567', subnetIds: ['subnet-01234567', 'subnet-01234567'] } }, /twice/],
    [
      'an unknown VPC field',
      { 'courtesy:vpc': { vpcId: 'vpc-01234567', subnetIds: ['subnet-01234567', 'subnet-89abcdef'], cidr: '10.0.0.0/16' } },
      /unknown field\(s\) cidr/,
    ],
    ['broken VPC JSON', { 'courtesy:vpc': '{"vpcId":' }, /courtesy:vpc: not valid JSON/],
  ])('rejects %s', (_what, override, message) => {
    const found = problems({ ...BASE, ...override });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  test('the settings are known keys, not typos', () => {
    for (const key of ['courtesy:kms', 'courtesy:logRetentionDays', 'courtesy:vpc']) expect(Object.values(CONTEXT_KEYS)).toContain(key);
    const ok = new Stack(
      new App({ context: { ...BASE, 'courtesy:kms': 'customer-managed', 'courtesy:vpc': 'new', 'courtesy:logRetentionDays': 400 } }),
      'S',
    );
    expect(loadConfig(ok)).toMatchObject({ kms: 'customer-managed', vpc: { placement: 'new-vpc' }, logRetentionDays: 400 });
  });
});

describe('loadConfig', () => {
  test("reads a construct's context and reports unknown courtesy:* keys", () => {
    const ok = new Stack(new App({ context: BASE }), 'S');
    expect(loadConfig(ok).senderEmail).toBe('no-reply@mail.example.com');
    const typo = new Stack(new App({ context: { ...BASE, 'courtesy:senderMail': 'x' } }), 'S');
    expect(() => loadConfig(typo)).toThrow(/courtesy:senderMail: unknown setting/);
  });

  test('synthesis fails with the configuration error, before anything is built', () => {
    expect(() => synthTemplate({ context: { 'courtesy:emailTimeZone': 'Nowhere/Land' } })).toThrow(/courtesy:emailTimeZone/);
  });
});

describe('optional SES configuration set (one synthesis)', () => {
  const json = synthTemplate({ context: { 'courtesy:sesConfigurationSet': 'courtesy-emails', 'courtesy:maxGrantMajorUnits': 250 } });
  const fnIds = functionLogicalIds(json);
  const fn = (id: string) => json.Resources[id];

  test('notify gets SES_CONFIGURATION_SET; no other function does', () => {
    expect(fn(fnIds.notify).Properties.Environment.Variables.SES_CONFIGURATION_SET).toBe('courtesy-emails');
    for (const [name, id] of Object.entries(fnIds)) {
      if (name !== 'notify') expect(fn(id).Properties.Environment.Variables.SES_CONFIGURATION_SET).toBeUndefined();
    }
    expect(fn(fnIds.grant).Properties.Environment.Variables.MAX_GRANT_MAJOR_UNITS).toBe('250');
  });

  test('ses:SendEmail covers the identity and the configuration set, nothing else', () => {
    const roleId = fn(fnIds.notify).Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values<any>(json.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
      .flatMap((r) => r.Properties.PolicyDocument.Statement)
      .filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('ses:')));
    expect(statements).toHaveLength(1);
    const arn = (suffix: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, suffix]],
    });
    expect(statements[0]).toEqual({
      Action: 'ses:SendEmail',
      Effect: 'Allow',
      Resource: expect.arrayContaining([arn(':identity/courtesy-credits.example.com'), arn(':configuration-set/courtesy-emails')]),
      Condition: { StringEquals: { 'ses:FromAddress': 'no-reply@courtesy-credits.example.com' } },
    });
    expect(statements[0].Resource).toHaveLength(2);
  });
});
