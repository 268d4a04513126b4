/**
 * Runs the AWS Control Tower proactive-control guard rules over a synthesized CloudFormation template, offline.
 *
 * The rules and the cfn-guard binary (linux/macOS, x64/arm64) come from the npm package
 * `@cdklabs/cdk-validator-cfnguard`; its policy-validation plugin runs the binary with the whole
 * Control Tower rule set. Nothing is downloaded at run time. Used by tests (test/infra/guard.test.ts),
 * which compare the findings with infra/guard-acknowledgements.ts (triageFindings).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

/** A Control Tower control id as the rule files name it, e.g. `ct-sqs-pr-1` (control CT.SQS.PR.1). */
export type GuardRuleId = `ct-${string}-pr-${number}`;

export interface GuardFinding {
  readonly ruleId: GuardRuleId;
  /**
   * Logical id of the offending resource in the template, or UNLOCATED when cfn-guard names none (it does so for
   * some rules, e.g. ct-kms-pr-3, when a required statement is missing rather than a property wrong).
   */
  readonly resource: string;
  /** The control's description, e.g. "[CT.SQS.PR.1]: Require any Amazon SQS queue to have a dead-letter queue configured". */
  readonly message: string;
}

/** `resource` of a finding cfn-guard reports without a logical id. */
export const UNLOCATED = '(resource not located by cfn-guard)';

const PACKAGE_DIR = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const RULES_DIR = path.join(PACKAGE_DIR, 'rules', 'control-tower', 'cfn-guard');
const RULE_FILE = /^(ct-[a-z0-9]+-pr-\d+)\.guard$/;
const CONTROL_TAG = /\[CT\.([A-Z0-9]+)\.PR\.(\d+)\]/;

/** Every control id in the shipped rule set (one `.guard` file per control). */
export function guardRuleIds(): GuardRuleId[] {
  const ids: GuardRuleId[] = [];
  for (const service of fs.readdirSync(RULES_DIR)) {
    for (const file of fs.readdirSync(path.join(RULES_DIR, service))) {
      const m = RULE_FILE.exec(file);
      if (m) ids.push(m[1] as GuardRuleId);
    }
  }
  return ids.sort();
}

/** Version of the cfn-guard binary the package ships (e.g. "3.1.1"). */
export function guardVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'guard-version.json'), 'utf8')) as { version: string }).version;
}

function ruleIdOf(description: string, ruleName: string): GuardRuleId {
  const m = CONTROL_TAG.exec(description);
  if (!m) throw new Error(`guard rule ${ruleName} reported a violation without a [CT.<SERVICE>.PR.<n>] tag: ${description}`);
  return `ct-${m[1]!.toLowerCase()}-pr-${Number(m[2])}` as GuardRuleId;
}

/**
 * Runs every Control Tower guard rule over `template` and returns one finding per (rule, resource),
 * sorted by rule id then resource. An empty list means the template passes every control.
 * Throws if cfn-guard cannot run (unsupported platform, binary missing) or its output cannot be read.
 */
export function guardFindings(template: Record<string, unknown>): GuardFinding[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtesy-guard-'));
  try {
    const file = path.join(dir, 'template.json');
    fs.writeFileSync(file, JSON.stringify(template));
    // The plugin only reads the template files; it gets an empty app as its (unused) construct tree.
    const appConstruct = new App({ outdir: dir, analyticsReporting: false });
    const report = new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate({ templatePaths: [file], appConstruct });
    const seen = new Set<string>();
    const findings: GuardFinding[] = [];
    for (const v of report.violations) {
      const ruleId = ruleIdOf(v.description, v.ruleName);
      for (const r of v.violatingResources) {
        const resource = r.resourceLogicalId ?? UNLOCATED;
        const key = `${ruleId} ${resource}`;
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push({ ruleId, resource, message: v.description });
      }
    }
    if (!report.success && findings.length === 0) throw new Error('cfn-guard reported failure without any violation');
    return findings.sort((a, b) => a.ruleId.localeCompare(b.ruleId) || a.resource.localeCompare(b.resource));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `{ "Fn::GetAtt": [id, "Arn"] }` -> id. */
function arnRef(value: unknown): string | undefined {
  const getAtt = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[1] === 'Arn' && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/**
 * Logical ids of the resources the template uses as failure destinations: EventBridge target dead-letter
 * queues, Lambda async on-failure destinations and dead-letter queues, event-source-mapping on-failure
 * destinations, and SQS redrive targets. These are where failed work ends up, not queues anything consumes.
 */
export function failureDestinations(template: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const add = (v: unknown) => {
    const id = arnRef(v);
    if (id) out.add(id);
  };
  const resources = (template.Resources ?? {}) as Record<string, { Type?: string; Properties?: Record<string, any> }>;
  for (const r of Object.values(resources)) {
    const p = r.Properties ?? {};
    switch (r.Type) {
      case 'AWS::Events::Rule':
        for (const t of (p.Targets ?? []) as { DeadLetterConfig?: { Arn?: unknown } }[]) add(t.DeadLetterConfig?.Arn);
        break;
      case 'AWS::Lambda::EventInvokeConfig':
      case 'AWS::Lambda::EventSourceMapping':
        add(p.DestinationConfig?.OnFailure?.Destination);
        break;
      case 'AWS::Lambda::Function':
        add(p.DeadLetterConfig?.TargetArn);
        break;
      case 'AWS::SQS::Queue':
        add(p.RedrivePolicy?.deadLetterTargetArn);
        break;
    }
  }
  return out;
}
