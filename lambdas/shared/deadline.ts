/**
 * The time a synchronous invocation has left to answer: the function's remaining time (Lambda's context) less a
 * margin to return the answer. A use case bounds its retries by it (shared/retry.ts RetryBudget); when it runs out, the
 * handler answers anyway (shared/sync.ts) and the deadline reads 0 from then on, so no further try starts.
 */

/** What a use case sees of its invocation's time: how long it has left to answer. */
export interface Deadline {
  timeLeftMs(): number;
}

/** What a synchronous function keeps of its timeout to return its answer: the deadline is this much before it. */
export const ANSWER_MARGIN_MS = 500;

export class InvocationDeadline implements Deadline {
  private readonly at: number;
  private over = false;

  /** `remainingMs`: the invocation's remaining time now (context.getRemainingTimeInMillis()). */
  constructor(remainingMs: number, marginMs = ANSWER_MARGIN_MS) {
    this.at = Date.now() + remainingMs - marginMs;
  }

  timeLeftMs(): number {
    return this.over ? 0 : Math.max(0, this.at - Date.now());
  }

  /** Resolves when the time is up; `cancel` stops waiting (the answer came first). */
  expiry(): { reached: Promise<void>; cancel: () => void } {
    let timer: NodeJS.Timeout | undefined;
    const reached = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.over = true;
        resolve();
      }, this.timeLeftMs());
    });
    return { reached, cancel: () => clearTimeout(timer) };
  }
}
