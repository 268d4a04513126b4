import type { PlannedSpend, QueuedSpend, RecordOf } from './spend-plans';

/** The store port of group commit in the spend queue (lambdas/app/group-commit.ts): queued requests and the group's one transaction. */

/** A spend waiting in the queue under its ticket. */
export interface QueuedEntry {
  readonly ticket: number;
  /** When it was queued (epoch ms, the service clock). */
  readonly queuedAtMs: number;
  /**
   * When its caller stops waiting (epoch ms, the service clock): the end of the spend's time budget, which a
   * synchronous invocation ends before its deadline. No group commits it from then on, so a caller answered at its
   * deadline does not find its request committed by a later group. Absent on a request queued without one: then
   * `queuedAtMs` + the policy's budget.
   */
  readonly waitsUntilMs?: number;
  readonly spend: QueuedSpend;
}

/**
 * A group's transaction: committed, or not (stale when a condition failed), naming the tickets whose key record was
 * there already (a retried request whose first call was committed meanwhile: it cannot be in a group).
 */
export type GroupOutcome =
  | { readonly kind: 'committed' }
  | { readonly kind: 'conflict'; readonly stale: boolean; readonly keysTaken: readonly number[] };

/**
 * Group commit in the spend queue (lambdas/app/group-commit.ts): a queued spend leaves its request under its ticket;
 * the turn holder commits the requests behind its own in one transaction, which also takes each request out, so a
 * request is committed at most once; the others find their answers under their keys.
 */
export interface GroupCommitStore {
  /** Leave the spend's request under its ticket (a single-item write). */
  enqueueSpend(customerId: string, entry: QueuedEntry, now: Date): Promise<void>;
  /** The requests still queued, in ticket order (strongly consistent). */
  queuedSpends(customerId: string): Promise<QueuedEntry[]>;
  /** Whether the ticket's request is still queued (strongly consistent). */
  isQueued(customerId: string, ticket: number): Promise<boolean>;
  /** Take the ticket's request out; false if it was gone already (a turn holder committed it). */
  withdrawSpend(customerId: string, ticket: number): Promise<boolean>;
  /**
   * One transaction: each credit debited once by what all the spends take from it (still there, unexpired, covering
   * it), each spend's writes (entry, hold, key record) and its request taken out (only if still queued).
   */
  commitGroup(customerId: string, spends: ReadonlyArray<{ ticket: number; planned: PlannedSpend }>, now: Date): Promise<GroupOutcome>;
  /**
   * `count` turns finished at once (a group's). `holdingUntilMs`: the holder goes on with the next group and keeps the
   * turn until then; without it, the turn is handed on.
   */
  finishTurns(customerId: string, count: number, now: Date, holdingUntilMs?: number): Promise<void>;
  /** The answer stored under the spend's key, if any. */
  readAnswer<S extends QueuedSpend>(customerId: string, spend: S): Promise<RecordOf<S> | undefined>;
}
