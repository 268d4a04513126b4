/**
 * Connects a function to what its catalogue entry says triggers it: the EventBridge rule (with its dead-letter and
 * on-failure queues and the archive a failed event is replayed from), the table's one stream mapping (the router's,
 * with the failure bucket that keeps a discarded batch's records), or its work queue. `invoke` needs nothing here:
 * who may invoke a function is the function's own (infra/constructs/service-function.ts).
 */
import { CfnOutput, Duration, Names, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { COMPLAINT_RESOLVED } from '../lambdas/contracts';
import type { CourtesyConfig } from './config';
import type { FailureBucket } from './constructs/failure-bucket';
import { FAILURE_QUEUE_RETENTION, type FailureQueue } from './constructs/failure-queue';
import type { ServiceFunction } from './constructs/service-function';
import { boundToRate, type WorkQueue } from './constructs/work-queue';
import { routeFilters, STREAM_GIVE_UP_HOURS, type FailureBucketSpec, type FailureQueueSpec, type Trigger } from './functions';
import { complaintAccountMatch } from './security/bus-policy';

/**
 * Settings of the stream mapping (the router's; filters derive from the catalogue). No retry limit, but a record age
 * limit below the stream's retention: a failing batch is retried for STREAM_GIVE_UP_HOURS (the router fails only when
 * SQS does), then written whole to the failure bucket while its records still exist (at 24 h they are gone).
 */
const STREAM_MAPPING = {
  startingPosition: lambda.StartingPosition.TRIM_HORIZON,
  batchSize: 100,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  maxRecordAge: Duration.hours(STREAM_GIVE_UP_HOURS),
} as const;

/** What the wiring needs of the stack: its configuration, bus and table, and its registries of queues and buckets. */
export interface TriggerContext {
  readonly stack: Stack;
  readonly config: CourtesyConfig;
  readonly bus: events.EventBus;
  readonly table: dynamodb.Table;
  /** The failure queue of `spec`, created once (a second trigger naming it is an error). */
  readonly failureQueue: (spec: FailureQueueSpec) => FailureQueue;
  /** The failure bucket of `spec`, created once (a second trigger naming it is an error). */
  readonly failureBucket: (spec: FailureBucketSpec) => FailureBucket;
  /** The work queue of `id` (created before the functions: the router's routes name them). */
  readonly workQueue: (id: string) => WorkQueue;
}

export function wireTrigger(ctx: TriggerContext, fn: ServiceFunction, trigger: Trigger): void {
  switch (trigger.kind) {
    case 'eventbridge':
      wireRule(ctx, fn, trigger);
      return;
    case 'stream':
      wireStream(ctx, fn, trigger);
      return;
    case 'queue': {
      // A worker that sends email (SES) is bounded to the account's send rate: the mapping's MaximumConcurrency
      // stops the poller receiving more (reserved concurrency would throttle invocations instead, and every
      // throttled batch would come back with its receive count raised, towards the dead-letter queue).
      const sendsEmail = fn.spec.permissions.some((p) => p.on === 'senderIdentity');
      ctx
        .workQueue(trigger.queue.id)
        .consumeWith(fn, sendsEmail ? boundToRate(ctx.config.sesMaxSendRate, trigger.queue.batchSize) : undefined);
      return;
    }
    case 'invoke':
      return;
  }
}

function wireRule(ctx: TriggerContext, fn: ServiceFunction, trigger: Extract<Trigger, { kind: 'eventbridge' }>): void {
  const { stack, config, bus } = ctx;
  const eventPattern: events.EventPattern = {
    source: [...config[trigger.sources]],
    detailType: [COMPLAINT_RESOLVED],
    ...complaintAccountMatch(config.complaintPublisherPrincipals),
  };
  const rule = new events.Rule(stack, trigger.rule.id, {
    description: trigger.rule.description,
    eventBus: bus,
    eventPattern,
    targets: [
      new targets.LambdaFunction(fn, {
        deadLetterQueue: ctx.failureQueue(trigger.rule.deadLetter),
        retryAttempts: trigger.ruleRetryAttempts,
        maxEventAge: Duration.seconds(trigger.maxEventAgeSeconds),
      }),
    ],
  });
  fn.configureAsyncInvoke({
    retryAttempts: trigger.asyncRetryAttempts,
    onFailure: ctx.failureQueue(trigger.onFailure).asOnFailureDestination(),
  });
  // What the rule matched, kept as long as its failure queues keep a failure: a failed event is replayed from
  // here to this rule (StartReplay), not put again, so replaying mints nothing the publishers did not send.
  const archive = bus.archive(`${trigger.rule.id}Archive`, {
    description: `${trigger.rule.description}: every matched event, for replay after a failure`,
    eventPattern,
    retention: Duration.days(FAILURE_QUEUE_RETENTION.toDays() + Math.ceil(trigger.maxEventAgeSeconds / 86_400)),
  });
  new CfnOutput(stack, `${trigger.rule.id}ArchiveArn`, { value: archive.archiveArn, description: `Replay source of ${trigger.rule.id}` });
  new CfnOutput(stack, `${trigger.rule.id}Arn`, { value: rule.ruleArn, description: `Replay destination filter (${trigger.rule.id})` });
}

function wireStream(ctx: TriggerContext, fn: ServiceFunction, trigger: Extract<Trigger, { kind: 'stream' }>): void {
  const bucket = ctx.failureBucket(trigger.onFailure);
  const streamArn = ctx.table.tableStreamArn!;
  // The stream read actions on this table's stream (ListStreams has no resource-level permissions). Wired here
  // rather than with DynamoEventSource, whose grant adds the key without a kms:ViaService condition.
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      resources: [streamArn],
    }),
  );
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] }));
  // The id DynamoEventSource used, so a deployed mapping keeps its logical id.
  fn.addEventSourceMapping(`DynamoDBEventSource:${Names.nodeUniqueId(ctx.table.node)}`, {
    eventSourceArn: streamArn,
    ...STREAM_MAPPING,
    onFailure: bucket.asOnFailureDestination(),
    supportS3OnFailureDestination: true,
    filters: routeFilters().map((pattern) => lambda.FilterCriteria.filter(pattern as Record<string, unknown>)),
  });
}
