import { CreditError } from '../domain/errors';
import type { Clock } from '../shared/clock';
import type { Deadline } from '../shared/deadline';
import { REDEEM_RETRY, RetryBudget, type QueuePolicy, type RetryPolicy } from '../shared/retry';
import { replayOrRefuse } from './keyed';
import type { KeyedRecord } from './payment-ports';
import { answerOf, commitAsGroup, waitInGroup, type GroupSpend } from './group-commit';
import type { CommitOutcome, SpendQueue, SpendStore, SpendTurn } from './ports';
import type { QueuedSpend, RecordOf } from './spend-plans';

/**
 * The retry loop every spend (redeem, hold) and grant shares. Optimistic first: read, plan, commit one transaction. After a
 * conflict, with a queue policy, the spend takes a ticket in the customer's spend queue (one atomic ADD, never a
 * transaction) and waits until its ticket is within `window` turns of the ones finished — sleeping about (turns to
 * go) × (the time one turn takes, learnt while waiting), a few strongly consistent reads, no busy polling — then
 * re-reads, re-plans and commits, then counts its turn finished (a single-item ADD: the sequencer is never part of a
 * transaction, so on DynamoDB it never cancels a commit nor meets one with TransactionConflict). Only `window`
 * queued spends plan at a time, so a crowd no longer re-plans on the same state round after round (the thundering
 * herd: O(n²) work, refusals after the budget). When nothing finishes for a lease (a holder crashed), a waiter counts
 * one turn finished. With group commit (redeem and hold, lambdas/app/group-commit.ts) a queued spend also leaves its
 * request in the queue, and the turn holder commits the requests queued behind it together with its own in one
 * transaction. Everything is bounded by the policy's time budget; then the caller gets CONCURRENT_MODIFICATION
 * (retryable). The queue orders work, it does not guard money: every debit stays conditional.
 */

/** One try's result: committed, the earlier answer replayed, or a conflict. */
export type SpendOutcome<T> =
  | { readonly kind: 'committed'; readonly value: T }
  | { readonly kind: 'replayed'; readonly value: T }
  | { readonly kind: 'conflict'; readonly stale: boolean };

/**
 * A spend's commit as the loop sees it: committed with `response`; the key met again (the first answer replayed, or
 * `reused` thrown when the key came with another request); or a conflict (stale: re-read at once).
 */
export function spendOutcome<R>(
  result: CommitOutcome<KeyedRecord<R>>,
  response: R,
  requestHash: string,
  reused: () => CreditError,
): SpendOutcome<{ response: R; replayed: boolean }> {
  if (result.kind === 'committed') return { kind: 'committed', value: { response, replayed: false } };
  if (result.kind === 'duplicate' && result.existing) {
    return { kind: 'replayed', value: replayOrRefuse(result.existing, requestHash, reused) };
  }
  return { kind: 'conflict', stale: result.kind === 'conflict' && result.stale };
}

/** Read, plan and commit once, at `now`. */
export type SpendAttempt<T> = (now: Date) => Promise<SpendOutcome<T>>;

export interface SpendRetryDeps {
  store: SpendQueue;
  clock: Clock;
  retry?: RetryPolicy;
  /** Called on every optimistic-concurrency conflict (metrics, benchmarks). */
  onConflict?: () => void;
  /** The error when the budget is spent (default: a spend's CONCURRENT_MODIFICATION). */
  exhausted?: () => CreditError;
  /** The invocation's deadline (a synchronous caller): the budget ends `windDownMs` before it. */
  deadline?: Deadline;
}

/** What a spend use case (redeem, hold) is given: its store, the clock, its ids, and how it retries. */
export type SpendDeps<Store> = Omit<SpendRetryDeps, 'store' | 'exhausted'> & {
  store: Store;
  newId: (at: Date) => string;
};

/**
 * How often a turn holder tries its group before it commits alone: a group fails when a credit changed since it was
 * read (typically an optimistic spend committing meanwhile) — then it is planned again — or on a request that cannot
 * be committed with the others (a key stored meanwhile), which committing alone gets past.
 */
const GROUP_TRIES = 3;

/** What a holder keeps of its budget when it decides to go on with the next group: about one group's read and commit. */
const GROUP_RESERVE_MS = 1000;

/** A spend that may be committed in a group (redeem, hold): its request and the store that can group it. */
export type Groupable<S extends QueuedSpend, T> = GroupSpend<S, T> & { readonly store: SpendStore };

/** A redeem's or hold's request as a group member: its answer, stored under its key, becomes its caller's result. */
export function groupable<S extends QueuedSpend>(
  spend: S,
  deps: { readonly store: SpendStore; readonly newId: (at: Date) => string },
  reused: () => CreditError,
): Groupable<S, { response: RecordOf<S>['response']; replayed: boolean }> {
  return { spend, store: deps.store, newId: deps.newId, reused, asResult: (record, replayed) => ({ response: record.response, replayed }) };
}

export async function spendWithRetry<T, S extends QueuedSpend = QueuedSpend>(
  customerId: string,
  deps: SpendRetryDeps,
  attempt: SpendAttempt<T>,
  group?: Groupable<S, T>,
): Promise<T> {
  const policy = deps.retry ?? REDEEM_RETRY;
  const budget = new RetryBudget(policy, deps.deadline);
  const groups = group?.store.groups;
  const grouping =
    group && groups && policy.queue?.group
      ? {
          deps: { store: group.store, groups, clock: deps.clock },
          ...policy.queue.group,
          spend: { ...group, startedAtMs: deps.clock.now().getTime() },
        }
      : undefined;
  let turn: SpendTurn | undefined;
  /** Our request left in the queue (group commit), until it is committed or taken out. */
  let queued: number | undefined;
  let groupTries = 0;
  try {
    for (let n = 0; budget.allows(n); n++) {
      if (grouping && turn && groupTries < GROUP_TRIES) {
        // Our turn: commit what is queued behind us with our own spend; a group that keeps failing is retried alone.
        groupTries++;
        const g = await commitAsGroup(
          customerId,
          turn.ticket,
          grouping.deps,
          {
            ...grouping,
            budgetMs: policy.maxElapsedMs ?? 0,
            // going on is a favour to those behind: never past our own budget (a group's time kept in reserve)
            continueForMs: Math.max(0, Math.min(grouping.continueForMs, budget.remainingMs() - GROUP_RESERVE_MS)),
          },
          grouping.spend,
        );
        if (g.kind === 'answered') {
          queued = undefined;
          turn = undefined; // counted finished with the group's turns (ours or the group that committed us)
          return g.value;
        }
        if (g.alone) groupTries = GROUP_TRIES;
        deps.onConflict?.();
        await budget.pause(n, g.stale);
        continue;
      }
      const outcome = await attempt(deps.clock.now());
      if (outcome.kind === 'committed') return outcome.value;
      if (outcome.kind === 'replayed') return outcome.value;
      deps.onConflict?.();
      if (!policy.queue || turn) {
        // no queue, or already our turn: retry as any conflict is retried (stale: re-read at once)
        await budget.pause(n, outcome.stale);
        continue;
      }
      if (grouping) {
        const w = await waitInGroup(customerId, grouping.deps, policy.queue, grouping, budget, grouping.spend);
        if (w.kind === 'answered') return w.value;
        queued = w.ticket;
        if (w.kind === 'turn') {
          turn = { ticket: w.ticket };
          continue;
        }
        // Out of time: take our request out, unless a turn holder committed it meanwhile (then that is our answer).
        queued = undefined;
        if (!(await grouping.deps.groups.withdrawSpend(customerId, w.ticket))) return answerOf(customerId, grouping.deps, grouping.spend);
        await deps.store.finishTurn(customerId, deps.clock.now()).catch(() => undefined);
        break;
      }
      turn = await waitForTurn(customerId, deps, policy.queue, budget);
      if (!turn) {
        // Gave up waiting: the ticket will never be used, so it is counted finished now, not after a lease at its turn
        // (a retried grant takes a new ticket; a burst's abandoned tickets would each stall the queue a lease).
        await deps.store.finishTurn(customerId, deps.clock.now()).catch(() => undefined);
        break;
      }
    }
  } finally {
    // Committed alone, replayed, gave up or failed: our request must not be committed again by a later group.
    if (grouping && queued !== undefined) await grouping.deps.groups.withdrawSpend(customerId, queued).catch(() => undefined);
    // Our turn is over (committed, replayed, gave up or failed): count it finished at once, never leave it to the lease.
    if (turn) await deps.store.finishTurn(customerId, deps.clock.now()).catch(() => undefined);
  }
  throw (
    deps.exhausted?.() ??
    new CreditError('CONCURRENT_MODIFICATION', "too many concurrent changes to this customer's credits; retry with the same idempotencyKey")
  );
}

/**
 * Take a ticket and sleep until it is within `window` turns of those finished: (turns to go − ½) × the turn's length
 * at a time, that length learnt from how fast `serving` moved since we first saw it move. When `serving` does not move
 * for a whole lease, count one turn finished (its holder crashed). Undefined when the budget ends first (the caller
 * then counts its ticket finished).
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
  // The turn's length is measured from the first move we saw (a start-up lag before it would inflate it).
  let firstMove: { at: number; serving: number } | undefined;
  for (;;) {
    const toGo = ticket - serving - q.window + 1;
    if (toGo <= 0) return { ticket };
    const sleepMs = Math.min(q.maxPollMs, Math.max(q.minPollMs, (toGo - 0.5) * turnMs));
    if (!(await budget.wait(sleepMs))) return undefined;
    const seen = (await deps.store.readQueue(customerId)).serving;
    const at = Date.now();
    if (seen > serving) {
      if (firstMove) turnMs = (at - firstMove.at) / (seen - firstMove.serving);
      else firstMove = { at, serving: seen };
      serving = seen;
      movedAt = at;
    } else if (at - movedAt >= q.leaseMs) {
      await deps.store.passStalledTurn(customerId, serving, deps.clock.now());
      movedAt = at;
    }
  }
}
