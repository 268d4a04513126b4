/**
 * The console's operations: each turns a request of the page into one call of the service (a function Invoke, or
 * SQS for the failure queues) and hands back what the service answered. A function's own refusal (`ok: false` with
 * a stable code) is its answer; an AWS refusal of the call (IAM, a missing function) comes back as `refused`.
 * Which role may invoke what is read from the catalogue, so the page can say it next to each action.
 */
import { SYNCHRONOUS_FUNCTIONS } from '../infra/catalogue/synchronous';
import { DECLINE_REASON_CODES } from '../lambdas/domain/approval';
import { REPORT_COLUMNS } from '../lambdas/domain/finance';
import { redrive } from '../local/redrive';
import type { Backend } from './backend';
import { failureQueues } from './queues';

export type Outcome =
  | { readonly kind: 'answer'; readonly answer: unknown }
  | { readonly kind: 'refused'; readonly name: string; readonly message: string; readonly status?: number };

export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

type Body = Record<string, unknown>;

const text = (body: Body, key: string): string => {
  const v = body[key];
  if (typeof v !== 'string' || v.trim() === '') throw new BadRequest(`${key} is required`);
  return v.trim();
};
const optional = (body: Body, key: string): string | undefined =>
  typeof body[key] === 'string' && body[key] !== '' ? String(body[key]) : undefined;
const DECISIONS = ['approve', 'decline'] as const;

/** Per function the console calls: the configured roles that may invoke it (`opsRoleArn` → `ops`). */
export const INVOKERS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.values(SYNCHRONOUS_FUNCTIONS).map((f) => [f.name, f.trigger.invokers.map((setting) => setting.replace(/RoleArn$/, ''))]),
);

const operations: Record<string, (backend: Backend, body: Body) => Promise<unknown>> = {
  session: async (b) => ({
    target: b.target,
    invokers: INVOKERS,
    mailbox: b.mailFor !== undefined,
    // The domain's lists, so the page (which bundles only the money rules) names the same codes and columns.
    declineReasonCodes: DECLINE_REASON_CODES,
    reportColumns: REPORT_COLUMNS,
  }),
  balance: (b, body) =>
    b.invoke('balance', {
      customerId: text(body, 'customerId'),
      limit: 10,
      ...(optional(body, 'cursor') ? { cursor: optional(body, 'cursor') } : {}),
    }),
  pending: (b, body) => b.invoke('approval', { operation: 'pending', customerId: text(body, 'customerId') }),
  decide: (b, body) => {
    const operation = DECISIONS.find((d) => d === body.operation);
    if (!operation) throw new BadRequest('operation must be approve or decline');
    const reasonCode = operation === 'decline' ? optional(body, 'reasonCode') : undefined;
    return b.invoke('approval', {
      operation,
      customerId: text(body, 'customerId'),
      pendingId: text(body, 'pendingId'),
      approverId: text(body, 'approverId'),
      ...(reasonCode ? { reasonCode } : {}),
    });
  },
  void: (b, body) =>
    b.invoke('void', {
      customerId: text(body, 'customerId'),
      creditId: text(body, 'creditId'),
      reason: text(body, 'reason'),
      ...(optional(body, 'voidKey') ? { voidKey: optional(body, 'voidKey') } : {}),
    }),
  erase: (b, body) => b.invoke('erase', { customerId: text(body, 'customerId') }),
  report: (b, body) =>
    b.invoke('report', {
      operation: 'report',
      from: text(body, 'from'),
      to: text(body, 'to'),
      ...(body.format === 'csv' ? { format: 'csv' } : {}),
    }),
  emails: async (b, body) => {
    if (!b.mailFor) return { available: false, emails: [] };
    return { available: true, emails: await b.mailFor(text(body, 'customerId')) };
  },
  queues: async (b) => ({ queues: await failureQueues(b.sqs, b.queuePrefix) }),
  redrive: async (b, body) => {
    const queue = text(body, 'queue');
    const known = (await failureQueues(b.sqs, b.queuePrefix)).find((q) => q.name === queue);
    if (!known) throw new BadRequest(`no failure queue ${queue}`);
    return redrive({ queue: known.url, wait: true }, { sqs: b.sqs, timeoutMs: 30_000, pollMs: 500 });
  },
};

export const isOperation = (name: string): boolean => Object.hasOwn(operations, name);

/** Run one operation; an AWS error (IAM refusal, throttling, a missing function) is an outcome, not a crash. */
export async function runOperation(backend: Backend, name: string, body: Body): Promise<Outcome> {
  const op = operations[name];
  if (!op) throw new BadRequest(`unknown operation ${name}`);
  try {
    return { kind: 'answer', answer: await op(backend, body) };
  } catch (e) {
    if (e instanceof BadRequest) throw e;
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    const status = err.$metadata?.httpStatusCode;
    return { kind: 'refused', name: err.name, message: err.message, ...(status ? { status } : {}) };
  }
}
