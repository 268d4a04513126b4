/**
 * The on-failure destination of a stream mapping that keeps the records: Lambda writes one object per discarded
 * batch, with the invocation record AND the batch's records (an SQS destination would get batch metadata only,
 * and the stream forgets the records after 24 hours). Encrypted, TLS-only, no public access, objects expire
 * after 400 days. Versioned: Lambda writes each object once under a unique key, so versions cost nothing, and an
 * operator's delete leaves a noncurrent version for 30 days (a failure record is evidence of lost work).
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { FailureBucketSpec } from '../functions';
import { RETAINED } from './service-function';

export const FAILURE_OBJECT_EXPIRY = Duration.days(400);

export class FailureBucket extends s3.Bucket {
  readonly purpose: string;

  private readonly key?: kms.IKey;

  /** `key`: the service's customer-managed key (courtesy:kms=customer-managed), else S3-managed encryption. */
  constructor(scope: Construct, spec: FailureBucketSpec, key?: kms.IKey) {
    super(scope, spec.id, {
      enforceSSL: true,
      ...(key
        ? { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }
        : { encryption: s3.BucketEncryption.S3_MANAGED }),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ id: 'ExpireFailureRecords', expiration: FAILURE_OBJECT_EXPIRY, noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RETAINED,
    });
    this.purpose = spec.purpose;
    this.key = key;
    Validations.of(this.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-S1',
      reason: `${spec.purpose}. Only the stream mapping writes here (one object per discarded batch) and operators read it; CloudTrail records the API calls, so server access logs would add a second bucket for no new information.`,
    });
  }

  /**
   * As an event source mapping's on-failure destination: the function's role may write objects (s3:PutObject)
   * and list the bucket (s3:ListBucket), as Lambda's documentation requires, and nothing else.
   */
  asOnFailureDestination(): lambda.IEventSourceDlq {
    return {
      bind: (_mapping, fn) => {
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.arnForObjects('*')] }));
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucketArn] }));
        // Writing under the customer-managed key: data keys only, for this bucket's objects (S3 is the caller).
        if (this.key) {
          fn.addToRolePolicy(
            new iam.PolicyStatement({
              actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
              resources: [this.key.keyArn],
              conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
            }),
          );
        }
        const bucketId = Stack.of(this).resolve((this.node.defaultChild as s3.CfnBucket).logicalId) as string;
        Validations.of(fn.role!.node.findChild('DefaultPolicy').node.defaultChild!).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
          reason:
            'Lambda names each failure object itself (aws/lambda/<mapping>/<shard>/<date>/...), so PutObject is granted on the objects of this one bucket; no read or delete.',
        });
        return { destination: this.bucketArn };
      },
    };
  }
}
