/**
 * A worker's queue (the stream router fills it): encrypted, TLS-only, visibility timeout six times the worker's
 * function timeout (AWS's advice for an SQS event source), a redrive policy to its own dead-letter queue — a
 * FailureQueue, so it is monitored like every other failure queue.
 */
import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { VISIBILITY_TIMEOUT_FACTOR, type WorkQueueSpec } from '../functions';
import type { FailureQueue } from './failure-queue';

/** How long a work queue keeps a message nobody could process (then it is gone; the DLQ keeps failures 14 days). */
export const WORK_QUEUE_RETENTION = Duration.days(4);

export class WorkQueue extends sqs.Queue {
  readonly spec: WorkQueueSpec;
  readonly deadLetter: FailureQueue;

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
  }
}
