/**
 * Names derived from the service name and the deployment stage: the one place that spells them. Pure, free of CDK
 * imports, so the local runtime and the CLI can derive the same names (e.g. the bus of a stage).
 */
import { EVENT_SOURCE } from '../lambdas/domain/events';

/**
 * The service's name: Powertools service name of every function, `source` of every event it publishes, prefix of
 * its bus. One value: the events' source is defined by the domain (lambdas/domain/events.ts).
 */
export const SERVICE_NAME = EVENT_SOURCE;
/** Prefix of the stack name and of each stage's CloudWatch metrics namespace (stageNames). */
export const METRICS_NAMESPACE = 'CourtesyCredits';

/** A stage name: lower-case letters, digits and "-", starting with a letter, at most 20 characters. */
export const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

/**
 * Stage used when `courtesy:stage` is not set: never production, so that forgetting the setting cannot update or
 * overwrite a production stack. `npm run deploy` insists on an explicit stage anyway (infra/deploy-checks.ts).
 */
export const DEFAULT_STAGE = 'dev';

/** The explicitly named resources of one stage; everything else gets a CloudFormation-generated, stack-unique name. */
export interface StageNames {
  /** CloudFormation stack name (also the construct id of the stack and its cloud-assembly artifact). */
  readonly stackName: string;
  /** Name of the stage's EventBridge bus (callers put ComplaintResolved on it; the service publishes to it). */
  readonly eventBusName: string;
  /**
   * CloudWatch namespace of the stage's custom metrics (POWERTOOLS_METRICS_NAMESPACE): per stage, so that two stages
   * in one account never feed each other's alarms (Powertools' only default dimension is the service name).
   */
  readonly metricsNamespace: string;
  /** Name of the stage's EventBridge schema registry: the events' schemas, for consumers' code bindings. */
  readonly schemaRegistryName: string;
}

export function stageNames(stage: string): StageNames {
  if (!STAGE_PATTERN.test(stage)) throw new Error(`invalid stage "${stage}": ${STAGE_PATTERN} expected`);
  return {
    stackName: `${METRICS_NAMESPACE}-${stage}`,
    eventBusName: `${SERVICE_NAME}-${stage}`,
    metricsNamespace: `${METRICS_NAMESPACE}/${stage}`,
    schemaRegistryName: `${SERVICE_NAME}-${stage}`,
  };
}

/** The stack output naming a function's generated name (`void` → `VoidFunctionName`): the stack writes it, operator tools read it. */
export const functionNameOutputKey = (fn: string): string => `${fn.charAt(0).toUpperCase()}${fn.slice(1)}FunctionName`;
