/**
 * The on-failure destination of a stream mapping that keeps the records: Lambda writes one object per discarded
 * batch, with the invocation record AND the batch's records (an SQS destination would get batch metadata only,
 * and the stream forgets the records after 24 hours). Encrypted, TLS-only, no public access, objects expire
 * after 400 days. Not versioned: Lambda writes each object once under a unique key and nothing overwrites it.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { FailureBucketSpec } from '../functions';
import { RETAINED } from './service-function';

export const FAILURE_OBJECT_EXPIRY = Duration.days(400);

export class FailureBucket extends s3.Bucket {
  readonly purpose: string;

  constructor(scope: Construct, spec: FailureBucketSpec) {
    super(scope, spec.id, {
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'ExpireFailureRecords', expiration: FAILURE_OBJECT_EXPIRY }],
      removalPolicy: RETAINED,
    });
    this.purpose = spec.purpose;
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
        return { destination: this.bucketArn };
      },
    };
  }
}
