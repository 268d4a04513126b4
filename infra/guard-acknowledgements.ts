/**
 * THE list of Control Tower proactive controls a synthesized template may not meet, each with why, which of
 * them apply to a given configuration, and which findings they cover (`triageFindings`).
 *
 * test/infra/guard.test.ts and test/infra/landing-zone.test.ts run every control (infra/guard.ts) over the template
 * of each settings variant and fail on a finding not covered by `guardAcknowledgementsFor(config)`, and on an
 * acknowledgement that applies but matches no finding (stale: delete or narrow it). Two kinds:
 * - `until-option`: a landing-zone setting (infra/options/settings.ts) meets the control; the entry applies only
 *   while that setting is off (`option`), so it cannot outlive the reason it was written for.
 * - `permanent`: the control does not fit what the resources are; the reason says why.
 * `scope` limits an entry to the resources it is about, so an unrelated resource breaking the same control
 * still fails the test.
 */
import { failureDestinations, type GuardFinding, type GuardRuleId } from './guard';
import { LANDING_ZONE_KEYS, MIN_AUDIT_LOG_RETENTION_DAYS, type LandingZoneSettings } from './options/settings';

export type GuardAckScope =
  /** Every resource the control reports. */
  | 'every-resource'
  /** Only queues the template uses as failure destinations (see `failureDestinations` in infra/guard.ts). */
  | 'failure-destinations';

/** The setting value that meets a control. */
export type GuardOption =
  | { readonly setting: typeof LANDING_ZONE_KEYS.kms; readonly is: 'customer-managed' }
  | { readonly setting: typeof LANDING_ZONE_KEYS.vpc; readonly is: 'any-vpc' }
  | { readonly setting: typeof LANDING_ZONE_KEYS.logRetentionDays; readonly atLeast: number };

export type GuardAcknowledgement =
  | { readonly kind: 'until-option'; readonly option: GuardOption; readonly scope: GuardAckScope; readonly reason: string }
  | { readonly kind: 'permanent'; readonly scope: GuardAckScope; readonly reason: string };

export type GuardAcknowledgements = Readonly<Partial<Record<GuardRuleId, GuardAcknowledgement>>>;

export const GUARD_ACKNOWLEDGEMENTS: GuardAcknowledgements = {
  'ct-cloudwatch-pr-2': {
    kind: 'until-option',
    option: { setting: LANDING_ZONE_KEYS.logRetentionDays, atLeast: MIN_AUDIT_LOG_RETENTION_DAYS },
    scope: 'every-resource',
    reason:
      'The default keeps logs a year, as the control and a financial audit trail want. A stage configured to keep ' +
      'less (e.g. a short-lived test stage saving storage) fails it deliberately.',
  },
  'ct-cloudwatch-pr-3': {
    kind: 'until-option',
    option: { setting: LANDING_ZONE_KEYS.kms, is: 'customer-managed' },
    scope: 'every-resource',
    reason:
      "By default log groups use CloudWatch Logs' service-managed encryption; the control wants a KMS key, which " +
      'costs $1 a month, must outlive the retained log groups, and is one more thing to keep a policy right on.',
  },
  'ct-dynamodb-pr-2': {
    kind: 'until-option',
    option: { setting: LANDING_ZONE_KEYS.kms, is: 'customer-managed' },
    scope: 'every-resource',
    reason:
      'By default the table is encrypted at rest with the AWS-owned key (DynamoDB default); the control wants a ' +
      'KMS key. The customer-managed key option gives the table, queues and log groups one key of the stack.',
  },
  'ct-lambda-pr-3': {
    kind: 'until-option',
    option: { setting: LANDING_ZONE_KEYS.vpc, is: 'any-vpc' },
    scope: 'every-resource',
    reason:
      'The functions only call AWS APIs and reach no private resource, so a VPC adds network-interface set-up, ' +
      'interface-endpoint cost and failure modes for nothing by default. Landing zones that require it set the option.',
  },
  'ct-sqs-pr-1': {
    kind: 'permanent',
    scope: 'failure-destinations',
    reason:
      "These queues are terminal: the EventBridge rule's dead-letter queue, grant's async on-failure destination and " +
      "the workers' dead-letter queues (ExpireDlq, NotifyDlq, …, one per worker; an operator redrives them to their source " +
      'queue with StartMessageMoveTask). Nothing consumes them, so a dead-letter queue behind them would only move ' +
      "the same messages once more. The control's other way out, RedriveAllowPolicy allowAll/byQueue, would declare " +
      'them redrive targets for any SQS source queue (SQS allows every queue by default already).',
  },
  'ct-s3-pr-2': {
    kind: 'permanent',
    scope: 'failure-destinations',
    reason:
      "The stream mapping's failure bucket is written only by Lambda (one object per discarded batch) and read by " +
      'operators; CloudTrail records both. Server access logs would need a second bucket, itself failing this ' +
      'control, to log the same calls again (cdk-nag S1 is acknowledged for the same reason).',
  },
  'ct-s3-pr-4': {
    kind: 'permanent',
    scope: 'failure-destinations',
    reason:
      'Nothing processes failure records automatically: they are redriven by an operator. An object lands here only ' +
      'after the router could not reach SQS for a whole day, which the router function errors and stream iterator ' +
      'age already show long before.',
  },
  'ct-s3-pr-9': {
    kind: 'permanent',
    scope: 'failure-destinations',
    reason:
      'Failure records are operational copies for a redrive, deleted by the lifecycle rule after 400 days; Object ' +
      'Lock would keep them from that and is for compliance archives, which these are not (the ledger is the record).',
  },
  'ct-s3-pr-10': {
    kind: 'until-option',
    option: { setting: LANDING_ZONE_KEYS.kms, is: 'customer-managed' },
    scope: 'failure-destinations',
    reason:
      'By default the stream failure bucket uses S3-managed encryption (SSE-S3), like the AWS-managed default of the ' +
      'table and queues; with courtesy:kms=customer-managed it is encrypted with the service key and the control passes.',
  },
};

/** Whether `config` turns on the setting that meets the control. */
export function optionIsOn(option: GuardOption, config: LandingZoneSettings): boolean {
  switch (option.setting) {
    case LANDING_ZONE_KEYS.kms:
      return config.kms === option.is;
    case LANDING_ZONE_KEYS.vpc:
      return config.vpc.placement !== 'none';
    case LANDING_ZONE_KEYS.logRetentionDays:
      return config.logRetentionDays >= option.atLeast;
  }
}

/** The acknowledgements that apply to a deployment with `config`: `until-option` ones only while their option is off. */
export function guardAcknowledgementsFor(
  config: LandingZoneSettings,
  acknowledgements: GuardAcknowledgements = GUARD_ACKNOWLEDGEMENTS,
): GuardAcknowledgements {
  return Object.fromEntries(
    Object.entries(acknowledgements).filter(([, ack]) => ack!.kind === 'permanent' || !optionIsOn(ack!.option, config)),
  );
}

export interface GuardTriage {
  /** Findings no acknowledgement covers (rule not listed, or resource outside the entry's scope). */
  readonly unacknowledged: GuardFinding[];
  /** Acknowledged rules with no finding left: the entry is stale. */
  readonly stale: GuardRuleId[];
}

/** Splits `findings` of `template` into those `acknowledgements` do not cover and acknowledgements nothing needs. */
export function triageFindings(
  template: Record<string, unknown>,
  findings: readonly GuardFinding[],
  acknowledgements: GuardAcknowledgements,
): GuardTriage {
  const destinations = failureDestinations(template);
  const covers = (f: GuardFinding): boolean => {
    const ack = acknowledgements[f.ruleId];
    if (!ack) return false;
    switch (ack.scope) {
      case 'every-resource':
        return true;
      case 'failure-destinations':
        return destinations.has(f.resource);
    }
  };
  const used = new Set(findings.filter(covers).map((f) => f.ruleId));
  return {
    unacknowledged: findings.filter((f) => !covers(f)),
    stale: (Object.keys(acknowledgements) as GuardRuleId[]).filter((id) => !used.has(id)).sort(),
  };
}
