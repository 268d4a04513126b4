/**
 * A terminal failure queue (dead-letter queue or on-failure destination): encrypted, TLS-only, 14 days retention,
 * and its cdk-nag acknowledgement saying what lands in it.
 */
// @ts-nocheck

import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FailureQueueSpec } from '../functions';

export class FailureQueue extends sqs.Queue {
  readonly purpose: string;

  /** The construct id is the spec's id, so the logical id reads as the queue's role (e.g. GrantFailuresXXXXXXXX). */
  constructor(scope: Construct, spec: FailureQueueSpec) {
    super(scope, spec.id, {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    this.purpose = spec.purpose;
    Validations.of(this.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `${spec.purpose}: this queue is itself the terminal dead-letter destination; a DLQ behind it would only move the same messages again.`,
    });
  }
}
