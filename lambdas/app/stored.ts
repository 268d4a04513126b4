import type { StoredCredit } from '../domain/credit';
import type { DayTotals } from '../domain/finance';
import type { LedgerEntry } from '../domain/ledger';
import type { NoticeKind } from '../domain/notice';
import type { CustomerUsage, DayUsage, GrantRefusal } from '../domain/caps';
import type { Hold } from '../domain/hold';
import type { ApprovalDecision, PendingGrant } from '../domain/approval';
import type { KeyedRecord } from './payment-ports';
import type { QueuedEntry } from './group-ports';
import type { GrantRecord, PendingKey, RedeemRecord, ReminderNoticeRecord, Versioned } from './ports';
import type { KeyedOperation } from '../domain/keyed-operation';

/**
 * What the table holds and how it changes, as domain values: the DynamoDB adapter decodes every stored item and
 * stream record into these (keys, TTL and kind attributes left behind), so use cases and handlers never see raw items.
 */

/** A scheduled "about to lapse" email: the item whose TTL fires it. */
export interface Reminder {
  readonly customerId: string;
  readonly creditId: string;
  readonly expiresAt: string;
  readonly remindAt: string;
}

/** The record that an email went out (`kind`: which one). */
export interface SentNotice extends ReminderNoticeRecord {
  readonly kind: NoticeKind;
}

export type StoredItem =
  | { readonly kind: 'credit'; readonly credit: StoredCredit }
  | { readonly kind: 'reminder'; readonly reminder: Reminder }
  | { readonly kind: 'ledger'; readonly entry: LedgerEntry }
  | { readonly kind: 'notice'; readonly notice: SentNotice }
  | { readonly kind: 'grantKey'; readonly grant: GrantRecord }
  | { readonly kind: 'redeemKey'; readonly record: RedeemRecord }
  // the payment flow (issue 10)
  | { readonly kind: 'hold'; readonly hold: Hold }
  | { readonly kind: 'operationKey'; readonly operation: KeyedOperation; readonly record: KeyedRecord<unknown> }
  | { readonly kind: 'refusal'; readonly refusal: GrantRefusal; readonly requestHash: string }
  | { readonly kind: 'grantUsage'; readonly customerId: string; readonly usage: Versioned<CustomerUsage> }
  | { readonly kind: 'issuerUsage'; readonly issuedBy: string; readonly shard?: number; readonly usage: Versioned<DayUsage> }
  | { readonly kind: 'dayTotals'; readonly totals: DayTotals }
  | { readonly kind: 'applied'; readonly entryId: string }
  // Approval above a threshold (issue 11.2)
  | { readonly kind: 'pendingGrant'; readonly pending: PendingGrant }
  | { readonly kind: 'pendingKey'; readonly key: PendingKey }
  | { readonly kind: 'decision'; readonly decision: ApprovalDecision }
  // the spend queue under contention (issue 10.5)
  | { readonly kind: 'spendQueue'; readonly customerId: string; readonly issued: number; readonly serving: number }
  | { readonly kind: 'queuedSpend'; readonly customerId: string; readonly entry: QueuedEntry };

/** Who removed an item: DynamoDB's TTL sweeper, or a caller's DeleteItem. */
export type RemovedBy = 'ttl' | 'user';

export type TableChange =
  | { readonly change: 'inserted'; readonly item: StoredItem }
  | { readonly change: 'modified'; readonly item: StoredItem; readonly before: StoredItem }
  | { readonly change: 'removed'; readonly item: StoredItem; readonly by: RemovedBy };
