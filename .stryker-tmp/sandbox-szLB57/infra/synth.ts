// @ts-nocheck
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Validations, type Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from './config';
import { FUNCTION_METADATA_KEY, FUNCTION_NAMES, isFunctionName, type FunctionName } from './functions';
import { stageNames } from './names';
import { REPO_ROOT } from './paths';
import { CourtesyCreditsStack } from './stack';

export interface SynthOptions {
  /** Context values overriding those in cdk.json (e.g. `{ 'courtesy:sesConfigurationSet': 'x' }`). */
  readonly context?: Record<string, unknown>;
  /** Run esbuild for every function (slow). Default false: assets point at the repository, nothing is built. */
  readonly bundle?: boolean;
  /**
   * Register the cdk-nag AwsSolutions checks, as infra/app.ts does: synthesis then fails on any
   * unacknowledged finding, and acknowledgements are written into the template metadata. Default false.
   */
  readonly nag?: boolean;
  /**
   * Cloud assembly directory. Default: a temporary directory, removed after `synthTemplate`
   * (pass one if `bundle` is set and you want to keep the bundles).
   */
  readonly outdir?: string;
}

/**
 * Registers cdk-nag's AwsSolutions pack on an app or stage. cdk-nag v3 is a policy-validation plugin
 * (the v2 `Aspects.of(app).add(new AwsSolutionsChecks())` form is gone) and suppressions are
 * `Validations.of(construct).acknowledge({ id, reason })`. Acknowledgements are also copied into each
 * resource's template Metadata (`cdk_nag.rules_to_suppress`) as an audit trail.
 */
export function addNagChecks(scope: Stage): AwsSolutionsChecks {
  const checks = new AwsSolutionsChecks(scope, { verbose: true, writeSuppressionsToCloudFormation: true });
  Validations.of(scope).addPlugins(checks);
  return checks;
}

/** The "context" object of cdk.json, as the CDK CLI would pass it to infra/app.ts. */
export function cdkJsonContext(): Record<string, unknown> {
  const file = path.join(REPO_ROOT, 'cdk.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { context?: Record<string, unknown> };
  return { ...(json.context ?? {}) };
}

/**
 * An App holding the CourtesyCredits stack of the configured stage, configured like `cdk synth` would (cdk.json
 * context, validated as infra/app.ts does), without bundling unless asked. Not synthesized yet.
 */
export function buildApp(opts: SynthOptions & { readonly outdir: string }): { app: App; stack: CourtesyCreditsStack } {
  const context: Record<string, unknown> = { ...cdkJsonContext(), ...(opts.context ?? {}) };
  if (!opts.bundle) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ context, outdir: opts.outdir, analyticsReporting: false, stackTraces: false, treeMetadata: false });
  const config = loadConfig(app);
  const stack = new CourtesyCreditsStack(app, stageNames(config.stage).stackName, { config });
  if (opts.nag) addNagChecks(app);
  return { app, stack };
}

/**
 * Synthesizes the CourtesyCredits stack in-process and returns its CloudFormation template.
 * Without `bundle`, NodejsFunction skips esbuild ('aws:cdk:bundling-stacks': []), so this takes
 * a second or two; apart from asset hashes and the CLI's path/asset metadata, the template is the
 * one `cdk synth` produces.
 */
export function synthTemplate(opts: SynthOptions = {}): Record<string, any> {
  const outdir = opts.outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'courtesy-credits-synth-'));
  try {
    const { app, stack } = buildApp({ ...opts, outdir });
    return app.synth().getStackArtifact(stack.artifactId).template as Record<string, any>;
  } finally {
    if (opts.outdir === undefined) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Logical ids of the AWS::Lambda::Function resources of a synthesized template, by catalogue name
 * (read from each function's `courtesy:function` metadata). Throws if a catalogue entry is missing.
 */
export function functionLogicalIds(template: Record<string, any>): Record<FunctionName, string> {
  const out: Partial<Record<FunctionName, string>> = {};
  for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const name = resource.Metadata?.[FUNCTION_METADATA_KEY];
    if (typeof name !== 'string' || !isFunctionName(name)) {
      throw new Error(`function ${logicalId} has no valid "${FUNCTION_METADATA_KEY}" metadata`);
    }
    if (out[name] !== undefined) throw new Error(`two functions claim to be "${name}": ${out[name]} and ${logicalId}`);
    out[name] = logicalId;
  }
  const missing = FUNCTION_NAMES.filter((n) => out[n] === undefined);
  if (missing.length > 0) throw new Error(`template has no function for: ${missing.join(', ')}`);
  return out as Record<FunctionName, string>;
}
