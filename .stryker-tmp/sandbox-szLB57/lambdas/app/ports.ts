// @ts-nocheck
import type { Allocation, SpendableCredit } from '../domain/allocation';
import type { LineApplication } from '../domain/eligibility';
import type { Credit } from '../domain/credit';
import type { ExpiredEntry, GrantedEntry, LedgerEntry, RedeemedEntry, ReversedEntry } from '../domain/ledger';
import type { NoticeKind } from '../adapters/dynamodb/layout';
import type { ReminderNotice } from '../domain/events';
import type { HoldList, PaymentFlowStore } from './payment-ports';

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

export interface RedeemRecord {
  readonly requestHash: string;
  readonly response: RedeemResponse;
}

export interface RedeemResponse {
  readonly redemptionId: string | null;
  readonly customerId: string;
  readonly orderId: string;
  readonly currency: string;
  readonly requested: number;
  readonly applied: number;
  readonly allocations: readonly Allocation[];
  /** Spendable balance in this currency right after this redemption, as this redemption saw it. */
  readonly remainingBalance: number;
  readonly redeemedAt: string;
  /** Per purchase line, what was applied to it (only when the request named its purchase). */
  readonly lines?: readonly LineApplication[];
}

/**
 * `conflict.stale`: a condition failed because the data changed since it was read (re-read and re-plan at once);
 * otherwise another transaction held the items (back off, then retry).
 */
export type CommitOutcome<T> =
  | { kind: 'committed' }
  | { kind: 'duplicate'; existing: T | undefined }
  | { kind: 'conflict'; stale: boolean };

/** What is recorded when an email went out (the reminder's record is also the CreditExpiryReminderSent event's source). */
export interface ReminderNoticeRecord extends ReminderNotice {
  readonly messageId?: string;
}

/** Which email a notice records: one definition, with the table layout. */
export type { NoticeKind } from '../adapters/dynamodb/layout';

/** Each use case names the few store methods it uses; the DynamoDB adapter implements them all (`CreditStore`). */
export interface GrantStore {
  /** One transaction: idempotency record for the complaint, credit, ledger entry, reminder item. */
  grant(input: { credit: Credit; ledger: GrantedEntry; remindAt?: Date; requestHash: string }): Promise<CommitOutcome<GrantRecord>>;
}

export interface SpendableCredits {
  /** Credits not yet expired at `now` (used-up ones excluded), strongly consistent. */
  listSpendableCredits(customerId: string, now: Date): Promise<SpendableCredit[]>;
}

export interface RedeemStore extends SpendableCredits {
  /** One transaction: debit each allocation (only if still there, unexpired and covering it), ledger entry, idempotency record. */
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
  /** Every credit item still stored, including expired ones TTL has not removed yet. */
  listStoredCredits(customerId: string): Promise<Array<SpendableCredit & { amount: number }>>;
  /** One transaction: mark the redemption REVERSED (only if APPLIED), ledger entry, credit restorations. */
  commitReversal(input: {
    redemption: RedeemedEntry;
    reversal: ReversedEntry;
    restore: ReadonlyArray<Allocation & { maxRemainingBefore: number }>;
    now: Date;
  }): Promise<CommitOutcome<never>>;
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
  getCredit(customerId: string, creditId: string, expiresAt: string): Promise<Credit | undefined>;
  hasNotice(customerId: string, creditId: string, kind: NoticeKind): Promise<boolean>;
  /** Record that an email went out; returns false if it was recorded before. */
  putNotice(kind: NoticeKind, notice: ReminderNoticeRecord, expiresAt: string): Promise<boolean>;
}

/** Everything the service stores: what one DynamoDB table adapter provides. */
export type CreditStore = GrantStore & RedeemStore & ReverseStore & BalanceStore & ExpiryStore & NoticeStore & PaymentFlowStore;

export interface Mailer {
  send(input: { to: string; subject: string; html: string; text: string; tags: Record<string, string> }): Promise<{ messageId: string }>;
}

export interface EventPublisher {
  publish(events: ReadonlyArray<{ detailType: string; detail: Record<string, unknown> }>): Promise<void>;
}
