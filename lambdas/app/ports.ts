import type { Allocation, SpendableCredit } from '../domain/allocation';
import type { CustomerUsage, DayUsage, GrantRefusal } from '../domain/caps';
import type { IssuerDay, ShardCharge } from '../domain/issuer-day';
import type { Credit, StoredCredit, VoidRecord } from '../domain/credit';
import type { ApprovalDecision, PendingGrant } from '../domain/approval';
import type { LineApplication } from '../domain/eligibility';
import type { Hold } from '../domain/hold';
import type { HoldShrink } from '../domain/void';
import type { DayTotals, Movement } from '../domain/finance';
import type { LedgerEntry } from '../domain/ledger';
import type { NoticeKind } from '../domain/notice';
import type { ReminderNotice } from '../domain/events';
import type { CommitOutcome, RedeemRecord, RedeemResponse } from './records';
import type { GroupCommitStore } from './group-ports';
import type { ExpiredEntry, GrantedEntry, RedeemedEntry, ReversedEntry, VoidedEntry } from '../domain/credit-entries';

export { TRANSACTION_MAX_ITEMS, type CommitOutcome, type RedeemRecord, type RedeemResponse } from './records';

/**
 * What the use cases need from the outside world. The DynamoDB, SES and EventBridge adapters implement these;
 * unit tests may substitute them. Nothing here names an AWS type.
 */

export interface GrantRecord {
  readonly complaintId: string;
  readonly customerId: string;
  readonly creditId: string;
  readonly requestHash: string;
}

/** What is recorded when an email went out (the reminder's record is also the CreditExpiryReminderSent event's source). */
export interface ReminderNoticeRecord extends ReminderNotice {
  readonly messageId?: string;
}

/** A stored value and the version it was read at (0: not stored yet); written back only if still at that version. */
export interface Versioned<T> {
  readonly value: T;
  readonly version: number;
}

/** What the caps count: the customer's daily buckets and, if the grant names an issuer, shards of that issuer's today. */
export interface GrantUsage {
  readonly customer: Versioned<CustomerUsage>;
  readonly issuer?: IssuerDay;
}

/** The usage to store with a grant, each conditioned on the version it was computed from. */
export interface UsageUpdate {
  readonly customerId: string;
  readonly customer: Versioned<CustomerUsage>;
  /** What this grant adds to (or a declined one takes back from) the issuer's shards, each conditioned on its bound. */
  readonly issuer?: { readonly issuedBy: string; readonly shards: readonly ShardCharge[] };
}

/** The complaint waits for an approver: what its key records until the approval replaces it with the grant key. */
export interface PendingKey {
  readonly complaintId: string;
  readonly customerId: string;
  readonly pendingId: string;
  readonly requestHash: string;
}

/** What a complaint's key records: the grant it produced, the refusal, or the pending grant waiting for (or declined by) an approver. */
export type ComplaintOutcome =
  | { readonly kind: 'granted'; readonly grant: GrantRecord }
  | { readonly kind: 'refused'; readonly refusal: GrantRefusal; readonly requestHash: string }
  | { readonly kind: 'pending'; readonly key: PendingKey };

/**
 * Each use case names the few store methods it uses; the DynamoDB adapter implements them all (`CreditStore`, credit-store.ts).
 * A grant contends on the customer's usage counter and queues like a spend (lambdas/app/spend.ts), whose loop counts
 * its turn finished after the commit.
 */
export interface GrantStore extends SpendQueue {
  /**
   * Strongly consistent read of the counters the caps check (`day`: the issuer's, YYYY-MM-DD): of the issuer's
   * shards, the one of `grantId` only if given, else every shard, each in `currency`; the unsharded counter of before.
   */
  readUsage(customerId: string, issuedBy: string | undefined, day: string, currency: string, grantId?: string): Promise<GrantUsage>;
  /**
   * One transaction: idempotency record for the complaint (the guard), credit, ledger entry, reminder item and the
   * usage counters (the customer's only if still at the version read, the issuer's shards only within their bounds:
   * otherwise a stale conflict).
   */
  grant(input: {
    credit: Credit;
    ledger: GrantedEntry;
    remindAt?: Date;
    requestHash: string;
    usage: UsageUpdate;
  }): Promise<CommitOutcome<ComplaintOutcome>>;
  /** Record a refusal under the complaint's key (the guard: once per complaint); its insertion is the GrantRefused outbox record. */
  refuse(refusal: GrantRefusal, requestHash: string): Promise<CommitOutcome<ComplaintOutcome>>;
}

/** What an approval writes (see ApprovalStore.commitApproval). */
export interface ApprovalCommit {
  readonly pending: PendingGrant;
  readonly decision: ApprovalDecision;
  readonly credit: StoredCredit;
  readonly ledger: GrantedEntry;
  readonly remindAt?: Date;
  readonly requestHash: string;
  readonly now: Date;
}

/** What a decline writes (see ApprovalStore.commitDecline). */
export interface DeclineCommit {
  readonly decision: ApprovalDecision;
  readonly deletePending: boolean;
  readonly usage: UsageUpdate;
}

/** Approval above a threshold (issue 11.2): the pending grants and their decisions. */
export interface ApprovalStore {
  /**
   * One transaction: the complaint's pending key (the guard), the pending grant (its insertion is the
   * GrantPendingApproval outbox record) and the usage counters, as `grant` writes them: a pending grant counts
   * against the caps from its request on.
   */
  requestApproval(input: { pending: PendingGrant; requestHash: string; usage: UsageUpdate }): Promise<CommitOutcome<ComplaintOutcome>>;
  getPending(customerId: string, pendingId: string): Promise<PendingGrant | undefined>;
  getDecision(customerId: string, pendingId: string): Promise<ApprovalDecision | undefined>;
  /** What the complaint's key records (a pending key, a grant key, a refusal), if anything. */
  getComplaintOutcome(complaintId: string): Promise<ComplaintOutcome | undefined>;
  /** The customer's pending grants still waiting (strongly consistent), oldest first. */
  listPending(customerId: string): Promise<PendingGrant[]>;
  /**
   * One transaction: the decision (the guard: one per pending grant), the pending item's deletion (only if still
   * there and before its deadline), the complaint key turned into the grant key, and the credit's writes exactly as
   * a direct grant makes them (credit, GRANTED entry, reminder).
   */
  commitApproval(input: ApprovalCommit): Promise<CommitOutcome<ApprovalDecision>>;
  /** Strongly consistent read of the counters the pending grant was counted in (its request day; every issuer shard). */
  readUsage(customerId: string, issuedBy: string | undefined, day: string, currency: string): Promise<GrantUsage>;
  /**
   * One transaction: the decision (the guard), the pending item's deletion if it is still there (a decline by an
   * approver; after a TTL removal it is gone), and the usage given back (each only at the version read).
   */
  commitDecline(input: DeclineCommit): Promise<CommitOutcome<ApprovalDecision>>;
}

export interface SpendableCredits {
  /** Credits not yet expired at `now` (used-up ones excluded), strongly consistent. */
  listSpendableCredits(customerId: string, now: Date): Promise<SpendableCredit[]>;
}

/**
 * A customer's spend queue, used only under contention (lambdas/app/spend.ts): tickets are handed out in order and
 * `serving` counts the turns finished; a ticket may plan and commit once it is within the policy's window of it.
 */
export interface SpendQueueState {
  readonly serving: number;
  /** Group commit: a holder goes on committing groups until then (epoch ms); the next in line waits meanwhile. */
  readonly holdingUntilMs?: number;
}

/** The caller's turn in the spend queue, counted finished after its commit (a single-item write on the sequencer). */
export interface SpendTurn {
  readonly ticket: number;
}

export interface SpendQueue {
  /** One atomic ADD on the customer's sequencer item (a single-item write): the caller's ticket and the queue then. */
  takeTicket(customerId: string, now: Date): Promise<SpendQueueState & SpendTurn>;
  /** Strongly consistent read of the queue (nobody ever queued: serving 0). */
  readQueue(customerId: string): Promise<SpendQueueState>;
  /** A turn over (committed, or given up): count it finished. */
  finishTurn(customerId: string, now: Date): Promise<void>;
  /** A stalled turn (nothing finished for a lease): count one finished, only if `serving` is still at `seen`; false if it moved. */
  passStalledTurn(customerId: string, seen: number, now: Date): Promise<boolean>;
}

/** What every spend (redeem, hold) needs: the customer's credits and, under contention, their queue. */
export interface SpendStore extends SpendableCredits, SpendQueue {
  /** Group commit in the spend queue (lambdas/app/group-commit.ts), where the store offers it. */
  readonly groups?: GroupCommitStore;
}

export interface RedeemStore extends SpendStore {
  /**
   * One transaction: debit each allocation (only if still there, unexpired and covering it), ledger entry, idempotency
   * record.
   */
  commitRedemption(input: {
    customerId: string;
    idempotencyKey: string;
    record: RedeemRecord;
    ledger?: RedeemedEntry;
    now: Date;
  }): Promise<CommitOutcome<RedeemRecord>>;
}

export interface ReverseStore {
  getLedgerEntry(customerId: string, entryId: string): Promise<LedgerEntry | undefined>;
  /** Every credit item still stored, including expired ones TTL has not removed yet (`voided`: operations voided it). */
  listStoredCredits(customerId: string): Promise<Array<SpendableCredit & { amount: number; voided: boolean }>>;
  /** One transaction: mark the redemption REVERSED (only if APPLIED), ledger entry, credit restorations. */
  commitReversal(input: {
    redemption: RedeemedEntry;
    reversal: ReversedEntry;
    restore: ReadonlyArray<Allocation & { maxRemainingBefore: number }>;
    now: Date;
  }): Promise<CommitOutcome<never>>;
}

export interface HoldList {
  /** The customer's hold items still stored (TTL removes them some time after their expiry), strongly consistent. */
  listHolds(customerId: string): Promise<Hold[]>;
}

export interface BalanceStore extends SpendableCredits, HoldList {
  /** Ledger entries, newest first, `limit` per page; `cursor` continues a previous page. */
  history(customerId: string, limit: number, cursor?: string): Promise<{ entries: LedgerEntry[]; nextCursor?: string }>;
}

export interface ExpiryStore {
  /** Append an EXPIRED ledger entry once (deterministic entry id); false if it was there before. */
  recordExpiry(entry: ExpiredEntry): Promise<boolean>;
}

export interface NoticeStore {
  getCredit(customerId: string, creditId: string, expiresAt: string): Promise<StoredCredit | undefined>;
  hasNotice(customerId: string, creditId: string, kind: NoticeKind): Promise<boolean>;
  /** Record that an email went out; returns false if it was recorded before. */
  putNotice(kind: NoticeKind, notice: ReminderNoticeRecord, expiresAt: string): Promise<boolean>;
}

export interface VoidStore {
  getLedgerEntry(customerId: string, entryId: string): Promise<LedgerEntry | undefined>;
  getCredit(customerId: string, creditId: string, expiresAt: string): Promise<StoredCredit | undefined>;
  listHolds(customerId: string): Promise<Hold[]>;
  /**
   * One transaction: the credit's remaining set to 0 with its void record (only if unvoided, unexpired and still at
   * `remainingSeen`: the guard), the VOIDED entry, the reminder item deleted, and each shrunk hold replaced (only if
   * unchanged since read and unexpired) with its RELEASED entry.
   */
  commitVoid(input: {
    credit: StoredCredit;
    entry: VoidedEntry;
    record: VoidRecord;
    holds: readonly HoldShrink[];
    now: Date;
  }): Promise<CommitOutcome<never>>;
}

export interface EraseStore {
  /**
   * Remove the personal attributes (address, locale, free text) from every item of the customer that has any, marking credits
   * erased at `erasedAt`; items removed meanwhile are skipped. Returns how many items were changed.
   */
  eraseCustomer(customerId: string, erasedAt: string): Promise<number>;
}

export interface AggregateStore {
  /** Add `movement` to its day totals once per entry id; false if this entry was applied before (a redelivery). */
  applyMovement(entryId: string, movement: Movement): Promise<CommitOutcome<never>>;
}

export interface ReportStore {
  /** Every day's totals up to and including `to` (all currencies). */
  dayTotals(to: string): Promise<DayTotals[]>;
  /** Sum of `remaining` over every stored credit, per currency. */
  remainingOnCredits(): Promise<Record<string, number>>;
  /** Every ledger entry of every customer, page by page, in no particular order. */
  forEachLedgerEntry(visit: (entry: LedgerEntry) => void): Promise<void>;
}

export interface Mailer {
  send(input: { to: string; subject: string; html: string; text: string; tags: Record<string, string> }): Promise<{ messageId: string }>;
}

export interface EventPublisher {
  publish(events: ReadonlyArray<{ detailType: string; detail: Record<string, unknown> }>): Promise<void>;
}
