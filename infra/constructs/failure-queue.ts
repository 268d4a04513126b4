/**
 * A terminal failure queue (dead-letter queue or on-failure destination): encrypted (SSE-SQS, or the stack's
 * customer-managed key), TLS-only, the longest retention SQS allows, its cdk-nag acknowledgement saying what lands
 * in it, and what a function's role needs to be its on-failure destination.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FailureQueueSpec } from '../functions';
import { queueKeyStatement } from '../options/encryption';

/**
 * How long a failure queue keeps a message: 14 days, the most SQS allows. After that SQS deletes it, unread and
 * without trace, so the failure-queue alarms must page well before (docs/deploy.md, Landing zone: failure queues).
 */
export const FAILURE_QUEUE_RETENTION = Duration.days(14);

export class FailureQueue extends sqs.Queue {
  readonly purpose: string;
  readonly retention: Duration = FAILURE_QUEUE_RETENTION;
  /**
   * How long a message may already have spent in a source queue before SQS moved it here: SQS keeps the original
   * enqueue time, so its retention here counts from then (and ApproximateAgeOfOldestMessage from the move).
   */
  private priorAge: Duration = Duration.seconds(0);

  private readonly key?: kms.IKey;

  /**
   * The construct id is the spec's id, so the logical id reads as the queue's role (e.g. GrantFailuresXXXXXXXX).
   * `encryptionKey`: the stack's customer-managed key (courtesy:kms=customer-managed); otherwise SSE-SQS.
   */
  constructor(scope: Construct, spec: FailureQueueSpec, encryptionKey?: kms.IKey) {
    super(scope, spec.id, {
      enforceSSL: true,
      ...(encryptionKey
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: encryptionKey }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
      retentionPeriod: FAILURE_QUEUE_RETENTION,
    });
    this.purpose = spec.purpose;
    this.key = encryptionKey;
    Validations.of(this.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `${spec.purpose}: this queue is itself the terminal dead-letter destination; a DLQ behind it would only move the same messages again.`,
    });
  }

  /** This queue is the dead-letter queue of a queue that keeps messages `sourceRetention`. */
  deadLetterOf(sourceRetention: Duration): void {
    if (sourceRetention.toSeconds() > this.priorAge.toSeconds()) this.priorAge = sourceRetention;
  }

  /** The shortest time a message is sure to stay here after it arrived (retention minus time spent in a source queue). */
  get retentionAfterArrival(): Duration {
    return this.retention.minus(this.priorAge);
  }

  /**
   * As a function's asynchronous on-failure destination: Lambda sends the record as the function's role, so the role
   * may SendMessage to this queue and, under the customer-managed key, have SQS generate and decrypt the data key.
   * Nothing else (CDK's SqsDestination would also grant GetQueueUrl, GetQueueAttributes and every key action).
   */
  asOnFailureDestination(): lambda.IDestination {
    return {
      bind: (_scope, fn) => {
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queueArn] }));
        if (this.key) fn.addToRolePolicy(queueKeyStatement(this.key, 'send'));
        return { destination: this.queueArn };
      },
    };
  }
}
