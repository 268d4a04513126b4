import { movementOf } from '../domain/finance';
import type { LedgerEntry } from '../domain/ledger';
import { CONFLICT_RETRY, pauseAfterConflict, type RetryPolicy } from '../shared/retry';
import type { AggregateStore } from './ports';

export type AggregateOutcome = 'APPLIED' | 'ALREADY_APPLIED' | 'NO_MOVEMENT';

/**
 * A ledger entry was inserted: add its movement to the finance day totals, exactly once per entry (the store's
 * applied mark is the guard). Contention on a day's totals is retried here, then thrown so the record is retried.
 */
export async function aggregateEntry(entry: LedgerEntry, deps: { store: AggregateStore; retry?: RetryPolicy }): Promise<AggregateOutcome> {
  const movement = movementOf(entry);
  if (!movement) return 'NO_MOVEMENT';
  const retry = deps.retry ?? CONFLICT_RETRY;
  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    const result = await deps.store.applyMovement(entry.entryId, movement);
    if (result.kind === 'committed') return 'APPLIED';
    if (result.kind === 'duplicate') return 'ALREADY_APPLIED';
    await pauseAfterConflict(attempt, retry, result.stale);
  }
  throw new Error(`ledger entry ${entry.entryId}: day totals kept conflicting; the record will be retried`);
}
