import { CONTEXT_KEYS, parseConfig } from '../../infra/config';
import { GUARD_ACKNOWLEDGEMENTS, guardAcknowledgementsFor, optionIsOn, triageFindings } from '../../infra/guard-acknowledgements';
import { failureDestinations, guardFindings, guardRuleIds, guardVersion, type GuardFinding } from '../../infra/guard';
import { LANDING_ZONE_DEFAULTS } from '../../infra/options/settings';
import { cdkJsonContext, synthTemplate } from '../../infra/synth';
import { FUNCTION_NAMES, functionsTriggeredBy } from '../../infra/functions';

/**
 * The AWS Control Tower proactive controls (cfn-guard rules shipped in @cdklabs/cdk-validator-cfnguard, run by
 * the shipped binary, offline) over the template `cdk synth` produces with cdk.json's settings. Every control passes
 * or is acknowledged in infra/guard-acknowledgements.ts for this configuration; an acknowledgement that applies but
 * that nothing needs fails the test too. The other settings variants: test/infra/landing-zone.test.ts.
 */
const context = cdkJsonContext();
const config = parseConfig((k) => context[k]);
const acknowledgements = guardAcknowledgementsFor(config);
const template = synthTemplate();
const findings = guardFindings(template);

/** The controls the default template fails (each acknowledged), sorted. */
const FAILED_BY_DEFAULT = [
  'ct-cloudwatch-pr-3',
  'ct-dynamodb-pr-2',
  'ct-lambda-pr-3',
  'ct-s3-pr-10',
  'ct-s3-pr-2',
  'ct-s3-pr-4',
  'ct-s3-pr-9',
  'ct-sqs-pr-1',
].sort();
/** Every acknowledgement there is: those, and log retention (lifted by the default one-year retention). */
const ACKNOWLEDGED = ['ct-cloudwatch-pr-2', ...FAILED_BY_DEFAULT].sort();

const show = (list: readonly GuardFinding[]) => list.map((f) => `${f.ruleId} ${f.resource}: ${f.message}`);

describe('Control Tower guard rules', () => {
  test('the shipped rule set and binary are the ones the issue was checked with', () => {
    expect(guardVersion()).toBe('3.1.1');
    const ids = guardRuleIds();
    expect(ids.length).toBeGreaterThan(200);
    expect(ids).toEqual(expect.arrayContaining(['ct-sqs-pr-1', 'ct-lambda-pr-3', 'ct-dynamodb-pr-2']));
  });

  test('every finding is acknowledged, and every acknowledgement is still needed', () => {
    const { unacknowledged, stale } = triageFindings(template, findings, acknowledgements);
    expect(show(unacknowledged)).toEqual([]);
    expect(stale).toEqual([]);
  });

  test('cdk.json deploys the landing-zone defaults: AWS-managed encryption, one-year logs, no VPC', () => {
    expect({ kms: config.kms, logRetentionDays: config.logRetentionDays, vpc: config.vpc }).toEqual(LANDING_ZONE_DEFAULTS);
  });

  test('the default template fails exactly four controls of issue 12 (log retention passes) and four S3 controls on the stream failure bucket only', () => {
    expect([...new Set(findings.map((f) => f.ruleId))].sort()).toEqual(FAILED_BY_DEFAULT);
    for (const rule of ['ct-s3-pr-10', 'ct-s3-pr-2', 'ct-s3-pr-4', 'ct-s3-pr-9']) {
      expect(findings.filter((f) => f.ruleId === rule).map((f) => f.resource.replace(/[0-9A-F]{8}$/, ''))).toEqual([
        'StreamFailuresBucket',
      ]);
    }
    const resourcesOf = (ruleId: string) => findings.filter((f) => f.ruleId === ruleId).map((f) => template.Resources[f.resource].Type);
    expect(new Set(resourcesOf('ct-cloudwatch-pr-3'))).toEqual(new Set(['AWS::Logs::LogGroup']));
    expect(resourcesOf('ct-lambda-pr-3')).toHaveLength(FUNCTION_NAMES.length);
    expect(resourcesOf('ct-dynamodb-pr-2')).toEqual(['AWS::DynamoDB::Table']);
    expect(Object.keys(acknowledgements).sort()).toEqual(FAILED_BY_DEFAULT);
  });

  test('acknowledgements name real controls with a real reason; "until" ones name the setting that lifts them', () => {
    const known = new Set(guardRuleIds());
    const settings = new Set<string>(Object.values(CONTEXT_KEYS));
    expect(Object.keys(GUARD_ACKNOWLEDGEMENTS).sort()).toEqual(ACKNOWLEDGED);
    for (const [id, ack] of Object.entries(GUARD_ACKNOWLEDGEMENTS)) {
      expect(known.has(id as never)).toBe(true);
      expect(ack!.reason.trim().length).toBeGreaterThanOrEqual(80);
      if (ack!.kind === 'until-option') expect(settings.has(ack!.option.setting)).toBe(true);
    }
  });

  test('an "until-option" acknowledgement applies only while its setting is off', () => {
    const on = { kms: 'customer-managed', vpc: { placement: 'new-vpc' }, logRetentionDays: 731 } as const;
    expect(Object.keys(guardAcknowledgementsFor(on)).sort()).toEqual(['ct-s3-pr-2', 'ct-s3-pr-4', 'ct-s3-pr-9', 'ct-sqs-pr-1']);
    expect(Object.keys(guardAcknowledgementsFor({ ...LANDING_ZONE_DEFAULTS, logRetentionDays: 30 })).sort()).toEqual(ACKNOWLEDGED);
    const retention = GUARD_ACKNOWLEDGEMENTS['ct-cloudwatch-pr-2']!;
    if (retention.kind !== 'until-option') throw new Error('expected until-option');
    expect(optionIsOn(retention.option, { ...LANDING_ZONE_DEFAULTS, logRetentionDays: 365 })).toBe(true);
    expect(optionIsOn(retention.option, { ...LANDING_ZONE_DEFAULTS, logRetentionDays: 180 })).toBe(false);
  });

  test('the full list applied to the default template is stale exactly where an option is already on', () => {
    expect(triageFindings(template, findings, GUARD_ACKNOWLEDGEMENTS).stale).toEqual(['ct-cloudwatch-pr-2']);
  });

  test('ct-sqs-pr-1 is acknowledged only for the terminal failure queues, all of which it reports; the work queues meet it', () => {
    const ofType = (type: string) =>
      Object.entries<any>(template.Resources)
        .filter(([, r]) => r.Type === type)
        .map(([id]) => id)
        .sort();
    const queues = ofType('AWS::SQS::Queue');
    const terminal = queues.filter((id) => !template.Resources[id].Properties.RedrivePolicy);
    const workers = functionsTriggeredBy('queue').length;
    expect(terminal).toHaveLength(2 + workers); // the rule's DLQ, grant's async failures, each worker's DLQ
    expect(queues.length - terminal.length).toBe(workers); // each worker's own queue (ExpireQueue, …), with its DLQ
    expect([...failureDestinations(template)].sort()).toEqual([...terminal, ...ofType('AWS::S3::Bucket')].sort());
    expect(new Set(findings.filter((f) => f.ruleId === 'ct-sqs-pr-1').map((f) => f.resource))).toEqual(new Set(terminal));
  });

  describe('the check is live', () => {
    const plantedQueue = { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } };

    test('a queue that is no failure destination and has no DLQ is reported and NOT covered by the acknowledgement', () => {
      const planted = { ...template, Resources: { ...template.Resources, PlantedQueue: plantedQueue } };
      const result = triageFindings(planted, guardFindings(planted), acknowledgements);
      expect(result.unacknowledged.map((f) => `${f.ruleId} ${f.resource}`)).toEqual(['ct-sqs-pr-1 PlantedQueue']);
    });

    test('a removed problem makes its acknowledgement stale', () => {
      const withoutTable = {
        ...template,
        Resources: Object.fromEntries(Object.entries<any>(template.Resources).filter(([, r]) => r.Type !== 'AWS::DynamoDB::Table')),
      };
      const result = triageFindings(withoutTable, guardFindings(withoutTable), acknowledgements);
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
