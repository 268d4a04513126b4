/**
 * THE catalogue of the service's Lambda functions: everything about each function in one entry — where its code
 * lives, how it is sized, what triggers it (with its stream filters and failure queues), what it may do on the table
 * and elsewhere, which environment variables it gets and which configured roles may invoke it. The CDK stack
 * (infra/stack.ts) turns each entry into resources through one construct (infra/constructs/service-function.ts).
 *
 * Also read by the local runtime, the benchmark and the tests, so it stays free of CDK imports and of side
 * effects: importing it costs nothing. Item kinds and attribute names come from the table layout module.
 */
import { filterPatterns } from '../lambdas/adapters/dynamodb/table-changes';
import { ASYNCHRONOUS_FUNCTIONS } from './catalogue/asynchronous';
import type { FilterPattern, FunctionSpec, Trigger, TriggerKind } from './catalogue/spec';
import { FUNCTION_NAMES, type FunctionName } from './catalogue/names';
import { SYNCHRONOUS_FUNCTIONS } from './catalogue/synchronous';

export * from './catalogue/spec';
export * from './catalogue/names';

export const FUNCTIONS = { ...ASYNCHRONOUS_FUNCTIONS, ...SYNCHRONOUS_FUNCTIONS } as const satisfies {
  readonly [N in FunctionName]: FunctionSpec & { readonly name: N };
};

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

/** Key of the CloudFormation metadata entry on each AWS::Lambda::Function naming its catalogue entry. */
export const FUNCTION_METADATA_KEY = 'courtesy:function';
