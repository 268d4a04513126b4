/**
 * Authorizes calls against one template's IAM picture: the call itself (caller's identity policies + the target's
 * resource policy), then, for a target encrypted by a customer-managed key, each KMS call the service makes on the
 * caller's behalf (kms:ViaService, kms:CallerAccount, the encryption context) against the caller's identity policies
 * + the key policy. Decisions are cached per request (the picture does not change).
 */
import { decide, type Decision, type IamRequest, type Principal } from './engine';
import { resourcePolicyFor, type IamPicture } from './picture';
import type { IamCall } from './sdk-calls';

export interface Denial {
  /** The request that was denied (the call itself, or a KMS call made for it). */
  request: IamRequest;
  decision: Decision;
  /** True when the call was allowed but a KMS call made for it was not. */
  kms: boolean;
}

/** The resource whose key and policy govern `arn` (a table's index, a bucket's object). */
function governing(arn: string): string {
  if (arn.startsWith('arn:aws:s3:::')) return arn.split('/')[0]!;
  const index = arn.indexOf('/index/');
  return index > 0 && arn.startsWith('arn:aws:dynamodb:') ? arn.slice(0, index) : arn;
}

export const describeRequest = (r: IamRequest) => `${r.action} on ${r.resource}`;

export class Authorizer {
  private readonly cache = new Map<string, Promise<Decision>>();
  private readonly policySets = new WeakMap<object, number>();
  private policySetCount = 0;

  /** One number per identity-policy list (the same role may be evaluated with its own or with assumed policies). */
  private policySetId(policies: object): number {
    let id = this.policySets.get(policies);
    if (id === undefined) this.policySets.set(policies, (id = ++this.policySetCount));
    return id;
  }

  constructor(readonly picture: IamPicture) {}

  /** The execution role of a catalogue function, as the principal its calls are signed with. */
  functionRole(fn: string): Principal {
    const arn = this.picture.functionRoles.get(fn);
    const role = arn ? this.picture.roles.get(arn) : undefined;
    if (!arn || !role) throw new Error(`IAM: function ${fn} has no execution role in the template`);
    return { kind: 'role', arn, session: fn, policies: role.policies };
  }

  /** An outside role (not of the template) whose own account grants it `policies`. */
  outsideRole(arn: string, policies = ALLOW_ALL): Principal {
    return { kind: 'role', arn, session: 'outside', policies };
  }

  decide(req: IamRequest): Promise<Decision> {
    const who = req.principal.kind === 'role' ? `${req.principal.arn}#${this.policySetId(req.principal.policies)}` : req.principal.service;
    const key = JSON.stringify([who, req.action, req.resource, req.context]);
    let d = this.cache.get(key);
    if (!d) {
      d = decide(req, resourcePolicyFor(this.picture, req.resource), this.picture.account);
      this.cache.set(key, d);
      d.catch(() => this.cache.delete(key));
    }
    return d;
  }

  /** The first denial among `call` and the KMS calls it implies, or undefined when AWS would allow it all. */
  async check(principal: Principal, call: IamCall): Promise<Denial | undefined> {
    const request: IamRequest = { principal, action: call.action, resource: call.resource, context: call.context };
    const decision = await this.decide(request);
    if (!decision.allowed) return { request, decision, kms: false };
    for (const kmsRequest of this.kmsRequests(principal, call)) {
      const d = await this.decide(kmsRequest);
      if (!d.allowed) return { request: kmsRequest, decision: d, kms: true };
    }
    return undefined;
  }

  /** The KMS requests a call implies (none when its target has no customer-managed key). */
  kmsRequests(principal: Principal, call: IamCall): IamRequest[] {
    const key = call.kms && this.picture.keys.get(governing(call.resource));
    if (!call.kms || !key) return [];
    const context: Record<string, string | string[]> = {
      'kms:ViaService': `${call.kms.via}.${this.picture.region}.amazonaws.com`,
      'kms:EncryptionContextKeys': Object.keys(call.kms.encryptionContext),
      ...Object.fromEntries(Object.entries(call.kms.encryptionContext).map(([k, v]) => [`kms:EncryptionContext:${k}`, v])),
      ...call.context,
    };
    if (principal.kind === 'role') context['kms:CallerAccount'] = principal.arn.split(':')[4]!;
    return call.kms.actions.map((action) => ({ principal, action, resource: key, context }));
  }
}

/** The identity policy assumed for an outside role: its own account grants it everything; only our policies limit it. */
export const ALLOW_ALL = [
  { name: 'granted-by-its-account', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
];
