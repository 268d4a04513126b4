import type { CreditError } from '../domain/errors';
import type { Clock } from '../shared/clock';
import type { QueuePolicy, RetryBudget } from '../shared/retry';
import type { GroupCommitStore, QueuedEntry } from './group-ports';
import type { SpendableCredits, SpendQueue } from './ports';
import { TRANSACTION_MAX_ITEMS } from './records';
import {
  afterTaking,
  answeredAtMs,
  itemsBesidesDebits,
  planSpend,
  type PlannedSpend,
  type QueuedSpend,
  type RecordOf,
} from './spend-plans';

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
  /** The caller's result from the answer stored under its key (`replayed`: stored before this call began). */
  readonly asResult: (record: RecordOf<S>, replayed: boolean) => T;
  /** When this call began (epoch ms): an answer stored before then is a replay of an earlier call's. */
  readonly startedAtMs?: number;
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
  /** How often a waiter whose turn has come reads the queue while a holder goes on committing groups. */
  readonly heldPollMs: number;
  readonly leaseMs: number;
}

/** Where a queued spend stands: its answer (a turn holder committed it), its turn, or out of time. */
export type GroupWait<T> = { kind: 'answered'; value: T } | { kind: 'turn'; ticket: number } | { kind: 'gave-up'; ticket: number };

/** The answer under the spend's key, if there is one: a replay if stored before the call began. */
async function answerIfAny<S extends QueuedSpend, T>(
  customerId: string,
  deps: GroupDeps,
  group: GroupSpend<S, T>,
): Promise<{ value: T } | undefined> {
  const record = await deps.groups.readAnswer(customerId, group.spend);
  if (!record) return undefined;
  if (record.requestHash !== group.spend.requestHash) throw group.reused();
  return { value: group.asResult(record, group.startedAtMs !== undefined && answeredAtMs(record) < group.startedAtMs) };
}

/** A committed spend's result for its own caller: the answer under its key (a group took its request out with it). */
export async function answerOf<S extends QueuedSpend, T>(customerId: string, deps: GroupDeps, group: GroupSpend<S, T>): Promise<T> {
  const answered = await answerIfAny(customerId, deps, group);
  if (!answered) throw new Error(`spend ${group.spend.request.idempotencyKey} left the queue without an answer under its key`);
  return answered.value;
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
  { window, pollMsPerTurn, heldPollMs, leaseMs }: GroupWaitPolicy,
  budget: RetryBudget,
  group: GroupSpend<S, T>,
): Promise<GroupWait<T>> {
  // A retry of a call committed before meets the same conflicts as a new spend; its answer is read while it takes its
  // ticket, so that it replays at once instead of queueing (a burst of retries would otherwise wait a turn each).
  const [taken, earlier] = await Promise.all([
    deps.store.takeTicket(customerId, deps.clock.now()),
    answerIfAny(customerId, deps, group).then(
      (answer) => ({ answer }),
      (error: unknown) => ({ error }),
    ),
  ]);
  const ticket = taken.ticket;
  if ('error' in earlier || earlier.answer) {
    // answered (or its key was used for another request): the ticket is never used, so it is counted finished now
    await deps.store.finishTurn(customerId, deps.clock.now()).catch(() => undefined);
    if ('error' in earlier) throw earlier.error;
    return { kind: 'answered', value: earlier.answer!.value };
  }
  let { serving, holdingUntilMs } = taken;
  const queuedAtMs = deps.clock.now().getTime();
  const left = budget.remainingMs();
  await deps.groups.enqueueSpend(
    customerId,
    { ticket, queuedAtMs, ...(Number.isFinite(left) ? { waitsUntilMs: queuedAtMs + left } : {}), spend: group.spend },
    deps.clock.now(),
  );
  let movedAt = Date.now();
  for (;;) {
    const toGo = ticket - serving - window + 1;
    // While a holder goes on committing groups, nobody else takes the turn: it commits what is queued behind it.
    const held = holdingUntilMs !== undefined && holdingUntilMs > deps.clock.now().getTime();
    // Next in line: its turn (the holder's read of the queue tells whether a group took it meanwhile). Passed: a group
    // committed it, unless its request is still queued (it was queued after that group read the queue).
    if (toGo === 0 && !held) return { kind: 'turn', ticket };
    if (toGo < 0) {
      if (!(await deps.groups.isQueued(customerId, ticket))) return { kind: 'answered', value: await answerOf(customerId, deps, group) };
      if (!held) return { kind: 'turn', ticket };
    }
    const sleepMs = toGo > 0 ? toGo * pollMsPerTurn : heldPollMs;
    if (!(await budget.wait(Math.min(q.maxPollMs, Math.max(q.minPollMs, sleepMs))))) return { kind: 'gave-up', ticket };
    const seen = await deps.store.readQueue(customerId);
    holdingUntilMs = seen.holdingUntilMs;
    const at = Date.now();
    if (seen.serving > serving) {
      serving = seen.serving;
      movedAt = at;
    } else if (at - movedAt >= leaseMs) {
      await deps.store.passStalledTurn(customerId, serving, deps.clock.now());
      movedAt = at;
    }
  }
}

/**
 * How long before its caller stops waiting a request is left out of a group: about one transaction's time, so that a
 * group is not planned on a request its waiter is about to take out (that would fail the whole group).
 */
export const GROUP_COMMIT_MARGIN_MS = 250;

/** When the entry's caller stops waiting (epoch ms): its own mark, else (queued without one) the policy's budget after it was queued. */
export const waitsUntil = (entry: QueuedEntry, budgetMs: number): number => entry.waitsUntilMs ?? entry.queuedAtMs + budgetMs;

/**
 * The group a turn holder commits: its own request first, then those queued behind it (leaving out any whose caller
 * stops waiting within GROUP_COMMIT_MARGIN_MS of `now`, or has stopped), planned in ticket order, as many as one
 * transaction holds.
 */
export function planGroup(
  own: number,
  queued: readonly QueuedEntry[],
  credits: Parameters<typeof planSpend>[1],
  now: Date,
  newId: (at: Date) => string,
  maxSpends: number,
  budgetMs: number,
): Array<{ ticket: number; planned: PlannedSpend }> {
  const members: Array<{ ticket: number; planned: PlannedSpend }> = [];
  const debited = new Set<string>();
  const keys = new Set<string>();
  let items = 0;
  let left = credits;
  for (const entry of queued) {
    if (members.length >= maxSpends) break;
    if (entry.ticket < own || (entry.ticket > own && waitsUntil(entry, budgetMs) <= now.getTime() + GROUP_COMMIT_MARGIN_MS)) continue;
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
 * The turn holder's groups: read the queue and the credits, plan, commit once, count the group's turns finished; then,
 * while its turn is younger than `continueForMs`, the next group of what is queued behind it, and so on — marking the
 * sequencer meanwhile (`holdingUntil`), so the next in line does not start a group of the same requests. `answered`
 * with the holder's own result (and how many spends its groups committed: 0 when a group before it had committed its
 * spend), or `failed` when its own group did not commit (`alone`: its own request cannot be planned — it retries
 * alone and meets its own error).
 */
export async function commitAsGroup<S extends QueuedSpend, T>(
  customerId: string,
  ticket: number,
  deps: GroupDeps,
  policy: { maxSpends: number; budgetMs: number; continueForMs: number; leaseMs: number },
  group: GroupSpend<S, T>,
): Promise<{ kind: 'answered'; value: T; committed: number } | { kind: 'failed'; stale: boolean; alone?: true }> {
  const started = Date.now();
  const first = await commitNextGroup(customerId, ticket, true, deps, policy, group.newId);
  if (first.kind === 'gone') return { kind: 'answered', value: await answerOf(customerId, deps, group), committed: 0 };
  if (first.kind === 'replay') {
    // its key was taken before (a retry of a committed call): its request is out of the queue, its turn over
    await deps.groups.finishTurns(customerId, 1, deps.clock.now()).catch(() => undefined);
    return { kind: 'answered', value: await answerOf(customerId, deps, group), committed: 1 };
  }
  if (first.kind === 'failed' || first.kind === 'empty') {
    // A group that went first (after a passed turn) may have committed ours: then that is our answer.
    if (!(await deps.groups.isQueued(customerId, ticket)))
      return { kind: 'answered', value: await answerOf(customerId, deps, group), committed: 0 };
    return first.kind === 'failed' ? first : { kind: 'failed', stale: true };
  }
  let committed = first.members.length;
  const until = () => deps.clock.now().getTime() + policy.leaseMs;
  let goOn = Date.now() - started < policy.continueForMs;
  await deps.groups
    .finishTurns(customerId, first.members.length + first.retired, deps.clock.now(), goOn ? until() : undefined)
    .catch(() => undefined);
  try {
    while (goOn) {
      const next = await commitNextGroup(customerId, ticket + 1, false, deps, policy, group.newId);
      if (next.kind !== 'committed') break;
      committed += next.members.length;
      goOn = Date.now() - started < policy.continueForMs;
      await deps.groups.finishTurns(customerId, next.members.length + next.retired, deps.clock.now(), goOn ? until() : undefined);
    }
  } catch {
    // the next groups are a favour to those queued behind: ours is committed, its answer stands
  } finally {
    if (goOn) await deps.groups.finishTurns(customerId, 0, deps.clock.now()).catch(() => undefined); // hand the turn on
  }
  // members[0] is the holder's own spend, planned from its own request: its record is of that request's kind
  return { kind: 'answered', value: group.asResult(first.members[0]!.planned.record as RecordOf<S>, false), committed };
}

type Members = Array<{ ticket: number; planned: PlannedSpend }>;

/**
 * One group: the holder's own (`own`: its request must lead it; `gone` when it is not queued any more — someone
 * committed it) or the next one behind it (from ticket `from` on; `empty` when nothing is queued there). A request
 * whose key was taken already (a retry of a call committed before) is taken out of the queue, its turn counted with
 * the group's (`retired`): its waiter finds the stored answer; when it is the holder's own, `replay`. `failed` when
 * the transaction did not commit (`alone` when the holder's own request could not be planned).
 */
async function commitNextGroup(
  customerId: string,
  from: number,
  own: boolean,
  deps: GroupDeps,
  policy: { maxSpends: number; budgetMs: number },
  newId: (at: Date) => string,
): Promise<
  | { kind: 'committed'; members: Members; retired: number }
  | { kind: 'gone' }
  | { kind: 'replay' }
  | { kind: 'empty' }
  | { kind: 'failed'; stale: boolean; alone?: true }
> {
  const now = deps.clock.now();
  const [queued, credits] = await Promise.all([deps.groups.queuedSpends(customerId), deps.store.listSpendableCredits(customerId, now)]);
  const ownEntry = own ? queued.find((e) => e.ticket === from) : undefined;
  if (own && !ownEntry) return { kind: 'gone' };
  // Its caller has stopped waiting (the holder resumed after its invocation answered, e.g. a frozen Lambda thawed):
  // no group of its own. Its budget is spent by then too, so the spend takes its request out and gives up.
  if (ownEntry && waitsUntil(ownEntry, policy.budgetMs) <= deps.clock.now().getTime()) return { kind: 'failed', stale: false };
  const taken = new Set<number>();
  let retired = 0;
  for (;;) {
    const open = queued.filter((e) => !taken.has(e.ticket));
    const members = planGroup(from, open, credits, now, newId, policy.maxSpends, policy.budgetMs);
    if (members.length === 0) return retired > 0 ? { kind: 'committed', members: [], retired } : { kind: 'empty' };
    // the holder's own request always leads its group: if it does not, its own plan failed
    if (own && members[0]!.ticket !== from) return { kind: 'failed', stale: false, alone: true };
    const result = await deps.groups.commitGroup(customerId, members, now);
    if (result.kind === 'committed') return { kind: 'committed', members, retired };
    if (result.keysTaken.length === 0) return { kind: 'failed', stale: result.stale };
    for (const ticket of result.keysTaken) {
      taken.add(ticket);
      if (!(await deps.groups.withdrawSpend(customerId, ticket))) continue; // gone meanwhile: whoever took it counts it
      if (own && ticket === from) return { kind: 'replay' };
      retired++;
    }
    if (own && taken.has(from)) return { kind: 'gone' };
  }
}
