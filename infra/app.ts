#!/usr/bin/env -S npx tsx
/**
 * CDK app entry point (cdk.json "app": "npx tsx infra/app.ts").
 * Settings come from cdk.json "context" (see infra/config.ts) and are validated before anything is built; the stage
 * setting names the stack (CourtesyCredits-<stage>). `npm run deploy` adds `courtesy:deploy=true`, which also refuses
 * placeholder values. Every resource is checked by cdk-nag's AwsSolutions pack; cdk-nag v3 runs as a
 * policy-validation plugin (the v2 `Aspects.of(app).add(...)` form no longer exists), so any unacknowledged finding
 * fails `cdk synth`.
 */
import { App } from 'aws-cdk-lib';
import { ConfigError, loadConfig } from './config';
import { stageNames } from './names';
import { CourtesyCreditsStack } from './stack';
import { addNagChecks } from './synth';

const app = new App();
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(app);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
}
new CourtesyCreditsStack(app, stageNames(config.stage).stackName, { config });
addNagChecks(app);
app.synth();
