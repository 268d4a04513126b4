import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { GroupCommitStore, QueuedEntry } from '../../app/group-ports';
import type { HoldResponse, KeyedRecord } from '../../app/records';
import type { PlannedSpend, QueuedSpend, RecordOf } from '../../app/spend-plans';
import { sleep } from '../../shared/retry';
import type { Table, TransactItems } from './client';
import { decodeAs, ledgerItem, redeemKeyItem } from './codec';
import { debitCredit } from './credit-writes';
import { queuedSpendItem } from './queued-spend-codec';
import { ITEM, QUEUED_SPEND_PREFIX, SPEND_QUEUE_SK, keys } from './layout';
import { holdItem, operationKeyItem } from './payment-codec';

/**
 * Group commit's items (lambdas/app/group-commit.ts): a waiting spend's request under its ticket (`QUEUE#SPEND#…`,
 * next to the queue's sequencer), the group's one transaction, and the answers read back. A request holds only
 * what the caller sent the payment flow (ids, amounts, categories), never an address; it lives a day at most.
 */

const isNamed = (error: unknown, name: string) => (error as { name?: string }).name === name;

/** How long taking a request out waits for a group's transaction holding it to settle. */
export const WITHDRAW_PATIENCE_MS = 5000;

/** A spend's writes in a transaction besides its debits: its entry (and hold), its key record. */
function spendWrites(t: Table, p: PlannedSpend, now: Date): TransactItems {
  if (p.kind === 'redeem') {
    return [...(p.ledger ? [t.putNew(ledgerItem(p.ledger))] : []), t.putNew(redeemKeyItem(p.customerId, p.idempotencyKey, p.record, now))];
  }
  return [
    ...(p.placed ? [t.putNew(holdItem(p.placed.hold)), t.putNew(ledgerItem(p.placed.ledger))] : []),
    t.putNew(operationKeyItem(p.customerId, 'HOLD', p.idempotencyKey, p.record, now)),
  ];
}

export class SpendGroups implements GroupCommitStore {
  constructor(private readonly table: Table) {}

  async enqueueSpend(customerId: string, entry: QueuedEntry, now: Date): Promise<void> {
    await this.table.putIfAbsent(queuedSpendItem(customerId, entry, now));
  }

  async queuedSpends(customerId: string): Promise<QueuedEntry[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :queued)',
      ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':queued': QUEUED_SPEND_PREFIX },
      ConsistentRead: true,
    });
    return items.map((item) => decodeAs(item, 'queuedSpend').entry);
  }

  async isQueued(customerId: string, ticket: number): Promise<boolean> {
    return (await this.table.get(keys.customer(customerId), keys.queuedSpend(ticket), 'pk')) !== undefined;
  }

  /**
   * A conditional delete. It may meet the transaction of a group committing the request (TransactionConflict): that
   * transaction decides whether the request is gone, so the delete asks again until it settles — backing off to 250 ms,
   * for up to WITHDRAW_PATIENCE_MS (on DynamoDB a transaction holds its items for tens of ms; a loaded DynamoDB Local
   * once held one past 10 tries in 0.3 s). A synchronous caller's deadline answers first if it comes first.
   */
  async withdrawSpend(customerId: string, ticket: number): Promise<boolean> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.table.doc.send(
          new DeleteCommand({
            TableName: this.table.name,
            Key: { pk: keys.customer(customerId), sk: keys.queuedSpend(ticket) },
            ConditionExpression: 'attribute_exists(pk)',
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        return true;
      } catch (error) {
        if (isNamed(error, 'ConditionalCheckFailedException')) return false;
        if (!isNamed(error, 'TransactionConflictException') || Date.now() - started >= WITHDRAW_PATIENCE_MS) throw error;
        await sleep(Math.min(250, 10 * 2 ** attempt));
      }
    }
  }

  commitGroup: GroupCommitStore['commitGroup'] = async (customerId, spends, now) => {
    const t = this.table;
    const take = new Map<string, { creditId: string; expiresAt: string; amount: number }>();
    for (const { planned } of spends) {
      for (const a of planned.allocations) {
        const sum = take.get(a.creditId);
        take.set(a.creditId, { creditId: a.creditId, expiresAt: a.expiresAt, amount: (sum?.amount ?? 0) + a.amount });
      }
    }
    const items: TransactItems = [...take.values()].map((a) => debitCredit(t, customerId, a, now));
    /** Which ticket's key record each item index writes. */
    const keyOf = new Map<number, number>();
    for (const { ticket, planned } of spends) {
      items.push(...spendWrites(t, planned, now));
      keyOf.set(items.length - 1, ticket); // the key record is a spend's last write
      items.push({
        Delete: {
          TableName: t.name,
          Key: { pk: keys.customer(customerId), sk: keys.queuedSpend(ticket) },
          ConditionExpression: 'attribute_exists(pk)',
        },
      });
    }
    const outcome = await t.transactOrReasons(items);
    if (outcome.committed) return { kind: 'committed' };
    const failed = outcome.reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
    const keysTaken = failed.flatMap((i) => (keyOf.has(i) ? [keyOf.get(i)!] : []));
    return { kind: 'conflict', stale: failed.length > 0, keysTaken };
  };

  /** ADD serving `count` (never past the tickets issued), and the holder's mark set or removed; 0 only moves the mark. */
  async finishTurns(customerId: string, count: number, now: Date, holdingUntilMs?: number): Promise<void> {
    const holding = holdingUntilMs === undefined ? 'REMOVE holdingUntil' : 'SET holdingUntil = :until';
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: { pk: keys.customer(customerId), sk: SPEND_QUEUE_SK },
          UpdateExpression: count > 0 ? `${holding} ADD serving :count` : holding,
          ...(count > 0 ? { ConditionExpression: 'serving < issued' } : {}),
          ...(count > 0 || holdingUntilMs !== undefined
            ? {
                ExpressionAttributeValues: {
                  ...(count > 0 ? { ':count': count } : {}),
                  ...(holdingUntilMs === undefined ? {} : { ':until': holdingUntilMs }),
                },
              }
            : {}),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
    } catch (error) {
      if (!isNamed(error, 'ConditionalCheckFailedException')) throw error;
    }
  }

  async readAnswer<S extends QueuedSpend>(customerId: string, spend: S): Promise<RecordOf<S> | undefined> {
    const key = spend.request.idempotencyKey;
    if (spend.kind === 'redeem') {
      const item = await this.table.get(keys.customer(customerId), keys.redeemKey(key));
      return (item ? decodeAs(item, 'redeemKey').record : undefined) as RecordOf<S> | undefined;
    }
    const item = await this.table.get(keys.customer(customerId), keys.operationKey('HOLD', key));
    // Replayed as first sent: the hold's answer was built by this service from a checked request.
    return (item ? (decodeAs(item, 'operationKey').record as KeyedRecord<HoldResponse>) : undefined) as RecordOf<S> | undefined;
  }
}
