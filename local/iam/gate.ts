/**
 * IAM in the local runtime. Every handler invocation runs in an async context naming its function; every AWS SDK
 * call made in that context (one hook on the SDK's shared Client.prototype.send, so any client a handler builds is
 * covered) is evaluated as its execution role before it is sent, and a denial answers the error the SDK would get
 * from AWS, logged with the deciding statement. The template's service-to-service deliveries are evaluated when the
 * runtime starts. Every denial is kept in `denials` (the test harness fails a test file that has any).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Authorizer, describeRequest, type Denial } from './authorizer';
import { evaluateDeliveries, type Delivery } from './deliveries';
import { callerArn } from './engine';
import type { IamPicture } from './picture';
import { iamCallsOf, UnmappedCall, type IamCall } from './sdk-calls';

export interface IamDenial {
  /** The function whose call was denied, or the delivery (`<kind>:<logical id>`). */
  by: string;
  message: string;
}

interface Invocation {
  fn: string;
  gate: IamGate;
}

const invocation = new AsyncLocalStorage<Invocation>();
let hooked = false;

/** Hooks the SDK's Client.prototype.send (once per module registry): calls outside an invocation pass untouched. */
function hookSdk(): void {
  if (hooked) return;
  hooked = true;
  const proto = Object.getPrototypeOf(DynamoDBClient.prototype) as { send: (...args: any[]) => any };
  const send = proto.send;
  proto.send = function (this: { config?: { serviceId?: string } }, command: any, ...rest: any[]) {
    const inv = invocation.getStore();
    if (!inv) return send.call(this, command, ...rest);
    const callback = typeof rest.at(-1) === 'function' ? rest.pop() : undefined;
    const sent = inv.gate.authorize(inv.fn, this.config?.serviceId ?? '?', command).then(() => send.call(this, command, ...rest));
    if (!callback) return sent;
    sent.then(
      (out: unknown) => callback(null, out),
      (e: unknown) => callback(e),
    );
  };
}

/** The error name each service's SDK gives an authorization failure, and one for a key it may not use. */
const DENIED_NAME: Record<string, { denied: string; kms: string }> = {
  DynamoDB: { denied: 'AccessDeniedException', kms: 'AccessDeniedException' },
  SQS: { denied: 'AccessDenied', kms: 'KmsAccessDenied' },
  EventBridge: { denied: 'AccessDeniedException', kms: 'AccessDeniedException' },
  SESv2: { denied: 'AccessDeniedException', kms: 'AccessDeniedException' },
};

/** AWS's wording: "User: <caller> is not authorized to perform: <action> on resource: <arn> because …". */
export function deniedMessage(d: Denial): string {
  const why = d.decision.why.startsWith('explicit deny in the resource')
    ? 'with an explicit deny in a resource-based policy'
    : d.decision.why.startsWith('explicit deny')
      ? 'with an explicit deny in an identity-based policy'
      : d.decision.why.includes('identity-based')
        ? `because no identity-based policy allows the ${d.request.action} action`
        : `because no resource-based policy allows the ${d.request.action} action`;
  return `User: ${callerArn(d.request.principal)} is not authorized to perform: ${d.request.action} on resource: ${d.request.resource} ${why}`;
}

function sdkError(serviceId: string, d: Denial): Error {
  const names = DENIED_NAME[serviceId] ?? { denied: 'AccessDeniedException', kms: 'AccessDeniedException' };
  const err = new Error(d.kms ? `KMS key access denied: ${deniedMessage(d)}` : deniedMessage(d));
  err.name = d.kms ? names.kms : names.denied;
  return Object.assign(err, { $fault: 'client', $metadata: { httpStatusCode: 400, requestId: randomUUID(), attempts: 1 } });
}

export class IamGate {
  readonly denials: IamDenial[] = [];
  private readonly deliveryDenials = new Map<string, { delivery: Delivery; denial: Denial }>();
  private readonly auth: Authorizer;

  constructor(
    picture: IamPicture,
    private readonly log: (line: string) => void,
  ) {
    this.auth = new Authorizer(picture);
    hookSdk();
  }

  /** Evaluates the template's deliveries; denied ones are logged and kept, one line per kind and reason. */
  async start(): Promise<void> {
    const grouped = new Map<string, string[]>();
    for (const v of await evaluateDeliveries(this.auth)) {
      if (!v.denial) continue;
      this.deliveryDenials.set(v.delivery.id, { delivery: v.delivery, denial: v.denial });
      const reason = `${v.delivery.id.split(':')[0]}: ${deniedMessage(v.denial)} (${v.denial.decision.why})`;
      grouped.set(reason, [...(grouped.get(reason) ?? []), v.delivery.what]);
    }
    for (const [reason, whats] of grouped) {
      const which = whats.length === 1 ? whats[0] : `${whats.length} deliveries, e.g. ${whats[0]}`;
      this.deny(reason.split(':')[0]!, `IAM: delivery denied (${which}): ${reason}`);
    }
  }

  /** Whether AWS would refuse the delivery with this id (see deliveries.ts). */
  deliveryDenied(id: string): boolean {
    return this.deliveryDenials.has(id);
  }

  /** Whether AWS would refuse a delivery of this kind (e.g. `mapping-failure`) to the resource `arn` (or an object of it). */
  deniedTo(kind: string, arn: string): boolean {
    return [...this.deliveryDenials.values()].some(
      ({ delivery }) =>
        delivery.id.startsWith(`${kind}:`) && delivery.calls.some((c) => c.resource === arn || c.resource.startsWith(`${arn}/`)),
    );
  }

  /** Runs one handler invocation of `fn`: its SDK calls are evaluated as its execution role. */
  runAs<T>(fn: string, run: () => T): T {
    return invocation.run({ fn, gate: this }, run);
  }

  /** Resolves when AWS would let `fn`'s role make the call; rejects with the SDK's error otherwise. */
  async authorize(fn: string, serviceId: string, command: { constructor: { name: string }; input?: unknown }): Promise<void> {
    const scope = { region: this.auth.picture.region, account: this.auth.picture.account };
    let calls: IamCall[];
    try {
      calls = iamCallsOf(scope, serviceId, command.constructor.name, command.input ?? {});
    } catch (e) {
      if (!(e instanceof UnmappedCall)) throw e;
      this.deny(fn, `IAM: ${fn} called ${e.message}, which the local IAM evaluation does not map: refused`);
      throw e;
    }
    const role = this.auth.functionRole(fn);
    for (const call of calls) {
      const denial = await this.auth.check(role, call);
      if (!denial) continue;
      this.deny(fn, `IAM: ${fn}: ${describeRequest(denial.request)} denied: ${denial.decision.why}`);
      throw sdkError(serviceId, denial);
    }
  }

  private deny(by: string, message: string): void {
    this.denials.push({ by, message });
    this.log(message);
  }
}
