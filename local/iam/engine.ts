/**
 * One IAM decision, made by @cloud-copilot/iam-simulate (identity + resource policies, KMS key policies, every
 * condition operator, same- and cross-account logic, requests validated against AWS's service authorization data).
 * This module only shapes the request for it and reads back the decision with its deciding statements.
 *
 * The engine drops context keys it cannot match to the action's documented keys; `kms:EncryptionContext:<key>` is
 * one (its variable part holds colons). Such a request is decided again without that filter (runUnsafeSimulation),
 * after the validated run has checked the action, resource and policies.
 */
import { getDenialReasons, runSimulation, runUnsafeSimulation, type EvaluationResult } from '@cloud-copilot/iam-simulate';
import type { NamedPolicy, PolicyDocument } from './picture';

/** Who makes a request: a role (its session), an outside principal, or an AWS service principal. */
export type Principal = { kind: 'role'; arn: string; session?: string; policies: NamedPolicy[] } | { kind: 'service'; service: string };

export interface IamRequest {
  principal: Principal;
  action: string;
  resource: string;
  /** Request context keys besides those describing the principal (set here). */
  context: Record<string, string | string[]>;
}

export interface Decision {
  allowed: boolean;
  result: EvaluationResult;
  /** Why, in words: the deciding statements of a denial, or what grants an allow. */
  why: string;
}

const accountOfArn = (arn: string) => arn.split(':')[4] ?? '';

/** The request's account for the engine: S3 ARNs carry none, so the bucket's account is given. */
export function resourceAccount(resource: string, bucketAccount: string): string {
  return resource.startsWith('arn:aws:s3:::') ? bucketAccount : accountOfArn(resource);
}

function principalContext(p: Principal): Record<string, string> {
  if (p.kind === 'service') {
    return { 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': p.service, 'aws:SecureTransport': 'true' };
  }
  return {
    'aws:PrincipalArn': p.arn,
    'aws:PrincipalAccount': accountOfArn(p.arn),
    'aws:PrincipalType': 'AssumedRole',
    'aws:PrincipalIsAWSService': 'false',
    'aws:SecureTransport': 'true',
  };
}

/** The ARN a request is signed as: a role's session (arn:aws:sts::…:assumed-role/<role>/<session>) or the service. */
export function callerArn(p: Principal): string {
  if (p.kind === 'service') return p.service;
  const [, , , , account, resource] = p.arn.split(':');
  return `arn:aws:sts::${account}:assumed-role/${resource!.split('/').pop()}/${p.session ?? 'session'}`;
}

const UNFILTERED_KEY = /^kms:EncryptionContext:/i;

/** Decides one request. A policy or request the engine cannot read throws (it is never read as allowed). */
export async function decide(req: IamRequest, resourcePolicy: PolicyDocument | undefined, bucketAccount: string): Promise<Decision> {
  const context = { ...principalContext(req.principal), ...req.context };
  const simulation = {
    request: {
      principal: callerArn(req.principal),
      action: req.action,
      resource: { resource: req.resource, accountId: resourceAccount(req.resource, bucketAccount) },
      contextVariables: context,
    },
    identityPolicies: req.principal.kind === 'role' ? req.principal.policies : [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy } : {}),
  };
  const out = await runSimulation(simulation, {});
  if (out.resultType === 'error') {
    throw new Error(`IAM engine refused ${req.action} on ${req.resource}: ${out.errors.message} ${JSON.stringify(out.errors)}`);
  }
  if (out.resultType !== 'single') throw new Error(`IAM engine: ${req.resource} is not one resource`);
  const ignored = out.result.ignoredContextKeys ?? [];
  let result = out.overallResult;
  if (ignored.some((k) => UNFILTERED_KEY.test(k))) {
    // Already validated above; the engine's loader wants a name on the resource policy.
    const named = resourcePolicy && {
      __validated: true,
      policyDocument: resourcePolicy,
      metadata: { name: 'resource policy' },
      errors: [],
    };
    result = runUnsafeSimulation({ ...simulation, ...(named ? { resourcePolicy: named } : {}) }, {});
  }
  return { allowed: result === 'Allowed', result, why: explain(result, out.result.analysis, req.principal.kind === 'service') };
}

type Analysis = Parameters<typeof getDenialReasons>[0];

function statementName(s: { statementId?: string | undefined; statementIndex: number }): string {
  return s.statementId ? `"${s.statementId}"` : `#${s.statementIndex}`;
}

function explain(result: EvaluationResult, analysis: Analysis, service: boolean): string {
  if (result === 'Allowed') {
    const grants = [...(analysis.identityAnalysis?.allowStatements ?? []), ...(analysis.resourceAnalysis?.allowStatements ?? [])];
    return `allowed by ${grants.map((g) => `${g.policyId ?? 'resource policy'} ${g.statement.sid() ?? `#${g.statement.index()}`}`).join(', ') || 'policy'}`;
  }
  if (analysis.result !== result) return `${result} by a kms:EncryptionContext condition`;
  // A service principal has no identity policies: only the resource policy can allow it.
  const reasons = getDenialReasons(analysis).filter((r) => !(service && r.denialType === 'Implicit' && r.policyType === 'identity'));
  const text = reasons.map((r) =>
    r.denialType === 'Explicit'
      ? `explicit deny in the ${r.policyType} policy${r.policyIdentifier ? ` ${r.policyIdentifier}` : ''}, statement ${statementName(r)}`
      : `no ${r.policyType === 'identity' ? 'identity-based' : r.policyType === 'resource' ? 'resource-based' : r.policyType} policy allows it`,
  );
  return text.join('; ') || result;
}
