/**
 * What the local runtime emulates, in one place: the resource types without local behaviour, and for each
 * emulated type the properties it understands. template.ts refuses anything else, naming resource and property.
 * Accepted without local effect (documented here so nothing is silently ignored): Tags, Description, encryption
 * and deletion settings, ReservedConcurrentExecutions (one process), ScalingConfig (batches run one at a time),
 * MaximumRecordAgeInSeconds (local records never reach a stream's 24 h age), rule target RetryPolicy and
 * DeadLetterConfig (EventBridge's asynchronous Invoke of a function succeeds; retries are Lambda's).
 */
import { LANDING_ZONE_RESOURCE_TYPES } from '../infra/options/resource-types';
import { TemplateError } from './cfn';

/** Refuse something the local runtime does not emulate, naming where it is. */
export function refuse(where: string, what: string): never {
  throw new TemplateError(
    `${where}: ${what} is not emulated by the local runtime (see local/template-coverage.ts); emulate it there or change the template`,
  );
}

/** Types with no behaviour to emulate locally (permissions, logging, deploy-time helpers). */
export const INERT_TYPES = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::Logs::LogGroup',
  'AWS::Lambda::Permission',
  'AWS::SQS::QueuePolicy',
  'AWS::S3::BucketPolicy',
  'AWS::CDK::Metadata',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::KMS::Key',
  'AWS::KMS::Alias',
  // Alarm delivery and SES's bounce/complaint event destination: nothing to deliver or count locally (the SES
  // emulator has no configuration sets and accepts any name); checked on the template (test/infra/monitoring.test.ts).
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
  'AWS::SES::ConfigurationSet',
  'AWS::SES::ConfigurationSetEventDestination',
  // The complaint rule's archive: kept for an operator's StartReplay after a failure; nothing replays locally
  // (checked on the template, test/infra/trust.test.ts).
  'AWS::Events::Archive',
  // The schema registry: documentation for the events' consumers (code bindings), nothing to run. The contract tests
  // validate every event on the local bus against the same files (schemas/, test/integration/contract-check.ts).
  'AWS::EventSchemas::Registry',
  'AWS::EventSchemas::Schema',
  // The landing-zone options' types (key, VPC, endpoints), each with its reason in infra/options/resource-types.ts.
  ...Object.keys(LANDING_ZONE_RESOURCE_TYPES),
]);

/** Event source mapping properties for stream sources only, and for queue sources only. */
export const STREAM_ONLY = [
  'StartingPosition',
  'FilterCriteria',
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'MaximumRecordAgeInSeconds',
  'DestinationConfig',
];
export const QUEUE_ONLY = ['ScalingConfig'];

/** Properties each emulated type may use; any other property is refused. */
export const KNOWN_PROPERTIES: Record<string, string[]> = {
  'AWS::DynamoDB::Table': [
    'TableName',
    'KeySchema',
    'AttributeDefinitions',
    'BillingMode',
    'ProvisionedThroughput',
    'GlobalSecondaryIndexes',
    'LocalSecondaryIndexes',
    'StreamSpecification',
    'TimeToLiveSpecification',
    'DeletionProtectionEnabled',
    'PointInTimeRecoverySpecification',
    'SSESpecification',
    'TableClass',
    'ContributorInsightsSpecification',
    'Tags',
    // IAM is not evaluated locally: the table's resource policy is checked on the template (test/infra/trust.test.ts).
    'ResourcePolicy',
  ],
  // Policy: the bus policy (who may publish what) is IAM, not evaluated locally; test/infra/trust.test.ts checks it.
  'AWS::Events::EventBus': ['Name', 'Description', 'Tags', 'Policy'],
  'AWS::SQS::Queue': [
    'QueueName',
    'VisibilityTimeout',
    'MessageRetentionPeriod',
    'RedrivePolicy',
    'RedriveAllowPolicy',
    'SqsManagedSseEnabled',
    'KmsMasterKeyId',
    'KmsDataKeyReusePeriodSeconds',
    'ReceiveMessageWaitTimeSeconds',
    'Tags',
  ],
  'AWS::S3::Bucket': [
    'BucketName',
    'BucketEncryption',
    'PublicAccessBlockConfiguration',
    'VersioningConfiguration',
    'LifecycleConfiguration',
    'OwnershipControls',
    'Tags',
  ],
  'AWS::Lambda::Function': [
    'Code',
    'Handler',
    'Runtime',
    'Role',
    'Environment',
    'Timeout',
    'MemorySize',
    'Architectures',
    'LoggingConfig',
    'TracingConfig',
    'FunctionName',
    'Description',
    'Tags',
    'ReservedConcurrentExecutions',
    'KmsKeyArn',
    'EphemeralStorage',
    'RuntimeManagementConfig',
    // VPC placement (courtesy:vpc): locally every handler runs in-process, without network isolation.
    'VpcConfig',
  ],
  'AWS::Lambda::EventInvokeConfig': ['FunctionName', 'Qualifier', 'MaximumRetryAttempts', 'MaximumEventAgeInSeconds', 'DestinationConfig'],
  'AWS::Events::Rule': ['Name', 'Description', 'EventBusName', 'EventPattern', 'ScheduleExpression', 'State', 'Targets'],
  'AWS::Lambda::EventSourceMapping': [
    'FunctionName',
    'EventSourceArn',
    'Enabled',
    'BatchSize',
    'MaximumBatchingWindowInSeconds',
    'FunctionResponseTypes',
    'Tags',
    ...STREAM_ONLY,
    ...QUEUE_ONLY,
  ],
};
export const RULE_TARGET_PROPERTIES = ['Id', 'Arn', 'RetryPolicy', 'DeadLetterConfig'];
