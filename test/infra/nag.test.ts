import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { buildApp } from '../../infra/synth';
import { FUNCTION_NAMES, functionsTriggeredBy } from '../../infra/functions';

/**
 * cdk-nag v3 is a policy-validation plugin: `Validations.of(app).addPlugins(new AwsSolutionsChecks(app))`
 * and `Validations.of(construct).acknowledge(...)` replace v2's Aspect and NagSuppressions. These tests
 * run the AwsSolutions pack over the synthesized construct tree, as `cdk synth` (infra/app.ts) does.
 */
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtesy-nag-test-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** One synthesis for the file, with the nag plugin registered exactly as infra/app.ts does. */
const { app, stack } = buildApp({ outdir, nag: true });
let synthError: unknown;
let template: Record<string, any> = {};
try {
  template = app.synth().getStackArtifact(stack.artifactId).template;
} catch (e) {
  synthError = e;
}

const describeViolations = (report: PolicyValidationPluginReport) =>
  report.violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

describe('cdk-nag AwsSolutions', () => {
  test('synthesis with the nag plugin succeeds (no unacknowledged finding)', () => {
    expect(synthError).toBeUndefined();
    expect(template.Resources).toBeDefined();
  });

  test('zero unacknowledged errors and zero unacknowledged warnings', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    const errors = report.violations.filter((v) => v.severity === 'error');
    const warnings = report.violations.filter((v) => v.severity !== 'error');
    expect(describeViolations({ ...report, violations: errors })).toEqual([]);
    expect(describeViolations({ ...report, violations: warnings })).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('no CDK warnings or errors on the stack either', () => {
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('the check is live: a planted non-compliant queue is reported', () => {
    // A throwaway app, so the stack under test stays untouched.
    const planted = buildApp({ outdir: fs.mkdtempSync(path.join(outdir, 'planted-')) });
    new sqs.Queue(planted.stack, 'PlantedQueue'); // no TLS policy, no DLQ
    const report = new AwsSolutionsChecks().validateScope(planted.stack);
    const rules = report.violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
    for (const v of report.violations) {
      expect(v.violatingResources.map((r) => r.constructPath)).toEqual([`${planted.stack.stackName}/PlantedQueue/Resource`]);
    }
  });

  test('every acknowledgement written to the template has a specific id and a real reason', () => {
    const suppressions = Object.entries<any>(template.Resources).flatMap(([id, r]) =>
      ((r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[]).map((s) => ({ resource: id, ...s })),
    );
    expect(suppressions.length).toBeGreaterThan(0);
    for (const s of suppressions) {
      expect(s.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[[^\]]+\])?$/);
      expect(typeof s.reason).toBe('string');
      expect(s.reason.trim().length).toBeGreaterThanOrEqual(40);
    }
  });

  test('only the expected rules are acknowledged, each where it applies', () => {
    const bucketId = Object.entries<any>(template.Resources).find(([, r]) => r.Type === 'AWS::S3::Bucket')![0];
    const byRule = new Map<string, string[]>();
    for (const [, r] of Object.entries<any>(template.Resources)) {
      for (const s of r.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
        byRule.set(s.id, [...(byRule.get(s.id) ?? []), r.Type]);
      }
    }
    expect(Object.fromEntries([...byRule].map(([id, types]) => [id, [...new Set(types)]]))).toEqual({
      // Node.js 22 is mandated; nodejs24.x exists.
      'AwsSolutions-L1': ['AWS::Lambda::Function'],
      // X-Ray trace actions (and ListStreams for stream consumers) have no resource-level permissions.
      'AwsSolutions-IAM5[Resource::*]': ['AWS::IAM::Policy'],
      // The failure queues are themselves dead-letter destinations.
      'AwsSolutions-SQS3': ['AWS::SQS::Queue'],
      // The alarm topic the stack creates: CloudWatch cannot publish to a topic under the AWS-managed SNS key.
      'AwsSolutions-SNS2': ['AWS::SNS::Topic'],
      // The stream failure bucket: Lambda writes objects under keys it chooses; no access logs (CloudTrail has the calls).
      [`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`]: ['AWS::IAM::Policy'],
      'AwsSolutions-S1': ['AWS::S3::Bucket'],
    });
    expect(byRule.get('AwsSolutions-L1')).toHaveLength(FUNCTION_NAMES.length);
    expect(byRule.get('AwsSolutions-IAM5[Resource::*]')).toHaveLength(FUNCTION_NAMES.length);
    expect(byRule.get(`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`)).toHaveLength(1);
    // the rule's DLQ, grant's async failures, and one DLQ per worker of the catalogue
    expect(byRule.get('AwsSolutions-SQS3')).toHaveLength(2 + functionsTriggeredBy('queue').length);
    expect(byRule.get('AwsSolutions-SNS2')).toHaveLength(1);
  });

  test('no rule is acknowledged wholesale (IAM5 only for specific findings)', () => {
    const ids = Object.values<any>(template.Resources).flatMap((r) =>
      (r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((s: { id: string }) => s.id),
    );
    expect(ids).not.toContain('AwsSolutions-IAM5');
    expect(ids).not.toContain('AwsSolutions-IAM4');
  });
});
