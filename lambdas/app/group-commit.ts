import type { CreditError } from '../domain/errors';
import type { Clock } from '../shared/clock';
import type { QueuePolicy, RetryBudget } from '../shared/retry';
import type { GroupCommitStore, QueuedEntry, SpendableCredits, SpendQueue } from './ports';
import { TRANSACTION_MAX_ITEMS } from './records';
import { afterTaking, itemsBesidesDebits, planSpend, type PlannedSpend, type QueuedSpend, type RecordOf } from './spend-plans';

/**
 * Group commit in the customer's spend queue. A queued spend leaves its request under its ticket and sleeps; the turn
 * holder reads the requests queued behind its own, plans them one after the other on the credits it read (each on
 * what the ones before it left) and commits them all in ONE transaction — each credit debited once by their sum, each
 * spend's entry and key record, each request taken out only if still queued — then counts all their turns finished
 * at once. The others find their answers under their keys. On DynamoDB the hot customer then pays one transaction per
 * group instead of one per spend; every debit stays conditional and a request is committed at most once (its removal
 * is part of the transaction that commits it).
 */

/** This spend in a group: its request as queued, and how its stored answer becomes the caller's result. */
export interface GroupSpend<S extends QueuedSpend, T> {
  readonly spend: S;
  readonly newId: (at: Date) => string;
  /** The answer under the key when it was stored for another request (the caller's IDEMPOTENCY_KEY_REUSED). */
  readonly reused: () => CreditError;
  /** The caller's result from the answer stored under its key. */
  readonly asResult: (record: RecordOf<S>) => T;
}

export interface GroupDeps {
  readonly store: SpendQueue & SpendableCredits;
  readonly groups: GroupCommitStore;
  readonly clock: Clock;
}

/** How a queued spend waits in a group queue (the policy's `group` settings). */
export interface GroupWaitPolicy {
  readonly window: number;
  readonly pollMsPerTurn: number;
  readonly leaseMs: number;
}

/** Where a queued spend stands: its answer (a turn holder committed it), its turn, or out of time. */
export type GroupWait<T> = { kind: 'answered'; value: T } | { kind: 'turn'; ticket: number } | { kind: 'gave-up'; ticket: number };

/** A committed spend's result for its own caller: the first answer under its key, never a replay. */
export async function answerOf<S extends QueuedSpend, T>(customerId: string, deps: GroupDeps, group: GroupSpend<S, T>): Promise<T> {
  const record = await deps.groups.readAnswer(customerId, group.spend);
  if (!record) throw new Error(`spend ${group.spend.request.idempotencyKey} left the queue without an answer under its key`);
  if (record.requestHash !== group.spend.requestHash) throw group.reused();
  return group.asResult(record);
}

/**
 * Take a ticket, leave the request under it and sleep until it is the turn (within `window` of the turns finished);
 * then, if the request has left the queue, a turn holder committed it (and counted its turn): its answer is read.
 * A waiter reads the queue every `pollMsPerTurn` × (turns to go), within the policy's bounds: the next holder is about
 * one group behind the turn, so it looks again every few tens of ms, while those far behind read rarely — a handful of
 * reads per waiter whatever the queue's length. A stalled queue is passed after `leaseMs`.
 */
export async function waitInGroup<S extends QueuedSpend, T>(
  customerId: string,
  deps: GroupDeps,
  q: QueuePolicy,
  { window, pollMsPerTurn, leaseMs }: GroupWaitPolicy,
  budget: RetryBudget,
  group: GroupSpend<S, T>,
): Promise<GroupWait<T>> {
  let { ticket, serving } = await deps.store.takeTicket(customerId, deps.clock.now());
  await deps.groups.enqueueSpend(customerId, { ticket, queuedAtMs: deps.clock.now().getTime(), spend: group.spend }, deps.clock.now());
  let movedAt = Date.now();
  for (;;) {
    const toGo = ticket - serving - window + 1;
    // Next in line: its turn (the holder's read of the queue tells whether a group took it meanwhile). Passed: a group
    // committed it, unless its request is still queued (it was queued after that group read the queue).
    if (toGo === 0) return { kind: 'turn', ticket };
    if (toGo < 0) {
      if (!(await deps.groups.isQueued(customerId, ticket))) return { kind: 'answered', value: await answerOf(customerId, deps, group) };
      return { kind: 'turn', ticket };
    }
    if (!(await budget.wait(Math.min(q.maxPollMs, Math.max(q.minPollMs, toGo * pollMsPerTurn))))) return { kind: 'gave-up', ticket };
    const seen = (await deps.store.readQueue(customerId)).serving;
    const at = Date.now();
    if (seen > serving) {
      serving = seen;
      movedAt = at;
    } else if (at - movedAt >= leaseMs) {
      await deps.store.passStalledTurn(customerId, serving, deps.clock.now());
      movedAt = at;
    }
  }
}

/**
 * The group a turn holder commits: its own request first, then those queued behind it (leaving out any queued longer
 * ago than a spend waits: its caller has given up), planned in ticket order, as many as one transaction holds.
 */
export function planGroup(
  own: number,
  queued: readonly QueuedEntry[],
  credits: Parameters<typeof planSpend>[1],
  now: Date,
  newId: (at: Date) => string,
  maxSpends: number,
  givenUpBeforeMs: number,
): Array<{ ticket: number; planned: PlannedSpend }> {
  const members: Array<{ ticket: number; planned: PlannedSpend }> = [];
  const debited = new Set<string>();
  const keys = new Set<string>();
  let items = 0;
  let left = credits;
  for (const entry of queued) {
    if (members.length >= maxSpends) break;
    if (entry.ticket < own || (entry.ticket > own && entry.queuedAtMs < givenUpBeforeMs)) continue;
    // one transaction writes a key once: a second request under the same key waits for its own turn
    const key = `${entry.spend.kind}#${entry.spend.request.idempotencyKey}`;
    if (keys.has(key)) break;
    let planned: PlannedSpend;
    try {
      planned = planSpend(entry.spend, left, now, newId);
    } catch {
      break; // it fails on its own turn, with its own error
    }
    const fresh = new Set(planned.allocations.map((a) => a.creditId).filter((id) => !debited.has(id)));
    if (items + fresh.size + itemsBesidesDebits(planned) > TRANSACTION_MAX_ITEMS) break;
    items += fresh.size + itemsBesidesDebits(planned);
    for (const id of fresh) debited.add(id);
    keys.add(key);
    members.push({ ticket: entry.ticket, planned });
    left = afterTaking(left, planned.allocations);
  }
  return members;
}

/**
 * The turn holder's group: read the queue and the credits, plan, commit once, count the group's turns finished.
 * `answered` with the holder's own result (and how many spends its group committed: 0 when a group before it had
 * committed its spend), or `failed` when its group did not commit (`alone`: its own request cannot be planned — it
 * retries alone and meets its own error).
 */
export async function commitAsGroup<S extends QueuedSpend, T>(
  customerId: string,
  ticket: number,
  deps: GroupDeps,
  policy: { maxSpends: number; budgetMs: number },
  group: GroupSpend<S, T>,
): Promise<{ kind: 'answered'; value: T; committed: number } | { kind: 'failed'; stale: boolean; alone?: true }> {
  const now = deps.clock.now();
  const [queued, credits] = await Promise.all([deps.groups.queuedSpends(customerId), deps.store.listSpendableCredits(customerId, now)]);
  if (!queued.some((e) => e.ticket === ticket)) return { kind: 'answered', value: await answerOf(customerId, deps, group), committed: 0 };
  const members = planGroup(ticket, queued, credits, now, group.newId, policy.maxSpends, now.getTime() - policy.budgetMs);
  // its own plan failed (it always leads): it retries alone and meets its own error
  if (members[0]?.ticket !== ticket) return { kind: 'failed', stale: false, alone: true };
  const result = await deps.groups.commitGroup(customerId, members, now);
  if (result.kind !== 'committed') {
    // A group that went first (after a passed turn) may have committed ours: then that is our answer.
    if (!(await deps.groups.isQueued(customerId, ticket)))
      return { kind: 'answered', value: await answerOf(customerId, deps, group), committed: 0 };
    return { kind: 'failed', stale: result.kind === 'conflict' && result.stale };
  }
  await deps.groups.finishTurns(customerId, members.length, deps.clock.now()).catch(() => undefined);
  // members[0] is the holder's own spend, planned from its own request: its record is of that request's kind
  return { kind: 'answered', value: group.asResult(members[0].planned.record as RecordOf<S>), committed: members.length };
}
