/**
 * An in-memory store behind the narrow ports of redeem, reverse, balance and the payment flow, with the same
 * all-or-nothing conditions as the DynamoDB adapter's transactions (debits never overdraw or touch an expired credit,
 * restorations only into live credits and never above their amount, guards by key, optimistic checks on holds and
 * refund progress). `failNext` makes the next commits fail as the adapter reports a cancelled transaction.
 */
import type { Allocation, SpendableCredit } from '../../../lambdas/domain/allocation';
import type { EligibleCategory } from '../../../lambdas/domain/eligibility';
import type { Hold } from '../../../lambdas/domain/hold';
import type { LedgerEntry } from '../../../lambdas/domain/ledger';
import type { Restoration } from '../../../lambdas/domain/restore';
import type { CommitOutcome, RedeemRecord, RedeemStore, ReverseStore, BalanceStore } from '../../../lambdas/app/ports';
import type { KeyedRecord, PaymentFlowStore, ReleaseWrite } from '../../../lambdas/app/payment-ports';
import { MemorySpendQueue } from './spend-queue';
import type { KeyedOperation } from '../../../lambdas/domain/keyed-operation';
import type { RefundableEntry } from '../../../lambdas/domain/payment-entries';

export interface StoredCreditRow {
  creditId: string;
  customerId: string;
  currency: string;
  amount: number;
  remaining: number;
  expiresAt: string;
  categories?: EligibleCategory[];
}

type Failure = { kind: 'conflict'; stale: boolean } | { kind: 'duplicate'; existing: undefined };

export class MemoryStore implements PaymentFlowStore, RedeemStore, ReverseStore, BalanceStore {
  readonly credits = new Map<string, StoredCreditRow>();
  readonly ledger = new Map<string, LedgerEntry>();
  readonly holds = new Map<string, Hold>();
  readonly keys = new Map<string, KeyedRecord<unknown>>();
  readonly redeemKeys = new Map<string, RedeemRecord>();
  /** Outcomes the next commits report instead of committing (then they commit normally again). */
  failNext: Failure[] = [];
  commits = 0;
  /** Runs right before a commit is decided: a concurrent writer's chance to act between read and write. */
  beforeCommit?: () => void;
  /** The spend queue (redeem and hold wait in it after a conflict). */
  readonly queue = new MemorySpendQueue();
  takeTicket = this.queue.takeTicket;
  readQueue = this.queue.readQueue;
  finishTurn = this.queue.finishTurn;
  passStalledTurn = this.queue.passStalledTurn;

  addCredit(
    row: Omit<StoredCreditRow, 'remaining' | 'customerId'> & Partial<Pick<StoredCreditRow, 'remaining' | 'customerId'>>,
  ): StoredCreditRow {
    const full = { customerId: 'c-1', remaining: row.amount, ...row };
    this.credits.set(full.creditId, full);
    return full;
  }

  private k = (customerId: string, id: string) => `${customerId}#${id}`;

  private scripted<T>(): CommitOutcome<T> | undefined {
    this.commits++;
    this.beforeCommit?.();
    return this.failNext.shift();
  }

  private canDebit(customerId: string, a: Allocation, now: Date): boolean {
    const c = this.credits.get(a.creditId);
    return (
      !!c &&
      c.customerId === customerId &&
      c.expiresAt === a.expiresAt &&
      c.remaining >= a.amount &&
      Date.parse(c.expiresAt) > now.getTime()
    );
  }

  private canRestore(customerId: string, r: Restoration, now: Date): boolean {
    const c = this.credits.get(r.creditId);
    return !!c && c.customerId === customerId && Date.parse(c.expiresAt) > now.getTime() && c.remaining <= r.maxRemainingBefore;
  }

  private restoreAll(restore: readonly Restoration[]): void {
    for (const r of restore) this.credits.get(r.creditId)!.remaining += r.amount;
  }

  private releaseOk(customerId: string, release: ReleaseWrite | undefined, now: Date): boolean {
    if (!release) return true;
    return !this.ledger.has(this.k(customerId, release.entry.entryId)) && release.restore.every((r) => this.canRestore(customerId, r, now));
  }

  private applyRelease(release: ReleaseWrite | undefined): void {
    if (!release) return;
    this.ledger.set(this.k(release.entry.customerId, release.entry.entryId), release.entry);
    this.restoreAll(release.restore);
  }

  // --- reads ---
  async listSpendableCredits(customerId: string, now: Date): Promise<SpendableCredit[]> {
    return [...this.credits.values()]
      .filter((c) => c.customerId === customerId && c.remaining > 0 && Date.parse(c.expiresAt) > now.getTime())
      .map(({ creditId, currency, remaining, expiresAt, categories }) => ({
        creditId,
        currency,
        remaining,
        expiresAt,
        ...(categories ? { categories } : {}),
      }));
  }
  async listStoredCredits(customerId: string) {
    return [...this.credits.values()]
      .filter((c) => c.customerId === customerId)
      .map(({ creditId, currency, remaining, expiresAt, amount }) => ({ creditId, currency, remaining, expiresAt, amount, voided: false }));
  }
  async getLedgerEntry(customerId: string, entryId: string) {
    return this.ledger.get(this.k(customerId, entryId));
  }
  async history(customerId: string, limit: number) {
    const entries = [...this.ledger.values()].filter((e) => e.customerId === customerId).sort((a, b) => (a.entryId < b.entryId ? 1 : -1));
    return { entries: entries.slice(0, limit) };
  }
  async listHolds(customerId: string) {
    return [...this.holds.values()].filter((h) => h.customerId === customerId);
  }
  async getHold(customerId: string, holdId: string) {
    return this.holds.get(this.k(customerId, holdId));
  }
  async getKeyedRecord(customerId: string, operation: KeyedOperation, key: string) {
    return this.keys.get(`${customerId}#${operation}#${key}`);
  }
  entries(kind: LedgerEntry['kind']): LedgerEntry[] {
    return [...this.ledger.values()].filter((e) => e.kind === kind);
  }

  // --- commits ---
  async commitRedemption(input: Parameters<RedeemStore['commitRedemption']>[0]): Promise<CommitOutcome<RedeemRecord>> {
    const failed = this.scripted<RedeemRecord>();
    if (failed) return failed;
    const key = this.k(input.customerId, input.idempotencyKey);
    if (this.redeemKeys.has(key)) return { kind: 'duplicate', existing: this.redeemKeys.get(key) };
    if (!input.record.response.allocations.every((a) => this.canDebit(input.customerId, a, input.now)))
      return { kind: 'conflict', stale: true };
    for (const a of input.record.response.allocations) this.credits.get(a.creditId)!.remaining -= a.amount;
    if (input.ledger) this.ledger.set(this.k(input.customerId, input.ledger.entryId), input.ledger);
    this.redeemKeys.set(key, input.record);
    return { kind: 'committed' };
  }

  async commitReversal(input: Parameters<ReverseStore['commitReversal']>[0]): Promise<CommitOutcome<never>> {
    const failed = this.scripted<never>();
    if (failed) return failed;
    const stored = this.ledger.get(this.k(input.redemption.customerId, input.redemption.entryId));
    if (
      !stored ||
      stored.kind !== 'REDEEMED' ||
      stored.status !== 'APPLIED' ||
      stored.refunds?.refunded !== input.redemption.refunds?.refunded
    ) {
      return { kind: 'duplicate', existing: undefined };
    }
    if (!input.restore.every((r) => this.canRestore(input.redemption.customerId, r, input.now))) return { kind: 'conflict', stale: true };
    this.ledger.set(this.k(stored.customerId, stored.entryId), {
      ...stored,
      status: 'REVERSED',
      reversalId: input.reversal.entryId,
      reversedAt: input.reversal.at,
    });
    this.ledger.set(this.k(input.reversal.customerId, input.reversal.entryId), input.reversal);
    this.restoreAll(input.restore);
    return { kind: 'committed' };
  }

  private keyedDuplicate<R>(customerId: string, op: KeyedOperation, key: string): CommitOutcome<KeyedRecord<R>> | undefined {
    const existing = this.keys.get(`${customerId}#${op}#${key}`);
    return existing ? { kind: 'duplicate', existing: existing as KeyedRecord<R> } : undefined;
  }

  commitHold: PaymentFlowStore['commitHold'] = async ({ customerId, idempotencyKey, record, placed, now }) => {
    const failed = this.scripted<never>();
    if (failed) return failed;
    const dup = this.keyedDuplicate<typeof record.response>(customerId, 'HOLD', idempotencyKey);
    if (dup) return dup;
    if (placed && !placed.hold.allocations.every((a) => this.canDebit(customerId, a, now))) return { kind: 'conflict', stale: true };
    if (placed) {
      for (const a of placed.hold.allocations) this.credits.get(a.creditId)!.remaining -= a.amount;
      this.holds.set(this.k(customerId, placed.hold.holdId), placed.hold);
      this.ledger.set(this.k(customerId, placed.ledger.entryId), placed.ledger);
    }
    this.keys.set(`${customerId}#HOLD#${idempotencyKey}`, record);
    return { kind: 'committed' };
  };

  private holdUnchanged(before: Hold, now: Date): boolean {
    const current = this.holds.get(this.k(before.customerId, before.holdId));
    return !!current && current.version === before.version && Date.parse(current.expiresAt) > now.getTime();
  }

  commitCapture: PaymentFlowStore['commitCapture'] = async ({ before, after, capture, release, captureKey, record, now }) => {
    const failed = this.scripted<never>();
    if (failed) return failed;
    const dup = this.keyedDuplicate<typeof record.response>(before.customerId, 'CAPTURE', captureKey);
    if (dup) return dup;
    if (!this.holdUnchanged(before, now) || !this.releaseOk(before.customerId, release, now)) return { kind: 'conflict', stale: true };
    this.holds.set(this.k(after.customerId, after.holdId), after);
    this.ledger.set(this.k(capture.customerId, capture.entryId), capture);
    this.applyRelease(release);
    this.keys.set(`${before.customerId}#CAPTURE#${captureKey}`, record);
    return { kind: 'committed' };
  };

  commitRelease: PaymentFlowStore['commitRelease'] = async ({ before, after, release, now }) => {
    const failed = this.scripted<never>();
    if (failed) return failed;
    if (!this.holdUnchanged(before, now) || !this.releaseOk(before.customerId, release, now)) return { kind: 'conflict', stale: true };
    this.holds.set(this.k(after.customerId, after.holdId), after);
    this.applyRelease(release);
    return { kind: 'committed' };
  };

  commitExpiredRelease: PaymentFlowStore['commitExpiredRelease'] = async ({ release, now }) => {
    const failed = this.scripted<never>();
    if (failed) return failed;
    if (this.ledger.has(this.k(release.entry.customerId, release.entry.entryId))) return { kind: 'duplicate', existing: undefined };
    if (!this.releaseOk(release.entry.customerId, release, now)) return { kind: 'conflict', stale: true };
    this.applyRelease(release);
    return { kind: 'committed' };
  };

  commitRefund: PaymentFlowStore['commitRefund'] = async ({ target, progress, refund, restore, refundKey, record, now }) => {
    const failed = this.scripted<never>();
    if (failed) return failed;
    const dup = this.keyedDuplicate<typeof record.response>(target.customerId, 'REFUND', refundKey);
    if (dup) return dup;
    const stored = this.ledger.get(this.k(target.customerId, target.entryId)) as RefundableEntry | undefined;
    const unchanged =
      !!stored && stored.refunds?.refunded === target.refunds?.refunded && (stored.kind !== 'REDEEMED' || stored.status === 'APPLIED');
    if (!unchanged || !restore.every((r) => this.canRestore(target.customerId, r, now))) return { kind: 'conflict', stale: true };
    this.ledger.set(this.k(stored.customerId, stored.entryId), { ...stored, refunds: progress } as RefundableEntry);
    this.ledger.set(this.k(refund.customerId, refund.entryId), refund);
    this.restoreAll(restore);
    this.keys.set(`${target.customerId}#REFUND#${refundKey}`, record);
    return { kind: 'committed' };
  };
}
