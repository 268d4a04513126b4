/**
 * A terminal failure queue (dead-letter queue or on-failure destination): encrypted (SSE-SQS, or the stack's
 * customer-managed key), TLS-only, the longest retention SQS allows, and its cdk-nag acknowledgement saying what lands
 * in it.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FailureQueueSpec } from '../functions';

/**
 * How long a failure queue keeps a message: 14 days, the most SQS allows. After that SQS deletes it, unread and
 * without trace, so the failure-queue alarms must page well before (docs/deploy.md, Landing zone: failure queues).
 */
export const FAILURE_QUEUE_RETENTION = Duration.days(14);

export class FailureQueue extends sqs.Queue {
  readonly purpose: string;
  readonly retention: Duration = FAILURE_QUEUE_RETENTION;

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
    Validations.of(this.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `${spec.purpose}: this queue is itself the terminal dead-letter destination; a DLQ behind it would only move the same messages again.`,
    });
  }
}
