/**
 * Calling a handler the way the Node.js Lambda runtime does: `handler(event, context)` with a realistic
 * context, promise or callback style, a deadline from the function's Timeout, and errors reported as
 * `{ errorType, errorMessage, trace }`.
 */
// @ts-nocheck

import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface SerializedError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type InvokeOutcome =
  | { ok: true; result: unknown; requestId: string; durationMs: number }
  | { ok: false; error: SerializedError; requestId: string; durationMs: number };

export type Handler = (event: unknown, context: Context, callback?: (err?: unknown, result?: unknown) => void) => unknown;

export interface ContextSpec {
  functionName: string;
  functionArn: string;
  memoryMb: number;
  timeoutSeconds: number;
  requestId?: string;
  clientContext?: Context['clientContext'];
}

/** Thrown by `runtime.invoke` when the function failed; carries what Lambda would report. */
export class FunctionError extends Error {
  override readonly name = 'FunctionError';
  constructor(
    readonly functionName: string,
    readonly error: SerializedError,
  ) {
    super(`${functionName} failed: ${error.errorType}: ${error.errorMessage}`);
  }
}

/**
 * What the Node.js runtime reports for an error (aws-lambda-nodejs-runtime-interface-client): errorType is the
 * error's `name` (a subclass that does not set `name` reports "Error"), errorMessage its message, trace its stack
 * lines. Custom properties (e.g. `code`) are NOT included, in AWS or here. Non-errors: typeof / toString().
 */
export function serializeError(e: unknown): SerializedError {
  const looksLikeError =
    e instanceof Error ||
    (typeof e === 'object' && e !== null && typeof (e as Error).name === 'string' && typeof (e as Error).message === 'string');
  if (looksLikeError) {
    const err = e as Error;
    return {
      errorType: err.name,
      errorMessage: err.message,
      trace: typeof err.stack === 'string' ? err.stack.split('\n') : [],
    };
  }
  let message: string;
  try {
    message = String(e);
  } catch {
    message = Object.prototype.toString.call(e);
  }
  return { errorType: typeof e, errorMessage: message, trace: [] };
}

export function createContext(spec: ContextSpec, deadline: number): Context {
  const requestId = spec.requestId ?? randomUUID();
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  const unsupported = () => {
    throw new Error('context.done/succeed/fail are only available while the invocation is running');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: spec.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: spec.functionArn,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${spec.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    ...(spec.clientContext ? { clientContext: spec.clientContext } : {}),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export class TimeoutError extends Error {
  override readonly name = 'Sandbox.Timedout';
}

/**
 * Run one invocation. Resolves with the JSON-round-tripped result (what a caller would receive), or rejects
 * with the error the handler threw / passed to its callback / a Sandbox.Timedout error at the deadline.
 */
export function callHandler(handler: Handler, event: unknown, context: Context, timeoutSeconds: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: unknown, result?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err !== undefined && err !== null) {
        reject(err);
        return;
      }
      try {
        const json = JSON.stringify(result === undefined ? null : result);
        resolve(JSON.parse(json));
      } catch (e) {
        const marshal = new Error(`Unable to stringify response body: ${(e as Error).message}`);
        marshal.name = 'Runtime.MarshalError';
        reject(marshal);
      }
    };
    const timer = setTimeout(
      () => finish(new TimeoutError(`RequestId: ${context.awsRequestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`)),
      Math.max(1, timeoutSeconds * 1000),
    );
    timer.unref();
    const callback = (err?: unknown, result?: unknown) => finish(err ?? undefined, result);
    context.done = (err?: Error, result?: unknown) => callback(err, result);
    context.succeed = (result: unknown) => callback(undefined, result);
    context.fail = (err: Error | string) => callback(err ?? new Error('failed'));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        (returned as Promise<unknown>).then(
          (v) => finish(undefined, v),
          (e) => finish(e ?? new Error('handler rejected with no reason')),
        );
      } else if (handler.length < 3) {
        finish(undefined, returned);
      }
    } catch (e) {
      finish(e ?? new Error('handler threw no error object'));
    }
  });
}
