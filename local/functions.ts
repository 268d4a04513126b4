/**
 * Lambda as the stack uses it: the catalogue functions' handler modules loaded in-process, synchronous
 * (RequestResponse) and asynchronous (Event) invocation, async retries per EventInvokeConfig and the
 * on-failure queue destination with the invocation record Lambda sends.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { arnFor } from './cfn';
import { callHandler, createContext, FunctionError, serializeError, type Handler, type InvokeOutcome } from './lambda';
import type { Activity } from './activity';
import type { FunctionModel, InvokeConfigModel, TemplateModel } from './template-model';

/** Repository root (this file lives in <root>/local). */

/** Told of every invocation's outcome (the runtime's observer, see runtime-api.ts). */
export interface InvokeObserver {
  /** Any source (Invoke, a rule, a mapping); `event` as the handler got it, before any invoke hook changed it. */
  invoked?(functionName: string, event: unknown, outcome: InvokeOutcome): void;
}

export { REPO_ROOT } from '../infra/paths';
import { REPO_ROOT } from '../infra/paths';

/** Default handler module of a catalogue function: lambdas/<name>/handler.ts, export `handler`. */
export function defaultHandlerModule(name: string): string {
  return path.join(REPO_ROOT, 'lambdas', name, 'handler.ts');
}

/** Wraps every handler invocation (all sources). Call `next` to run the handler (optionally with another event). */
export type InvokeHook = (functionName: string, event: unknown, next: (event?: unknown) => Promise<unknown>) => unknown;

export class FunctionNotFound extends Error {
  override readonly name = 'ResourceNotFoundException';
}

export interface FunctionsDeps {
  model: TemplateModel;
  activity: Activity;
  resolveModule: (name: string) => string;
  retryDelay: (retry: number) => number;
  /** Send a message body to a queue of the template (on-failure destinations). */
  sendToQueue: (queue: string, body: unknown) => void;
  observe?: InvokeObserver;
  log: (line: string) => void;
  /** Runs each handler invocation (e.g. in the IAM gate's context naming the function). */
  around?: <T>(functionName: string, run: () => Promise<T>) => Promise<T>;
}

/** Union of the functions' environments; a variable two functions set differently is an error. */
export function unionEnvironment(functions: FunctionModel[]): Record<string, string> {
  const env: Record<string, string> = {};
  const owner: Record<string, string> = {};
  for (const f of functions) {
    for (const [k, v] of Object.entries(f.env)) {
      if (k in env && env[k] !== v) {
        throw new Error(
          `functions ${owner[k]} and ${f.name} set environment variable ${k} differently (${JSON.stringify(env[k])} vs ${JSON.stringify(v)}); ` +
            'the local runtime runs all handlers in one process and needs them to agree',
        );
      }
      env[k] = v;
      owner[k] ??= f.name;
    }
  }
  return env;
}

export class Functions {
  inflight = 0;
  pendingAsync = 0;
  private hook: InvokeHook | undefined;
  private readonly modules = new Map<string, Promise<Handler>>();

  constructor(private readonly deps: FunctionsDeps) {}

  setHook(hook: InvokeHook | undefined): void {
    this.hook = hook;
  }

  get busy(): boolean {
    return this.inflight > 0 || this.pendingAsync > 0;
  }

  /** A function by catalogue name, logical id or ARN; throws FunctionNotFound. */
  byName(ref: string): FunctionModel {
    let name = decodeURIComponent(ref);
    if (name.startsWith('arn:')) name = name.split(':function:')[1] ?? '';
    name = name.split(':')[0]!;
    const fn = this.deps.model.functions.find((f) => f.name === name || f.logicalId === name);
    if (!fn) throw new FunctionNotFound(`Function not found: ${arnFor('AWS::Lambda::Function', ref)}`);
    return fn;
  }

  private loadHandler(fn: FunctionModel): Promise<Handler> {
    let loading = this.modules.get(fn.name);
    if (!loading) {
      const file = this.deps.resolveModule(fn.name);
      loading = (async () => {
        let mod: any;
        try {
          mod = await import(file);
        } catch (e) {
          const err = new Error(`Cannot load ${file}: ${(e as Error).message ?? String(e)}`);
          err.name = 'Runtime.ImportModuleError';
          err.stack = `${err.name}: ${err.message}\n${(e as Error).stack ?? ''}`;
          throw err;
        }
        const handler = mod?.handler ?? mod?.default?.handler;
        if (typeof handler !== 'function') {
          const err = new Error(`${file} does not export a function "handler"`);
          err.name = 'Runtime.HandlerNotFound';
          throw err;
        }
        return handler as Handler;
      })();
      this.modules.set(fn.name, loading);
      loading.catch(() => this.modules.delete(fn.name));
    }
    return loading;
  }

  /** One invocation of one function (any source). Never throws. */
  async run(fn: FunctionModel, payload: unknown, clientContext?: Context['clientContext']): Promise<InvokeOutcome> {
    this.inflight++;
    this.deps.activity.mark();
    const requestId = randomUUID();
    const started = Date.now();
    let outcome: InvokeOutcome;
    try {
      const event = payload === undefined ? {} : JSON.parse(JSON.stringify(payload));
      const handler = await this.loadHandler(fn);
      const call = (e: unknown) => {
        const spec = {
          functionName: fn.name,
          functionArn: fn.arn,
          memoryMb: fn.memoryMb,
          timeoutSeconds: fn.timeoutSeconds,
          requestId,
          ...(clientContext ? { clientContext } : {}),
        };
        return callHandler(handler, e, createContext(spec, Date.now() + fn.timeoutSeconds * 1000), fn.timeoutSeconds);
      };
      const hook = this.hook;
      const invoke = async () =>
        hook ? hook(fn.name, event, (e?: unknown) => call(e === undefined ? event : JSON.parse(JSON.stringify(e)))) : call(event);
      const result = await (this.deps.around ? this.deps.around(fn.name, invoke) : invoke());
      outcome = {
        ok: true,
        result: result === undefined ? null : JSON.parse(JSON.stringify(result)),
        requestId,
        durationMs: Date.now() - started,
      };
      this.deps.log(`λ ${fn.name} ${requestId.slice(0, 8)} ok ${outcome.durationMs} ms`);
    } catch (e) {
      outcome = { ok: false, error: serializeError(e), requestId, durationMs: Date.now() - started };
      this.deps.log(
        `λ ${fn.name} ${requestId.slice(0, 8)} FAILED ${outcome.durationMs} ms: ${outcome.error.errorType}: ${outcome.error.errorMessage}`,
      );
    } finally {
      this.inflight--;
      this.deps.activity.mark();
    }
    this.deps.observe?.invoked?.(fn.name, payload, outcome);
    return outcome;
  }

  /** Synchronous invocation: resolves with the result, rejects with FunctionError. */
  async invoke(functionName: string, payload?: unknown): Promise<unknown> {
    const fn = this.byName(functionName);
    const out = await this.run(fn, payload);
    if (!out.ok) throw new FunctionError(fn.name, out.error);
    return out.result;
  }

  private invokeConfig(fn: FunctionModel): InvokeConfigModel {
    return (
      this.deps.model.invokeConfigs.find((c) => c.functionName === fn.name) ?? {
        logicalId: '(default)',
        functionName: fn.name,
        maximumRetryAttempts: 2,
      }
    );
  }

  /**
   * Asynchronous invocation (also how EventBridge invokes a rule's function target: the Invoke call itself
   * succeeds, so the rule's retry policy and DLQ never come into play locally): retries per EventInvokeConfig,
   * then the on-failure destination.
   */
  invokeAsync(fn: FunctionModel, payload: unknown): string {
    const requestId = randomUUID();
    const config = this.invokeConfig(fn);
    const maxRetries = config.maximumRetryAttempts;
    const { activity } = this.deps;
    this.pendingAsync++;
    activity.mark();
    void (async () => {
      try {
        let attempts = 0;
        let last: InvokeOutcome | undefined;
        while (!activity.stopped) {
          attempts++;
          last = await this.run(fn, payload);
          if (last.ok || attempts > maxRetries) break;
          await activity.sleep(this.deps.retryDelay(attempts));
        }
        if (activity.stopped || !last || last.ok) return;
        if (!config.onFailure) {
          this.deps.log(`λ ${fn.name}: async event dropped after ${attempts} attempts (no on-failure destination)`);
          return;
        }
        this.deps.sendToQueue(config.onFailure.name, {
          version: '1.0',
          timestamp: new Date().toISOString(),
          requestContext: { requestId, functionArn: `${fn.arn}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: attempts },
          requestPayload: payload,
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: last.error,
        });
      } finally {
        this.pendingAsync--;
        activity.mark();
      }
    })().catch((e) => this.deps.log(`λ ${fn.name}: async invocation bookkeeping failed: ${(e as Error).stack ?? String(e)}`));
    return requestId;
  }
}
