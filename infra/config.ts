import type { IConstruct } from 'constructs';
import { describe } from './config-lists';
import { parseConfig } from './config-parse';
import { CONTEXT_KEYS, ConfigError, type CourtesyConfig, DEPLOY_CONTEXT_KEY } from './config-schema';
import { placeholderProblems } from './deploy-checks';

/**
 * The deployment configuration read from a construct's CDK context: parsed and checked (config-parse.ts), with the
 * deploy-only checks when `npm run deploy` runs. The settings, keys and defaults are in config-schema.ts.
 */
export * from './config-schema';
export { parseConfig } from './config-parse';

/**
 * Reads and validates the configuration from a construct's context; throws ConfigError listing every problem.
 * When `courtesy:deploy` is true (npm run deploy), placeholder values and a missing stage are problems too.
 */
export function loadConfig(scope: IConstruct): CourtesyConfig {
  const all = scope.node.getAllContext();
  const known = new Set<string>([...Object.values(CONTEXT_KEYS), DEPLOY_CONTEXT_KEY]);
  const unknown = Object.keys(all).filter((k) => k.startsWith('courtesy:') && !known.has(k));
  const get = (key: string) => scope.node.tryGetContext(key);
  const deploy = get(DEPLOY_CONTEXT_KEY);
  if (deploy !== undefined && deploy !== true && deploy !== 'true' && deploy !== false && deploy !== 'false') {
    throw new ConfigError([`${DEPLOY_CONTEXT_KEY}: must be true or false, got ${describe(deploy)}`]);
  }
  const config = parseConfig(get, unknown);
  if (deploy === true || deploy === 'true') {
    const problems = deployProblems(config, get);
    if (problems.length > 0) throw new ConfigError(problems, 'deploy');
  }
  return config;
}

/** What `npm run deploy` refuses beyond parseConfig: placeholders from cdk.json and an implicit stage. */
export function deployProblems(config: CourtesyConfig, get: (key: string) => unknown): string[] {
  const problems: string[] = [];
  const stage = get(CONTEXT_KEYS.stage);
  if (stage === undefined || stage === null || stage === '') {
    problems.push(`${CONTEXT_KEYS.stage}: required for deploy (e.g. -c ${CONTEXT_KEYS.stage}=prod); it names the stack and the bus`);
  }
  return [...problems, ...placeholderProblems(config, CONTEXT_KEYS)];
}
