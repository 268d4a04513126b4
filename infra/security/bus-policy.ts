/**
 * The service bus's resource policy: who may put which events on it (issue 13, item 1).
 *
 * - Allow: the configured complaint publishers (`courtesy:complaintPublisherPrincipals`: roles, or accounts) may
 *   PutEvents when every entry has a complaint source and the ComplaintResolved detail-type. This is what lets a
 *   publisher in another account in; in the bus's own account an identity policy would do, the deny below is what
 *   counts there.
 * - Deny: anyone else putting an entry with a complaint source (so no role of the account can mint credit, whatever
 *   its identity policy says), and anyone but the functions that publish as the service putting an entry with the
 *   service's own source (so nobody speaks as `courtesy-credits`).
 *
 * `events:source` and `events:detail-type` are multivalued on PutEvents (one value per entry): the allow uses
 * ForAllValues (every entry must fit), the denies ForAnyValue (one entry is enough to refuse the call). The denies
 * exempt by `aws:PrincipalArn` (a role ARN, also for its sessions) and, for account publishers,
 * `aws:PrincipalAccount`; both are request-context keys, so no principal has to exist when the policy is set.
 *
 * The document goes into the bus's own `Policy` property (one resource, the whole policy in one place, set in one
 * step) rather than through `EventBus.addToResourcePolicy`, which makes one AWS::Events::EventBusPolicy per
 * statement. A property of the bus cannot use the bus's Arn attribute, so the ARN is built from the stage's bus name.
 */
import { Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { COMPLAINT_RESOLVED } from '../../lambdas/contracts';
import type { CourtesyConfig, PublisherPrincipal } from '../config';
import { SERVICE_NAME, stageNames } from '../names';

/** Statement ids of the bus policy (the tests and docs/security.md refer to them). */
export const BUS_POLICY_SID = {
  allowComplaintPublishers: 'ComplaintPublishersMayPublishComplaintResolved',
  denyComplaintSources: 'OnlyComplaintPublishersUseComplaintSources',
  denyServiceSource: 'OnlyServicePublishersUseServiceSource',
} as const;

export interface BusPolicyProps {
  readonly config: Pick<CourtesyConfig, 'stage' | 'complaintEventSources' | 'complaintPublisherPrincipals'>;
  /** Roles of the functions that publish as the service (catalogue entries with events:PutEvents on the bus). */
  readonly servicePublisherRoles: readonly iam.IRole[];
}

const roleArns = (ps: readonly PublisherPrincipal[]) => ps.flatMap((p) => (p.kind === 'role' ? [p.arn] : []));
const accounts = (ps: readonly PublisherPrincipal[]) => ps.flatMap((p) => (p.kind === 'account' ? [p.account] : []));

/** Sets the bus's resource policy. */
export function applyBusPolicy(bus: events.EventBus, props: BusPolicyProps): void {
  const { config } = props;
  if (props.servicePublisherRoles.length === 0) throw new Error('bus policy: no function publishes as the service');
  const publishers = config.complaintPublisherPrincipals;
  if (publishers.length === 0) throw new Error('bus policy: no complaint publisher configured');
  const busArn = Stack.of(bus).formatArn({ service: 'events', resource: 'event-bus', resourceName: stageNames(config.stage).eventBusName });
  const putEvents = { actions: ['events:PutEvents'], resources: [busArn] };
  const roles = roleArns(publishers);
  const accountIds = accounts(publishers);

  const policy = new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: BUS_POLICY_SID.allowComplaintPublishers,
        principals: publishers.map((p) => (p.kind === 'role' ? new iam.ArnPrincipal(p.arn) : new iam.AccountPrincipal(p.account))),
        ...putEvents,
        conditions: {
          'ForAllValues:StringEquals': { 'events:source': [...config.complaintEventSources], 'events:detail-type': [COMPLAINT_RESOLVED] },
        },
      }),
      new iam.PolicyStatement({
        sid: BUS_POLICY_SID.denyComplaintSources,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        ...putEvents,
        conditions: {
          'ForAnyValue:StringEquals': { 'events:source': [...config.complaintEventSources] },
          ...(roles.length > 0 ? { ArnNotEquals: { 'aws:PrincipalArn': roles } } : {}),
          ...(accountIds.length > 0 ? { StringNotEquals: { 'aws:PrincipalAccount': accountIds } } : {}),
        },
      }),
      new iam.PolicyStatement({
        sid: BUS_POLICY_SID.denyServiceSource,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        ...putEvents,
        conditions: {
          'ForAnyValue:StringEquals': { 'events:source': [SERVICE_NAME] },
          ArnNotEquals: { 'aws:PrincipalArn': props.servicePublisherRoles.map((r) => r.roleArn) },
        },
      }),
    ],
  });
  (bus.node.defaultChild as events.CfnEventBus).policy = policy;
}

/**
 * What the complaint rule matches on `account` besides source and detail-type: when the setting names accounts,
 * the account of every configured publisher (named accounts and the accounts of named roles); when it names only
 * roles, nothing (the bus policy already pins the publishers, and the event's account is that of the role).
 */
export function complaintAccountMatch(principals: readonly PublisherPrincipal[]): { account?: string[] } {
  if (accounts(principals).length === 0) return {};
  return { account: [...new Set(principals.map((p) => p.account))].sort() };
}
