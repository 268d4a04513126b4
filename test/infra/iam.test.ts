import { FUNCTION_NAMES, PAYMENT_FLOW_FUNCTIONS, type FunctionName } from '../../infra/functions';
import { functionLogicalIds, synthTemplate } from '../../infra/synth';

/**
 * Least privilege, checked on the synthesized template: for every function role, every Allow of every
 * policy attached to it is resolved to "<action> on <resource>", and the set must EQUAL the expected
 * one (logs and X-Ray are checked separately). Anything extra, broader or missing fails.
 */
const json = synthTemplate();
const resources: Record<string, any> = json.Resources;
const fnIds = functionLogicalIds(json);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const only = <T>(xs: T[], what: string): T => {
  if (xs.length !== 1) throw new Error(`expected exactly one ${what}, found ${xs.length}`);
  return xs[0]!;
};

const tableId = only(ofType('AWS::DynamoDB::Table'), 'table')[0];
const busId = only(ofType('AWS::Events::EventBus'), 'bus')[0];
const queueName = (id: string) => id.replace(/[0-9A-F]{8}$/, '');
const SES_IDENTITY = 'courtesy-credits.example.com';
const CONFIGURATION_SET_ID = only(ofType('AWS::SES::ConfigurationSet'), 'SES configuration set')[0];

/** A symbolic name for a policy Resource, so that expectations read like the requirements. */
function describeResource(r: unknown, fn: FunctionName): string {
  if (r === '*') return '*';
  const att = (r as any)?.['Fn::GetAtt'];
  if (Array.isArray(att)) {
    const [id, attr] = att as [string, string];
    if (id === tableId && attr === 'Arn') return 'table';
    if (id === tableId && attr === 'StreamArn') return 'table-stream';
    if (id === busId && attr === 'Arn') return 'bus';
    if (resources[id]?.Type === 'AWS::SQS::Queue' && attr === 'Arn') return `queue:${queueName(id)}`;
    if (resources[id]?.Type === 'AWS::S3::Bucket' && attr === 'Arn') return `bucket:${queueName(id)}`;
    if (resources[id]?.Type === 'AWS::Logs::LogGroup' && attr === 'Arn') {
      return id === resources[fnIds[fn]].Properties.LoggingConfig.LogGroup.Ref ? 'own-log-group' : `log-group:${id}`;
    }
  }
  const join = (r as any)?.['Fn::Join'];
  if (Array.isArray(join) && join[0] === '') {
    const [first, rest] = join[1] as unknown[];
    const bucketId = (first as any)?.['Fn::GetAtt']?.[0];
    if ((join[1] as unknown[]).length === 2 && resources[bucketId]?.Type === 'AWS::S3::Bucket' && rest === '/*')
      return `bucket-objects:${queueName(bucketId)}`;
    const text = (join[1] as unknown[]).map((p) => (typeof p === 'string' ? p : `{${(p as any).Ref ?? JSON.stringify(p)}}`)).join('');
    const m = /^arn:\{AWS::Partition\}:ses:\{AWS::Region\}:\{AWS::AccountId\}:(identity|configuration-set)\/(.+)$/.exec(text);
    if (m) return `ses-${m[1]}:${m[2]}`;
    return `join:${text}`;
  }
  return JSON.stringify(r);
}

interface Grant {
  readonly action: string;
  readonly resource: string;
  readonly condition?: unknown;
}

/** Every Allow attached to the function's role (its own inline/attached policies and AWS::IAM::Policy resources). */
function grantsOf(fn: FunctionName): Grant[] {
  const roleId = resources[fnIds[fn]].Properties.Role['Fn::GetAtt'][0] as string;
  const role = resources[roleId];
  expect(role.Type).toBe('AWS::IAM::Role');
  // No managed policies (not even AWSLambdaBasicExecutionRole) and no inline policies on the role itself.
  expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  expect(role.Properties.Policies).toBeUndefined();
  expect(role.Properties.PermissionsBoundary).toBeUndefined();
  expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
    { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
  ]);
  // Nothing else may attach policies to this role.
  expect(ofType('AWS::IAM::ManagedPolicy')).toHaveLength(0);

  const grants: Grant[] = [];
  for (const [, policy] of ofType('AWS::IAM::Policy')) {
    const roles: unknown[] = policy.Properties.Roles ?? [];
    if (!roles.some((r: any) => r?.Ref === roleId)) continue;
    expect(roles).toEqual([{ Ref: roleId }]); // a policy serves one role only
    expect(policy.Properties.Users ?? policy.Properties.Groups).toBeUndefined();
    for (const s of policy.Properties.PolicyDocument.Statement) {
      expect(s.Effect).toBe('Allow');
      expect(s.NotAction).toBeUndefined();
      expect(s.NotResource).toBeUndefined();
      const actions: string[] = [s.Action].flat();
      const res: unknown[] = [s.Resource].flat();
      for (const action of actions) {
        for (const r of res) {
          grants.push({ action, resource: describeResource(r, fn), ...(s.Condition ? { condition: s.Condition } : {}) });
        }
      }
    }
  }
  return grants;
}

const pairs = (gs: Grant[]) => gs.map((g) => `${g.action} on ${g.resource}`).sort();
const isLogsOrXray = (g: Grant) => g.action.startsWith('logs:') || g.action.startsWith('xray:');

const on = (resource: string, ...actions: string[]) => actions.map((a) => `${a} on ${resource}`);
const STREAM_READ = [
  ...on('table-stream', 'dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'),
  // Added by DynamoEventSource (table.grantStreamRead); ListStreams has no resource-level permissions.
  ...on('*', 'dynamodb:ListStreams'),
];
/** What a function needs on its async on-failure queue (Lambda sends the record as the function's role). */
const SEND_TO = (queue: string) => on(`queue:${queue}`, 'sqs:SendMessage');
/** What a worker is granted on its own queue for its event source mapping: consume, nothing else (no SendMessage, no purge). */
const CONSUME = (queue: string) =>
  on(
    `queue:${queue}`,
    'sqs:ReceiveMessage',
    'sqs:ChangeMessageVisibility',
    'sqs:GetQueueUrl',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
  );

const EXPECTED: Record<FunctionName, string[]> = {
  grant: [
    ...on('table', 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'),
    ...SEND_TO('GrantFailures'),
  ],
  // DeleteItem: a spend takes its queued request (and those its group commits) out of the spend queue.
  redeem: on('table', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'),
  reverse: on('table', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'),
  hold: on('table', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'),
  capture: on('table', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'),
  release: on('table', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'),
  refund: on('table', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'),
  balance: on('table', 'dynamodb:Query'),
  // The one stream reader: send to the five work queues only; its failure bucket: write objects and list, no read.
  route: [
    ...STREAM_READ,
    ...on('queue:ExpireQueue', 'sqs:SendMessage'),
    ...on('queue:NotifyQueue', 'sqs:SendMessage'),
    ...on('queue:PublishQueue', 'sqs:SendMessage'),
    ...on('queue:AggregateQueue', 'sqs:SendMessage'),
    ...on('queue:DeclineExpiredQueue', 'sqs:SendMessage'),
    ...on('queue:ReleaseExpiredQueue', 'sqs:SendMessage'),
    ...on('bucket-objects:StreamFailuresBucket', 's3:PutObject'),
    ...on('bucket:StreamFailuresBucket', 's3:ListBucket'),
  ],
  expire: [...on('table', 'dynamodb:PutItem'), ...CONSUME('ExpireQueue')],
  notify: [
    ...on('table', 'dynamodb:GetItem', 'dynamodb:PutItem'),
    ...on(`ses-identity:${SES_IDENTITY}`, 'ses:SendEmail'),
    // the configuration set the stack creates (none configured in cdk.json), see infra/constructs/email-events.ts
    ...on(`ses-configuration-set:{${CONFIGURATION_SET_ID}}`, 'ses:SendEmail'),
    ...CONSUME('NotifyQueue'),
  ],
  publish: [...on('bus', 'events:PutEvents'), ...CONSUME('PublishQueue')],
  void: on('table', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'),
  erase: on('table', 'dynamodb:Query', 'dynamodb:UpdateItem'),
  report: on('table', 'dynamodb:Query', 'dynamodb:Scan'),
  aggregate: [...on('table', 'dynamodb:PutItem', 'dynamodb:UpdateItem'), ...CONSUME('AggregateQueue')],
  approval: on(
    'table',
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ),
  declineExpired: [
    ...on('table', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'),
    ...CONSUME('DeclineExpiredQueue'),
  ],
  // Reads the customer's credits, writes the RELEASED entry and the restorations; no GetItem, no DeleteItem.
  releaseExpired: [...on('table', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'), ...CONSUME('ReleaseExpiredQueue')],
};

describe('least privilege: execution roles', () => {
  test('one dedicated role per function', () => {
    const roleIds = FUNCTION_NAMES.map((n) => resources[fnIds[n]].Properties.Role['Fn::GetAtt'][0]);
    expect(new Set(roleIds).size).toBe(FUNCTION_NAMES.length);
    expect(ofType('AWS::IAM::Role')).toHaveLength(FUNCTION_NAMES.length);
  });

  test.each(FUNCTION_NAMES)('%s: the non-logs/X-Ray grants EQUAL the expected set', (fn) => {
    const actual = pairs(grantsOf(fn).filter((g) => !isLogsOrXray(g)));
    expect(actual).toEqual([...new Set(EXPECTED[fn])].sort());
  });

  test.each(FUNCTION_NAMES)('%s: logs only to its own log group, X-Ray only the two trace actions', (fn) => {
    const actual = pairs(grantsOf(fn).filter(isLogsOrXray));
    expect(actual).toEqual(
      [
        ...on('own-log-group', 'logs:CreateLogStream', 'logs:PutLogEvents'),
        ...on('*', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords'),
      ].sort(),
    );
  });

  test('notify may only send From the configured sender address', () => {
    const ses = grantsOf('notify').filter((g) => g.action.startsWith('ses:'));
    expect(ses).toHaveLength(2); // the identity and the configuration set
    for (const grant of ses) {
      expect(grant.condition).toEqual({ StringEquals: { 'ses:FromAddress': 'no-reply@courtesy-credits.example.com' } });
    }
  });

  test('no grant anywhere uses a wildcard action', () => {
    for (const fn of FUNCTION_NAMES) {
      for (const g of grantsOf(fn)) expect(g.action).not.toMatch(/\*/);
    }
  });

  test("no function is granted anything on another function's failure queue, and each work queue has one consumer", () => {
    const queuesBy = (fn: FunctionName, consuming: boolean) =>
      new Set(
        grantsOf(fn)
          .filter((g) => g.resource.startsWith('queue:') && g.action === (consuming ? 'sqs:ReceiveMessage' : 'sqs:SendMessage'))
          .map((g) => g.resource),
      );
    const senders = new Map<string, FunctionName>();
    const consumers = new Map<string, FunctionName>();
    for (const fn of FUNCTION_NAMES) {
      for (const q of queuesBy(fn, true)) {
        expect(consumers.get(q)).toBeUndefined();
        consumers.set(q, fn);
      }
      for (const q of queuesBy(fn, false)) {
        expect(senders.get(q)).toBeUndefined();
        senders.set(q, fn);
      }
    }
    expect(Object.fromEntries(consumers)).toEqual({
      'queue:ExpireQueue': 'expire',
      'queue:NotifyQueue': 'notify',
      'queue:PublishQueue': 'publish',
      'queue:AggregateQueue': 'aggregate',
      'queue:DeclineExpiredQueue': 'declineExpired',
      'queue:ReleaseExpiredQueue': 'releaseExpired',
    });
    expect(Object.fromEntries(senders)).toEqual({
      'queue:ExpireQueue': 'route',
      'queue:NotifyQueue': 'route',
      'queue:PublishQueue': 'route',
      'queue:AggregateQueue': 'route',
      'queue:DeclineExpiredQueue': 'route',
      'queue:ReleaseExpiredQueue': 'route',
      'queue:GrantFailures': 'grant',
    });
    // EventBridge's DLQ is written by events.amazonaws.com only; the DLQs by SQS's redrive only
    for (const q of ['ComplaintRuleDlq', 'ExpireDlq', 'NotifyDlq', 'PublishDlq', 'AggregateDlq', 'ReleaseExpiredDlq'])
      expect(senders.has(`queue:${q}`) || consumers.has(`queue:${q}`)).toBe(false);
  });
});

describe('resource policies: who may invoke what', () => {
  const permissions = () =>
    ofType('AWS::Lambda::Permission').map(([, p]) => {
      const id = p.Properties.FunctionName['Fn::GetAtt']?.[0] ?? p.Properties.FunctionName.Ref;
      const fn = FUNCTION_NAMES.find((n) => fnIds[n] === id);
      return { fn, ...p.Properties };
    });

  test('exactly the configured principals, on exactly the intended functions', () => {
    const ruleId = only(ofType('AWS::Events::Rule'), 'rule')[0];
    const got = permissions()
      .map((p) => `${p.fn} <- ${p.Principal}${p.SourceArn ? ` if source ${JSON.stringify(p.SourceArn)}` : ''}`)
      .sort();
    expect(got).toEqual(
      [
        `grant <- events.amazonaws.com if source ${JSON.stringify({ 'Fn::GetAtt': [ruleId, 'Arn'] })}`,
        'redeem <- arn:aws:iam::111111111111:role/payment-flow',
        'reverse <- arn:aws:iam::111111111111:role/payment-flow',
        'balance <- arn:aws:iam::111111111111:role/payment-flow',
        'balance <- arn:aws:iam::111111111111:role/account-service',
        'hold <- arn:aws:iam::111111111111:role/payment-flow',
        'capture <- arn:aws:iam::111111111111:role/payment-flow',
        'release <- arn:aws:iam::111111111111:role/payment-flow',
        'refund <- arn:aws:iam::111111111111:role/payment-flow',
      ].sort(),
    );
  });

  test.each(PAYMENT_FLOW_FUNCTIONS)('%s (a payment-flow function of the catalogue): invoked by the payment-flow role only', (fn) => {
    expect(permissions().filter((p) => p.fn === fn)).toEqual([
      expect.objectContaining({ Action: 'lambda:InvokeFunction', Principal: 'arn:aws:iam::111111111111:role/payment-flow' }),
    ]);
  });

  test('only lambda:InvokeFunction, never a function URL or a public principal', () => {
    for (const p of permissions()) {
      expect(p.Action).toBe('lambda:InvokeFunction');
      expect(p.Principal).not.toBe('*');
      expect(p.FunctionUrlAuthType).toBeUndefined();
    }
    expect(ofType('AWS::Lambda::Url')).toHaveLength(0);
  });
});
