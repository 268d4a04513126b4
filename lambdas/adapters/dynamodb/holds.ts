import type { Hold } from '../../domain/hold';
import type {
  CaptureStore,
  ExpiredHoldStore,
  HoldStore,
  KeyedRecord,
  RefundStore,
  ReleaseStore,
  ReleaseWrite,
} from '../../app/payment-ports';
import type { Table, TransactItems } from './client';
import { decodeAs, ledgerItem } from './codec';
import { debitCredit, restoreCredit } from './credit-writes';
import { holdItem, operationKeyItem } from './payment-codec';
import { PREFIX, keys } from './layout';
import type { KeyedOperation } from '../../domain/keyed-operation';

/** The hold replaced by its next state: only if nobody changed it since it was read and its lifetime has not passed. */
export function holdUpdate(table: Table, before: Hold, after: Hold, now: Date): TransactItems[number] {
  return {
    Put: {
      TableName: table.name,
      Item: holdItem(after),
      ConditionExpression: 'version = :version AND expiresAtMs > :now',
      ExpressionAttributeValues: { ':version': before.version, ':now': now.getTime() },
    },
  };
}

/**
 * The payment flow's writes (issue 10): placing, capturing and releasing holds, the auto-release of an expired hold,
 * partial refunds; each one transaction, idempotent by the caller's key or by a guard item.
 */
export class PaymentFlow {
  constructor(private readonly table: Table) {}

  async getHold(customerId: string, holdId: string): Promise<Hold | undefined> {
    const item = await this.table.get(keys.customer(customerId), keys.hold(holdId));
    return item ? decodeAs(item, 'hold').hold : undefined;
  }

  async listHolds(customerId: string): Promise<Hold[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :hold)',
      ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':hold': PREFIX.HOLD },
      ConsistentRead: true,
    });
    return items.map((item) => decodeAs(item, 'hold').hold);
  }

  async getKeyedRecord(customerId: string, operation: KeyedOperation, key: string): Promise<KeyedRecord<unknown> | undefined> {
    const item = await this.table.get(keys.customer(customerId), keys.operationKey(operation, key));
    return item ? decodeAs(item, 'operationKey').record : undefined;
  }

  /** The key record last: it is the guard (a second call with the key finds it). */
  private keyed<R>(items: TransactItems, customerId: string, operation: KeyedOperation, key: string, record: KeyedRecord<R>, now: Date) {
    const all = [...items, this.table.putNew(operationKeyItem(customerId, operation, key, record, now), true)];
    return this.table.transact<KeyedRecord<R>>(
      all,
      all.length - 1,
      async (old) =>
        (old ? decodeAs(old, 'operationKey').record : await this.getKeyedRecord(customerId, operation, key)) as KeyedRecord<R> | undefined,
    );
  }

  commitHold: HoldStore['commitHold'] = ({ customerId, idempotencyKey, record, placed, now }) => {
    const t = this.table;
    const items = [
      ...(placed
        ? [
            ...placed.hold.allocations.map((a) => debitCredit(t, customerId, a, now)),
            t.putNew(holdItem(placed.hold)),
            t.putNew(ledgerItem(placed.ledger)),
          ]
        : []),
    ];
    return this.keyed(items, customerId, 'HOLD', idempotencyKey, record, now);
  };

  private releaseItems(customerId: string, release: ReleaseWrite, now: Date): TransactItems {
    return [this.table.putNew(ledgerItem(release.entry)), ...release.restore.map((r) => restoreCredit(this.table, customerId, r, now))];
  }

  commitCapture: CaptureStore['commitCapture'] = ({ before, after, capture, release, captureKey, record, now }) => {
    const items = [
      holdUpdate(this.table, before, after, now),
      this.table.putNew(ledgerItem(capture)),
      ...(release ? this.releaseItems(before.customerId, release, now) : []),
    ];
    return this.keyed(items, before.customerId, 'CAPTURE', captureKey, record, now);
  };

  /** No guard: a failed hold condition means it changed since read; the caller re-reads and sees why. */
  commitRelease: ReleaseStore['commitRelease'] = ({ before, after, release, now }) =>
    this.table.transact<never>(
      [holdUpdate(this.table, before, after, now), ...this.releaseItems(before.customerId, release, now)],
      -1,
      async () => undefined,
    );

  /** The RELEASED entry is the guard: its id derives from the hold, so a redelivered removal releases nothing twice. */
  commitExpiredRelease: ExpiredHoldStore['commitExpiredRelease'] = ({ release, now }) =>
    this.table.transact<never>(this.releaseItems(release.entry.customerId, release, now), 0, async () => undefined);

  commitRefund: RefundStore['commitRefund'] = ({ target, progress, refund, restore, refundKey, record, now }) => {
    const t = this.table;
    const before = target.refunds?.refunded;
    const unchanged = before === undefined ? 'attribute_not_exists(refunded)' : 'refunded = :before';
    const items: TransactItems = [
      {
        Update: {
          TableName: t.name,
          Key: { pk: keys.customer(target.customerId), sk: keys.ledger(target.entryId) },
          UpdateExpression: 'SET refunded = :after, refundedAllocations = :allocations',
          // Unchanged since read; a redemption only while not reversed (a reversal gives back what refunds left).
          ConditionExpression: target.kind === 'REDEEMED' ? `${unchanged} AND #status = :applied` : unchanged,
          ...(target.kind === 'REDEEMED' ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ExpressionAttributeValues: {
            ':after': progress.refunded,
            ':allocations': progress.refundedAllocations,
            ...(before === undefined ? {} : { ':before': before }),
            ...(target.kind === 'REDEEMED' ? { ':applied': 'APPLIED' } : {}),
          },
        },
      },
      t.putNew(ledgerItem(refund)),
      ...restore.map((r) => restoreCredit(t, target.customerId, r, now)),
    ];
    return this.keyed(items, target.customerId, 'REFUND', refundKey, record, now);
  };
}
