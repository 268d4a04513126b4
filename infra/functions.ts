/**
 * THE catalogue of the service's Lambda functions: the single source of truth for
 * what exists, where its code lives and how it is sized.
 *
 * Read by the CDK stack (infra/stack.ts), the local runtime and the benchmark, so it must stay
 * free of CDK imports and of side effects: importing it costs nothing.
 */

export const FUNCTION_NAMES = ['grant', 'redeem', 'reverse', 'balance', 'expire', 'notify', 'publish'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Every environment variable a function may receive. The stack supplies the values. */
export const ENV_VARS = [
  'TABLE_NAME',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
  'REMINDER_DAYS_BEFORE_EXPIRY',
  'MAX_GRANT_MAJOR_UNITS',
  'SENDER_EMAIL',
  'EMAIL_TIME_ZONE',
  'SES_CONFIGURATION_SET',
  'EVENT_BUS_NAME',
] as const;
export type EnvVarName = (typeof ENV_VARS)[number];

/** Constant values shared by every function (the rest depend on the deployment and come from the stack). */
export const SERVICE_NAME = 'courtesy-credits';
export const METRICS_NAMESPACE = 'CourtesyCredits';
export const LOG_LEVEL = 'INFO';

/** Variables every function gets. */
export const COMMON_ENV = ['TABLE_NAME', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL'] as const;

/**
 * How a function is triggered:
 * - `eventbridge`: asynchronously, by the ComplaintResolved rule on the service's bus;
 * - `invoke`: synchronously (RequestResponse) by other services' roles;
 * - `stream`: by a DynamoDB Streams event source mapping on the table.
 */
export type Trigger = 'eventbridge' | 'invoke' | 'stream';

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
  /** Environment variables always set for this function. */
  readonly env: readonly EnvVarName[];
  /** Environment variables set only when the deployment configures them. */
  readonly optionalEnv: readonly EnvVarName[];
}

export const FUNCTIONS = {
  grant: {
    name: 'grant',
    entry: 'lambdas/grant/handler.ts',
    handler: 'handler',
    memorySize: 256,
    timeoutSeconds: 10,
    description: 'Grants a courtesy credit for a ComplaintResolved event (async, from EventBridge)',
    trigger: 'eventbridge',
    env: [...COMMON_ENV, 'REMINDER_DAYS_BEFORE_EXPIRY', 'MAX_GRANT_MAJOR_UNITS'],
    optionalEnv: [],
  },
  redeem: {
    name: 'redeem',
    entry: 'lambdas/redeem/handler.ts',
    handler: 'handler',
    memorySize: 512,
    timeoutSeconds: 10,
    description: "Redeems courtesy credits against an order (sync, called by the payment flow)",
    trigger: 'invoke',
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
    trigger: 'invoke',
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
    trigger: 'invoke',
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
    trigger: 'stream',
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
    trigger: 'stream',
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
    trigger: 'stream',
    env: [...COMMON_ENV, 'EVENT_BUS_NAME'],
    optionalEnv: [],
  },
} as const satisfies { readonly [N in FunctionName]: FunctionSpec & { readonly name: N } };

export type FunctionCatalogue = typeof FUNCTIONS;

/** The catalogue as a list, in FUNCTION_NAMES order. */
export const FUNCTION_LIST: readonly FunctionSpec[] = FUNCTION_NAMES.map((n) => FUNCTIONS[n]);

export function isFunctionName(value: string): value is FunctionName {
  return (FUNCTION_NAMES as readonly string[]).includes(value);
}

/** Key of the CloudFormation metadata entry on each AWS::Lambda::Function naming its catalogue entry. */
export const FUNCTION_METADATA_KEY = 'courtesy:function';
