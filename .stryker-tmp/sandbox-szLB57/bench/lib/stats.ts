// @ts-nocheck
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // nearest-rank: the smallest value with at least q of the samples at or below it
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export const median = (values: readonly number[]) => {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Keep `concurrency` calls of `task` in flight until `durationMs` has passed (no new call starts after that) or
 * `maxOps` calls have started. Returns how many completed, in what wall time, and each call's latency.
 */
export async function runPool(opts: {
  concurrency: number;
  durationMs?: number;
  maxOps?: number;
  task: (i: number) => Promise<void>;
}): Promise<{ ops: number; errors: number; elapsedMs: number; latenciesMs: number[]; firstError?: unknown }> {
  const start = nowMs();
  const stopAt = opts.durationMs === undefined ? Number.POSITIVE_INFINITY : start + opts.durationMs;
  const maxOps = opts.maxOps ?? Number.POSITIVE_INFINITY;
  let started = 0;
  let ops = 0;
  let errors = 0;
  let firstError: unknown;
  const latenciesMs: number[] = [];
  const worker = async () => {
    while (started < maxOps && nowMs() < stopAt) {
      const i = started++;
      const t0 = nowMs();
      try {
        await opts.task(i);
        ops++;
        latenciesMs.push(nowMs() - t0);
      } catch (error) {
        errors++;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { ops, errors, elapsedMs: nowMs() - start, latenciesMs, firstError };
}
