/**
 * The landing-zone settings (issue 12 item 2-3): each variant of courtesy:kms, courtesy:vpc and
 * courtesy:logRetentionDays synthesizes with cdk-nag (as `cdk synth` does), meets the Control Tower guard rules with
 * only the acknowledgements that apply to it, keeps failure-queue messages the longest SQS allows, and loads in the
 * local runtime. The default variant is covered by guard.test.ts, nag.test.ts and stack.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type { CourtesyConfig } from '../../infra/config';
import { FAILURE_QUEUE_RETENTION } from '../../infra/constructs/failure-queue';
import { FUNCTION_LIST, FUNCTION_NAMES, functionsTriggeredBy, type FunctionSpec } from '../../infra/functions';
import { failureDestinations, guardFindings, type GuardRuleId } from '../../infra/guard';
import { guardAcknowledgementsFor, triageFindings } from '../../infra/guard-acknowledgements';
import { interfaceEndpointsFor, VPC_ACCESS_ACTIONS } from '../../infra/options/network';
import { LANDING_ZONE_RESOURCE_TYPES } from '../../infra/options/resource-types';
import { buildApp, functionLogicalIds, synthTemplate } from '../../infra/synth';
import { loadTemplate } from '../../local/template';

const EXISTING_VPC = { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] };

interface Variant {
  readonly name: string;
  readonly context: Record<string, unknown>;
  /** The guard acknowledgements this configuration still needs. */
  readonly acknowledged: readonly GuardRuleId[];
}

/** Permanent S3 acknowledgements of the router's failure bucket (infra/guard-acknowledgements.ts): every variant has them. */
const S3 = ['ct-s3-pr-2', 'ct-s3-pr-4', 'ct-s3-pr-9'] as const;

const VARIANTS: readonly Variant[] = [
  { name: 'kms on', context: { 'courtesy:kms': 'customer-managed' }, acknowledged: ['ct-lambda-pr-3', ...S3, 'ct-sqs-pr-1'] },
  {
    name: 'vpc on',
    context: { 'courtesy:vpc': 'new' },
    acknowledged: ['ct-cloudwatch-pr-3', 'ct-dynamodb-pr-2', 'ct-s3-pr-10', ...S3, 'ct-sqs-pr-1'],
  },
  {
    name: 'all on',
    context: { 'courtesy:kms': 'customer-managed', 'courtesy:vpc': 'new', 'courtesy:logRetentionDays': 731 },
    acknowledged: [...S3, 'ct-sqs-pr-1'],
  },
  {
    // as given on the command line: strings
    name: 'existing VPC, 30-day logs',
    context: { 'courtesy:vpc': JSON.stringify(EXISTING_VPC), 'courtesy:logRetentionDays': '30' },
    acknowledged: ['ct-cloudwatch-pr-2', 'ct-cloudwatch-pr-3', 'ct-dynamodb-pr-2', 'ct-s3-pr-10', ...S3, 'ct-sqs-pr-1'],
  },
];

interface Synthesized {
  readonly config: CourtesyConfig;
  readonly template: Record<string, any>;
  readonly synthError?: unknown;
  readonly warnings: readonly string[];
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtesy-landing-zone-test-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** One synthesis per variant, with the cdk-nag plugin registered as infra/app.ts does (a finding fails it). */
const synthesized: Record<string, Synthesized> = Object.fromEntries(
  VARIANTS.map((v) => {
    const { app, stack } = buildApp({ outdir: fs.mkdtempSync(path.join(outdir, 'v-')), context: v.context, nag: true });
    let template: Record<string, any> = { Resources: {} };
    let synthError: unknown;
    let warnings: string[] = [];
    try {
      template = app.synth().getStackArtifact(stack.artifactId).template;
      const annotations = Annotations.fromStack(stack);
      warnings = [...annotations.findError('*', Match.anyValue()), ...annotations.findWarning('*', Match.anyValue())].map(
        (m) => `${m.id}: ${JSON.stringify(m.entry.data)}`,
      );
    } catch (e) {
      synthError = e;
    }
    return [v.name, { config: stack.config, template, synthError, warnings }];
  }),
);
const variant = (name: string) => synthesized[name]!;

const ofType = (t: Record<string, any>, type: string) => Object.entries<any>(t.Resources).filter(([, r]) => r.Type === type);
const getAtt = (id: string, attr = 'Arn') => ({ 'Fn::GetAtt': [id, attr] });
const rolePolicyStatements = (t: Record<string, any>, roleId: string) =>
  ofType(t, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
const roleOf = (t: Record<string, any>, fnId: string): string => t.Resources[fnId].Properties.Role['Fn::GetAtt'][0];

describe.each(VARIANTS.map((v) => [v.name, v] as const))('variant: %s', (name, v) => {
  const { config, template, synthError, warnings } = variant(name);

  test('cdk synth with cdk-nag succeeds; no CDK warning', () => {
    expect(synthError).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  test('Control Tower guard rules: only the acknowledgements this configuration needs, none stale', () => {
    const acknowledgements = guardAcknowledgementsFor(config);
    expect(Object.keys(acknowledgements).sort()).toEqual([...v.acknowledged].sort());
    const { unacknowledged, stale } = triageFindings(template, guardFindings(template), acknowledgements);
    expect(unacknowledged.map((f) => `${f.ruleId} ${f.resource}: ${f.message}`)).toEqual([]);
    expect(stale).toEqual([]);
  });

  test('every failure queue keeps its messages 14 days, the most SQS allows', () => {
    const dlqs = [...failureDestinations(template)].filter((id) => template.Resources[id].Type === 'AWS::SQS::Queue');
    expect(dlqs.length).toBeGreaterThanOrEqual(5);
    expect(FAILURE_QUEUE_RETENTION.toSeconds()).toBe(1_209_600);
    for (const id of dlqs) {
      expect(template.Resources[id].Type).toBe('AWS::SQS::Queue');
      expect(template.Resources[id].Properties.MessageRetentionPeriod).toBe(1_209_600);
    }
  });

  test('every log group keeps the configured retention', () => {
    const groups = ofType(template, 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(FUNCTION_NAMES.length);
    for (const [, g] of groups) expect(g.Properties.RetentionInDays).toBe(config.logRetentionDays);
  });

  test('the local runtime loads the template: same functions, rules and stream mappings', () => {
    const model = loadTemplate(template as never);
    expect(model.functions.map((f) => f.name).sort()).toEqual([...FUNCTION_NAMES].sort());
    expect(model.rules).toHaveLength(functionsTriggeredBy('eventbridge').length);
    expect(model.streamMappings).toHaveLength(functionsTriggeredBy('stream').length);
    expect(model.table?.createTableInput.KeySchema).toHaveLength(2);
  });
});

describe('resource types the options add', () => {
  test('each is listed, with a reason, for the local runtime; nothing listed is unused', () => {
    const typesOf = (t: Record<string, any>) => new Set(Object.values<any>(t.Resources).map((r) => r.Type as string));
    const base = typesOf(synthTemplate());
    const added = new Set(VARIANTS.flatMap((v) => [...typesOf(variant(v.name).template)].filter((type) => !base.has(type))));
    expect([...added].sort()).toEqual(Object.keys(LANDING_ZONE_RESOURCE_TYPES).sort());
    for (const reason of Object.values(LANDING_ZONE_RESOURCE_TYPES)) expect(reason.length).toBeGreaterThanOrEqual(60);
  });
});

describe('customer-managed key (courtesy:kms)', () => {
  const { template } = variant('all on');
  const keys = ofType(template, 'AWS::KMS::Key');
  const keyArn = getAtt(keys[0]?.[0] ?? 'none');

  test('one key, rotated yearly, retained like the data it protects', () => {
    expect(keys).toHaveLength(1);
    const [, key] = keys[0]!;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(key.UpdateReplacePolicy).toBe('Retain');
  });

  test('key policy: account, grants only for AWS services, CloudWatch Logs for this account, EventBridge for the bus rules, CloudWatch alarms for the alarm topic', () => {
    const statements: any[] = keys[0]![1].Properties.KeyPolicy.Statement;
    const sid = (id: string) => statements.find((s) => s.Sid === id);
    expect(statements.map((s) => s.Sid ?? 'account').sort()).toEqual(
      [
        'CloudWatchAlarmsToTheAlarmTopic',
        'CloudWatchLogsForThisAccountsLogGroups',
        'EventBridgeDeadLettersOfTheServiceBus',
        'GrantsOnlyForAwsServices',
        'account',
      ].sort(),
    );
    // The alarm topic is encrypted with the key: CloudWatch publishes through SNS, which generates and decrypts the data key.
    const [, topic] = ofType(template, 'AWS::SNS::Topic')[0]!;
    expect(topic.Properties.KmsMasterKeyId).toEqual(keyArn);
    expect(sid('CloudWatchAlarmsToTheAlarmTopic')).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    });
    expect(sid('GrantsOnlyForAwsServices')).toMatchObject({ Effect: 'Deny', Action: 'kms:CreateGrant' });
    expect(JSON.stringify(sid('CloudWatchLogsForThisAccountsLogGroups').Condition)).toContain(':log-group:*');
    expect(JSON.stringify(sid('EventBridgeDeadLettersOfTheServiceBus').Condition)).toContain(':rule/courtesy-credits-dev/*');
    expect(sid('EventBridgeDeadLettersOfTheServiceBus').Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });

  test('the table, every queue and every log group (flow logs too) use it', () => {
    const [, table] = ofType(template, 'AWS::DynamoDB::Table')[0]!;
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn });
    for (const [, q] of ofType(template, 'AWS::SQS::Queue')) {
      expect(q.Properties.KmsMasterKeyId).toEqual(keyArn);
      expect(q.Properties.SqsManagedSseEnabled).toBeUndefined();
    }
    const groups = ofType(template, 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(FUNCTION_NAMES.length + 1);
    for (const [, g] of groups) expect(g.Properties.KmsKeyId).toEqual(keyArn);
  });

  test('each function may use the key through DynamoDB only for its table actions or the stream it reads, and only to decrypt unless it writes', () => {
    const fnIds = functionLogicalIds(template);
    for (const spec of FUNCTION_LIST) {
      const viaDynamo = rolePolicyStatements(template, roleOf(template, fnIds[spec.name])).filter((s: any) =>
        JSON.stringify(s.Condition ?? {}).includes('dynamodb.'),
      );
      if (spec.tableActions.length === 0 && spec.trigger.kind !== 'stream') {
        expect(viaDynamo).toEqual([]);
        continue;
      }
      const writes = spec.tableActions.some((a) => a === 'dynamodb:PutItem' || a === 'dynamodb:UpdateItem');
      expect(viaDynamo).toHaveLength(1);
      expect([viaDynamo[0].Action].flat().sort()).toEqual(
        ['kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : [])].sort(),
      );
      expect(viaDynamo[0].Resource).toEqual(keyArn);
    }
  });

  /** `kms:ViaService` = <service>.<this region>.amazonaws.com, as the template writes it. */
  const via = (service: string) => ({
    StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
  });
  /** Queues a role may call `action` on (resolved to logical ids). */
  const queuesWith = (roleId: string, action: string): string[] =>
    rolePolicyStatements(template, roleId)
      .filter((s: any) => [s.Action].flat().includes(action))
      .flatMap((s: any) => [s.Resource].flat())
      .map((r: any) => r?.['Fn::GetAtt']?.[0])
      .filter((id: string | undefined) => id !== undefined && template.Resources[id].Type === 'AWS::SQS::Queue');
  const keyStatements = (roleId: string) =>
    rolePolicyStatements(template, roleId).filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('kms:')));

  test('every role that sends to or consumes from a queue may use the key through SQS, exactly as SQS needs it', () => {
    const fnIds = functionLogicalIds(template);
    const checked = { send: 0, consume: 0 };
    for (const spec of FUNCTION_LIST) {
      const roleId = roleOf(template, fnIds[spec.name]);
      const viaSqs = keyStatements(roleId).filter((s: any) => JSON.stringify(s.Condition) === JSON.stringify(via('sqs')));
      const sends = queuesWith(roleId, 'sqs:SendMessage');
      const consumes = queuesWith(roleId, 'sqs:ReceiveMessage');
      // SQS generates the data key for a sender and decrypts it for sender and consumer (kms:ViaService sqs.<region>).
      const expected = sends.length > 0 ? ['kms:Decrypt', 'kms:GenerateDataKey'] : consumes.length > 0 ? ['kms:Decrypt'] : [];
      expect([spec.name, [...new Set(viaSqs.flatMap((s: any) => [s.Action].flat()))].sort()]).toEqual([spec.name, expected]);
      for (const s of viaSqs) expect(s.Resource).toEqual(keyArn);
      if (sends.length > 0) checked.send++;
      if (consumes.length > 0) checked.consume++;
    }
    // the router (six work queues) and grant (its on-failure destination) send; the six workers consume
    expect(checked).toEqual({ send: 2, consume: functionsTriggeredBy('queue').length });
  });

  test('no role may use the key except through the service that holds the data (no unconditioned key grant)', () => {
    const fnIds = functionLogicalIds(template);
    for (const spec of FUNCTION_LIST) {
      for (const s of keyStatements(roleOf(template, fnIds[spec.name]))) {
        expect(Object.keys(s.Condition?.StringEquals ?? {})).toEqual(['kms:ViaService']);
        expect([s.Action].flat().every((a: string) => !a.includes('*'))).toBe(true);
      }
    }
  });

  test('a configured redrive role may use the key through SQS only (the move decrypts what it receives, encrypts what it sends back)', () => {
    const redrive = 'arn:aws:iam::123456789012:role/ops/redrive';
    const withRole = synthTemplate({ context: { 'courtesy:kms': 'customer-managed', 'courtesy:redriveRoleArn': redrive } });
    const [keyId, key] = ofType(withRole, 'AWS::KMS::Key')[0]!;
    const statements: any[] = key.Properties.KeyPolicy.Statement;
    expect(statements.filter((s) => JSON.stringify(s.Principal).includes(redrive))).toEqual([
      {
        Sid: 'RedriveRoleThroughSqs',
        Effect: 'Allow',
        Principal: { AWS: redrive },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: via('sqs'),
      },
    ]);
    expect(keyId).toBeDefined();
    expect(JSON.stringify(ofType(template, 'AWS::KMS::Key')[0]![1].Properties.KeyPolicy)).not.toContain('RedriveRole'); // not configured
  });

  test('without the option there is no key and nothing names one', () => {
    const { template: off } = variant('vpc on');
    expect(ofType(off, 'AWS::KMS::Key')).toEqual([]);
    for (const [, q] of ofType(off, 'AWS::SQS::Queue')) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    for (const [, g] of ofType(off, 'AWS::Logs::LogGroup')) expect(g.Properties.KmsKeyId).toBeUndefined();
    expect(ofType(off, 'AWS::DynamoDB::Table')[0]![1].Properties.SSESpecification).toBeUndefined();
  });
});

describe('VPC placement (courtesy:vpc)', () => {
  const { template } = variant('vpc on');
  const only = (type: string) => {
    const found = ofType(template, type);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const groupByDescription = (start: string) =>
    ofType(template, 'AWS::EC2::SecurityGroup').find(([, g]) => g.Properties.GroupDescription.startsWith(start))!;

  test('a new VPC of two private isolated subnets: no internet gateway, no NAT', () => {
    only('AWS::EC2::VPC');
    const subnets = ofType(template, 'AWS::EC2::Subnet');
    expect(subnets).toHaveLength(2);
    for (const [, s] of subnets) expect(s.Properties.MapPublicIpOnLaunch).toBe(false);
    for (const type of ['AWS::EC2::InternetGateway', 'AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::EC2::Route']) {
      expect(ofType(template, type)).toEqual([]);
    }
  });

  test('every function runs in both subnets with the functions security group, and nothing else there', () => {
    const [sgId] = groupByDescription('Courtesy-credits functions');
    const subnets = ofType(template, 'AWS::EC2::Subnet').map(([id]) => ({ Ref: id }));
    for (const [, fn] of ofType(template, 'AWS::Lambda::Function')) {
      expect(fn.Properties.VpcConfig).toEqual({ SecurityGroupIds: [getAtt(sgId, 'GroupId')], SubnetIds: subnets });
    }
  });

  test('security groups: functions take no inbound traffic and send HTTPS only; endpoints take HTTPS from the functions only', () => {
    const [fnSgId, fnSg] = groupByDescription('Courtesy-credits functions');
    const [epSgId, epSg] = groupByDescription('Courtesy-credits VPC interface endpoints');
    expect(ofType(template, 'AWS::EC2::SecurityGroup')).toHaveLength(2);
    expect(fnSg.Properties.SecurityGroupIngress).toBeUndefined();
    expect(fnSg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    expect(epSg.Properties.SecurityGroupIngress).toBeUndefined();
    // CDK's "no egress" placeholder rule: ICMP to 255.255.255.255/32 (matches nothing)
    expect(epSg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' })]);
    const ingress = ofType(template, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    expect(ingress).toEqual([
      expect.objectContaining({
        GroupId: getAtt(epSgId, 'GroupId'),
        SourceSecurityGroupId: getAtt(fnSgId, 'GroupId'),
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
      }),
    ]);
    expect(ofType(template, 'AWS::EC2::SecurityGroupEgress')).toEqual([]);
  });

  test('endpoints: DynamoDB gateway limited to the table and the catalogue actions; one interface endpoint per API the functions call', () => {
    const endpoints = ofType(template, 'AWS::EC2::VPCEndpoint').map(([, e]) => e.Properties);
    const service = (e: any) => e.ServiceName['Fn::Join'][1][2] as string;
    const gateway = endpoints.filter((e) => e.VpcEndpointType === 'Gateway');
    expect(gateway.map(service)).toEqual(['.dynamodb']);
    const tableId = ofType(template, 'AWS::DynamoDB::Table')[0]![0];
    expect(gateway[0].PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [...new Set(FUNCTION_LIST.flatMap((f) => f.tableActions))].sort(),
        Resource: getAtt(tableId),
      },
    ]);
    const interfaces = endpoints.filter((e) => e.VpcEndpointType === 'Interface');
    expect(interfaces.map(service).sort()).toEqual(['.email', '.events', '.sqs', '.xray']);
    for (const e of interfaces) expect(e.PrivateDnsEnabled).toBe(true);
  });

  test("VPC flow logs: all traffic, into a log group of its own, retained like the functions' logs", () => {
    const [, flowLog] = only('AWS::EC2::FlowLog');
    expect(flowLog.Properties).toMatchObject({ ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    const group = template.Resources[flowLog.Properties.LogGroupName.Ref];
    expect(group.Type).toBe('AWS::Logs::LogGroup');
    expect([group.DeletionPolicy, group.UpdateReplacePolicy]).toEqual(['RetainExceptOnCreate', 'Retain']);
  });

  test("function roles get the network-interface actions inline, not AWS's managed policy (which allows logs everywhere)", () => {
    const fnIds = functionLogicalIds(template);
    for (const name of FUNCTION_NAMES) {
      const roleId = roleOf(template, fnIds[name]);
      expect(template.Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
      // minimizePolicies merges them with the X-Ray actions (also resource "*")
      const wildcard = rolePolicyStatements(template, roleId).filter((s: any) => s.Resource === '*');
      expect(wildcard).toHaveLength(1);
      expect(wildcard[0].Action).toEqual(expect.arrayContaining([...VPC_ACCESS_ACTIONS]));
    }
  });

  test('an existing VPC: the functions use its given subnets and a security group of their own; nothing is added to the VPC', () => {
    const { template: existing } = variant('existing VPC, 30-day logs');
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::VPCEndpoint', 'AWS::EC2::FlowLog'])
      expect(ofType(existing, type)).toEqual([]);
    const groups = ofType(existing, 'AWS::EC2::SecurityGroup');
    expect(groups).toHaveLength(1);
    expect(groups[0]![1].Properties.VpcId).toBe(EXISTING_VPC.vpcId);
    for (const [, fn] of ofType(existing, 'AWS::Lambda::Function')) {
      expect(fn.Properties.VpcConfig).toEqual({ SecurityGroupIds: [getAtt(groups[0]![0], 'GroupId')], SubnetIds: EXISTING_VPC.subnetIds });
    }
  });
});

describe('interfaceEndpointsFor', () => {
  const withPermission = (prefix: string): FunctionSpec =>
    ({ ...FUNCTION_LIST[0]!, permissions: [{ on: 'eventBus', actions: [`${prefix}:Anything`] }] }) as unknown as FunctionSpec;

  test('the catalogue needs SES v2 (email), EventBridge, SQS (the router sends to the work queues) and X-Ray', () => {
    expect(interfaceEndpointsFor(FUNCTION_LIST).map((e) => e.id)).toEqual([
      'EventBridgeEndpoint',
      'SesV2Endpoint',
      'SqsEndpoint',
      'XRayEndpoint',
    ]);
  });

  test('a function sending to SQS adds the SQS endpoint; a service without a decided endpoint fails synthesis', () => {
    expect(interfaceEndpointsFor([...FUNCTION_LIST, withPermission('sqs')]).map((e) => e.id)).toContain('SqsEndpoint');
    expect(() => interfaceEndpointsFor([withPermission('s3')])).toThrow(/calls "s3" but infra\/options\/network.ts names no VPC endpoint/);
  });
});
