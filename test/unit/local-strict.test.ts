/** The template reader refuses what the local runtime does not emulate, and (strict) what AWS refuses or advises against. */
import fs from 'node:fs';
import path from 'node:path';
import { loadTemplate, TemplateError, type CfnTemplate } from '../../local/template';
import { assertAwsCompatible } from '../../local/aws-compat';
import { functionsTriggeredBy } from '../../infra/functions';

const fixture = (): CfnTemplate => JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/local-runtime/template.json'), 'utf8'));
const R = (t: CfnTemplate) => t.Resources!;

describe('refusing what is not emulated', () => {
  it('loads the fixture (strict)', () => {
    expect(() => loadTemplate(fixture())).not.toThrow();
  });

  it.each([
    [
      'an unknown resource type',
      (t: CfnTemplate) => (R(t).Sched = { Type: 'AWS::Scheduler::Schedule', Properties: {} }),
      /Sched: resource type AWS::Scheduler::Schedule is not emulated/,
    ],
    [
      'a rule target input transformer',
      (t: CfnTemplate) => (R(t).OrdersRule!.Properties!.Targets[0].InputTransformer = { InputTemplate: '"x"' }),
      /OrdersRule\.Properties\.Targets\[0\]\.InputTransformer: rule target property InputTransformer is not emulated/,
    ],
    [
      'a rule target InputPath',
      (t: CfnTemplate) => (R(t).OrdersRule!.Properties!.Targets[0].InputPath = '$.detail'),
      /Targets\[0\]\.InputPath/,
    ],
    [
      'a bus as rule target',
      (t: CfnTemplate) => (R(t).OrdersRule!.Properties!.Targets[0].Arn = { 'Fn::GetAtt': ['Bus', 'Arn'] }),
      /OrdersRule\.Properties\.Targets\[0\]\.Arn: a reference to Bus \(AWS::Events::EventBus, not a catalogue function\)/,
    ],
    [
      'an OnSuccess destination',
      (t: CfnTemplate) =>
        (R(t).FailingFunctionEventInvokeConfig!.Properties!.DestinationConfig.OnSuccess = {
          Destination: { 'Fn::GetAtt': ['AsyncFailures', 'Arn'] },
        }),
      /FailingFunctionEventInvokeConfig\.Properties\.DestinationConfig\.OnSuccess: OnSuccess destination is not emulated/,
    ],
    [
      'a function dead-letter config',
      (t: CfnTemplate) => (R(t).EchoFunction!.Properties!.DeadLetterConfig = { TargetArn: 'x' }),
      /EchoFunction\.Properties\.DeadLetterConfig: property DeadLetterConfig of AWS::Lambda::Function is not emulated/,
    ],
    [
      'a tumbling window',
      (t: CfnTemplate) => (R(t).OrdersMapping!.Properties!.TumblingWindowInSeconds = 60),
      /OrdersMapping\.Properties\.TumblingWindowInSeconds/,
    ],
    [
      'an SNS topic as stream failure destination',
      (t: CfnTemplate) => {
        R(t).Topic = { Type: 'AWS::SNS::Topic', Properties: {} }; // known (alarm delivery), but not as a destination
        R(t).OrdersMapping!.Properties!.DestinationConfig = { OnFailure: { Destination: { Ref: 'Topic' } } };
      },
      /OrdersMapping\.Properties\.DestinationConfig\.OnFailure\.Destination: destination Topic \(AWS::SNS::Topic\)/,
    ],
    [
      'a filter on an SQS mapping',
      (t: CfnTemplate) => (R(t).WorkerMapping!.Properties!.FilterCriteria = { Filters: [] }),
      /WorkerMapping\.Properties\.FilterCriteria: FilterCriteria on an SQS event source mapping/,
    ],
    ['a FIFO queue', (t: CfnTemplate) => (R(t).WorkQueue!.Properties!.FifoQueue = true), /WorkQueue\.Properties\.FifoQueue/],
  ])('refuses %s, naming resource and property', (_what, change, message) => {
    const t = fixture();
    change(t);
    expect(() => loadTemplate(t)).toThrow(TemplateError);
    expect(() => loadTemplate(t)).toThrow(message);
  });

  it('lists inert resources instead of refusing them', () => {
    expect(loadTemplate(fixture()).ignored).toMatchObject({ EchoRole: 'AWS::IAM::Role', RouterPermission: 'AWS::Lambda::Permission' });
  });

  it('reads SQS queues (redrive, visibility, retention), the SQS mapping and the S3 destination', () => {
    const model = loadTemplate(fixture());
    expect(model.queues.find((q) => q.name === 'WorkQueue')).toEqual({
      logicalId: 'WorkQueue',
      name: 'WorkQueue',
      arn: 'arn:aws:sqs:eu-central-1:000000000000:WorkQueue',
      visibilityTimeoutSeconds: 30,
      retentionSeconds: 345600,
      redrive: { maxReceiveCount: 2, deadLetterQueue: 'WorkDlq' },
    });
    expect(model.queueMappings).toEqual([
      {
        kind: 'queue',
        logicalId: 'WorkerMapping',
        functionName: 'worker',
        queueName: 'WorkQueue',
        enabled: true,
        batchSize: 5,
        batchingWindowSeconds: 0,
        reportBatchItemFailures: true,
        maximumConcurrency: 2,
      },
    ]);
    expect(model.streamMappings.find((m) => m.logicalId === 'TtlMapping')!.onFailure).toEqual({
      kind: 'bucket',
      name: 'fixture-failures',
      arn: 'arn:aws:s3:::fixture-failures',
    });
  });
});

describe('AWS compatibility (strict)', () => {
  it('refuses a stream filter on any top-level key but dynamodb, naming mapping and filter', () => {
    for (const key of ['eventName', 'userIdentity', 'eventSource']) {
      const t = fixture();
      const pattern = { [key]: key === 'userIdentity' ? { type: ['Service'] } : ['X'], dynamodb: { NewImage: { type: { S: ['ORDER'] } } } };
      R(t).OrdersMapping!.Properties!.FilterCriteria = {
        Filters: [{ Pattern: '{"dynamodb":{"Keys":{"pk":{"S":[{"exists":true}]}}}}' }, { Pattern: JSON.stringify(pattern) }],
      };
      expect(() => loadTemplate(t)).toThrow(
        new RegExp(
          `OrdersMapping\\.Properties\\.FilterCriteria\\.Filters\\[1\\]\\.Pattern selects on "${key}": .*only on the "dynamodb" key`,
        ),
      );
      expect(() => loadTemplate(t, { strict: false })).not.toThrow();
    }
  });

  it('refuses a third reader of one table stream; a disabled mapping does not read', () => {
    const t = fixture();
    R(t).ThirdMapping = JSON.parse(JSON.stringify(R(t).OrdersMapping));
    expect(() => loadTemplate(t)).toThrow(
      /3 event source mappings read the stream of Table \(OrdersMapping, TtlMapping, ThirdMapping\): at most 2 readers/,
    );
    expect(loadTemplate(t, { strict: false }).streamMappings).toHaveLength(3);
    R(t).ThirdMapping!.Properties!.Enabled = false;
    expect(() => loadTemplate(t)).not.toThrow();
  });

  it('refuses an SQS mapping whose queue visibility timeout is shorter than the function timeout', () => {
    const t = fixture();
    R(t).WorkerFunction!.Properties!.Timeout = 31;
    expect(() => loadTemplate(t)).toThrow(
      /WorkerMapping: queue WorkQueue has VisibilityTimeout 30 s, less than the timeout of function worker \(31 s\)/,
    );
    R(t).WorkerFunction!.Properties!.Timeout = 30;
    expect(() => loadTemplate(t)).not.toThrow();
  });

  it("the CDK app's template loads strictly (the default for npm start, the tests and the bench): one stream reader, filters on dynamodb only", async () => {
    const { synthTemplate } = await import('../../infra/synth');
    const model = loadTemplate(synthTemplate() as CfnTemplate);
    expect(model.streamMappings.map((m) => m.functionName)).toEqual(['route']);
    for (const f of model.streamMappings[0]!.filters) expect(Object.keys(f)).toEqual(['dynamodb']);
    expect(model.streamMappings[0]!.onFailure?.kind).toBe('bucket');
    expect(model.queueMappings.map((m) => m.functionName).sort()).toEqual(
      functionsTriggeredBy('queue')
        .map((f) => f.name)
        .sort(),
    );
    expect(model.queueMappings.map((m) => m.functionName)).toContain('releaseExpired');
    for (const m of model.queueMappings) expect(model.queues.find((q) => q.name === m.queueName)?.redrive?.maxReceiveCount).toBe(5);
  });

  it('assertAwsCompatible is what strict loading runs', () => {
    const t = fixture();
    R(t).TtlMapping!.Properties!.FilterCriteria = { Filters: [{ Pattern: '{"eventName":["REMOVE"]}' }] };
    expect(() => assertAwsCompatible(loadTemplate(t, { strict: false }))).toThrow(/TtlMapping/);
  });
});
