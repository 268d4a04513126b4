/** Reading a synthesized CloudFormation template into the local runtime's model (fixture in CDK's shapes). */
import fs from 'node:fs';
import path from 'node:path';
import { defaultLocalName, loadTemplate, TemplateError, type CfnTemplate } from '../../local/template';
import { unionEnvironment } from '../../local/runtime';

const fixture = (): CfnTemplate => JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/local-runtime/template.json'), 'utf8'));
const names = (id: string, r: any) => (r.Type === 'AWS::DynamoDB::Table' ? 'local-table' : defaultLocalName(id, r));

describe('loadTemplate on the fixture', () => {
  const model = loadTemplate(fixture(), { names });

  it('builds CreateTable input with the stream, and reads the TTL attribute', () => {
    expect(model.table).toEqual({
      logicalId: 'Table',
      name: 'local-table',
      ttlAttribute: 'ttl',
      streamViewType: 'NEW_AND_OLD_IMAGES',
      createTableInput: {
        TableName: 'local-table',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      },
    });
  });

  it('names the bus by its Name and queues by logical id', () => {
    expect(model.buses).toEqual([
      { logicalId: 'Bus', name: 'fixture-bus', arn: 'arn:aws:events:eu-central-1:000000000000:event-bus/fixture-bus' },
    ]);
    expect(model.queues.map((q) => q.name)).toEqual(['AsyncFailures', 'StreamFailures', 'RuleDlq', 'WorkDlq', 'WorkQueue']);
  });

  it('reads functions by their catalogue metadata, resolving environment intrinsics', () => {
    expect(model.functions.map((f) => f.name)).toEqual(['echo', 'router', 'failing', 'mailer', 'orders', 'ttl', 'worker']);
    const echo = model.functions.find((f) => f.name === 'echo')!;
    expect(echo).toMatchObject({
      logicalId: 'EchoFunction',
      arn: 'arn:aws:lambda:eu-central-1:000000000000:function:echo',
      timeoutSeconds: 1,
      memoryMb: 256,
    });
    expect(echo.env).toEqual({
      TABLE_NAME: 'local-table',
      EVENT_BUS_NAME: 'fixture-bus',
      SENDER_EMAIL: 'noreply@fixture.example.com',
      STACK_REGION: 'eu-central-1',
      FAILURE_QUEUE_ARN: 'arn:aws:sqs:eu-central-1:000000000000:AsyncFailures',
      TABLE_ARN_JOINED: 'arn:aws:dynamodb:eu-central-1:000000000000:table/local-table',
    });
  });

  it('reads invoke configs', () => {
    expect(model.invokeConfigs).toEqual([
      {
        logicalId: 'FailingFunctionEventInvokeConfig',
        functionName: 'failing',
        maximumRetryAttempts: 1,
        onFailure: { kind: 'queue', name: 'AsyncFailures', arn: 'arn:aws:sqs:eu-central-1:000000000000:AsyncFailures' },
      },
    ]);
  });

  it('reads rules: bus, pattern, target function, retry policy, DLQ', () => {
    const orders = model.rules.find((r) => r.logicalId === 'OrdersRule')!;
    expect(orders).toMatchObject({
      busName: 'fixture-bus',
      enabled: true,
      pattern: { source: ['fixture.orders'], 'detail-type': ['OrderPlaced'], detail: { amount: [{ numeric: ['>', 0] }] } },
      targets: [{ id: 'Target0', functionName: 'router', retryAttempts: 2, deadLetter: { kind: 'queue', name: 'RuleDlq' } }],
    });
    expect(orders.matcher!({ source: 'fixture.orders', 'detail-type': 'OrderPlaced', detail: { amount: 3 } })).toBe(true);
    const onDefault = model.rules.find((r) => r.logicalId === 'DefaultBusRule')!;
    expect(onDefault.busName).toBe('default');
  });

  it('reads event-source mappings with parsed filters', () => {
    const m = model.streamMappings.find((x) => x.logicalId === 'OrdersMapping')!;
    expect(m).toMatchObject({
      functionName: 'orders',
      tableLogicalId: 'Table',
      batchSize: 10,
      maximumRetryAttempts: 2,
      bisectBatchOnFunctionError: true,
      reportBatchItemFailures: true,
      startingPosition: 'TRIM_HORIZON',
      filters: [{ dynamodb: { NewImage: { type: { S: ['ORDER'] } }, OldImage: { type: { S: [{ exists: false }] } } } }],
      onFailure: { kind: 'queue', name: 'StreamFailures' },
    });
    expect(m.matchers).toHaveLength(1);
  });

  it('lists what it does not run', () => {
    expect(model.ignored).toMatchObject({ EchoRole: 'AWS::IAM::Role', RouterPermission: 'AWS::Lambda::Permission' });
  });
});

describe('loadTemplate errors and defaults', () => {
  it('requires exactly one table', () => {
    const t = fixture();
    delete t.Resources!.Table;
    expect(() => loadTemplate(t)).toThrow(/exactly one DynamoDB table/);
  });

  it('names the resource and property of an unsupported intrinsic', () => {
    const t = fixture();
    t.Resources!.EchoFunction!.Properties!.Environment.Variables.X = { 'Fn::ImportValue': 'other-stack-export' };
    expect(() => loadTemplate(t)).toThrow(TemplateError);
    expect(() => loadTemplate(t)).toThrow(/EchoFunction\.Properties\.Environment\.Variables\.X: intrinsic Fn::ImportValue/);
  });

  it('rejects an invalid rule pattern', () => {
    const t = fixture();
    t.Resources!.OrdersRule!.Properties!.EventPattern = { source: 'not-an-array' };
    expect(() => loadTemplate(t)).toThrow(/OrdersRule\.Properties\.EventPattern/);
  });

  it('applies AWS defaults when properties are absent', () => {
    const t = fixture();
    const esm = t.Resources!.OrdersMapping!.Properties!;
    delete esm.BatchSize;
    delete esm.MaximumRetryAttempts;
    delete esm.BisectBatchOnFunctionError;
    delete esm.FunctionResponseTypes;
    delete esm.FilterCriteria;
    delete t.Resources!.FailingFunctionEventInvokeConfig!.Properties!.MaximumRetryAttempts;
    const model = loadTemplate(t);
    expect(model.streamMappings.find((m) => m.logicalId === 'OrdersMapping')).toMatchObject({
      batchSize: 100,
      maximumRetryAttempts: -1,
      bisectBatchOnFunctionError: false,
      reportBatchItemFailures: false,
      filters: [],
    });
    expect(model.invokeConfigs[0]!.maximumRetryAttempts).toBe(2);
  });

  it('resolves Fn::Sub with pseudo parameters and attributes', () => {
    const t = fixture();
    t.Resources!.EchoFunction!.Properties!.Environment.Variables.SUBBED = {
      'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${RuleDlq.QueueName}/${!literal}',
    };
    t.Resources!.EchoFunction!.Properties!.Environment.Variables.SUB2 = { 'Fn::Sub': ['${Q}-x', { Q: { Ref: 'Bus' } }] };
    const echo = loadTemplate(t).functions.find((f) => f.name === 'echo')!;
    expect(echo.env.SUBBED).toBe('arn:aws:sqs:eu-central-1:000000000000:RuleDlq/${literal}');
    expect(echo.env.SUB2).toBe('fixture-bus-x');
  });
});

describe('unionEnvironment', () => {
  it("merges the functions' variables", () => {
    const model = loadTemplate(fixture(), { names });
    expect(unionEnvironment(model.functions)).toMatchObject({ TABLE_NAME: 'local-table', EVENT_BUS_NAME: 'fixture-bus' });
  });

  it('refuses two functions that disagree on a variable', () => {
    const t = fixture();
    t.Resources!.EchoFunction!.Properties!.Environment.Variables.SENDER_EMAIL = 'other@example.com';
    const model = loadTemplate(t);
    expect(() => unionEnvironment(model.functions)).toThrow(
      /functions echo and router set environment variable SENDER_EMAIL differently|functions router and echo/,
    );
  });
});
