/**
 * THE catalogue of the service's Lambda functions: everything about each function in one entry — where its code
 * lives, how it is sized, what triggers it (with its stream filters and failure queues), what it may do on the table
 * and elsewhere, which environment variables it gets and which configured roles may invoke it. The CDK stack
 * (infra/stack.ts) turns each entry into resources through one construct (infra/constructs/service-function.ts).
 *
 * Also read by the local runtime, the benchmark and the tests, so it stays free of CDK imports and of side
 * effects: importing it costs nothing. Item kinds and attribute names come from the table layout module.
 */
import { ATTR, ITEM, NOTICE, type ItemKind } from '../lambdas/adapters/dynamodb/layout';
import type { CourtesyConfig } from './config';

/** The payment flow's synchronous operations (issue 10). */
export const PAYMENT_FLOW_FUNCTIONS = ['hold', 'capture', 'release', 'refund'] as const;
export type PaymentFlowFunction = (typeof PAYMENT_FLOW_FUNCTIONS)[number];
export const FUNCTION_NAMES = ['grant', 'redeem', 'reverse', 'balance', 'expire', 'notify', 'publish', ...PAYMENT_FLOW_FUNCTIONS] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Every environment variable a function may receive. The stack supplies the values. */
export const ENV_VARS = [
  'TABLE_NAME',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
  'NODE_OPTIONS',
  'REMINDER_DAYS_BEFORE_EXPIRY',
  'MAX_GRANT_MAJOR_UNITS',
  'SENDER_EMAIL',
  'EMAIL_TIME_ZONE',
  'SES_CONFIGURATION_SET',
  'EVENT_BUS_NAME',
  'HOLD_DEFAULT_LIFETIME_SECONDS',
  'HOLD_MAX_LIFETIME_SECONDS',
] as const;
export type EnvVarName = (typeof ENV_VARS)[number];

export const LOG_LEVEL = 'INFO';

/** Variables every function gets (NODE_OPTIONS turns on the bundles' source maps, see infra/bundling.ts). */
export const COMMON_ENV = [
  'TABLE_NAME',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
  'NODE_OPTIONS',
] as const;

/** The settings (infra/config.ts) that hold a role ARN: the only principals that may invoke a function directly. */
export type RoleSetting = { [K in keyof CourtesyConfig]-?: K extends `${string}RoleArn` ? K : never }[keyof CourtesyConfig];

/** A failure queue: its construct id and what lands in it (stated in its nag acknowledgement). */
export interface FailureQueueSpec {
  readonly id: string;
  readonly purpose: string;
}

/** A Lambda event filter pattern (EventBridge pattern syntax, plain JSON). Several patterns on one mapping are ORed. */
export interface FilterPattern {
  readonly [key: string]: FilterPattern | readonly string[];
}

/**
 * How a function is triggered:
 * - `eventbridge`: asynchronously, by a rule on the service's bus matching the configured sources (the rule's
 *   detail-type is the contract's, see infra/stack.ts); the rule's dead-letter queue takes what EventBridge could
 *   not deliver, `onFailure` what the function failed after its async retries;
 * - `invoke`: synchronously (RequestResponse) by the roles named in `invokers`;
 * - `stream`: by a DynamoDB Streams event source mapping on the table, with its filters; batches it gives up on go
 *   to `onFailure`.
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
  | { readonly kind: 'stream'; readonly filters: readonly FilterPattern[]; readonly onFailure: FailureQueueSpec };
export type TriggerKind = Trigger['kind'];

/** DynamoDB actions a function may be granted on the table (nothing else is granted on it). */
export type TableAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:Query';

/**
 * A permission beyond the table, as data: `on` names a resource the stack owns or the configuration names.
 * - `senderIdentity`: the configured SES identity (and configuration set, if any), only From the configured sender;
 * - `eventBus`: the stage's own bus.
 */
export type Permission =
  | { readonly on: 'senderIdentity'; readonly actions: readonly 'ses:SendEmail'[] }
  | { readonly on: 'eventBus'; readonly actions: readonly 'events:PutEvents'[] };
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
import { TTL_REMOVER as TTL_DELETION_IDENTITY } from '../lambdas/adapters/dynamodb/layout';

/** Stream filter building blocks, from the table layout's attribute names and item kinds. */
const image = (kind: ItemKind, extra: FilterPattern = {}): FilterPattern => ({ [ATTR.KIND]: { S: [kind] }, ...extra });
const inserted = (newImage: FilterPattern): FilterPattern => ({ eventName: ['INSERT'], dynamodb: { NewImage: newImage } });
const expiredByTtl = (oldImage: FilterPattern): FilterPattern => ({
  eventName: ['REMOVE'],
  userIdentity: { type: [TTL_DELETION_IDENTITY.type], principalId: [TTL_DELETION_IDENTITY.principalId] },
  dynamodb: { OldImage: oldImage },
});
const streamFailures = (name: string, what: string): FailureQueueSpec => ({
  id: `${name}StreamFailures`,
  purpose: `Stream batches ${what} could not process`,
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
    env: [...COMMON_ENV, 'REMINDER_DAYS_BEFORE_EXPIRY', 'MAX_GRANT_MAJOR_UNITS'],
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
  expire: {
    name: 'expire',
    entry: 'lambdas/expire/handler.ts',
    handler: 'handler',
    memorySize: 256,
    timeoutSeconds: 30,
    description: 'Records the expiry of credits removed by DynamoDB TTL (stream consumer)',
    trigger: {
      kind: 'stream',
      filters: [expiredByTtl(image(ITEM.CREDIT))],
      onFailure: streamFailures('Expire', 'expire'),
    },
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
    description: 'Emails grant confirmations and expiry reminders via SES (stream consumer)',
    trigger: {
      kind: 'stream',
      filters: [inserted(image(ITEM.CREDIT)), expiredByTtl(image(ITEM.REMINDER))],
      onFailure: streamFailures('Notify', 'notify'),
    },
    tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    permissions: [{ on: 'senderIdentity', actions: ['ses:SendEmail'] }],
    env: [...COMMON_ENV, 'SENDER_EMAIL', 'EMAIL_TIME_ZONE'],
    optionalEnv: ['SES_CONFIGURATION_SET'],
  },
  publish: {
    name: 'publish',
    entry: 'lambdas/publish/handler.ts',
    handler: 'handler',
    memorySize: 256,
    timeoutSeconds: 30,
    description: 'Publishes ledger entries and reminder notices as events on the service bus (stream consumer)',
    trigger: {
      kind: 'stream',
      filters: [inserted(image(ITEM.LEDGER)), inserted(image(ITEM.NOTICE, { [ATTR.NOTICE]: { S: [NOTICE.REMINDER] } }))],
      onFailure: streamFailures('Publish', 'publish'),
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

export function isFunctionName(value: string): value is FunctionName {
  return (FUNCTION_NAMES as readonly string[]).includes(value);
}

/** Key of the CloudFormation metadata entry on each AWS::Lambda::Function naming its catalogue entry. */
export const FUNCTION_METADATA_KEY = 'courtesy:function';
