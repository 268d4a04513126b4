import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SpendQueueState, SpendTurn } from '../../app/ports';
import { DAY_MS } from '../../domain/credit';
import type { Table, TransactItems } from './client';
import { describe, fields, type Fields } from './fields';
import { ITEM, SPEND_QUEUE_SK, keys } from './layout';

/**
 * The customer's spend queue (issue 10.5, used only under contention; see lambdas/app/spend.ts): one sequencer item
 * holding `issued` (tickets handed out) and `serving` (turns finished). A ticket is one atomic ADD; a holder's commit
 * counts its turn finished inside its own transaction; a turn given up is counted alone; a stalled one (no turn
 * finished for a lease) with a single-item update conditioned on the count a waiter saw. The item lives one day past its last use (TTL), then the count restarts.
 */

const QUEUE_RETENTION_MS = DAY_MS;
/** A single-item write meeting a transaction on the same item is refused with TransactionConflict on AWS: try again. */
const TICKET_TRIES = 5;

/** A single-item write that met a transaction on the item (TransactionConflict on AWS), tried again up to TICKET_TRIES times. */
async function triedAgainOnConflict<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if ((error as { name?: string }).name !== 'TransactionConflictException' || attempt >= TICKET_TRIES) throw error;
    }
  }
}

const ttlAfter = (now: Date) => Math.ceil((now.getTime() + QUEUE_RETENTION_MS) / 1000);

export function decodeSpendQueue(f: Fields): { customerId: string; issued: number; serving: number } {
  return { customerId: f.str('customerId'), issued: f.int('issued'), serving: f.int('serving') };
}

/** The count of finished turns, one up (inside a spend's transaction, or alone for a turn given up). */
function finished(t: Table, customerId: string, now: Date) {
  return {
    TableName: t.name,
    Key: { pk: keys.customer(customerId), sk: SPEND_QUEUE_SK },
    UpdateExpression: 'SET #ttl = :ttl ADD serving :one',
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: { ':one': 1, ':ttl': ttlAfter(now) },
  };
}

/** Inside a spend's transaction: the holder's turn counted finished (no condition: the queue orders work, debits guard money). */
export function advanceQueue(t: Table, customerId: string, _turn: SpendTurn, now: Date): TransactItems[number] {
  return { Update: finished(t, customerId, now) };
}

export class SpendQueues {
  constructor(private readonly table: Table) {}

  async takeTicket(customerId: string, now: Date): Promise<SpendQueueState & SpendTurn> {
    const t = this.table;
    const out = await triedAgainOnConflict(() =>
      t.doc.send(
        new UpdateCommand({
          TableName: t.name,
          Key: { pk: keys.customer(customerId), sk: SPEND_QUEUE_SK },
          UpdateExpression:
            'SET #type = :type, customerId = :customerId, serving = if_not_exists(serving, :zero), #ttl = :ttl ADD issued :one',
          ExpressionAttributeNames: { '#type': 'type', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':type': ITEM.SPEND_QUEUE,
            ':customerId': customerId,
            ':zero': 0,
            ':one': 1,
            ':ttl': ttlAfter(now),
          },
          ReturnValues: 'ALL_NEW',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    const raw = out.Attributes ?? {};
    const queue = decodeSpendQueue(fields(raw, describe(raw)));
    return { ticket: queue.issued - 1, serving: queue.serving };
  }

  async readQueue(customerId: string): Promise<SpendQueueState> {
    const out = await this.table.doc.send(
      new GetCommand({
        TableName: this.table.name,
        Key: { pk: keys.customer(customerId), sk: SPEND_QUEUE_SK },
        ConsistentRead: true,
        ProjectionExpression: 'serving',
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return { serving: out.Item ? fields(out.Item, describe(out.Item)).int('serving') : 0 };
  }

  async finishTurn(customerId: string, now: Date): Promise<void> {
    await triedAgainOnConflict(() => this.table.update(finished(this.table, customerId, now)));
  }

  async passStalledTurn(customerId: string, seen: number, now: Date): Promise<boolean> {
    try {
      await this.table.update({
        Key: { pk: keys.customer(customerId), sk: SPEND_QUEUE_SK },
        UpdateExpression: 'SET serving = :next, #ttl = :ttl',
        ConditionExpression: 'serving = :seen',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':seen': seen, ':next': seen + 1, ':ttl': ttlAfter(now) },
      });
      return true;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'ConditionalCheckFailedException' || name === 'TransactionConflictException') return false;
      throw error;
    }
  }
}
