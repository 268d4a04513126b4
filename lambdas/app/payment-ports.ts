import type { SpendableCredit } from '../domain/allocation';
import type { Hold } from '../domain/hold';
import type { LedgerEntry } from '../domain/ledger';
import type { RefundProgress, Restoration, StoredCredit } from '../domain/restore';
import type { KeyedOperation } from '../domain/keyed-operation';
import type { CommitOutcome, HoldList, SpendStore, SpendTurn } from './ports';
import type { AnswerOf, CaptureAnswer, HoldAnswer, RefundAnswer, ReleaseAnswer } from '../contracts/answers';
import type { CapturedEntry, HeldEntry, RefundableEntry, RefundedEntry, ReleasedEntry } from '../domain/payment-entries';

/**
 * The payment flow's answers (their contracts: lambdas/contracts/answers.ts) and the narrow store ports of its use cases (hold, capture, release, refund, the
 * auto-release of an expired hold). The DynamoDB adapter implements them (lambdas/adapters/dynamodb/holds.ts).
 */

/** An answer stored under the caller's idempotency key, with the fingerprint of the request that produced it. */
export interface KeyedRecord<R> {
  readonly requestHash: string;
  readonly response: R;
}

export type HoldResponse = AnswerOf<typeof HoldAnswer>;

export type CaptureResponse = AnswerOf<typeof CaptureAnswer>;

export type ReleaseResponse = AnswerOf<typeof ReleaseAnswer>;

export type RefundResponse = AnswerOf<typeof RefundAnswer>;

export interface StoredCredits {
  /** Every credit item still stored, including expired ones TTL has not removed yet. */
  listStoredCredits(customerId: string): Promise<Array<SpendableCredit & StoredCredit>>;
}

export interface KeyedRecords {
  /** The answer stored under a caller's key, if any (read before acting: a retry of a capture that closed its hold replays). */
  getKeyedRecord(customerId: string, operation: KeyedOperation, key: string): Promise<KeyedRecord<unknown> | undefined>;
}

export interface HoldReader extends StoredCredits {
  getHold(customerId: string, holdId: string): Promise<Hold | undefined>;
}

export interface HoldStore extends SpendStore {
  /**
   * One transaction: debit each allocation (still there, unexpired, covering it), the hold, its HELD entry, the key
   * record (the guard).
   */
  commitHold(input: {
    customerId: string;
    idempotencyKey: string;
    record: KeyedRecord<HoldResponse>;
    placed?: { hold: Hold; ledger: HeldEntry };
    now: Date;
  }): Promise<CommitOutcome<KeyedRecord<HoldResponse>>>;
}

/** Held money going back onto live credits: its RELEASED entry and the restorations. */
export interface ReleaseWrite {
  readonly entry: ReleasedEntry;
  readonly restore: readonly Restoration[];
}

export interface CaptureStore extends HoldReader, KeyedRecords {
  /** One transaction: the hold's update (only if unchanged since read and unexpired), the CAPTURED entry, a final release, the key record (the guard). */
  commitCapture(input: {
    before: Hold;
    after: Hold;
    capture: CapturedEntry;
    release?: ReleaseWrite;
    captureKey: string;
    record: KeyedRecord<CaptureResponse>;
    now: Date;
  }): Promise<CommitOutcome<KeyedRecord<CaptureResponse>>>;
}

export interface ReleaseStore extends HoldReader {
  getLedgerEntry(customerId: string, entryId: string): Promise<LedgerEntry | undefined>;
  /** One transaction: the hold's update (the guard: only if unchanged since read and unexpired), the release. */
  commitRelease(input: { before: Hold; after: Hold; release: ReleaseWrite; now: Date }): Promise<CommitOutcome<never>>;
}

export interface ExpiredHoldStore extends StoredCredits {
  /** One transaction: the RELEASED entry (the guard: its id derives from the hold, so it is written once), the restorations. */
  commitExpiredRelease(input: { release: ReleaseWrite; now: Date }): Promise<CommitOutcome<never>>;
}

export interface RefundStore extends StoredCredits, KeyedRecords {
  getLedgerEntry(customerId: string, entryId: string): Promise<LedgerEntry | undefined>;
  /**
   * One transaction: the refunded entry's progress (only if unchanged since read, and for a redemption only while
   * APPLIED), the REFUNDED entry, the restorations, the key record (the guard).
   */
  commitRefund(input: {
    target: RefundableEntry;
    progress: RefundProgress;
    refund: RefundedEntry;
    restore: readonly Restoration[];
    refundKey: string;
    record: KeyedRecord<RefundResponse>;
    now: Date;
  }): Promise<CommitOutcome<KeyedRecord<RefundResponse>>>;
}

export type PaymentFlowStore = HoldStore & CaptureStore & ReleaseStore & ExpiredHoldStore & RefundStore & HoldList;
