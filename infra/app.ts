#!/usr/bin/env -S npx tsx
/**
 * CDK app entry point (cdk.json "app": "npx tsx infra/app.ts").
 * Settings come from cdk.json "context" (see infra/config.ts). Every resource is checked by cdk-nag's
 * AwsSolutions pack; cdk-nag v3 runs as a policy-validation plugin (the v2 `Aspects.of(app).add(...)`
 * form no longer exists), so any unacknowledged finding fails `cdk synth`.
 */
import { App } from 'aws-cdk-lib';
import { CourtesyCreditsStack, STACK_ID } from './stack';
import { addNagChecks } from './synth';

const app = new App();
new CourtesyCreditsStack(app, STACK_ID);
addNagChecks(app);
app.synth();
