/**
 * A typed client of the courtesy-credits service's synchronous API over Lambda Invoke: one method per operation,
 * requests and answers typed from the service's contracts, refusals returned (not thrown) as a union by `code`.
 * An answer the service marks retryable (CONCURRENT_MODIFICATION, INTERNAL) is retried with the same request — so
 * with the same idempotency key — a bounded number of times, for the operations where repeating is safe.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { OperationName } from '../../lambdas/contracts/operations';
import type * as t from './types';

/** The service's synchronous functions, by catalogue name (infra/catalogue/synchronous.ts). */
export type Operation = OperationName;

/**
 * When a retryable answer is retried. `keyed`: the request carries its idempotency key, so a repeat replays or
 * completes the first (INTERNAL included: it may have committed). `safe`: reads and idempotent operations. `unwritten`:
 * no key, so only CONCURRENT_MODIFICATION (the service gave up before writing anything) is retried, never INTERNAL.
 */
type RetryClass = 'keyed' | 'safe' | 'unwritten';

export interface RetryOptions {
  /** Tries in all, the first included (default 3). */
  readonly attempts?: number;
  /** Pause before the second try, doubled before each next one (default 100 ms), at most `maxDelayMs` (default 2 s). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** How to wait (tests pass a fake). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface CourtesyCreditsClientOptions {
  readonly lambda: LambdaClient;
  /**
   * The function to invoke for an operation. Default: its catalogue name, as the local runtime knows it; a deployed
   * stack names its functions in its outputs (`<Operation>FunctionName`, e.g. RedeemFunctionName).
   */
  readonly functionName?: (operation: Operation) => string;
  readonly retry?: RetryOptions;
}

/** The function did not answer: it crashed (FunctionError) or its answer was not JSON. Retried like INTERNAL. */
export class ServiceFailure extends Error {
  override readonly name = 'ServiceFailure';
  constructor(
    readonly operation: Operation,
    readonly body: string,
    readonly functionError?: string,
  ) {
    super(`${operation} failed${functionError ? ` (${functionError})` : ''}: ${body.slice(0, 500)}`);
  }
}

/** A request whose idempotency key is missing: refused before anything is sent (the key is what makes a retry safe). */
export class MissingKey extends TypeError {
  override readonly name = 'MissingKey';
}

export class CourtesyCreditsClient {
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly functionName: (operation: Operation) => string;

  constructor(private readonly options: CourtesyCreditsClientOptions) {
    const r = options.retry ?? {};
    this.attempts = Math.max(1, r.attempts ?? 3);
    this.baseDelayMs = r.baseDelayMs ?? 100;
    this.maxDelayMs = r.maxDelayMs ?? 2000;
    this.sleep = r.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.functionName = options.functionName ?? ((operation) => operation);
  }

  // --- The payment flow -------------------------------------------------------------------------------------------

  /** Spend credit on an order now; `idempotencyKey` makes a repeat return the first answer. */
  async redeem(request: t.RedeemRequest): Promise<t.Answer<t.Redemption>> {
    return this.call('redeem', keyed(request, 'idempotencyKey'), 'keyed');
  }

  /** Reserve credit for an order (authorize), to capture per shipment or release. */
  async hold(request: t.HoldRequest): Promise<t.Answer<t.Hold>> {
    return this.call('hold', keyed(request, 'idempotencyKey'), 'keyed');
  }

  /** Take part of a hold (one per shipment); `final` lets go of the rest. Idempotent by `captureKey`. */
  async capture(request: t.CaptureRequest): Promise<t.Answer<t.Capture>> {
    return this.call('capture', keyed(request, 'captureKey'), 'keyed');
  }

  /** Let go of what a hold still holds. */
  async release(request: t.ReleaseRequest): Promise<t.Answer<t.Release>> {
    return this.call('release', request, 'unwritten');
  }

  /** Give part of a capture or redemption back to its credits. Idempotent by `refundKey`. */
  async refund(request: t.RefundRequest): Promise<t.Answer<t.Refund>> {
    return this.call('refund', keyed(request, 'refundKey'), 'keyed');
  }

  /** Undo a whole redemption (order cancelled). */
  async reverse(request: t.ReverseRequest): Promise<t.Answer<t.Reversal>> {
    return this.call('reverse', request, 'unwritten');
  }

  /** Available and held credit per currency, the credits, the holds and a page of the ledger. */
  async balance(request: t.BalanceRequest): Promise<t.Answer<t.Balance>> {
    return this.call('balance', request, 'safe');
  }

  // --- Operators ----------------------------------------------------------------------------------------------------

  /** Remove a credit's unspent rest (idempotent per credit; `voidKey` tells a repeat from a second void). */
  async voidCredit(request: t.VoidRequest): Promise<t.Answer<t.Void>> {
    return this.call('void', request, 'safe');
  }

  /** Erase a customer's address, locale and free texts (idempotent). */
  async erase(request: t.EraseRequest): Promise<t.Answer<t.Erasure>> {
    return this.call('erase', request, 'safe');
  }

  /** Finance: the liability per currency and day, as rows or (`format: 'csv'`) one CSV text. */
  async report(request: t.ReportRequest): Promise<t.Answer<t.Report>> {
    return this.call('report', { operation: 'report', ...request }, 'safe');
  }

  /** Finance: the closing liability against what remains on the credits. */
  async reconcile(): Promise<t.Answer<t.Reconciliation>> {
    return this.call('report', { operation: 'reconcile' }, 'safe');
  }

  /** Approvers: a customer's grants waiting for approval. */
  async pendingGrants(customerId: string): Promise<t.Answer<t.PendingGrants>> {
    return this.call('approval', { operation: 'pending', customerId }, 'safe');
  }

  /** Approvers: the pending grant becomes a credit (never by its issuer). */
  async approve(request: t.DecisionRequest<'approve'>): Promise<t.Answer<t.Decision>> {
    return this.call('approval', { operation: 'approve', ...request }, 'unwritten');
  }

  /** Approvers: decline a pending grant (a repeat answers the first decline). */
  async decline(request: t.DecisionRequest<'decline'>): Promise<t.Answer<t.Decision>> {
    return this.call('approval', { operation: 'decline', ...request }, 'safe');
  }

  // --- Invoke and retry ---------------------------------------------------------------------------------------------

  private async call<T>(operation: Operation, payload: object, retry: RetryClass): Promise<t.Answer<T>> {
    const body = Buffer.from(JSON.stringify(payload));
    for (let attempt = 1; ; attempt++) {
      let answer: t.Answer<T> | undefined;
      let failure: ServiceFailure | undefined;
      try {
        answer = await this.invoke<T>(operation, body);
      } catch (e) {
        if (!(e instanceof ServiceFailure)) throw e;
        failure = e;
      }
      const code = answer && !answer.ok ? answer.error.code : failure ? 'INTERNAL' : undefined;
      const again = code !== undefined && attempt < this.attempts && retries(retry, code);
      if (!again) {
        if (failure) throw failure;
        return answer!;
      }
      await this.sleep(Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1)));
    }
  }

  private async invoke<T>(operation: Operation, payload: Uint8Array): Promise<t.Answer<T>> {
    const out = await this.options.lambda.send(new InvokeCommand({ FunctionName: this.functionName(operation), Payload: payload }));
    const text = Buffer.from(out.Payload ?? []).toString('utf8');
    if (out.FunctionError) throw new ServiceFailure(operation, text, out.FunctionError);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new ServiceFailure(operation, text);
    }
    if (typeof (answer as { ok?: unknown } | null)?.ok !== 'boolean') throw new ServiceFailure(operation, text);
    return answer as t.Answer<T>;
  }
}

function retries(retry: RetryClass, code: t.ErrorCode): boolean {
  if (code === 'CONCURRENT_MODIFICATION') return true;
  return code === 'INTERNAL' && retry !== 'unwritten';
}

/** The request, after checking that it carries its idempotency key (for callers without the types' check). */
function keyed<R extends object>(request: R, key: keyof R & string): R {
  const value = (request as Record<string, unknown>)[key];
  if (typeof value !== 'string' || value.trim() === '') throw new MissingKey(`${key} is required: it makes a retry safe`);
  return request;
}
