/** The typed model of a synthesized template that the local runtime runs: what each emulated resource is. */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { EventMatcher } from './pattern';

export interface TableModel {
  logicalId: string;
  name: string;
  createTableInput: CreateTableCommandInput;
  /** TTL attribute if TimeToLiveSpecification is enabled. */
  ttlAttribute?: string;
  streamViewType?: string;
}

export interface QueueModel {
  logicalId: string;
  name: string;
  arn: string;
  /** VisibilityTimeout (AWS default 30 s). */
  visibilityTimeoutSeconds: number;
  /** MessageRetentionPeriod (AWS default 4 days). */
  retentionSeconds: number;
  /** RedrivePolicy: after maxReceiveCount receives a message moves to the dead-letter queue. */
  redrive?: { maxReceiveCount: number; deadLetterQueue: string };
}

export interface BusModel {
  logicalId: string;
  name: string;
  arn: string;
}

export interface BucketModel {
  logicalId: string;
  name: string;
  arn: string;
}

/** Where a failed asynchronous invocation or a discarded stream batch goes (what the stack uses). */
export type DestinationModel = { kind: 'queue'; name: string; arn: string } | { kind: 'bucket'; name: string; arn: string };

export interface FunctionModel {
  logicalId: string;
  /** Catalogue name (Metadata `courtesy:function`); also the local function name. */
  name: string;
  arn: string;
  /** Environment.Variables with every intrinsic resolved. */
  env: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
}

export interface InvokeConfigModel {
  logicalId: string;
  functionName: string;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds?: number;
  onFailure?: DestinationModel & { kind: 'queue' };
}

export interface RuleTargetModel {
  id: string;
  /** The catalogue function the rule invokes (asynchronously). */
  functionName: string;
  retryAttempts: number;
  deadLetter?: DestinationModel & { kind: 'queue' };
}

export interface RuleModel {
  logicalId: string;
  name: string;
  busName: string;
  enabled: boolean;
  pattern?: Record<string, unknown>;
  matcher?: EventMatcher;
  scheduleExpression?: string;
  targets: RuleTargetModel[];
}

export interface StreamMappingModel {
  kind: 'stream';
  logicalId: string;
  /** Stands in for the mapping's UUID (S3 destination object keys use it). */
  uuid: string;
  functionName: string;
  /** Logical id of the table whose stream feeds this mapping. */
  tableLogicalId: string;
  enabled: boolean;
  startingPosition: string;
  /** FilterCriteria.Filters[].Pattern parsed; empty = deliver everything. */
  filters: Record<string, unknown>[];
  matchers: EventMatcher[];
  batchSize: number;
  /** -1 = retry until the record expires. */
  maximumRetryAttempts: number;
  bisectBatchOnFunctionError: boolean;
  reportBatchItemFailures: boolean;
  onFailure?: DestinationModel;
}

export interface QueueMappingModel {
  kind: 'queue';
  logicalId: string;
  functionName: string;
  queueName: string;
  enabled: boolean;
  /** AWS default 10. */
  batchSize: number;
  /** MaximumBatchingWindowInSeconds (default 0). */
  batchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  /** ScalingConfig.MaximumConcurrency; locally batches run one at a time, which is within any maximum. */
  maximumConcurrency?: number;
}

export type EventSourceMappingModel = StreamMappingModel | QueueMappingModel;

export interface TemplateModel {
  table: TableModel;
  buses: BusModel[];
  queues: QueueModel[];
  buckets: BucketModel[];
  functions: FunctionModel[];
  invokeConfigs: InvokeConfigModel[];
  rules: RuleModel[];
  /** Mappings reading the table's stream. */
  streamMappings: StreamMappingModel[];
  /** Mappings reading SQS queues. */
  queueMappings: QueueMappingModel[];
  /** Resources without local behaviour (IAM, log groups, permissions, non-catalogue functions): logicalId → Type. */
  ignored: Record<string, string>;
}
