/**
 * THE list of Control Tower proactive controls the default synthesized template does not meet, each with why.
 *
 * test/infra/guard.test.ts runs every control (infra/guard.ts) and fails on a finding not covered here, and on an
 * entry here that no longer matches any finding (stale: delete it). Two kinds:
 * - `until-option`: the default deployment fails the control today; a deployment option (issue 12 item 2) will
 *   let a landing zone meet it. Remove the entry, or narrow it, when the option lands.
 * - `permanent`: the control does not fit what the resources are; the reason says why.
 * `scope` limits an entry to the resources it is about, so an unrelated resource breaking the same control
 * still fails the test.
 */
// @ts-nocheck

import type { GuardRuleId } from './guard';

export type GuardAckScope =
  /** Every resource the control reports. */
  | 'every-resource'
  /** Only queues the template uses as failure destinations (see `failureDestinations` in infra/guard.ts). */
  | 'failure-destinations';

export type GuardAcknowledgement =
  | { readonly kind: 'until-option'; readonly option: string; readonly scope: GuardAckScope; readonly reason: string }
  | { readonly kind: 'permanent'; readonly scope: GuardAckScope; readonly reason: string };

export const GUARD_ACKNOWLEDGEMENTS: Readonly<Partial<Record<GuardRuleId, GuardAcknowledgement>>> = {
  'ct-cloudwatch-pr-2': {
    kind: 'until-option',
    option: 'configurable log retention with a one-year default (issue 12 item 2)',
    scope: 'every-resource',
    reason:
      "The functions' log groups keep 90 days today; the control wants at least a year, which is also what a " +
      'financial service keeps for audit. Acknowledged only until the retention setting lands.',
  },
  'ct-cloudwatch-pr-3': {
    kind: 'until-option',
    option: 'customer-managed KMS key for table, queues and log groups (issue 12 item 2)',
    scope: 'every-resource',
    reason:
      "Log groups use CloudWatch Logs' default service-managed encryption; the control wants a KMS key. " +
      'Acknowledged only until the KMS key option lands.',
  },
  'ct-dynamodb-pr-2': {
    kind: 'until-option',
    option: 'customer-managed KMS key for table, queues and log groups (issue 12 item 2)',
    scope: 'every-resource',
    reason:
      'The table is encrypted at rest with the AWS-owned key (DynamoDB default); the control wants a KMS key ' +
      '(AWS-managed or customer-managed). Acknowledged only until the KMS key option lands.',
  },
  'ct-lambda-pr-3': {
    kind: 'until-option',
    option: 'optional VPC placement with VPC endpoints for DynamoDB, SES, EventBridge, SQS and X-Ray (issue 12 item 2)',
    scope: 'every-resource',
    reason:
      'The functions only call AWS APIs and reach no private resource, so a VPC adds ENI set-up, endpoint or NAT ' +
      'cost and failure modes for nothing by default. Landing zones that require it get it as an option; ' +
      'acknowledged until that option lands (then decide whether the default stays outside a VPC).',
  },
  'ct-sqs-pr-1': {
    kind: 'permanent',
    scope: 'failure-destinations',
    reason:
      "These queues are terminal: the EventBridge rule's dead-letter queue and the Lambda on-failure destinations " +
      '(async grant, stream mappings). Nothing consumes them, so a dead-letter queue behind them would only move ' +
      "the same messages once more. The control's other way out, RedriveAllowPolicy allowAll/byQueue, would declare " +
      'them redrive targets for SQS source queues, which they are not.',
  },
};
