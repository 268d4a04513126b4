/**
 * In-memory fakes of the use cases' narrow ports (lambdas/app/ports.ts) over Maps, keeping each port's promises:
 * conditional commits, one idempotency record per key, one notice per kind. `FakeStore` has every port. `script` queues outcomes a test wants the
 * next commits to report instead (a conflict, a duplicate) before the fake behaves normally again.
 */
import type { SpendableCredit } from '../../../lambdas/domain/allocation';
import type { StoredCredit } from '../../../lambdas/domain/credit';
import { REPORT_COLUMNS, type DayTotals, type Movement } from '../../../lambdas/domain/finance';
import type { LedgerEntry } from '../../../lambdas/domain/ledger';
import type { Hold } from '../../../lambdas/domain/hold';
import type { Versioned } from '../../../lambdas/app/ports';
import type { Clock } from '../../../lambdas/shared/clock';
import { MemorySpendQueue } from '../fakes/spend-queue';
import { MemoryIssuerDays } from '../fakes/issuer-days';
import type {
  AggregateStore,
  BalanceStore,
  CommitOutcome,
  ComplaintOutcome,
  EraseStore,
  ExpiryStore,
  GrantStore,
  GrantUsage,
  Mailer,
  NoticeStore,
  RedeemRecord,
  RedeemStore,
  ReminderNoticeRecord,
  ReportStore,
  ReverseStore,
  SpendTurn,
  UsageUpdate,
  VoidStore,
} from '../../../lambdas/app/ports';
import type { Allocation } from '../../../lambdas/domain/allocation';
import type { Credit } from '../../../lambdas/domain/credit';
import type { CustomerUsage, DayUsage, GrantRefusal } from '../../../lambdas/domain/caps';
import type { NoticeKind } from '../../../lambdas/domain/notice';
import type { ExpiredEntry, GrantedEntry, RedeemedEntry, ReversedEntry } from '../../../lambdas/domain/credit-entries';

export const fixedClock = (at: string | Date): Clock & { set(next: string | Date): void } => {
  let now = new Date(at);
  return { now: () => new Date(now), set: (next) => (now = new Date(next)) };
};

/** Ids 'id-1', 'id-2', … in call order. */
export const sequentialIds = (prefix = 'id') => {
  let n = 0;
  return () => `${prefix}-${++n}`;
};

export function credit(overrides: Partial<StoredCredit> & { creditId: string }): StoredCredit {
  return {
    customerId: 'cust-1',
    complaintId: `complaint-${overrides.creditId}`,
    currency: 'EUR',
    amount: 1000,
    remaining: 1000,
    grantedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-06-01T00:00:00.000Z',
    reason: 'late delivery',
    locale: 'en',
    email: 'someone@example.com',
    ...overrides,
  } as StoredCredit;
}

type Scripted = CommitOutcome<never> | CommitOutcome<RedeemRecord> | CommitOutcome<ComplaintOutcome>;

/** The money ports: grant, redeem, reverse, void, expiry, and the reads they make. */
export class FakeMoneyStore implements GrantStore, RedeemStore, ReverseStore, ExpiryStore, VoidStore {
  readonly credits = new Map<string, StoredCredit>();
  readonly ledger = new Map<string, LedgerEntry>();
  readonly redeemKeys = new Map<string, RedeemRecord>();
  readonly complaints = new Map<string, ComplaintOutcome>();
  readonly usage = new Map<string, Versioned<CustomerUsage>>();
  readonly issuerUsage = new Map<string, Versioned<DayUsage>>();
  readonly issuerDays = new MemoryIssuerDays(this.issuerUsage);
  readonly reminders = new Map<string, Date | undefined>();
  readonly calls: string[] = [];
  /** Outcomes the next commits report instead of committing (consumed in order). */
  readonly script: Scripted[] = [];
  /** The spend queue (used after a conflict). */
  readonly queue = new MemorySpendQueue();
  takeTicket = this.queue.takeTicket;
  readQueue = this.queue.readQueue;
  finishTurn = this.queue.finishTurn;
  passStalledTurn = this.queue.passStalledTurn;

  addCredit(...list: StoredCredit[]): this {
    for (const c of list) this.credits.set(c.creditId, c);
    return this;
  }

  addEntry(...list: LedgerEntry[]): this {
    for (const e of list) this.ledger.set(`${e.customerId}#${e.entryId}`, e);
    return this;
  }

  protected scripted<T>(): CommitOutcome<T> | undefined {
    return this.script.shift() as CommitOutcome<T> | undefined;
  }

  async readUsage(customerId: string, issuedBy: string | undefined, day: string, _currency: string, grantId?: string): Promise<GrantUsage> {
    const customer = this.usage.get(customerId) ?? { value: [], version: 0 };
    if (issuedBy === undefined) return { customer };
    return { customer, issuer: this.issuerDays.read(issuedBy, day, grantId) };
  }

  async grant(input: {
    credit: Credit;
    ledger: GrantedEntry;
    remindAt?: Date;
    requestHash: string;
    usage: UsageUpdate;
    turn?: SpendTurn;
  }): Promise<CommitOutcome<ComplaintOutcome>> {
    this.calls.push('grant');
    const s = this.scripted<ComplaintOutcome>();
    if (s) return s;
    const earlier = this.complaints.get(input.credit.complaintId);
    if (earlier) return { kind: 'duplicate', existing: earlier };
    const { usage } = input;
    if ((this.usage.get(usage.customerId)?.version ?? 0) !== usage.customer.version) return { kind: 'conflict', stale: true };
    if (!this.issuerDays.at(usage)) return { kind: 'conflict', stale: true };
    this.usage.set(usage.customerId, { value: usage.customer.value, version: usage.customer.version + 1 });
    this.issuerDays.apply(usage);
    const { creditId, customerId, complaintId } = input.credit;
    this.complaints.set(complaintId, { kind: 'granted', grant: { complaintId, customerId, creditId, requestHash: input.requestHash } });
    this.addCredit(input.credit).addEntry(input.ledger);
    this.reminders.set(creditId, input.remindAt);
    if (input.turn) this.queue.finish(customerId);
    return { kind: 'committed' };
  }

  async refuse(refusal: GrantRefusal, requestHash: string, turn?: SpendTurn): Promise<CommitOutcome<ComplaintOutcome>> {
    this.calls.push('refuse');
    const s = this.scripted<ComplaintOutcome>();
    if (s) return s;
    const earlier = this.complaints.get(refusal.complaintId);
    if (earlier) return { kind: 'duplicate', existing: earlier };
    this.complaints.set(refusal.complaintId, { kind: 'refused', refusal, requestHash });
    if (turn) this.queue.finish(refusal.customerId);
    return { kind: 'committed' };
  }

  async listSpendableCredits(customerId: string, now: Date): Promise<SpendableCredit[]> {
    this.calls.push('listSpendableCredits');
    return [...this.credits.values()]
      .filter((c) => c.customerId === customerId && c.remaining > 0 && Date.parse(c.expiresAt) > now.getTime())
      .map(({ creditId, currency, remaining, expiresAt }) => ({ creditId, currency, remaining, expiresAt }));
  }

  commitRedemption: RedeemStore['commitRedemption'] = async (input) => {
    this.calls.push('commitRedemption');
    const s = this.scripted<RedeemRecord>();
    if (s) return s;
    const key = `${input.customerId}#${input.idempotencyKey}`;
    const existing = this.redeemKeys.get(key);
    if (existing) return { kind: 'duplicate', existing };
    for (const a of input.record.response.allocations) {
      const c = this.credits.get(a.creditId);
      if (!c || c.remaining < a.amount || Date.parse(c.expiresAt) <= input.now.getTime()) return { kind: 'conflict', stale: true };
    }
    for (const a of input.record.response.allocations) {
      const c = this.credits.get(a.creditId)!;
      this.credits.set(a.creditId, { ...c, remaining: c.remaining - a.amount });
    }
    if (input.ledger) this.addEntry(input.ledger);
    this.redeemKeys.set(key, input.record);
    return { kind: 'committed' };
  };

  async getLedgerEntry(customerId: string, entryId: string): Promise<LedgerEntry | undefined> {
    return this.ledger.get(`${customerId}#${entryId}`);
  }

  async listStoredCredits(customerId: string): Promise<Array<SpendableCredit & { amount: number; voided: boolean }>> {
    return [...this.credits.values()]
      .filter((c) => c.customerId === customerId)
      .map(({ creditId, currency, remaining, expiresAt, amount, voided }) => ({
        creditId,
        currency,
        remaining,
        expiresAt,
        amount,
        voided: !!voided,
      }));
  }

  async commitReversal(input: {
    redemption: RedeemedEntry;
    reversal: ReversedEntry;
    restore: ReadonlyArray<Allocation & { maxRemainingBefore: number }>;
    now: Date;
  }): Promise<CommitOutcome<never>> {
    this.calls.push('commitReversal');
    const s = this.scripted<never>();
    if (s) return s;
    const key = `${input.redemption.customerId}#${input.redemption.entryId}`;
    const current = this.ledger.get(key);
    if (current?.kind !== 'REDEEMED' || current.status !== 'APPLIED') return { kind: 'duplicate', existing: undefined };
    for (const r of input.restore) {
      const c = this.credits.get(r.creditId);
      if (!c || c.remaining > r.maxRemainingBefore) return { kind: 'conflict', stale: true };
    }
    for (const r of input.restore) {
      const c = this.credits.get(r.creditId)!;
      this.credits.set(r.creditId, { ...c, remaining: c.remaining + r.amount });
    }
    this.ledger.set(key, { ...current, status: 'REVERSED', reversalId: input.reversal.entryId, reversedAt: input.reversal.at });
    this.addEntry(input.reversal);
    return { kind: 'committed' };
  }

  async recordExpiry(entry: ExpiredEntry): Promise<boolean> {
    const key = `${entry.customerId}#${entry.entryId}`;
    if (this.ledger.has(key)) return false;
    this.ledger.set(key, entry);
    return true;
  }

  async getCredit(customerId: string, creditId: string, expiresAt: string): Promise<StoredCredit | undefined> {
    const c = this.credits.get(creditId);
    return c && c.customerId === customerId && c.expiresAt === expiresAt ? c : undefined;
  }

  /** The holds `listHolds` answers (the payment flow's fakes are in test/unit/fakes/memory-store.ts). */
  holds: Hold[] = [];

  async listHolds(customerId: string) {
    return this.holds.filter((h) => h.customerId === customerId);
  }

  async commitVoid(input: Parameters<VoidStore['commitVoid']>[0]): Promise<CommitOutcome<never>> {
    this.calls.push('commitVoid');
    const s = this.scripted<never>();
    if (s) return s;
    const c = this.credits.get(input.credit.creditId);
    if (!c || c.voided || c.remaining !== input.credit.remaining || Date.parse(c.expiresAt) <= input.now.getTime()) {
      return { kind: 'duplicate', existing: undefined };
    }
    this.credits.set(c.creditId, { ...c, remaining: 0, voided: input.record } as StoredCredit);
    this.addEntry(input.entry);
    return { kind: 'committed' };
  }
}

/** Every port: the money ports plus the emails' notices, erasure, balance history and the finance totals. */
export class FakeStore extends FakeMoneyStore implements BalanceStore, NoticeStore, EraseStore, AggregateStore, ReportStore {
  readonly notices = new Map<string, { kind: NoticeKind; notice: ReminderNoticeRecord; expiresAt: string }>();
  readonly applied = new Set<string>();
  readonly totals = new Map<string, DayTotals>();
  /** The page `history` answers. */
  historyPage: { entries: LedgerEntry[]; nextCursor?: string } = { entries: [] };
  historyArgs: Array<{ customerId: string; limit: number; cursor?: string }> = [];
  remaining: Record<string, number> = {};
  dayTotalsTo: string[] = [];

  async history(customerId: string, limit: number, cursor?: string) {
    this.historyArgs.push({ customerId, limit, ...(cursor !== undefined ? { cursor } : {}) });
    return this.historyPage;
  }

  async hasNotice(customerId: string, creditId: string, kind: NoticeKind): Promise<boolean> {
    return this.notices.has(`${customerId}#${creditId}#${kind}`);
  }

  async putNotice(kind: NoticeKind, notice: ReminderNoticeRecord, expiresAt: string): Promise<boolean> {
    const key = `${notice.customerId}#${notice.creditId}#${kind}`;
    if (this.notices.has(key)) return false;
    this.notices.set(key, { kind, notice, expiresAt });
    return true;
  }

  async eraseCustomer(customerId: string, erasedAt: string): Promise<number> {
    let changed = 0;
    for (const c of this.credits.values()) {
      if (c.customerId !== customerId || c.erasedAt !== undefined) continue;
      const { email: _e, locale: _l, reason: _r, ...rest } = c;
      this.credits.set(c.creditId, { ...rest, erasedAt } as StoredCredit);
      changed++;
    }
    return changed;
  }

  async applyMovement(entryId: string, movement: Movement): Promise<CommitOutcome<never>> {
    this.calls.push('applyMovement');
    const s = this.scripted<never>();
    if (s) return s;
    if (this.applied.has(entryId)) return { kind: 'duplicate', existing: undefined };
    this.applied.add(entryId);
    const key = `${movement.day}#${movement.currency}`;
    const t = this.totals.get(key) ?? {
      day: movement.day,
      currency: movement.currency,
      granted: 0,
      spent: 0,
      refunded: 0,
      expired: 0,
      voided: 0,
    };
    const added = Object.fromEntries(REPORT_COLUMNS.map((c) => [c, t[c] + (movement.amounts[c] ?? 0)]));
    this.totals.set(key, { ...t, ...added });
    return { kind: 'committed' };
  }

  async dayTotals(to: string): Promise<DayTotals[]> {
    this.dayTotalsTo.push(to);
    return [...this.totals.values()].filter((t) => t.day <= to);
  }

  async remainingOnCredits(): Promise<Record<string, number>> {
    return this.remaining;
  }

  async forEachLedgerEntry(visit: (entry: LedgerEntry) => void): Promise<void> {
    for (const entry of this.ledger.values()) visit(entry);
  }
}

export class FakeMailer implements Mailer {
  readonly sent: Array<Parameters<Mailer['send']>[0]> = [];
  async send(input: Parameters<Mailer['send']>[0]) {
    this.sent.push(input);
    return { messageId: `msg-${this.sent.length}` };
  }
}
