/**
 * THE catalogue of the service's Lambda functions: everything about each function in one entry — where its code
 * lives, how it is sized, what triggers it (with its stream filters and failure queues), what it may do on the table
 * and elsewhere, which environment variables it gets and which configured roles may invoke it. The CDK stack
 * (infra/stack.ts) turns each entry into resources through one construct (infra/constructs/service-function.ts).
 *
 * Also read by the local runtime, the benchmark and the tests, so it stays free of CDK imports and of side
 * effects: importing it costs nothing. Item kinds and attribute names come from the table layout module.
 */
import { ATTR, ITEM, NOTICE } from '../lambdas/adapters/dynamodb/layout';
import { filterPatterns, type ChangeSelector, type FilterPattern } from '../lambdas/adapters/dynamodb/table-changes';
import type { CourtesyConfig } from './config';

/** The payment flow's synchronous operations (issue 10). */
export const PAYMENT_FLOW_FUNCTIONS = ['hold', 'capture', 'release', 'refund'] as const;
export type PaymentFlowFunction = (typeof PAYMENT_FLOW_FUNCTIONS)[number];
export const FUNCTION_NAMES = [
  'grant',
  'redeem',
  'reverse',
  'balance',
  'route',
  'expire',
  'notify',
  'publish',
  'void',
  'erase',
  'report',
  'aggregate',
  ...PAYMENT_FLOW_FUNCTIONS,
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

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
export { TTL_REMOVER as TTL_DELETION_IDENTITY } from '../lambdas/adapters/dynamodb/layout';

/** A worker's queue and dead-letter queue, named after it (ExpireQueue / ExpireDlq, …). */
const workQueue = (name: string, what: string, maxReceiveCount = 5): WorkQueueSpec => ({
  id: `${name}Queue`,
  deadLetter: {
    id: `${name}Dlq`,
    purpose: `Table changes ${what} failed on ${maxReceiveCount} times (each message is the whole stream record; redrive with StartMessageMoveTask)`,
  },
  maxReceiveCount,
  batchSize: 10,
});

/** A synchronous payment-flow function: invoked by the payment flow's role only; reads and writes the customer's items. */
const paymentFlowFunction = <N extends PaymentFlowFunction>(name: N, description: string): FunctionSpec & { readonly name: N } => ({
  name,
  entry: `lambdas/${name}/handler.ts`,
  handler: 'handler',
  memorySize: 512,
  timeoutSeconds: 10,
  description,
  trigger: { kind: 'invoke', invokers: ['paymentFlowRoleArn'] },
  tableActions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  permissions: [],
  env: [...COMMON_ENV],
  optionalEnv: [],
});

export const FUNCTIONS = {
  grant: {
    name: 'grant',
    entry: 'lambdas/grant/handler.ts',
    handler: 'handler',
    memorySize: 256,
    timeoutSeconds: 10,
    description: 'Grants a courtesy credit for a ComplaintResolved event (async, from EventBridge)',
    trigger: {
      kind: 'eventbridge',
      rule: {
        id: 'ComplaintResolvedRule',
        description: 'ComplaintResolved events trigger a courtesy credit grant',
        deadLetter: { id: 'ComplaintRuleDlq', purpose: 'ComplaintResolved events EventBridge could not deliver to grant' },
      },
      sources: 'complaintEventSources',
      ruleRetryAttempts: 2,
      maxEventAgeSeconds: 2 * 60 * 60,
      asyncRetryAttempts: 2,
      onFailure: { id: 'GrantFailures', purpose: 'ComplaintResolved events grant failed to process after its async retries' },
    },
    tableActions: ['dynamodb:PutItem', 'dynamodb:GetItem'],
    permissions: [],
    env: [...COMMON_ENV, 'REMINDER_DAYS_BEFORE_EXPIRY', 'MAX_GRANT_MAJOR_UNITS', 'GRANT_CAPS'],
    optionalEnv: [],
  },
  redeem: {
    name: 'redeem',
    entry: 'lambdas/redeem/handler.ts',
    handler: 'handler',
    memorySize: 512,
    timeoutSeconds: 10,
    description: 'Redeems courtesy credits against an order (sync, called by the payment flow)',
    trigger: { kind: 'invoke', invokers: ['paymentFlowRoleArn'] },
    tableActions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    permissions: [],
    env: [...COMMON_ENV],
    optionalEnv: [],
  },
  reverse: {
    name: 'reverse',
    entry: 'lambdas/reverse/handler.ts',
    handler: 'handler',
    memorySize: 512,
    timeoutSeconds: 10,
    description: 'Reverses a redemption, restoring the credits it used (sync, called by the payment flow)',
    trigger: { kind: 'invoke', invokers: ['paymentFlowRoleArn'] },
    tableActions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    permissions: [],
    env: [...COMMON_ENV],
    optionalEnv: [],
  },
  balance: {
    name: 'balance',
    entry: 'lambdas/balance/handler.ts',
    handler: 'handler',
    memorySize: 512,
    timeoutSeconds: 6,
    description: "Returns a customer's spendable balance and history (sync, payment flow and account service)",
    trigger: { kind: 'invoke', invokers: ['paymentFlowRoleArn', 'accountServiceRoleArn'] },
    tableActions: ['dynamodb:Query'],
    permissions: [],
    env: [...COMMON_ENV],
    optionalEnv: [],
  },
  route: {
    name: 'route',
    entry: 'lambdas/route/handler.ts',
    handler: 'handler',
    memorySize: 256,
    timeoutSeconds: 30,
    description: 'Reads the table stream and forwards each record to the work queue of the concern that consumes it',
    trigger: {
      kind: 'stream',
      onFailure: {
        id: 'StreamFailuresBucket',
        purpose: 'Stream batches the router could not forward to SQS until they aged out of the stream (records included)',
      },
    },
    tableActions: [],
    permissions: [{ on: 'workQueues', actions: ['sqs:SendMessage'] }],
    env: [...COMMON_ENV, 'ROUTES'],
    optionalEnv: [],
  },
  expire: {
    name: 'expire',
    entry: 'lambdas/expire/handler.ts',
    handler: 'handler',
    memorySize: 256,
    timeoutSeconds: 30,
    description: 'Records the expiry of credits removed by DynamoDB TTL (ExpireQueue consumer)',
    trigger: { kind: 'queue', queue: workQueue('Expire', 'expire'), consumes: [{ change: 'expired', item: ITEM.CREDIT }] },
    tableActions: ['dynamodb:PutItem'],
    permissions: [],
    env: [...COMMON_ENV],
    optionalEnv: [],
  },
  notify: {
    name: 'notify',
    entry: 'lambdas/notify/handler.ts',
    handler: 'handler',
    memorySize: 256,
    timeoutSeconds: 60,
    description: 'Emails grant confirmations and expiry reminders via SES (NotifyQueue consumer)',
    trigger: {
      kind: 'queue',
      queue: workQueue('Notify', 'notify'),
      consumes: [
        { change: 'inserted', item: ITEM.CREDIT },
        { change: 'expired', item: ITEM.REMINDER },
      ],
    },
    tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    permissions: [{ on: 'senderIdentity', actions: ['ses:SendEmail'] }],
    env: [...COMMON_ENV, 'SENDER_EMAIL', 'EMAIL_TIME_ZONE', 'SES_CONFIGURATION_SET'],
    optionalEnv: [],
  },
  publish: {
    name: 'publish',
    entry: 'lambdas/publish/handler.ts',
    handler: 'handler',
    memorySize: 256,
    timeoutSeconds: 30,
    description: 'Publishes ledger entries, reminder notices and grant refusals as events on the service bus (PublishQueue consumer)',
    trigger: {
      kind: 'queue',
      queue: workQueue('Publish', 'publish'),
      consumes: [
        { change: 'inserted', item: ITEM.LEDGER },
        { change: 'inserted', item: ITEM.NOTICE, where: { [ATTR.NOTICE]: NOTICE.REMINDER } },
        { change: 'inserted', item: ITEM.REFUSAL },
      ],
    },
    tableActions: [],
    permissions: [{ on: 'eventBus', actions: ['events:PutEvents'] }],
    env: [...COMMON_ENV, 'EVENT_BUS_NAME'],
    optionalEnv: [],
  },
  // the payment flow (issue 10)
  hold: {
    ...paymentFlowFunction('hold', 'Holds (authorizes) courtesy credit for an order (sync, called by the payment flow)'),
    env: [...COMMON_ENV, 'HOLD_DEFAULT_LIFETIME_SECONDS', 'HOLD_MAX_LIFETIME_SECONDS'],
  },
  capture: paymentFlowFunction('capture', 'Captures part or all of a hold (sync, called by the payment flow)'),
  release: paymentFlowFunction('release', 'Releases what a hold still holds (sync, called by the payment flow)'),
  refund: paymentFlowFunction('refund', 'Refunds part of a redemption or capture onto its credits (sync, called by the payment flow)'),
  // Operations (issue 11): each invoked only by its configured role.
  void: {
    name: 'void',
    entry: 'lambdas/void/handler.ts',
    handler: 'handler',
    memorySize: 256,
    timeoutSeconds: 10,
    description: "Voids a credit's unspent rest (sync, called by operations)",
    trigger: { kind: 'invoke', invokers: ['opsRoleArn'] },
    tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    permissions: [],
    env: [...COMMON_ENV],
    optionalEnv: [],
  },
  erase: {
    name: 'erase',
    entry: 'lambdas/erase/handler.ts',
    handler: 'handler',
    memorySize: 256,
    timeoutSeconds: 60,
    description: "Erases a customer's address, locale and free texts from every item (sync, called by the privacy team)",
    trigger: { kind: 'invoke', invokers: ['privacyRoleArn'] },
    tableActions: ['dynamodb:Query', 'dynamodb:UpdateItem'],
    permissions: [],
    env: [...COMMON_ENV],
    optionalEnv: [],
  },
  report: {
    name: 'report',
    entry: 'lambdas/report/handler.ts',
    handler: 'handler',
    memorySize: 512,
    timeoutSeconds: 120,
    description: 'Finance liability report per currency and day, and its reconciliation with the credits (sync, finance)',
    trigger: { kind: 'invoke', invokers: ['financeRoleArn'] },
    // Scan: the reconciliation sums what remains on every credit.
    tableActions: ['dynamodb:Query', 'dynamodb:Scan'],
    permissions: [],
    env: [...COMMON_ENV],
    optionalEnv: [],
  },
  aggregate: {
    name: 'aggregate',
    entry: 'lambdas/aggregate/handler.ts',
    handler: 'handler',
    memorySize: 256,
    timeoutSeconds: 30,
    description: 'Adds each new ledger entry to the finance day totals, once per entry (AggregateQueue consumer)',
    trigger: {
      kind: 'queue',
      queue: workQueue('Aggregate', 'aggregate'),
      consumes: [{ change: 'inserted', item: ITEM.LEDGER }],
    },
    tableActions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
    permissions: [],
    env: [...COMMON_ENV],
    optionalEnv: [],
  },
} as const satisfies { readonly [N in FunctionName]: FunctionSpec & { readonly name: N } };

export type FunctionCatalogue = typeof FUNCTIONS;

/** The catalogue as a list, in FUNCTION_NAMES order. */
export const FUNCTION_LIST: readonly FunctionSpec[] = FUNCTION_NAMES.map((n) => FUNCTIONS[n]);

/** The entries triggered a given way, in catalogue order. */
export function functionsTriggeredBy<K extends TriggerKind>(
  kind: K,
): (FunctionSpec & { readonly trigger: Extract<Trigger, { kind: K }> })[] {
  return FUNCTION_LIST.filter((f): f is FunctionSpec & { readonly trigger: Extract<Trigger, { kind: K }> } => f.trigger.kind === kind);
}

/** The router's stream filters: every change some `queue` entry consumes (only the `dynamodb` key, merged by shape). */
export function routeFilters(): FilterPattern[] {
  return filterPatterns(functionsTriggeredBy('queue').flatMap((f) => f.trigger.consumes));
}

/** Visibility timeout of a worker's queue: AWS advises at least six times the function's timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

export function isFunctionName(value: string): value is FunctionName {
  return (FUNCTION_NAMES as readonly string[]).includes(value);
}

/** Key of the CloudFormation metadata entry on each AWS::Lambda::Function naming its catalogue entry. */
export const FUNCTION_METADATA_KEY = 'courtesy:function';
