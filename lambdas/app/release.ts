import type { ReleaseRequest } from '../contracts';
import type { Allocation } from '../domain/allocation';
import { CreditError } from '../domain/errors';
import { heldAmount, planRelease, stillHeld, type Hold } from '../domain/hold';
import { releasedEntry, type ReleasedEntry, type ReleaseReason } from '../domain/payment-entries';
import { planRestore } from '../domain/restore';
import type { Clock } from '../shared/clock';
import { expiredReleaseId } from '../shared/ids';
import { CONFLICT_RETRY, pauseAfterConflict, type RetryPolicy } from '../shared/retry';
import type { ExpiredHoldStore, ReleaseResponse, ReleaseStore, ReleaseWrite, StoredCredits } from './payment-ports';

/** Releasing held money: explicitly by the payment flow, or when the hold's lifetime passed (its item removed by TTL). */

export interface ReleaseDeps {
  store: ReleaseStore;
  clock: Clock;
  newId: (at: Date) => string;
  retry?: RetryPolicy;
}

/** What held money going back to its credits writes: restorations onto live credits, the rest lapsed. */
async function releaseWrite(
  store: StoredCredits,
  hold: Pick<Hold, 'holdId' | 'customerId' | 'currency' | 'orderId'>,
  back: readonly Allocation[],
  reason: ReleaseReason,
  releaseId: string,
  at: string,
  now: Date,
): Promise<ReleaseWrite> {
  const stored = new Map((await store.listStoredCredits(hold.customerId)).map((c) => [c.creditId, c]));
  const { restore, lapsed } = planRestore(back, stored, now);
  const restored = restore.map(({ creditId, amount, expiresAt }) => ({ creditId, amount, expiresAt }));
  return { entry: releasedEntry({ releaseId, hold, reason, restored, lapsed, at }), restore };
}

/** The answer to a release: what its RELEASED entry says. */
function releaseAnswer(hold: Hold, entry: ReleasedEntry): ReleaseResponse {
  return {
    holdId: hold.holdId,
    customerId: hold.customerId,
    orderId: hold.orderId,
    currency: hold.currency,
    restored: entry.amount,
    lapsed: entry.lapsed,
    allocations: entry.allocations,
    releasedAt: entry.at,
  };
}

/** The answer of the explicit release that closed `hold`, if one did. */
async function releasedBefore(hold: Hold, store: ReleaseStore): Promise<ReleaseResponse | undefined> {
  if (hold.status !== 'RELEASED' || hold.releaseId === undefined) return undefined;
  const entry = await store.getLedgerEntry(hold.customerId, hold.releaseId);
  return entry?.kind === 'RELEASED' ? releaseAnswer(hold, entry) : undefined;
}

/**
 * Release an ACTIVE hold: what it still holds goes back to its credits (the part of expired credits lapses), and
 * the hold is RELEASED. Idempotent by the hold: releasing a hold that an explicit release closed answers that release
 * again (a retry racing its first call included); a hold captured or past its lifetime is refused with
 * HOLD_NOT_ACTIVE (its status in the details).
 */
export async function releaseHold(req: ReleaseRequest, deps: ReleaseDeps): Promise<ReleaseResponse> {
  const retry = deps.retry ?? CONFLICT_RETRY;
  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    const now = deps.clock.now();
    const hold = await deps.store.getHold(req.customerId, req.holdId);
    if (!hold) throw new CreditError('HOLD_NOT_FOUND', `no hold ${req.holdId} for this customer`, { holdId: req.holdId });
    const before = await releasedBefore(hold, deps.store);
    if (before) return before;
    const releaseId = deps.newId(now);
    const plan = planRelease(hold, now, releaseId);
    const at = now.toISOString();
    const release = await releaseWrite(deps.store, hold, plan.released, 'EXPLICIT', releaseId, at, now);
    const result = await deps.store.commitRelease({ before: hold, after: plan.next, release, now });
    if (result.kind === 'committed') return releaseAnswer(hold, release.entry);
    // Changed since read (captured, released, a credit expired): re-read at once and decide again.
    await pauseAfterConflict(attempt, retry, result.kind === 'duplicate' || result.stale);
  }
  throw new CreditError('CONCURRENT_MODIFICATION', 'too many concurrent changes to this hold; retry the release');
}

export type ExpiredHoldOutcome = 'RELEASED' | 'ALREADY_RELEASED' | 'NOTHING_HELD';

/**
 * A hold's item was removed by TTL after its lifetime passed: what it still held goes back (RELEASED, reason
 * EXPIRED). The entry's id derives from the hold and its time is the hold's expiry, so a redelivered stream record
 * releases nothing twice. A hold captured or released before has nothing left to release.
 */
export async function releaseExpiredHold(
  hold: Hold,
  deps: { store: ExpiredHoldStore; clock: Clock; retry?: RetryPolicy },
): Promise<ExpiredHoldOutcome> {
  if (hold.status !== 'ACTIVE' || heldAmount(hold) === 0) return 'NOTHING_HELD';
  const retry = deps.retry ?? CONFLICT_RETRY;
  const releaseId = expiredReleaseId(hold.holdId, hold.expiresAt);
  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    const now = deps.clock.now();
    const release = await releaseWrite(deps.store, hold, stillHeld(hold), 'EXPIRED', releaseId, hold.expiresAt, now);
    const result = await deps.store.commitExpiredRelease({ release, now });
    if (result.kind === 'committed') return 'RELEASED';
    if (result.kind === 'duplicate') return 'ALREADY_RELEASED';
    // A credit expired (or changed) between the read and the write: plan again.
    await pauseAfterConflict(attempt, retry, result.stale);
  }
  throw new CreditError('CONCURRENT_MODIFICATION', `release of expired hold ${hold.holdId} kept conflicting; will be retried`);
}
