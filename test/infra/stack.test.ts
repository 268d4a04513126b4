import { pascal } from '../../infra/constructs/service-function';
import { Template } from 'aws-cdk-lib/assertions';
import { ATTR, ITEM } from '../../lambdas/adapters/dynamodb/layout';
import { DEFAULT_CAP_POLICY } from '../../lambdas/domain/caps';
import {
  FUNCTIONS,
  FUNCTION_NAMES,
  functionsTriggeredBy,
  routeFilters,
  STREAM_RETENTION_HOURS,
  TTL_DELETION_IDENTITY,
  type FunctionName,
} from '../../infra/functions';
import { functionLogicalIds, synthTemplate } from '../../infra/synth';
import { NOTICE } from '../../lambdas/domain/notice';

/** One synthesis (no bundling) for the whole file. */
const json = synthTemplate();
const template = Template.fromJSON(json);
/** The router's workers, from the catalogue: each has its own work queue and DLQ. */
const WORKERS = functionsTriggeredBy('queue').map((f) => f.name);
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
const only = <T>(xs: T[]): T => {
  expect(xs).toHaveLength(1);
  return xs[0]!;
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
    // The resource policy is asserted statement by statement in test/infra/trust.test.ts.
    const { ResourcePolicy, ...properties } = table.Properties;
    expect(ResourcePolicy.PolicyDocument.Statement.length).toBeGreaterThan(0);
    expect(properties).toEqual({
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
  const COMMON = [
    'TABLE_NAME',
    'POWERTOOLS_SERVICE_NAME',
    'POWERTOOLS_METRICS_NAMESPACE',
    'POWERTOOLS_LOG_LEVEL',
    'POWERTOOLS_TRACER_CAPTURE_ERROR',
    'NODE_OPTIONS',
  ];
  const EXPECTED_ENV: Record<FunctionName, string[]> = {
    grant: [
      ...COMMON,
      'REMINDER_DAYS_BEFORE_EXPIRY',
      'MAX_GRANT_MAJOR_UNITS',
      'GRANT_CAPS',
      'APPROVAL_THRESHOLDS',
      'APPROVAL_TIMEOUT_HOURS',
    ],
    redeem: COMMON,
    reverse: COMMON,
    balance: COMMON,
    route: [...COMMON, 'ROUTES'],
    expire: COMMON,
    notify: [...COMMON, 'SENDER_EMAIL', 'EMAIL_TIME_ZONE', 'SES_CONFIGURATION_SET'], // the stack's own set when none is configured
    publish: [...COMMON, 'EVENT_BUS_NAME'],
    hold: [...COMMON, 'HOLD_DEFAULT_LIFETIME_SECONDS', 'HOLD_MAX_LIFETIME_SECONDS'],
    capture: COMMON,
    release: COMMON,
    refund: COMMON,
    void: COMMON,
    erase: COMMON,
    report: COMMON,
    aggregate: COMMON,
    approval: [...COMMON, 'REMINDER_DAYS_BEFORE_EXPIRY', 'MAX_GRANT_MAJOR_UNITS'],
    declineExpired: COMMON,
    releaseExpired: COMMON,
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
    expect(logGroup.Properties.RetentionInDays).toBe(365); // courtesy:logRetentionDays default (infra/options/settings.ts)
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
      POWERTOOLS_METRICS_NAMESPACE: 'CourtesyCredits/dev', // per stage: stages never feed each other's alarms
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_TRACER_CAPTURE_ERROR: 'false', // traces are not scrubbed like logs: no error messages in them
      NODE_OPTIONS: '--enable-source-maps', // the bundles carry source maps (infra/bundling.ts)
    });
  });

  test('deployment-specific values come from cdk.json', () => {
    expect(resources[fnIds.grant].Properties.Environment.Variables).toMatchObject({
      REMINDER_DAYS_BEFORE_EXPIRY: '7',
      MAX_GRANT_MAJOR_UNITS: '10000',
      GRANT_CAPS: JSON.stringify(DEFAULT_CAP_POLICY),
      // No approval thresholds by default: no grant waits for an approver.
      APPROVAL_THRESHOLDS: '{}',
      APPROVAL_TIMEOUT_HOURS: '72',
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

describe('the table stream: one reader (the router), filters only on the dynamodb key, failures kept in S3', () => {
  const mappings = () => ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
  const streamMappings = () => mappings().filter((m) => m.EventSourceArn?.['Fn::GetAtt']?.[1] === 'StreamArn');
  const queueMappings = () => mappings().filter((m) => resources[m.EventSourceArn?.['Fn::GetAtt']?.[0]]?.Type === 'AWS::SQS::Queue');
  const bucketId = () => only(ofType('AWS::S3::Bucket'))[0];

  test("at most two readers per stream shard: exactly one mapping reads the table stream, the router's", () => {
    expect(streamMappings().map((m) => fnName(m.FunctionName))).toEqual(['route']);
    expect(streamMappings().length).toBeLessThanOrEqual(2);
    expect(mappings()).toHaveLength(streamMappings().length + queueMappings().length); // no other source
  });

  test('router mapping: retried until shortly before the records age out of the stream, bisected, partial failures, on-failure to the S3 bucket', () => {
    const { FilterCriteria, ...rest } = only(streamMappings());
    expect(rest).toEqual({
      FunctionName: { Ref: fnIds.route },
      EventSourceArn: getAtt(tableId(), 'StreamArn'),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: getAtt(bucketId()) } },
      MaximumRecordAgeInSeconds: 22 * 3600,
    });
    // Given up before DynamoDB Streams trims the records (24 h), so the failure object still holds them; no retry
    // limit (MaximumRetryAttempts absent: AWS's default -1) before that.
    expect(rest.MaximumRecordAgeInSeconds).toBeLessThan(STREAM_RETENTION_HOURS * 3600);
    expect(FilterCriteria.Filters.length).toBeLessThanOrEqual(5);
  });

  test("every stream mapping's on-failure destination is an S3 bucket (an SQS destination would get batch metadata only)", () => {
    for (const m of streamMappings()) {
      const dest = m.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
      expect(resources[dest].Type).toBe('AWS::S3::Bucket');
    }
  });

  test('filters select only on the "dynamodb" key: inserts as NewImage without OldImage, removals as OldImage without NewImage', () => {
    const patterns = only(streamMappings()).FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern));
    for (const p of patterns) expect(Object.keys(p)).toEqual(['dynamodb']);
    const absent = { [ATTR.KIND]: { S: [{ exists: false }] } };
    expect(patterns).toEqual([
      { dynamodb: { OldImage: { type: { S: ['CREDIT', 'HOLD', 'PENDING_GRANT', 'REMINDER'] } }, NewImage: absent } },
      {
        dynamodb: { NewImage: { type: { S: ['CREDIT', 'GRANT_DECISION', 'GRANT_REFUSED', 'LEDGER', 'PENDING_GRANT'] } }, OldImage: absent },
      },
      { dynamodb: { NewImage: { type: { S: ['NOTICE'] }, notice: { S: ['REMINDER'] } }, OldImage: absent } },
    ]);
    expect(patterns).toEqual(JSON.parse(JSON.stringify(routeFilters())));
  });

  test('filters name only layout attributes and kinds (lambdas/adapters/dynamodb/layout.ts); TTL is checked in code, not in a filter', () => {
    const attrs = new Set<string>(Object.values(ATTR));
    const values = new Set<string>([...Object.values(ITEM), ...Object.values(NOTICE)]);
    for (const f of only(streamMappings()).FilterCriteria.Filters as { Pattern: string }[]) {
      expect(f.Pattern).not.toContain('userIdentity');
      expect(f.Pattern).not.toContain('eventName');
      for (const image of Object.values<Record<string, { S: unknown[] }>>(JSON.parse(f.Pattern).dynamodb)) {
        for (const [attr, cond] of Object.entries(image)) {
          expect(attrs.has(attr)).toBe(true);
          for (const v of cond.S) if (typeof v === 'string') expect(values.has(v)).toBe(true);
        }
      }
    }
    expect(TTL_DELETION_IDENTITY).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' }); // what the decoder checks
  });

  test("the router's ROUTES setting names each worker's queue with what that worker consumes", () => {
    const routes = resources[fnIds.route].Properties.Environment.Variables.ROUTES['Fn::Join'][1] as unknown[];
    const text = routes.map((p) => (typeof p === 'string' ? p : `{${(p as { Ref: string }).Ref}}`)).join('');
    expect(JSON.parse(text)).toEqual(
      functionsTriggeredBy('queue').map((f) => ({
        queueUrl: `{${queueId(f.trigger.queue.id)}}`,
        consumes: JSON.parse(JSON.stringify(f.trigger.consumes)),
      })),
    );
  });

  test('failure bucket: SSE, TLS only, no public access, bucket-owner objects, versioned, records kept 400 days, retained', () => {
    const [id, bucket] = only(ofType('AWS::S3::Bucket'));
    expect(id.startsWith('StreamFailuresBucket')).toBe(true);
    expect(bucket.Properties).toEqual({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: {
        Rules: [
          { ExpirationInDays: 400, Id: 'ExpireFailureRecords', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    expect(bucket.DeletionPolicy).toBe('RetainExceptOnCreate');
    const policy = only(ofType('AWS::S3::BucketPolicy'))[1];
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  test.each(WORKERS.filter((w) => w !== 'notify'))('%s: consumes its own queue, batches of 10, partial batch failures', (name) => {
    const m = queueMappings().filter((p) => fnName(p.FunctionName) === name);
    expect(m).toHaveLength(1);
    expect(m[0]).toEqual({
      FunctionName: { Ref: fnIds[name] },
      EventSourceArn: getAtt(queueId(`${pascal(name)}Queue`)),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  // notify sends one email per message, a batch's at once: batches in flight × batch size ≤ the SES send rate, bounded
  // by the mapping (MaximumConcurrency), not reserved concurrency (throttled batches would count receives towards the DLQ).
  test('notify: at most the SES send rate (courtesy:sesMaxSendRate, default 14/s) emails in flight', () => {
    const notifyMapping = (json: Record<string, any>) => {
      const ids = functionLogicalIds(json);
      return only(
        Object.values<any>(json.Resources).filter(
          (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties.FunctionName.Ref === ids.notify,
        ),
      ).Properties;
    };
    expect(notifyMapping(json)).toEqual({
      FunctionName: { Ref: fnIds.notify },
      EventSourceArn: getAtt(queueId('NotifyQueue')),
      BatchSize: 7,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    for (const [rate, concurrency, batch] of [
      [100, 10, 10],
      [25, 2, 10],
      [15, 2, 7],
      [1000, 100, 10],
    ] as const) {
      const m = notifyMapping(synthTemplate({ context: { 'courtesy:sesMaxSendRate': rate } }));
      expect([rate, m.ScalingConfig.MaximumConcurrency, m.BatchSize]).toEqual([rate, concurrency, batch]);
      expect(m.ScalingConfig.MaximumConcurrency * m.BatchSize).toBeLessThanOrEqual(rate);
    }
    expect(() => synthTemplate({ context: { 'courtesy:sesMaxSendRate': 0 } })).toThrow(/courtesy:sesMaxSendRate/);
  });
});

describe('queues', () => {
  const queues = () => ofType('AWS::SQS::Queue');
  // One work queue and one DLQ per worker of the catalogue (test/infra/catalogue.test.ts lists them), named after it.
  const FAILURE_QUEUES = ['ComplaintRuleDlq', 'GrantFailures', ...WORKERS.map((n) => `${pascal(n)}Dlq`)].sort();
  const WORK_QUEUES = WORKERS.map((n) => `${pascal(n)}Queue`).sort();

  test('failure queues (rule DLQ, grant async failures, one DLQ per worker) and one work queue per worker, nothing else', () => {
    expect(WORK_QUEUES).toContain('ReleaseExpiredQueue');
    expect(
      queues()
        .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))
        .sort(),
    ).toEqual([...FAILURE_QUEUES, ...WORK_QUEUES].sort());
  });

  const tlsOnly = (id: string) => {
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
  };

  test.each(FAILURE_QUEUES)('%s: SSE-SQS, 14 days retention, TLS enforced by its queue policy', (prefix) => {
    const id = queueId(prefix);
    expect(resources[id].Properties).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    tlsOnly(id);
  });

  test.each(WORKERS)(
    '%s work queue: SSE-SQS, 4 days retention, visibility timeout ≥ 6 × the function timeout, redrive to its own DLQ after 5 receives',
    (name) => {
      const prefix = pascal(name);
      const id = queueId(`${prefix}Queue`);
      const props = resources[id].Properties;
      expect(props).toEqual({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 345_600,
        VisibilityTimeout: 6 * FUNCTIONS[name].timeoutSeconds,
        RedrivePolicy: { deadLetterTargetArn: getAtt(queueId(`${prefix}Dlq`)), maxReceiveCount: 5 },
      });
      expect(props.VisibilityTimeout).toBeGreaterThanOrEqual(6 * resources[fnIds[name]].Properties.Timeout);
      // the DLQ keeps a message longer than its source queue could (SQS counts a message's age from its first send)
      expect(resources[queueId(`${prefix}Dlq`)].Properties.MessageRetentionPeriod).toBeGreaterThan(props.MessageRetentionPeriod);
      tlsOnly(id);
    },
  );

  test('every queue a function consumes has a redrive policy to a dead-letter queue', () => {
    const consumed = ofType('AWS::Lambda::EventSourceMapping')
      .map(([, m]) => m.Properties.EventSourceArn['Fn::GetAtt'][0] as string)
      .filter((id) => resources[id].Type === 'AWS::SQS::Queue');
    expect(consumed).toHaveLength(WORK_QUEUES.length);
    for (const id of consumed) {
      const dlq = resources[id].Properties.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0];
      expect(resources[dlq]?.Type).toBe('AWS::SQS::Queue');
      expect(resources[dlq].Properties.RedrivePolicy).toBeUndefined();
    }
  });

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
  test('table, bus, schema registry, every function, every failure queue, and the replay source and filter of each rule', () => {
    const outputs = json.Outputs as Record<string, { Value: unknown }>;
    expect(outputs.TableName!.Value).toEqual({ Ref: tableId() });
    expect(outputs.EventBusName!.Value).toEqual({ Ref: ofType('AWS::Events::EventBus')[0]![0] });
    expect(outputs.SchemaRegistryName!.Value).toEqual({ 'Fn::GetAtt': [ofType('AWS::EventSchemas::Registry')[0]![0], 'RegistryName'] });
    for (const n of FUNCTION_NAMES) {
      expect(outputs[`${pascal(n)}FunctionName`]!.Value).toEqual({ Ref: fnIds[n] });
    }
    for (const [id] of [...ofType('AWS::SQS::Queue'), ...ofType('AWS::S3::Bucket')]) {
      const out = Object.values(outputs).filter((o) => JSON.stringify(o.Value) === JSON.stringify({ Ref: id }));
      expect(out).toHaveLength(1);
    }
    for (const [id] of [...ofType('AWS::Events::Archive'), ...ofType('AWS::Events::Rule')]) {
      const out = Object.values(outputs).filter((o) => JSON.stringify(o.Value) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }));
      expect(out).toHaveLength(1);
    }
    expect(Object.keys(outputs)).toHaveLength(
      3 +
        FUNCTION_NAMES.length +
        ofType('AWS::SQS::Queue').length +
        ofType('AWS::S3::Bucket').length +
        ofType('AWS::Events::Archive').length +
        ofType('AWS::Events::Rule').length,
    ); // table, bus, registry, functions, every queue and bucket, every archive and rule
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
        'AWS::Events::Archive', // the complaint rule's, for replay (test/infra/trust.test.ts)
        'AWS::IAM::Policy',
        'AWS::IAM::Role',
        'AWS::Lambda::EventInvokeConfig',
        'AWS::Lambda::EventSourceMapping',
        'AWS::Lambda::Function',
        'AWS::Lambda::Permission',
        'AWS::Logs::LogGroup',
        'AWS::S3::Bucket',
        'AWS::S3::BucketPolicy',
        'AWS::SQS::Queue',
        'AWS::SQS::QueuePolicy',
        // monitoring (infra/monitoring.ts) and the SES configuration set its email alarms read
        'AWS::CloudWatch::Alarm',
        'AWS::CloudWatch::Dashboard',
        'AWS::SNS::Topic',
        'AWS::SNS::TopicPolicy',
        'AWS::SES::ConfigurationSet',
        'AWS::SES::ConfigurationSetEventDestination',
        // the events' schema registry (infra/constructs/event-schemas.ts)
        'AWS::EventSchemas::Registry',
        'AWS::EventSchemas::Schema',
      ].sort(),
    );
  });
});
