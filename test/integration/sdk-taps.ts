/**
 * Taps on the AWS SDK clients the handlers use. The local runtime runs the real handler modules in this test
 * file's module registry, so the adapters' per-container singletons (creditStore(), mailer(), eventPublisher())
 * are the very clients the handlers call: a middleware added here sees (and may delay) every call they make.
 *
 * Call these only after startTestRuntime(): the singletons read their endpoints and table name from the
 * environment the runtime sets.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LocalRuntime } from '../../local/runtime';
import { creditStore } from '../../lambdas/adapters/dynamodb';
import { mailer } from '../../lambdas/adapters/ses';
import { eventPublisher } from '../../lambdas/adapters/eventbridge';

export interface SdkCall {
  /** 'dynamodb' | 'ses' | 'events' */
  service: string;
  /** Client command name, e.g. TransactWriteItemsCommand. */
  command: string;
  input: any;
  /** The function whose invocation made the call (when function attribution is on), else undefined. */
  fn: string | undefined;
}

export type SdkTap = (call: SdkCall) => void | Promise<void>;

interface Stack {
  add(mw: unknown, opts: { step: string; name: string; override?: boolean }): void;
  remove(name: string): boolean;
}

const stackOf = (client: unknown): Stack => (client as { middlewareStack: Stack }).middlewareStack;

/** The SDK clients behind the adapters' singletons. */
export function sdkClients(): Record<'dynamodb' | 'ses' | 'events', unknown> {
  return {
    dynamodb: (creditStore() as unknown as { doc: unknown }).doc,
    ses: (mailer() as unknown as { client: unknown }).client,
    events: (eventPublisher() as unknown as { client: unknown }).client,
  };
}

const invocation = new AsyncLocalStorage<string>();
let tapSeq = 0;

/**
 * Run every handler invocation inside an async context that names its function, so SDK calls can be attributed
 * to the function that made them (stream consumers run concurrently). `inner` is an optional further hook.
 */
export function attributeCallsToFunctions(runtime: LocalRuntime, inner?: Parameters<LocalRuntime['setInvokeHook']>[0]): void {
  runtime.setInvokeHook((fn, event, next) => invocation.run(fn, () => (inner ? inner(fn, event, next) : next())));
}

/** Add `tap` to the handlers' SDK clients (before each call is sent, once per call, not per HTTP retry). Returns an untap function. */
export function tapSdk(tap: SdkTap, services: Array<'dynamodb' | 'ses' | 'events'> = ['dynamodb', 'ses', 'events']): () => void {
  const name = `testTap${++tapSeq}`;
  const clients = sdkClients();
  for (const service of services) {
    stackOf(clients[service]).add(
      (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
        await tap({ service, command: context.commandName ?? '?', input: args.input, fn: invocation.getStore() });
        return next(args);
      },
      { step: 'initialize', name, override: true },
    );
  }
  return () => {
    for (const service of services) stackOf(clients[service]).remove(name);
  };
}

/** The IAM actions a DynamoDB call needs (a transaction needs the action of each of its items). */
export function dynamoActions(command: string, input: any): string[] {
  const op = command.replace(/Command$/, '');
  if (op === 'TransactWriteItems') {
    const kinds: Record<string, string> = {
      Put: 'PutItem',
      Update: 'UpdateItem',
      Delete: 'DeleteItem',
      ConditionCheck: 'ConditionCheckItem',
    };
    return (input.TransactItems as Array<Record<string, unknown>>).map((item) => `dynamodb:${kinds[Object.keys(item)[0]!]}`);
  }
  if (op === 'TransactGetItems') return ['dynamodb:GetItem'];
  return [`dynamodb:${op}`];
}
