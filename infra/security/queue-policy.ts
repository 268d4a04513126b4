/**
 * Who may read and who may redrive the failure queues that hold whole events or records (issue 13, personal data in
 * failure queues; issue 19, redrive).
 *
 * The EventBridge rule's dead-letter queue and the grant function's async on-failure destination keep the complete
 * ComplaintResolved event, customer email address and complaint reason included, for 14 days; the workers'
 * dead-letter queues keep whole stream records (a credit's image holds the email). Their queue policies deny
 * sqs:ReceiveMessage to every principal but the break-glass role (`courtesy:breakGlassRoleArn`) and, on the workers'
 * dead-letter queues, the redrive role (`courtesy:redriveRoleArn`); with neither, to everyone.
 *
 * Redrive: SQS authorizes StartMessageMoveTask with sqs:ReceiveMessage, sqs:DeleteMessage and
 * sqs:GetQueueAttributes on the dead-letter queue and sqs:SendMessage on the destination, as the caller, and no
 * condition key tells a move task's receive from a direct one. So whoever may redrive may read: the redrive role is a
 * role that may see whole records, named for that. The policies allow it exactly the move on each worker's
 * dead-letter queue and SendMessage to that worker's queue (and the key policy its key use, infra/options/encryption.ts),
 * so it needs no identity policy in the service's account. The rule's dead-letter queue and grant's on-failure
 * destination have no source queue SQS could move back to (README: the complaint archive replays those).
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { FunctionSpec } from '../functions';

export const QUEUE_POLICY_SID = {
  denyReads: 'OnlyBreakGlassReadsEventPayloads',
  redriveFrom: 'RedriveRoleMovesMessagesBack',
  redriveTo: 'RedriveRoleSendsMovedMessages',
} as const;

/** What SQS checks for a move task out of a dead-letter queue (and the CLI's lookups: queue URL, attributes, task list). */
export const REDRIVE_SOURCE_ACTIONS = [
  'sqs:StartMessageMoveTask',
  'sqs:ListMessageMoveTasks',
  'sqs:CancelMessageMoveTask',
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
] as const;

/** Ids of the failure queues whose messages carry the triggering event or record, by catalogue entry. */
export function payloadQueueIds(specs: readonly FunctionSpec[]): string[] {
  return specs.flatMap((spec): string[] => {
    const trigger = spec.trigger;
    switch (trigger.kind) {
      case 'eventbridge':
        return [trigger.rule.deadLetter.id, trigger.onFailure.id];
      case 'queue': // a worker's dead-letter queue keeps whole stream records (a credit's image holds the email)
        return [trigger.queue.deadLetter.id];
      case 'stream': // the router's failures go to an S3 bucket, not a queue
      case 'invoke': // no failure queue
        return [];
      default: {
        const unclassified: never = trigger;
        throw new Error(`queue policy: classify the failure queues of trigger ${JSON.stringify(unclassified)}`);
      }
    }
  });
}

/** The workers' dead-letter queues by id, each with the id of the work queue it redrives to. */
export function redrivableQueueIds(specs: readonly FunctionSpec[]): Record<string, string> {
  return Object.fromEntries(
    specs.flatMap((s) => (s.trigger.kind === 'queue' ? [[s.trigger.queue.deadLetter.id, s.trigger.queue.id]] : [])),
  );
}

export interface QueuePolicyProps {
  /** Failure queues and work queues, by construct id. */
  readonly queues: Readonly<Record<string, sqs.Queue>>;
  readonly specs: readonly FunctionSpec[];
  /** `courtesy:breakGlassRoleArn`, if configured. */
  readonly breakGlassRole?: string;
  /** `courtesy:redriveRoleArn`, if configured. */
  readonly redriveRole?: string;
}

export function applyFailureQueuePolicies(props: QueuePolicyProps): void {
  const queue = (id: string) => {
    const q = props.queues[id];
    if (q === undefined) throw new Error(`queue policy: no queue ${id}`);
    return q;
  };
  const redrivable = redrivableQueueIds(props.specs);
  for (const id of payloadQueueIds(props.specs)) {
    const readers = [props.breakGlassRole, id in redrivable ? props.redriveRole : undefined].filter((r): r is string => r !== undefined);
    const q = queue(id);
    q.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: QUEUE_POLICY_SID.denyReads,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sqs:ReceiveMessage'],
        resources: [q.queueArn],
        ...(readers.length > 0 ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': readers } } } : {}),
      }),
    );
  }
  const role = props.redriveRole;
  if (role === undefined) return;
  for (const [dlqId, workQueueId] of Object.entries(redrivable)) {
    const from = queue(dlqId);
    const to = queue(workQueueId);
    from.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: QUEUE_POLICY_SID.redriveFrom,
        principals: [new iam.ArnPrincipal(role)],
        actions: [...REDRIVE_SOURCE_ACTIONS],
        resources: [from.queueArn],
      }),
    );
    to.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: QUEUE_POLICY_SID.redriveTo,
        principals: [new iam.ArnPrincipal(role)],
        actions: ['sqs:SendMessage'],
        resources: [to.queueArn],
      }),
    );
  }
}
