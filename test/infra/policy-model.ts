/**
 * A small model of IAM policy evaluation, for the resource policies of the synthesized template (bus, table). IAM is
 * not evaluated locally, so the trust tests check each statement exactly AND run the documented evaluation logic over
 * it: an explicit deny wins; otherwise a caller in another account needs an allow in the resource policy, and a
 * caller in the resource's account is allowed by either its identity policy or the resource policy. The model knows
 * only what these policies use: Principal "*" / ARN / account root, actions by name or `service:*`, and the
 * operators StringEquals, StringNotEquals, ArnNotEquals (exact, no wildcards) and Bool, the first three optionally
 * prefixed ForAnyValue: / ForAllValues:. Anything else throws,
 * so a policy that outgrows the model fails the tests instead of being misread.
 */

/** The account the template is evaluated in, and the partition/region it resolves to. */
export const MODEL_ACCOUNT = '999999999999';
const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': MODEL_ACCOUNT, 'AWS::Region': 'eu-central-1' };

/** The ARN a role of the template gets in the model: arn:aws:iam::<MODEL_ACCOUNT>:role/<logical id>. */
export const modelRoleArn = (logicalId: string) => `arn:aws:iam::${MODEL_ACCOUNT}:role/${logicalId}`;

/** Resolves Ref (pseudo parameters), Fn::GetAtt <Role>.Arn (other resources: arn:model:<id>) and Fn::Join in a policy fragment. */
export function resolve(v: unknown, resources: Record<string, any>): unknown {
  if (Array.isArray(v)) return v.map((x) => resolve(x, resources));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if ('Ref' in o) {
    const value = PSEUDO[o.Ref as string];
    if (value === undefined) throw new Error(`policy model: Ref ${String(o.Ref)} not supported`);
    return value;
  }
  if ('Fn::GetAtt' in o) {
    const [id, attr] = o['Fn::GetAtt'] as [string, string];
    if (resources[id] === undefined || attr !== 'Arn') throw new Error(`policy model: GetAtt ${id}.${attr} not supported`);
    return resources[id].Type === 'AWS::IAM::Role' ? modelRoleArn(id) : `arn:model:${id}`;
  }
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return (resolve(parts, resources) as string[]).join(sep);
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolve(x, resources)]));
}

export interface Caller {
  /** aws:PrincipalArn: the role ARN (also for its sessions). */
  readonly principalArn: string;
  /** aws:PrincipalAccount. */
  readonly account: string;
}

export interface Request {
  readonly caller: Caller;
  readonly action: string;
  /** Multivalued request context keys (e.g. events:source: one value per PutEvents entry). */
  readonly context: Record<string, readonly string[]>;
}

/** Request context keys that describe the caller, single-valued. */
const callerKey = (c: Caller): Record<string, string> => ({ 'aws:principalarn': c.principalArn, 'aws:principalaccount': c.account });

function principalMatches(principal: unknown, caller: Caller): boolean {
  if (principal === '*') return true;
  const aws = (principal as { AWS?: unknown }).AWS;
  if (aws === undefined) throw new Error(`policy model: principal ${JSON.stringify(principal)} not supported`);
  return [aws].flat().some((p) => {
    if (p === '*') return true;
    if (typeof p !== 'string') throw new Error(`policy model: unresolved principal ${JSON.stringify(p)}`);
    const root = /^arn:aws:iam::(\d{12}):root$/.exec(p);
    return root ? root[1] === caller.account : p === caller.principalArn;
  });
}

function conditionHolds(op: string, key: string, expected: readonly string[], req: Request): boolean {
  const [qualifier, base] = op.includes(':') ? (op.split(':') as [string, string]) : [undefined, op];
  const equals = (a: string) => expected.includes(a);
  const single = callerKey(req.caller)[key.toLowerCase()];
  const values = single !== undefined ? [single] : req.context[key];
  const test = (a: string): boolean => {
    switch (base) {
      case 'StringEquals':
        return equals(a);
      case 'StringNotEquals':
      case 'ArnNotEquals':
        return !equals(a);
      case 'Bool':
        if (qualifier !== undefined) break;
        return equals(a);
    }
    throw new Error(`policy model: operator ${op} not supported`);
  };
  if (qualifier === 'ForAnyValue') return (values ?? []).some(test);
  if (qualifier === 'ForAllValues') return (values ?? []).every(test);
  if (qualifier !== undefined) throw new Error(`policy model: qualifier ${qualifier} not supported`);
  if (values === undefined) return base !== 'StringEquals'; // a missing key: negated operators hold
  if (values.length !== 1) throw new Error(`policy model: ${key} is multivalued; use ForAnyValue/ForAllValues`);
  return test(values[0]!);
}

function statementApplies(s: any, req: Request): boolean {
  if (s.NotAction !== undefined || s.NotPrincipal !== undefined || s.NotResource !== undefined)
    throw new Error('policy model: Not* elements not supported');
  const actionMatches = (a: string) => a === req.action || (a.endsWith(':*') && req.action.startsWith(a.slice(0, -1)));
  if (![s.Action].flat().some(actionMatches)) return false;
  if (!principalMatches(s.Principal, req.caller)) return false;
  return Object.entries<Record<string, unknown>>(s.Condition ?? {}).every(([op, keys]) =>
    Object.entries(keys).every(([key, v]) => conditionHolds(op, key, [v].flat() as string[], req)),
  );
}

/**
 * The decision for `req` against a resolved resource policy, when the caller's identity policy allows the action
 * (the worst case for a caller in the resource's account: only the resource policy's denies stop it).
 */
export function decide(policy: { Statement: any[] }, req: Request): 'allow' | 'deny' {
  const applying = policy.Statement.filter((s) => statementApplies(s, req));
  if (applying.some((s) => s.Effect === 'Deny')) return 'deny';
  if (req.caller.account === MODEL_ACCOUNT) return 'allow';
  return applying.some((s) => s.Effect === 'Allow') ? 'allow' : 'deny';
}
