import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FailureQueue } from '../../infra/constructs/failure-queue';
import { FUNCTION_LIST, functionsTriggeredBy, type FunctionName } from '../../infra/functions';
import { ALARM_THRESHOLDS, ALARM_TOPIC_SID } from '../../infra/monitoring';
import { buildApp, functionLogicalIds, synthTemplate } from '../../infra/synth';
import { pascal } from '../../infra/constructs/service-function';

/**
 * Every alarm of the stack, checked one by one: the expected set is derived from the catalogue (functions and their
 * triggers) and from the failure queues the stack holds, and the template must contain exactly those alarms, each
 * with its metric, statistic, threshold, comparison and the alarm topic as its only action.
 */
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-test-'));
const { app, stack } = buildApp({ outdir });
const json = app.synth().getStackArtifact(stack.artifactId).template as Record<string, any>;
fs.rmSync(outdir, { recursive: true, force: true });

const resources: Record<string, any> = json.Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const fnIds = functionLogicalIds(json);
const alarms = ofType('AWS::CloudWatch::Alarm').map(([id, r]) => ({ id, ...r.Properties }));
const [topicId] = ofType('AWS::SNS::Topic').map(([id]) => id);
const queueIds = stack.node
  .findAll()
  .filter((c): c is FailureQueue => c instanceof FailureQueue)
  .map((q) => stack.getLogicalId(q.node.defaultChild as any));

/** The single metric an alarm watches, in one shape whether the alarm uses MetricName or Metrics[]. */
function metricOf(alarm: any) {
  if (alarm.MetricName) {
    return {
      namespace: alarm.Namespace,
      name: alarm.MetricName,
      dimensions: alarm.Dimensions,
      stat: alarm.Statistic,
      period: alarm.Period,
    };
  }
  const [m] = alarm.Metrics;
  return {
    namespace: m.MetricStat.Metric.Namespace,
    name: m.MetricStat.Metric.MetricName,
    dimensions: m.MetricStat.Metric.Dimensions,
    stat: m.MetricStat.Stat,
    period: m.MetricStat.Period,
  };
}
const alarmsOn = (namespace: string, name: string) =>
  alarms.filter((a) => !a.Metrics?.some((m: any) => m.Expression) && metricOf(a).namespace === namespace && metricOf(a).name === name);
const fnDimension = (fn: FunctionName) => [{ Name: 'FunctionName', Value: { Ref: fnIds[fn] } }];
const names = (xs: readonly { name: FunctionName }[]) => xs.map((x) => x.name).sort();
const watchedFunctions = (list: any[]) =>
  list.map((a) => (Object.entries(fnIds).find(([, id]) => id === metricOf(a).dimensions[0].Value.Ref) ?? ['?'])[0]).sort();

describe('alarms', () => {
  test('the expected number of alarms, per kind, and nothing else', () => {
    const sync = functionsTriggeredBy('invoke').length;
    const stream = functionsTriggeredBy('stream').length;
    const expected =
      2 * FUNCTION_LIST.length + // errors, throttles
      stream + // iterator age
      2 * sync + // p99, INTERNAL answers
      2 * queueIds.length + // a visible message, oldest message near retention
      1 + // CONCURRENT_MODIFICATION
      2; // bounce rate, complaint rate
    expect(queueIds.length).toBeGreaterThanOrEqual(5);
    expect(alarms).toHaveLength(expected);
  });

  test('every alarm notifies the alarm topic, and only it, with a stage-prefixed name', () => {
    expect(topicId).toBeDefined();
    for (const a of alarms) {
      expect(a.ActionsEnabled).toBe(true);
      expect(a.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(a.OKActions).toBeUndefined();
      expect(a.AlarmName).toMatch(/^CourtesyCredits-dev-/);
    }
    expect(new Set(alarms.map((a) => a.AlarmName)).size).toBe(alarms.length);
  });

  test.each([
    ['Errors', FUNCTION_LIST],
    ['Throttles', FUNCTION_LIST],
  ] as const)('%s: every function, Sum over 5 minutes > 0, at the first breaching period', (metric, fns) => {
    const list = alarmsOn('AWS/Lambda', metric);
    expect(watchedFunctions(list)).toEqual(names(fns));
    for (const a of list) {
      expect(metricOf(a)).toMatchObject({ stat: 'Sum', period: 300 });
      expect(a).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1 });
    }
  });

  test('IteratorAge: every stream consumer, Maximum > 15 minutes', () => {
    const list = alarmsOn('AWS/Lambda', 'IteratorAge');
    expect(watchedFunctions(list)).toEqual(names(functionsTriggeredBy('stream')));
    for (const a of list) {
      expect(metricOf(a)).toMatchObject({ stat: 'Maximum', period: 300 });
      expect(a).toMatchObject({ Threshold: 15 * 60 * 1000, ComparisonOperator: 'GreaterThanThreshold' });
    }
    expect(ALARM_THRESHOLDS.iteratorAge.toMinutes()).toBe(15);
  });

  test('Duration p99: every synchronous function (redeem among them), > 1 s for 3 consecutive 5-minute periods', () => {
    const list = alarmsOn('AWS/Lambda', 'Duration');
    expect(watchedFunctions(list)).toEqual(names(functionsTriggeredBy('invoke')));
    expect(watchedFunctions(list)).toContain('redeem');
    for (const a of list) {
      expect(metricOf(a)).toMatchObject({ stat: 'p99', period: 300 });
      expect(a).toMatchObject({ Threshold: 1000, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 3 });
    }
  });

  test('INTERNAL answers: every synchronous function, from the <Operation>Failed metric syncHandler emits', () => {
    for (const spec of functionsTriggeredBy('invoke')) {
      const list = alarmsOn('CourtesyCredits/dev', `${pascal(spec.name)}Failed`);
      expect(list).toHaveLength(1);
      expect(metricOf(list[0])).toMatchObject({ stat: 'Sum', period: 300, dimensions: [{ Name: 'service', Value: 'courtesy-credits' }] });
      expect(list[0]).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  test('failure queues: any visible message (Maximum >= 1)', () => {
    const list = alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible');
    expect(list.map((a) => metricOf(a).dimensions[0].Value['Fn::GetAtt'][0]).sort()).toEqual([...queueIds].sort());
    // every worker's dead-letter queue (from the catalogue, the auto-release's among them) is such a watched queue
    const watched = queueIds.map((id) => id.replace(/[0-9A-F]{8}$/, ''));
    const dlqs = functionsTriggeredBy('queue').map((f) => f.trigger.queue.deadLetter.id);
    expect(dlqs).toContain('ReleaseExpiredDlq');
    for (const dlq of dlqs) expect(watched).toContain(dlq);
    for (const a of list) {
      expect(metricOf(a)).toMatchObject({ stat: 'Maximum', period: 300 });
      expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
    }
  });

  // SQS deletes a dead-lettered message at its ORIGINAL enqueue time + the DLQ's retention, while the DLQ's
  // ApproximateAgeOfOldestMessage counts from the move: the time it may have spent in the work queue comes off.
  test('failure queues: the oldest message is 3 days from deletion, counted from the original enqueue', () => {
    const list = alarmsOn('AWS/SQS', 'ApproximateAgeOfOldestMessage');
    expect(list.map((a) => metricOf(a).dimensions[0].Value['Fn::GetAtt'][0]).sort()).toEqual([...queueIds].sort());
    for (const id of queueIds) expect(resources[id].Properties.MessageRetentionPeriod).toBe(14 * 86400);
    const sourceRetention = new Map<string, number>(); // DLQ logical id → its source queue's retention
    for (const [, q] of ofType('AWS::SQS::Queue')) {
      const dlq = q.Properties.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0];
      if (dlq) sourceRetention.set(dlq, Math.max(sourceRetention.get(dlq) ?? 0, q.Properties.MessageRetentionPeriod));
    }
    expect(sourceRetention.size).toBe(functionsTriggeredBy('queue').length);
    for (const a of list) {
      const id = metricOf(a).dimensions[0].Value['Fn::GetAtt'][0];
      expect(metricOf(a)).toMatchObject({ stat: 'Maximum' });
      // the workers' DLQs: 14 days − 4 days in the work queue − 3 days' margin; the others receive fresh messages
      const expected = 14 * 86400 - (sourceRetention.get(id) ?? 0) - 3 * 86400;
      expect([id, a.Threshold]).toEqual([id, expected]);
      expect(a.ComparisonOperator).toBe('GreaterThanThreshold');
    }
    expect(new Set(list.map((a) => a.Threshold))).toEqual(new Set([7 * 86400, 11 * 86400]));
  });

  test('CONCURRENT_MODIFICATION: Sum of the service metric over 5 minutes >= 5', () => {
    const list = alarmsOn('CourtesyCredits/dev', 'ConcurrentModification');
    expect(list).toHaveLength(1);
    expect(metricOf(list[0])).toEqual({
      namespace: 'CourtesyCredits/dev',
      name: 'ConcurrentModification',
      dimensions: [{ Name: 'service', Value: 'courtesy-credits' }],
      stat: 'Sum',
      period: 300,
    });
    expect(list[0]).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
  });

  test.each([
    ['Bounce', 'bounces', 0.05],
    ['Complaint', 'complaints', 0.001],
  ] as const)(
    '%s rate of the configuration set: events / sends per hour (from 100 sends) >= SES review threshold',
    (metric, id, threshold) => {
      const [setId] = ofType('AWS::SES::ConfigurationSet').map(([x]) => x);
      const list = alarms.filter((a) => a.Metrics?.some((m: any) => m.Id === id));
      expect(list).toHaveLength(1);
      const a = list[0];
      expect(a).toMatchObject({ Threshold: threshold, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
      const byId = Object.fromEntries(a.Metrics.map((m: any) => [m.Id, m]));
      expect(Object.values<any>(byId).filter((m) => m.ReturnData)).toEqual([
        expect.objectContaining({ Expression: `IF(FILL(sends, 0) >= 100, FILL(${id}, 0) / sends, 0)` }),
      ]);
      for (const [mid, name] of [
        ['sends', 'Send'],
        [id, metric],
      ] as const) {
        expect(byId[mid].MetricStat).toEqual({
          Metric: { Namespace: 'AWS/SES', MetricName: name, Dimensions: [{ Name: 'ses:configuration-set', Value: { Ref: setId } }] },
          Period: 3600,
          Stat: 'Sum',
        });
      }
    },
  );
});

describe('SES configuration set', () => {
  test('created when none is configured, with a CloudWatch destination for the events the alarms read', () => {
    const sets = ofType('AWS::SES::ConfigurationSet');
    expect(sets).toHaveLength(1);
    expect(sets[0]![1].Properties?.Name).toBeUndefined(); // CloudFormation names it: stages never collide
    const [dest] = ofType('AWS::SES::ConfigurationSetEventDestination').map(([, r]) => r.Properties);
    expect(dest).toEqual({
      ConfigurationSetName: { Ref: sets[0]![0] },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['send', 'reject', 'bounce', 'complaint', 'renderingFailure'],
        CloudWatchDestination: {
          DimensionConfigurations: [
            { DimensionName: 'ses:configuration-set', DimensionValueSource: 'messageTag', DefaultDimensionValue: 'none' },
          ],
        },
      },
    });
    expect(resources[fnIds.notify].Properties.Environment.Variables.SES_CONFIGURATION_SET).toEqual({ Ref: sets[0]![0] });
  });

  test('a configured set is used as is: no set created, the destination and the alarms name it', () => {
    const t = synthTemplate({ context: { 'courtesy:sesConfigurationSet': 'courtesy-emails' } });
    const typed = (type: string) => Object.values<any>(t.Resources).filter((r) => r.Type === type);
    expect(typed('AWS::SES::ConfigurationSet')).toHaveLength(0);
    expect(typed('AWS::SES::ConfigurationSetEventDestination').map((r) => r.Properties.ConfigurationSetName)).toEqual(['courtesy-emails']);
    const sesDims = typed('AWS::CloudWatch::Alarm')
      .flatMap((a) => a.Properties.Metrics ?? [])
      .filter((m: any) => m.MetricStat?.Metric.Namespace === 'AWS/SES')
      .map((m: any) => m.MetricStat.Metric.Dimensions);
    expect(sesDims).toHaveLength(4);
    for (const d of sesDims) expect(d).toEqual([{ Name: 'ses:configuration-set', Value: 'courtesy-emails' }]);
  });
});

describe('alarm topic', () => {
  const topicPolicy = () => ofType('AWS::SNS::TopicPolicy')[0]![1].Properties.PolicyDocument.Statement as any[];

  test('created by default: TLS-only, no subscription unless an address is configured', () => {
    expect(ofType('AWS::SNS::Topic')).toHaveLength(1);
    expect(ofType('AWS::SNS::Subscription')).toHaveLength(0);
    expect(topicPolicy().filter((st) => st.Effect === 'Deny')).toEqual([
      expect.objectContaining({ Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });

  // A topic policy replaces SNS's default one: without an allow, CloudWatch may not publish and every alarm fires into nothing.
  test("its policy lets CloudWatch publish, for this account's alarms named like this stack's, and nothing else is allowed", () => {
    const allows = topicPolicy().filter((st) => st.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: ALARM_TOPIC_SID,
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudwatch:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':alarm:CourtesyCredits-dev-*',
                ],
              ],
            },
          },
        },
      },
    ]);
    // every alarm of the stack is one the SourceArn pattern names (ArnLike: `*` matches any characters)
    const pattern = allows[0].Condition.ArnLike['aws:SourceArn']['Fn::Join'][1].at(-1).replace(/^:alarm:/, '');
    const matches = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) expect([a.AlarmName, matches.test(a.AlarmName)]).toEqual([a.AlarmName, true]);
  });

  test('courtesy:alarmEmail subscribes that address to the created topic', () => {
    const t = synthTemplate({ context: { 'courtesy:alarmEmail': 'oncall@courtesy-credits.example.com' } });
    const subs = Object.values<any>(t.Resources).filter((r) => r.Type === 'AWS::SNS::Subscription');
    expect(subs.map((s) => s.Properties)).toEqual([
      { Protocol: 'email', Endpoint: 'oncall@courtesy-credits.example.com', TopicArn: { Ref: expect.any(String) } },
    ]);
  });

  test('courtesy:alarmTopicArn: no topic is created and every alarm notifies the configured one', () => {
    const arn = 'arn:aws:sns:eu-central-1:222222222222:oncall';
    const t = synthTemplate({ context: { 'courtesy:alarmTopicArn': arn } });
    const all = Object.values<any>(t.Resources);
    expect(all.filter((r) => r.Type === 'AWS::SNS::Topic')).toHaveLength(0);
    const list = all.filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(list).toHaveLength(alarms.length);
    for (const a of list) expect(a.Properties.AlarmActions).toEqual([arn]);
  });

  test('an alarm topic ARN and an alarm email together are refused', () => {
    expect(() =>
      synthTemplate({
        context: { 'courtesy:alarmTopicArn': 'arn:aws:sns:eu-central-1:222222222222:oncall', 'courtesy:alarmEmail': 'a@b.example.com' },
      }),
    ).toThrow(/courtesy:alarmEmail: only for the topic the stack creates/);
    expect(() => synthTemplate({ context: { 'courtesy:alarmTopicArn': 'arn:aws:sqs:eu-central-1:222222222222:q' } })).toThrow(
      /courtesy:alarmTopicArn: must be an SNS topic ARN/,
    );
  });
});

describe('nothing goes unwatched', () => {
  test('a failure queue created after the monitoring construct fails synthesis', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-late-'));
    try {
      const built = buildApp({ outdir: dir });
      new FailureQueue(built.stack, { id: 'LateFailures', purpose: 'test' });
      expect(() => built.app.synth()).toThrow(/LateFailures is not monitored/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('one dashboard, named after the stage', () => {
    const boards = ofType('AWS::CloudWatch::Dashboard');
    expect(boards).toHaveLength(1);
    expect(boards[0]![1].Properties.DashboardName).toBe('CourtesyCredits-dev');
  });
});
