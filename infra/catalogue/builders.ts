/**
 * Shorthands for catalogue entries: a synchronous function invoked by configured roles, a queue worker fed by the
 * router, and a worker's queue with its dead-letter queue. Each fills the defaults every entry of its kind shares.
 */
import type { ChangeSelector } from '../../lambdas/adapters/dynamodb/table-changes';
import type { FunctionName } from './names';
import {
  COMMON_ENV,
  type EnvVarName,
  type FunctionSpec,
  type Permission,
  type RoleSetting,
  type TableAction,
  type Trigger,
  type WorkQueueSpec,
} from './spec';

/** An entry of name N whose trigger is of kind K (so readers keep the trigger's type). */
export type EntryOf<N extends FunctionName, K extends Trigger['kind']> = FunctionSpec & {
  readonly name: N;
  readonly trigger: Extract<Trigger, { kind: K }>;
};

/** A worker's queue and dead-letter queue, named after it (ExpireQueue / ExpireDlq, …). */
export const workQueue = (name: string, what: string, maxReceiveCount = 5): WorkQueueSpec => ({
  id: `${name}Queue`,
  deadLetter: {
    id: `${name}Dlq`,
    purpose: `Table changes ${what} failed on ${maxReceiveCount} times (each message is the whole stream record; redrive with StartMessageMoveTask)`,
  },
  maxReceiveCount,
  batchSize: 10,
});

interface Sizing {
  readonly memorySize?: number;
  readonly timeoutSeconds?: number;
}

interface Access {
  readonly tableActions: readonly TableAction[];
  readonly permissions?: readonly Permission[];
  /** Variables beyond COMMON_ENV. */
  readonly env?: readonly EnvVarName[];
}

/** A synchronous function (RequestResponse) that only the roles in `invokers` may call. Defaults: 256 MB, 10 s. */
export const invoked = <N extends FunctionName>(
  name: N,
  spec: Sizing & Access & { readonly description: string; readonly invokers: readonly RoleSetting[] },
): EntryOf<N, 'invoke'> => ({
  name,
  entry: `lambdas/${name}/handler.ts`,
  handler: 'handler',
  memorySize: spec.memorySize ?? 256,
  timeoutSeconds: spec.timeoutSeconds ?? 10,
  description: spec.description,
  trigger: { kind: 'invoke', invokers: spec.invokers },
  tableActions: spec.tableActions,
  permissions: spec.permissions ?? [],
  env: [...COMMON_ENV, ...(spec.env ?? [])],
  optionalEnv: [],
});

/** What a payment-flow function may do: read the customer's items and write them conditionally. */
export const PAYMENT_FLOW_TABLE_ACTIONS: readonly TableAction[] = [
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];

/** A synchronous payment-flow function: 512 MB (latency), invoked by the payment flow's role only. */
export const paymentFlow = <N extends FunctionName>(name: N, description: string, env: readonly EnvVarName[] = []) =>
  invoked(name, { description, invokers: ['paymentFlowRoleArn'], memorySize: 512, tableActions: PAYMENT_FLOW_TABLE_ACTIONS, env });

/** A worker of the router: an SQS event source mapping on its own work queue, fed the table changes it `consumes`. Defaults: 256 MB, 30 s. */
export const worker = <N extends FunctionName>(
  name: N,
  spec: Sizing & Access & { readonly description: string; readonly queue: WorkQueueSpec; readonly consumes: readonly ChangeSelector[] },
): EntryOf<N, 'queue'> => ({
  name,
  entry: `lambdas/${name}/handler.ts`,
  handler: 'handler',
  memorySize: spec.memorySize ?? 256,
  timeoutSeconds: spec.timeoutSeconds ?? 30,
  description: spec.description,
  trigger: { kind: 'queue', queue: spec.queue, consumes: spec.consumes },
  tableActions: spec.tableActions,
  permissions: spec.permissions ?? [],
  env: [...COMMON_ENV, ...(spec.env ?? [])],
  optionalEnv: [],
});
