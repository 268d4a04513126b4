/**
 * Section 7's load driver (bench/sections/hot-items.ts): offers calls at a steady rate for SECONDS, open loop, and
 * tallies each call's first answer as the strict layer gave it — admitted, cancelled (TransactionConflict), throttled
 * or an error; and picks ids (ULIDs) that fall on chosen shards, so a line drives the shards it names.
 */
import { newId } from '../../lambdas/shared/ids';
import { nowMs } from '../lib/stats';

/** How long each line offers its rate. */
export const SECONDS = 2.5;

type Outcome = 'committed' | 'conflicted' | 'throttled' | 'error';

function outcomeOf(error: unknown): Outcome {
  const e = error as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
  const codes = (e.CancellationReasons ?? []).map((r) => r.Code);
  if (e.name === 'ProvisionedThroughputExceededException' || codes.includes('ThrottlingError')) return 'throttled';
  if (e.name === 'TransactionConflictException' || codes.includes('TransactionConflict')) return 'conflicted';
  return 'error';
}

/** Start `rate` calls a second for SECONDS (open loop: a slow answer does not slow the offer); tally their outcomes. */
export async function offer(rate: number, call: (i: number) => Promise<unknown>) {
  const total = Math.round(rate * SECONDS);
  const tally: Record<Outcome, number> = { committed: 0, conflicted: 0, throttled: 0, error: 0 };
  let firstError: string | undefined;
  const calls: Array<Promise<void>> = [];
  const start = nowMs();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / rate - nowMs();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    calls.push(
      call(i).then(
        () => void tally.committed++,
        (e) => {
          const outcome = outcomeOf(e);
          tally[outcome]++;
          if (outcome === 'error') firstError ??= String((e as Error)?.message ?? e).slice(0, 160);
        },
      ),
    );
  }
  await Promise.all(calls);
  return { sent: total, ...tally, elapsedMs: nowMs() - start, ...(firstError ? { firstError } : {}) };
}

/** The first `count` shards' ids: ids (ULIDs) that fall on shards 0..count-1 of `shards`, round robin. */
export function idsOnShards(shardOfId: (id: string) => number, count: number, n: number): string[] {
  const byShard = Array.from({ length: count }, () => [] as string[]);
  while (byShard.some((l) => l.length < Math.ceil(n / count))) {
    const id = newId(new Date());
    const s = shardOfId(id);
    if (s < count && byShard[s]!.length < Math.ceil(n / count)) byShard[s]!.push(id);
  }
  return Array.from({ length: n }, (_, i) => byShard[i % count]![Math.floor(i / count)]!);
}
