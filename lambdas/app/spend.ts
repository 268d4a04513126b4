import { CreditError } from '../domain/errors';
import type { Clock } from '../shared/clock';
import { REDEEM_RETRY, RetryBudget, type QueuePolicy, type RetryPolicy } from '../shared/retry';
import type { SpendQueue, SpendTurn } from './ports';

/**
 * The retry loop every spend (redeem, hold) shares. Optimistic first: read, plan, commit one transaction. After a
 * conflict, with a queue policy, the spend takes a ticket in the customer's spend queue (one atomic ADD, never a
 * transaction) and waits until it is served — sleeping about (its ticket − the one served) × the time one turn takes,
 * a few strongly consistent reads, no busy polling — then re-reads, re-plans and commits with the queue's advance in
 * the same transaction. Only one queued spend plans at a time, so a crowd of waiters no longer re-plans on the same
 * state round after round (the thundering herd: O(n²) work, refusals after the budget). A turn not taken within the
 * lease (its holder crashed or gave up) is passed on by a waiter. Everything is bounded by the policy's time budget;
 * then the caller gets CONCURRENT_MODIFICATION (retryable).
 */

/** One try's result: committed (with the turn's advance, if it held one), the earlier answer replayed, or a conflict. */
export type SpendOutcome<T> =
  | { readonly kind: 'committed'; readonly value: T }
  | { readonly kind: 'replayed'; readonly value: T }
  | { readonly kind: 'conflict'; readonly stale: boolean };

/** Read, plan and commit once, at `now`; with `turn`, the commit must also advance the queue past it. */
export type SpendAttempt<T> = (now: Date, turn: SpendTurn | undefined) => Promise<SpendOutcome<T>>;

export interface SpendRetryDeps {
  store: SpendQueue;
  clock: Clock;
  retry?: RetryPolicy;
  /** Called on every optimistic-concurrency conflict (metrics, benchmarks). */
  onConflict?: () => void;
}

export async function spendWithRetry<T>(customerId: string, deps: SpendRetryDeps, attempt: SpendAttempt<T>): Promise<T> {
  const policy = deps.retry ?? REDEEM_RETRY;
  const budget = new RetryBudget(policy);
  let turn: SpendTurn | undefined;
  try {
    for (let n = 0; budget.allows(n); n++) {
      const outcome = await attempt(deps.clock.now(), turn);
      if (outcome.kind === 'committed') {
        turn = undefined; // advanced in the commit's own transaction
        return outcome.value;
      }
      if (outcome.kind === 'replayed') return outcome.value;
      deps.onConflict?.();
      if (!policy.queue) {
        await budget.pause(n, outcome.stale);
        continue;
      }
      // A stale commit while holding a turn: the credits changed (an optimistic spend got in) or the turn was passed on.
      if (turn && outcome.stale && (await deps.store.readQueue(customerId)).serving !== turn.ticket) turn = undefined;
      if (turn) {
        if (!outcome.stale) await budget.pause(0, false); // another transaction held the items: a short jittered wait
        continue;
      }
      turn = await waitForTurn(customerId, deps, policy.queue, budget);
      if (!turn) break;
    }
  } finally {
    // Gave up or failed while holding the turn: pass it on at once instead of making the queue wait out the lease.
    if (turn) await deps.store.passTurn(customerId, turn.ticket, deps.clock.now()).catch(() => false);
  }
  throw new CreditError(
    'CONCURRENT_MODIFICATION',
    "too many concurrent changes to this customer's credits; retry with the same idempotencyKey",
  );
}

/**
 * Take a ticket and sleep until it is served: about (ticket − serving − ½) turns at a time, the turn's length learnt
 * from how fast `serving` moves. A ticket that stays served for a whole lease without moving is passed on. Undefined
 * when the budget ends first (the ticket is then left to the lease).
 */
export async function waitForTurn(
  customerId: string,
  deps: Pick<SpendRetryDeps, 'store' | 'clock'>,
  q: QueuePolicy,
  budget: RetryBudget,
): Promise<SpendTurn | undefined> {
  let { ticket, serving } = await deps.store.takeTicket(customerId, deps.clock.now());
  let turnMs = q.turnEstimateMs;
  let movedAt = Date.now();
  for (;;) {
    if (serving === ticket) return { ticket };
    if (serving > ticket) {
      // Our ticket was passed on while we slept through its lease: queue again.
      ({ ticket, serving } = await deps.store.takeTicket(customerId, deps.clock.now()));
      movedAt = Date.now();
      continue;
    }
    const ahead = ticket - serving;
    const sleepMs = Math.min(q.maxPollMs, Math.max(q.minPollMs, (ahead - 0.5) * turnMs));
    if (!(await budget.wait(sleepMs))) return undefined;
    const seen = await deps.store.readQueue(customerId);
    const at = Date.now();
    if (seen.serving > serving) {
      // `serving` moved by k turns in (at − movedAt): average it into the estimate
      turnMs = (turnMs + (at - movedAt) / (seen.serving - serving)) / 2;
      serving = seen.serving;
      movedAt = at;
    } else if (at - movedAt >= q.leaseMs) {
      // The served ticket's holder has had a whole lease since we saw it start: pass its turn on.
      await deps.store.passTurn(customerId, serving, deps.clock.now());
      movedAt = at;
    }
  }
}
