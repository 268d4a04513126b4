/**
 * The `courtesy:kms` = `customer-managed` option: the stack's one customer-managed KMS key (yearly rotation, retained
 * like the data it protects), with a key policy letting CloudWatch Logs encrypt the stack's log groups, EventBridge
 * write to an encrypted dead-letter queue of the service's bus and CloudWatch publish to the encrypted alarm topic;
 * and the key permissions a role needs through DynamoDB (table actions, stream) and SQS (send, consume). DynamoDB and
 * SQS use the key on behalf of the calling roles (IAM permissions, enabled by the key policy's account statement), so
 * they need no service statement of their own.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { TableAction } from '../functions';
import { RETAINED } from '../constructs/service-function';

/** Construct id of the key (logical id ServiceKey…). */
export const SERVICE_KEY_ID = 'ServiceKey';

export interface ServiceKeyProps {
  readonly stage: string;
  /** The bus whose rules may send failed deliveries to a queue encrypted with the key. */
  readonly eventBusName: string;
}

export function createServiceKey(scope: Construct, props: ServiceKeyProps): kms.Key {
  const stack = Stack.of(scope);
  // Retained on stack deletion and replacement (the retained table and log groups stay readable only with it).
  const key = new kms.Key(scope, SERVICE_KEY_ID, {
    description: `Courtesy credits, stage ${props.stage}: encrypts the table, failure queues and log groups`,
    enableKeyRotation: true,
    removalPolicy: RETAINED,
  });
  // Grants on the key only for AWS resources or by AWS services (ct-kms-pr-3): DynamoDB's own grants still work.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'GrantsOnlyForAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
  // CloudWatch Logs encrypts and decrypts log events with the key, only for log groups of this account and region.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogsForThisAccountsLogGroups',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  // EventBridge sends undeliverable events to the rule's dead-letter queue as itself, not as a role of the stack.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'EventBridgeDeadLettersOfTheServiceBus',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: `${props.eventBusName}/*` }) },
        StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` },
      },
    }),
  );
  return key;
}

/**
 * Lets CloudWatch use the key to publish alarm notifications to the alarm topic encrypted with it (SNS generates and
 * decrypts the data key on CloudWatch's behalf). The statement is AWS's documented one, without conditions: which
 * alarms may publish is decided by the topic policy (this stack's alarms only, infra/monitoring.ts), and no topic of
 * another account can be encrypted with this key.
 */
export function allowAlarmTopicEncryption(key: kms.Key): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsToTheAlarmTopic',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
    }),
  );
}

/**
 * Lets the redrive role (`courtesy:redriveRoleArn`) use the key as a move task out of a dead-letter queue needs it:
 * SQS decrypts what it receives and generates a data key for what it sends back, through SQS only. Which queues is
 * decided by the queue policies (infra/security/queue-policy.ts).
 */
export function allowRedrive(key: kms.Key, redriveRole: string): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'RedriveRoleThroughSqs',
      principals: [new iam.ArnPrincipal(redriveRole)],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(key).region}.amazonaws.com` } },
    }),
  );
}

/**
 * The key actions DynamoDB needs from a caller for `actions` on a table encrypted with the key (it decrypts the table
 * key; writes may also encrypt), only through DynamoDB in this region. The stream reader passes no table action: its
 * records are encrypted under the table's key too, so it gets the read set.
 */
export function tableKeyStatement(key: kms.IKey, actions: readonly TableAction[]): iam.PolicyStatement {
  const writes = actions.some((a) => a === 'dynamodb:PutItem' || a === 'dynamodb:UpdateItem');
  return new iam.PolicyStatement({
    actions: ['kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : [])],
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(key).region}.amazonaws.com` } },
  });
}

/**
 * The key actions SQS needs from a caller on a queue encrypted with the key, only through SQS in this region: a sender
 * (SendMessage) has SQS generate and decrypt the data key, a consumer (ReceiveMessage) has it decrypt the data key.
 * SQS calls KMS on the caller's behalf with `kms:ViaService = sqs.<region>.amazonaws.com`.
 */
export function queueKeyStatement(key: kms.IKey, use: 'send' | 'consume'): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: use === 'send' ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt'],
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(key).region}.amazonaws.com` } },
  });
}
