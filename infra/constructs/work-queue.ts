/**
 * A worker's queue (the stream router fills it): encrypted, TLS-only, visibility timeout six times the worker's
 * function timeout (AWS's advice for an SQS event source), a redrive policy to its own dead-letter queue — a
 * FailureQueue, so it is monitored like every other failure queue — and its worker's event source mapping.
 */
import { Duration, Names } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { VISIBILITY_TIMEOUT_FACTOR, type WorkQueueSpec } from '../functions';
import { queueKeyStatement } from '../options/encryption';
import type { FailureQueue } from './failure-queue';

/** How long a work queue keeps a message nobody could process (then it is gone; the DLQ keeps failures 14 days). */
export const WORK_QUEUE_RETENTION = Duration.days(4);

/** A worker's mapping sized to a rate: at most maxConcurrency batches of batchSize messages in flight. */
export interface MappingBound {
  readonly maxConcurrency: number;
  readonly batchSize: number;
}

/** The fewest concurrent batches an SQS event source mapping allows (MaximumConcurrency). */
export const MIN_MAPPING_CONCURRENCY = 2;

/**
 * Bounds a worker that makes one call per message, each message of a batch at once (the batch processor), to `rate`
 * calls in flight: concurrency × batch size ≤ rate, as many concurrent batches as the rate allows (at least the
 * mapping's minimum of 2), each batch at most `batchSize`. Below a rate of 2 the minimum still lets 2 in flight.
 */
export function boundToRate(rate: number, batchSize: number): MappingBound {
  const maxConcurrency = Math.max(MIN_MAPPING_CONCURRENCY, Math.floor(rate / batchSize));
  return { maxConcurrency, batchSize: Math.max(1, Math.min(batchSize, Math.floor(rate / maxConcurrency))) };
}

export class WorkQueue extends sqs.Queue {
  readonly spec: WorkQueueSpec;
  readonly deadLetter: FailureQueue;
  private readonly key?: kms.IKey;

  constructor(
    scope: Construct,
    props: { spec: WorkQueueSpec; deadLetter: FailureQueue; functionTimeoutSeconds: number; encryptionKey?: kms.IKey },
  ) {
    super(scope, props.spec.id, {
      enforceSSL: true,
      // The service key when courtesy:kms=customer-managed (like the failure queues), else SQS-managed.
      ...(props.encryptionKey
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
      retentionPeriod: WORK_QUEUE_RETENTION,
      visibilityTimeout: Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * props.functionTimeoutSeconds),
      deadLetterQueue: { queue: props.deadLetter, maxReceiveCount: props.spec.maxReceiveCount },
    });
    this.spec = props.spec;
    this.deadLetter = props.deadLetter;
    props.deadLetter.deadLetterOf(WORK_QUEUE_RETENTION);
    this.key = props.encryptionKey;
  }

  /**
   * The worker's event source mapping on this queue (partial batch responses), and what its role needs for it: the
   * SQS actions Lambda's poller calls as the role, and under the customer-managed key, Decrypt through SQS. CDK's
   * SqsEventSource would grant the key without the ViaService condition.
   */
  consumeWith(fn: lambda.Function, bound?: MappingBound): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [this.queueArn],
      }),
    );
    if (this.key) fn.addToRolePolicy(queueKeyStatement(this.key, 'consume'));
    // The id CDK's SqsEventSource used, so a deployed mapping keeps its logical id.
    fn.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(this.node)}`, {
      eventSourceArn: this.queueArn,
      batchSize: bound?.batchSize ?? this.spec.batchSize,
      reportBatchItemFailures: true,
      ...(bound ? { maxConcurrency: bound.maxConcurrency } : {}),
    });
  }
}
