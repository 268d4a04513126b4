import { FUNCTION_NAMES } from '../../infra/functions';
import { GUARD_ACKNOWLEDGEMENTS } from '../../infra/guard-acknowledgements';
import { failureDestinations, guardFindings, guardRuleIds, guardVersion, triageFindings, type GuardFinding } from '../../infra/guard';
import { synthTemplate } from '../../infra/synth';

/**
 * The AWS Control Tower proactive controls (cfn-guard rules shipped in @cdklabs/cdk-validator-cfnguard, run by
 * the shipped binary, offline) over the template `cdk synth` produces. Every control passes or is acknowledged
 * in infra/guard-acknowledgements.ts; an acknowledgement nothing needs any more fails the test too.
 */
const template = synthTemplate();
const findings = guardFindings(template);

const show = (list: readonly GuardFinding[]) => list.map((f) => `${f.ruleId} ${f.resource}: ${f.message}`);

describe('Control Tower guard rules', () => {
  test('the shipped rule set and binary are the ones the issue was checked with', () => {
    expect(guardVersion()).toBe('3.1.1');
    const ids = guardRuleIds();
    expect(ids.length).toBeGreaterThan(200);
    expect(ids).toEqual(expect.arrayContaining(['ct-sqs-pr-1', 'ct-lambda-pr-3', 'ct-dynamodb-pr-2']));
  });

  test('every finding is acknowledged, and every acknowledgement is still needed', () => {
    const { unacknowledged, stale } = triageFindings(template, findings, GUARD_ACKNOWLEDGEMENTS);
    expect(show(unacknowledged)).toEqual([]);
    expect(stale).toEqual([]);
  });

  test('today the default template fails exactly the five controls of issue 12', () => {
    expect([...new Set(findings.map((f) => f.ruleId))]).toEqual([
      'ct-cloudwatch-pr-2',
      'ct-cloudwatch-pr-3',
      'ct-dynamodb-pr-2',
      'ct-lambda-pr-3',
      'ct-sqs-pr-1',
    ]);
    const resourcesOf = (ruleId: string) => findings.filter((f) => f.ruleId === ruleId).map((f) => template.Resources[f.resource].Type);
    expect(new Set(resourcesOf('ct-cloudwatch-pr-2'))).toEqual(new Set(['AWS::Logs::LogGroup']));
    expect(resourcesOf('ct-lambda-pr-3')).toHaveLength(FUNCTION_NAMES.length);
    expect(resourcesOf('ct-dynamodb-pr-2')).toEqual(['AWS::DynamoDB::Table']);
  });

  test('acknowledgements name real controls with a real reason; "until" ones name the option that lifts them', () => {
    const known = new Set(guardRuleIds());
    for (const [id, ack] of Object.entries(GUARD_ACKNOWLEDGEMENTS)) {
      expect(known.has(id as never)).toBe(true);
      expect(ack!.reason.trim().length).toBeGreaterThanOrEqual(80);
      if (ack!.kind === 'until-option') expect(ack!.option.trim().length).toBeGreaterThanOrEqual(20);
    }
  });

  test('ct-sqs-pr-1 is acknowledged only for the terminal failure queues, all of which it reports', () => {
    const queues = Object.entries<any>(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
      .map(([id]) => id)
      .sort();
    expect(queues).toHaveLength(5);
    expect([...failureDestinations(template)].sort()).toEqual(queues);
    expect(new Set(findings.filter((f) => f.ruleId === 'ct-sqs-pr-1').map((f) => f.resource))).toEqual(new Set(queues));
  });

  describe('the check is live', () => {
    const plantedQueue = { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } };

    test('a queue that is no failure destination and has no DLQ is reported and NOT covered by the acknowledgement', () => {
      const planted = { ...template, Resources: { ...template.Resources, PlantedQueue: plantedQueue } };
      const result = triageFindings(planted, guardFindings(planted), GUARD_ACKNOWLEDGEMENTS);
      expect(result.unacknowledged.map((f) => `${f.ruleId} ${f.resource}`)).toEqual(['ct-sqs-pr-1 PlantedQueue']);
    });

    test('a removed problem makes its acknowledgement stale', () => {
      const withoutTable = {
        ...template,
        Resources: Object.fromEntries(Object.entries<any>(template.Resources).filter(([, r]) => r.Type !== 'AWS::DynamoDB::Table')),
      };
      const result = triageFindings(withoutTable, guardFindings(withoutTable), GUARD_ACKNOWLEDGEMENTS);
      expect(result.stale).toEqual(['ct-dynamodb-pr-2']);
    });

    test('a compliant resource passes', () => {
      const dlq = { Type: 'AWS::SQS::Queue', Properties: { RedriveAllowPolicy: { redrivePermission: 'allowAll' } } };
      const queue = {
        Type: 'AWS::SQS::Queue',
        Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 3 } },
      };
      expect(guardFindings({ Resources: { Dlq: dlq, Queue: queue } }).filter((f) => f.ruleId === 'ct-sqs-pr-1')).toEqual([]);
    });
  });
});
