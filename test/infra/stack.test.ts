import { Template } from 'aws-cdk-lib/assertions';
import { ATTR, ITEM, NOTICE } from '../../lambdas/adapters/dynamodb/layout';
import { FUNCTIONS, FUNCTION_NAMES, TTL_DELETION_IDENTITY, type FunctionName } from '../../infra/functions';
import { functionLogicalIds, synthTemplate } from '../../infra/synth';

/** One synthesis (no bundling) for the whole file. */
const json = synthTemplate();
const template = Template.fromJSON(json);
const resources: Record<string, any> = json.Resources;
const fnIds = functionLogicalIds(json);

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const getAtt = (id: string, attr = 'Arn') => ({ 'Fn::GetAtt': [id, attr] });
const tableId = () => {
  const tables = ofType('AWS::DynamoDB::Table');
  expect(tables).toHaveLength(1);
  return tables[0]![0];
};
const queueId = (prefix: string) => {
  const ids = ofType('AWS::SQS::Queue')
    .map(([id]) => id)
    .filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
const fnName = (ref: unknown): FunctionName => {
  const id = (ref as any)?.Ref ?? (ref as any)?.['Fn::GetAtt']?.[0];
  const name = FUNCTION_NAMES.find((n) => fnIds[n] === id);
  if (!name) throw new Error(`not a catalogue function: ${JSON.stringify(ref)}`);
  return name;
};

describe('DynamoDB table', () => {
  test('exactly one table: pk/sk strings, on-demand, TTL, stream with both images, PITR, retained except on create', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const table = resources[tableId()];
    expect(table.Properties).toEqual({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(table.Properties.TableName).toBeUndefined();
    // Kept on stack deletion and replacement; removed only when the deploy that created it rolls back (a
    // deletion-protected table could not be removed then, so there is no DeletionProtectionEnabled).
    expect(table.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });
});

describe('EventBridge', () => {
  test('bus "courtesy-credits-<stage>" (cdk.json sets no stage: dev)', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'courtesy-credits-dev' });
  });

  test('one rule: ComplaintResolved from the configured sources -> grant, with DLQ, 2 retries, 2h max age', () => {
    const rules = ofType('AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const rule = rules[0]![1].Properties;
    const busId = ofType('AWS::Events::EventBus')[0]![0];
    expect(rule.EventBusName).toEqual({ Ref: busId });
    expect(rule.EventPattern).toEqual({ source: ['retailer.complaints'], 'detail-type': ['ComplaintResolved'] });
    expect(rule.Targets).toHaveLength(1);
    expect(rule.Targets[0]).toMatchObject({
      Arn: getAtt(fnIds.grant),
      DeadLetterConfig: { Arn: getAtt(queueId('ComplaintRuleDlq')) },
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 },
    });
  });

  test('the detail-type matches the contract constant', async () => {
    const { COMPLAINT_RESOLVED } = await import('../../lambdas/contracts');
    expect(resources[ofType('AWS::Events::Rule')[0]![0]].Properties.EventPattern['detail-type']).toEqual([COMPLAINT_RESOLVED]);
  });

  test('grant async invocation: 2 retries, failures to the GrantFailures queue', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig');
    expect(configs).toHaveLength(1);
    expect(configs[0]![1].Properties).toEqual({
      FunctionName: { Ref: fnIds.grant },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: getAtt(queueId('GrantFailures')) } },
    });
  });
});

describe('functions', () => {
  const COMMON = ['TABLE_NAME', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL', 'NODE_OPTIONS'];
  const EXPECTED_ENV: Record<FunctionName, string[]> = {
    grant: [...COMMON, 'REMINDER_DAYS_BEFORE_EXPIRY', 'MAX_GRANT_MAJOR_UNITS'],
    redeem: COMMON,
    reverse: COMMON,
    balance: COMMON,
    expire: COMMON,
    notify: [...COMMON, 'SENDER_EMAIL', 'EMAIL_TIME_ZONE'], // no SES_CONFIGURATION_SET: none configured in cdk.json
    publish: [...COMMON, 'EVENT_BUS_NAME'],
    hold: [...COMMON, 'HOLD_DEFAULT_LIFETIME_SECONDS', 'HOLD_MAX_LIFETIME_SECONDS'],
    capture: COMMON,
    release: COMMON,
    refund: COMMON,
  };

  test('one function per catalogue entry, and nothing else', () => {
    template.resourceCountIs('AWS::Lambda::Function', FUNCTION_NAMES.length);
    expect(Object.keys(fnIds).sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  test.each(FUNCTION_NAMES)('%s: nodejs22.x, arm64, traced, JSON logs to its own retained log group, catalogue sizing', (name) => {
    const fn = resources[fnIds[name]];
    const spec = FUNCTIONS[name];
    expect(fn.Metadata['courtesy:function']).toBe(name);
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: spec.memorySize,
      Timeout: spec.timeoutSeconds,
      Description: spec.description,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
    });
    expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(fn.Properties.FunctionName).toBeUndefined();
    const logGroup = resources[fn.Properties.LoggingConfig.LogGroup.Ref];
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBe(90);
    expect(logGroup.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(logGroup.UpdateReplacePolicy).toBe('Retain');
    expect(logGroup.Properties.LogGroupName).toBeUndefined();
  });

  test('log groups are not shared', () => {
    const groups = FUNCTION_NAMES.map((n) => resources[fnIds[n]].Properties.LoggingConfig.LogGroup.Ref);
    expect(new Set(groups).size).toBe(FUNCTION_NAMES.length);
  });

  test.each(FUNCTION_NAMES)('%s: exactly the expected environment variables', (name) => {
    const vars = resources[fnIds[name]].Properties.Environment.Variables;
    expect(Object.keys(vars).sort()).toEqual([...EXPECTED_ENV[name]].sort());
    expect(vars).toMatchObject({
      TABLE_NAME: { Ref: tableId() },
      POWERTOOLS_SERVICE_NAME: 'courtesy-credits',
      POWERTOOLS_METRICS_NAMESPACE: 'CourtesyCredits',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps', // the bundles carry source maps (infra/bundling.ts)
    });
  });

  test('deployment-specific values come from cdk.json', () => {
    expect(resources[fnIds.grant].Properties.Environment.Variables).toMatchObject({
      REMINDER_DAYS_BEFORE_EXPIRY: '7',
      MAX_GRANT_MAJOR_UNITS: '10000',
    });
    expect(resources[fnIds.hold].Properties.Environment.Variables).toMatchObject({
      HOLD_DEFAULT_LIFETIME_SECONDS: '604800',
      HOLD_MAX_LIFETIME_SECONDS: '2592000',
    });
    expect(resources[fnIds.notify].Properties.Environment.Variables).toMatchObject({
      SENDER_EMAIL: 'no-reply@courtesy-credits.example.com',
      EMAIL_TIME_ZONE: 'Europe/Berlin',
    });
    const busId = ofType('AWS::Events::EventBus')[0]![0];
    expect(resources[fnIds.publish].Properties.Environment.Variables.EVENT_BUS_NAME).toEqual({ Ref: busId });
  });
});

describe('stream consumers', () => {
  const TTL_REMOVE = {
    eventName: ['REMOVE'],
    userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
  };
  const EXPECTED_FILTERS: Partial<Record<FunctionName, unknown[]>> = {
    expire: [{ ...TTL_REMOVE, dynamodb: { OldImage: { type: { S: ['CREDIT'] } } } }],
    notify: [
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['CREDIT'] } } } },
      { ...TTL_REMOVE, dynamodb: { OldImage: { type: { S: ['REMINDER'] } } } },
    ],
    publish: [
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['LEDGER'] } } } },
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['NOTICE'] }, notice: { S: ['REMINDER'] } } } },
    ],
  };
  const mappings = () => ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);

  test('exactly expire, notify and publish consume the table stream, once each', () => {
    expect(
      mappings()
        .map((m) => fnName(m.FunctionName))
        .sort(),
    ).toEqual(['expire', 'notify', 'publish']);
  });

  test.each(['expire', 'notify', 'publish'] as const)('%s: mapping settings, filters and its own failure queue', (name) => {
    const m = mappings().find((p) => fnName(p.FunctionName) === name)!;
    const { FilterCriteria, ...rest } = m;
    expect(rest).toEqual({
      FunctionName: { Ref: fnIds[name] },
      EventSourceArn: getAtt(tableId(), 'StreamArn'),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 25,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 86_400,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: getAtt(queueId(`${name[0]!.toUpperCase()}${name.slice(1)}StreamFailures`)) } },
    });
    const patterns = FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern));
    expect(patterns).toEqual(EXPECTED_FILTERS[name]);
  });

  test.each(['expire', 'notify', 'publish'] as const)("%s: the template filters are exactly the catalogue entry's", (name) => {
    const m = mappings().find((p) => fnName(p.FunctionName) === name)!;
    const trigger = FUNCTIONS[name].trigger;
    expect(trigger.kind).toBe('stream');
    expect(m.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toEqual(
      JSON.parse(JSON.stringify(trigger.filters)),
    );
  });

  test('filters name only layout attributes and kinds (lambdas/adapters/dynamodb/layout.ts), and the TTL principal', () => {
    const attrs = new Set<string>(Object.values(ATTR));
    const values = new Set<string>([...Object.values(ITEM), ...Object.values(NOTICE)]);
    let checked = 0;
    for (const m of mappings()) {
      for (const f of m.FilterCriteria.Filters as { Pattern: string }[]) {
        const p = JSON.parse(f.Pattern);
        expect(['INSERT', 'REMOVE']).toEqual(expect.arrayContaining(p.eventName));
        if (p.userIdentity) {
          expect(p.userIdentity).toEqual({ type: [TTL_DELETION_IDENTITY.type], principalId: [TTL_DELETION_IDENTITY.principalId] });
        }
        const images = Object.entries<Record<string, { S: string[] }>>(p.dynamodb);
        expect(images).toHaveLength(1);
        const [which, image] = images[0]!;
        expect(which).toBe(p.eventName[0] === 'INSERT' ? 'NewImage' : 'OldImage');
        expect(Object.keys(image)).toContain(ATTR.KIND);
        for (const [attr, cond] of Object.entries(image)) {
          expect(attrs.has(attr)).toBe(true);
          for (const v of cond.S) expect(values.has(v)).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBe(6);
  });

  test('failure destinations are distinct queues', () => {
    const dests = mappings().map((m) => m.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0]);
    expect(new Set(dests).size).toBe(3);
  });
});

describe('queues', () => {
  const queues = () => ofType('AWS::SQS::Queue');

  test('five failure queues: rule DLQ, grant async failures, one per stream consumer', () => {
    expect(
      queues()
        .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))
        .sort(),
    ).toEqual(['ComplaintRuleDlq', 'ExpireStreamFailures', 'GrantFailures', 'NotifyStreamFailures', 'PublishStreamFailures']);
  });

  test.each(['ComplaintRuleDlq', 'GrantFailures', 'ExpireStreamFailures', 'NotifyStreamFailures', 'PublishStreamFailures'])(
    '%s: SSE-SQS, 14 days retention, TLS enforced by its queue policy',
    (prefix) => {
      const id = queueId(prefix);
      expect(resources[id].Properties).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
      const policies = ofType('AWS::SQS::QueuePolicy').filter(
        ([, p]) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: id }]),
      );
      expect(policies).toHaveLength(1);
      expect(policies[0]![1].Properties.PolicyDocument.Statement).toContainEqual({
        Action: 'sqs:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: getAtt(id),
      });
    },
  );

  test('only the rule DLQ admits a service principal, and only for that rule', () => {
    const ruleId = ofType('AWS::Events::Rule')[0]![0];
    const allows = ofType('AWS::SQS::QueuePolicy').flatMap(([, p]) =>
      p.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow').map((s: any) => ({ queues: p.Properties.Queues, s })),
    );
    expect(allows).toHaveLength(1);
    expect(allows[0]!.queues).toEqual([{ Ref: queueId('ComplaintRuleDlq') }]);
    expect(allows[0]!.s).toMatchObject({
      Action: 'sqs:SendMessage',
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { ArnEquals: { 'aws:SourceArn': getAtt(ruleId) } },
    });
  });
});

describe('outputs', () => {
  test('table, bus, every function and every failure queue', () => {
    const outputs = json.Outputs as Record<string, { Value: unknown }>;
    expect(outputs.TableName!.Value).toEqual({ Ref: tableId() });
    expect(outputs.EventBusName!.Value).toEqual({ Ref: ofType('AWS::Events::EventBus')[0]![0] });
    for (const n of FUNCTION_NAMES) {
      expect(outputs[`${n[0]!.toUpperCase()}${n.slice(1)}FunctionName`]!.Value).toEqual({ Ref: fnIds[n] });
    }
    for (const [id] of ofType('AWS::SQS::Queue')) {
      const out = Object.values(outputs).filter((o) => JSON.stringify(o.Value) === JSON.stringify({ Ref: id }));
      expect(out).toHaveLength(1);
    }
    expect(Object.keys(outputs)).toHaveLength(2 + FUNCTION_NAMES.length + 5);
  });
});

describe('no stray resources', () => {
  test('the template only holds the expected resource types', () => {
    const types = new Set(Object.values(resources).map((r) => r.Type));
    expect([...types].sort()).toEqual(
      [
        'AWS::DynamoDB::Table',
        'AWS::Events::EventBus',
        'AWS::Events::Rule',
        'AWS::IAM::Policy',
        'AWS::IAM::Role',
        'AWS::Lambda::EventInvokeConfig',
        'AWS::Lambda::EventSourceMapping',
        'AWS::Lambda::Function',
        'AWS::Lambda::Permission',
        'AWS::Logs::LogGroup',
        'AWS::SQS::Queue',
        'AWS::SQS::QueuePolicy',
      ].sort(),
    );
  });
});
