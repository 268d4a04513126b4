/**
 * What a catalogue entry says about a function, as types and the names they draw on: triggers, table actions,
 * permissions, environment variables. No CDK imports and no side effects (the local runtime and tests read it).
 */
import type { ChangeSelector, FilterPattern } from '../../lambdas/adapters/dynamodb/table-changes';
import type { CourtesyConfig } from '../config-schema';
import type { FunctionName } from './names';

/** Every environment variable a function may receive. The stack supplies the values. */
export const ENV_VARS = [
  'TABLE_NAME',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_TRACER_CAPTURE_ERROR',
  'NODE_OPTIONS',
  'REMINDER_DAYS_BEFORE_EXPIRY',
  'MAX_GRANT_MAJOR_UNITS',
  'SENDER_EMAIL',
  'EMAIL_TIME_ZONE',
  'SES_CONFIGURATION_SET',
  'EVENT_BUS_NAME',
  'HOLD_DEFAULT_LIFETIME_SECONDS',
  'HOLD_MAX_LIFETIME_SECONDS',
  'GRANT_CAPS',
  'ROUTES',
  // Approval above a threshold (issue 11.2)
  'APPROVAL_THRESHOLDS',
  'APPROVAL_TIMEOUT_HOURS',
] as const;
export type EnvVarName = (typeof ENV_VARS)[number];

export const LOG_LEVEL = 'INFO';

/**
 * Variables every function gets (NODE_OPTIONS turns on the bundles' source maps, see infra/bundling.ts; errors stay
 * out of traces, see lambdas/shared/observability.ts).
 */
export const COMMON_ENV = [
  'TABLE_NAME',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_TRACER_CAPTURE_ERROR',
  'NODE_OPTIONS',
] as const;

/** The settings (infra/config.ts) that hold a role ARN: the only principals that may invoke a function directly. */
export type RoleSetting = { [K in keyof CourtesyConfig]-?: K extends `${string}RoleArn` ? K : never }[keyof CourtesyConfig];

/** A failure queue: its construct id and what lands in it (stated in its nag acknowledgement). */
export interface FailureQueueSpec {
  readonly id: string;
  readonly purpose: string;
}

export type { ChangeSelector, FilterPattern };

/** How long DynamoDB Streams keeps a record (fixed by DynamoDB), in hours. */
export const STREAM_RETENTION_HOURS = 24;
/**
 * How old a record may get before the stream mapping gives up on its batch and writes it to the failure bucket: 2 h
 * before the stream trims it, so the on-failure object can still hold the records (Lambda reads them from the stream).
 */
export const STREAM_GIVE_UP_HOURS = 22;

/** A stream mapping's on-failure destination that keeps the records: an S3 bucket (its id and what lands in it). */
export interface FailureBucketSpec {
  readonly id: string;
  readonly purpose: string;
}

/**
 * A worker's own queue: the router sends it the stream records its entry `consumes`; after `maxReceiveCount`
 * failed receives a message moves to `deadLetter` (with the record, kept 14 days, redrivable).
 */
export interface WorkQueueSpec {
  readonly id: string;
  readonly deadLetter: FailureQueueSpec;
  readonly maxReceiveCount: number;
  readonly batchSize: number;
}

/**
 * How a function is triggered:
 * - `eventbridge`: asynchronously, by a rule on the service's bus matching the configured sources (the rule's
 *   detail-type is the contract's, see infra/stack.ts); the rule's dead-letter queue takes what EventBridge could
 *   not deliver, `onFailure` what the function failed after its async retries;
 * - `invoke`: synchronously (RequestResponse) by the roles named in `invokers`;
 * - `stream`: by THE DynamoDB Streams event source mapping on the table (the router; one reader, so the shard's
 *   two-reader limit holds). Its filters are derived from what the `queue` entries consume; records it gives up on
 *   go, whole, to the `onFailure` bucket;
 * - `queue`: by an SQS event source mapping on its own work queue, which the router fills with the table
 *   changes listed in `consumes`.
 */
export type Trigger =
  | {
      readonly kind: 'eventbridge';
      readonly rule: { readonly id: string; readonly description: string; readonly deadLetter: FailureQueueSpec };
      /** Setting listing the EventBridge `source` values the rule accepts. */
      readonly sources: 'complaintEventSources';
      readonly ruleRetryAttempts: number;
      readonly maxEventAgeSeconds: number;
      readonly asyncRetryAttempts: number;
      readonly onFailure: FailureQueueSpec;
    }
  | { readonly kind: 'invoke'; readonly invokers: readonly RoleSetting[] }
  | { readonly kind: 'stream'; readonly onFailure: FailureBucketSpec }
  | { readonly kind: 'queue'; readonly queue: WorkQueueSpec; readonly consumes: readonly ChangeSelector[] };
export type TriggerKind = Trigger['kind'];

/** DynamoDB actions a function may be granted on the table (nothing else is granted on it). */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:Query'
  | 'dynamodb:Scan';

/**
 * A permission beyond the table, as data: `on` names a resource the stack owns or the configuration names.
 * - `senderIdentity`: the configured SES identity (and configuration set, if any), only From the configured sender;
 * - `eventBus`: the stage's own bus;
 * - `workQueues`: the work queues of the `queue` entries (the router sends to them).
 */
export type Permission =
  | { readonly on: 'senderIdentity'; readonly actions: readonly 'ses:SendEmail'[] }
  | { readonly on: 'eventBus'; readonly actions: readonly 'events:PutEvents'[] }
  | { readonly on: 'workQueues'; readonly actions: readonly 'sqs:SendMessage'[] };
export type PermissionTarget = Permission['on'];

export interface FunctionSpec {
  readonly name: FunctionName;
  /** Source file relative to the repository root. */
  readonly entry: `lambdas/${string}/handler.ts`;
  /** Exported handler name in `entry`. */
  readonly handler: 'handler';
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly description: string;
  readonly trigger: Trigger;
  readonly tableActions: readonly TableAction[];
  readonly permissions: readonly Permission[];
  /** Environment variables always set for this function. */
  readonly env: readonly EnvVarName[];
  /** Environment variables set only when the deployment configures them. */
  readonly optionalEnv: readonly EnvVarName[];
}

/** How DynamoDB identifies the deletions its TTL sweeper makes in the stream (`userIdentity` of the record): the layout's one definition. */
export { TTL_REMOVER as TTL_DELETION_IDENTITY } from '../../lambdas/adapters/dynamodb/layout';
