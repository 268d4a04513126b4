/**
 * Who may read the failure queues that hold whole events (issue 13, personal data in failure queues).
 *
 * The EventBridge rule's dead-letter queue and the grant function's async on-failure destination keep the complete
 * ComplaintResolved event, customer email address and complaint reason included, for 14 days. Their queue policies
 * deny sqs:ReceiveMessage to every principal but the break-glass role (`courtesy:breakGlassRoleArn`); without one,
 * to everyone: reading or redriving them is then a deliberate act (configure the role, deploy, assume it).
 * The stream workers' dead-letter queues keep whole stream records (a credit's image holds the address and reason),
 * so the same policy closes them.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { FunctionSpec } from '../functions';

export const QUEUE_POLICY_SID = { denyReads: 'OnlyBreakGlassReadsEventPayloads' } as const;

/** Ids of the failure queues whose messages carry the triggering event, by catalogue entry. */
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

export function applyFailureQueueReadPolicy(
  queues: Readonly<Record<string, sqs.Queue>>,
  specs: readonly FunctionSpec[],
  breakGlassRole: string | undefined,
): void {
  for (const id of payloadQueueIds(specs)) {
    const queue = queues[id];
    if (queue === undefined) throw new Error(`queue policy: no failure queue ${id}`);
    queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: QUEUE_POLICY_SID.denyReads,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sqs:ReceiveMessage'],
        resources: [queue.queueArn],
        ...(breakGlassRole !== undefined ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': [breakGlassRole] } } } : {}),
      }),
    );
  }
}
