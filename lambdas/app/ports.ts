import type { Allocation, SpendableCredit } from '../domain/allocation';
import type { Credit } from '../domain/credit';
import type { LedgerEntry } from '../domain/ledger';
import type { ReminderNotice } from '../domain/events';

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

export type NoticeKind = 'ISSUED' | 'REMINDER';

export interface CreditStore {
  /** One transaction: idempotency record for the complaint, credit, ledger entry, reminder item. */
  grant(input: { credit: Credit; ledger: LedgerEntry; remindAt?: Date; requestHash: string }): Promise<CommitOutcome<GrantRecord>>;
  /** Credits not yet expired at `now` (used-up ones excluded), strongly consistent. */
  listSpendableCredits(customerId: string, now: Date): Promise<SpendableCredit[]>;
  /** Every credit item still stored, including expired ones TTL has not removed yet. */
  listStoredCredits(customerId: string): Promise<Array<SpendableCredit & { amount: number }>>;
  getCredit(customerId: string, creditId: string, expiresAt: string): Promise<Credit | undefined>;
  /** One transaction: debit each allocation (only if still there, unexpired and covering it), ledger entry, idempotency record. */
  commitRedemption(input: {
    customerId: string;
    idempotencyKey: string;
    record: RedeemRecord;
    ledger?: LedgerEntry;
    now: Date;
  }): Promise<CommitOutcome<RedeemRecord>>;
  getRedeemRecord(customerId: string, idempotencyKey: string): Promise<RedeemRecord | undefined>;
  getLedgerEntry(customerId: string, entryId: string): Promise<LedgerEntry | undefined>;
  /** One transaction: mark the redemption REVERSED (only if APPLIED), ledger entry, credit restorations. */
  commitReversal(input: {
    redemption: LedgerEntry;
    reversal: LedgerEntry;
    restore: ReadonlyArray<Allocation & { maxRemainingBefore: number }>;
    now: Date;
  }): Promise<CommitOutcome<never>>;
  /** Append an EXPIRED ledger entry once (deterministic entry id). */
  recordExpiry(entry: LedgerEntry): Promise<boolean>;
  history(customerId: string, limit: number, cursor?: string): Promise<{ entries: LedgerEntry[]; nextCursor?: string }>;
  hasNotice(customerId: string, creditId: string, kind: NoticeKind): Promise<boolean>;
  /** Record that an email went out; returns false if it was recorded before. */
  putNotice(kind: NoticeKind, notice: ReminderNoticeRecord, expiresAt: string): Promise<boolean>;
}

export interface Mailer {
  send(input: { to: string; subject: string; html: string; text: string; tags: Record<string, string> }): Promise<{ messageId: string }>;
}

export interface EventPublisher {
  publish(events: ReadonlyArray<{ detailType: string; detail: Record<string, unknown> }>): Promise<void>;
}
