import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SpendQueueState, SpendTurn } from '../../app/ports';
import { DAY_MS } from '../../domain/credit';
import type { Table } from './client';
import { describe, fields, type Fields } from './fields';
import { ITEM, SPEND_QUEUE_SK, keys } from './layout';

/**
 * The customer's spend queue (issue 10.5, used only under contention; see lambdas/app/spend.ts): one sequencer item
 * holding `issued` (tickets handed out) and `serving` (turns finished). A ticket is one atomic ADD; a turn over
 * (committed or given up) is counted with another, after the holder's commit: no transaction ever touches the
 * sequencer, so on DynamoDB these single-item writes never meet a transaction (TransactionConflict) and the
 * sequencer never cancels a spend's commit; a stalled turn (no turn finished for a lease) is passed with a
 * single-item update conditioned on the count a waiter saw. The item lives one day past its last use (TTL), then the count restarts.
 */

const QUEUE_RETENTION_MS = DAY_MS;

const ttlAfter = (now: Date) => Math.ceil((now.getTime() + QUEUE_RETENTION_MS) / 1000);

export function decodeSpendQueue(f: Fields): { customerId: string; issued: number; serving: number } {
  return { customerId: f.str('customerId'), issued: f.int('issued'), serving: f.int('serving') };
}

/**
 * The count of finished turns, one up — never past the tickets handed out: a turn that was passed as stalled (its
 * holder slower than a lease, not crashed) and then finishes would otherwise be counted twice, leaving `serving` above
 * `issued` and the next turns unordered.
 */
function finished(customerId: string, now: Date) {
  return {
    Key: { pk: keys.customer(customerId), sk: SPEND_QUEUE_SK },
    UpdateExpression: 'SET #ttl = :ttl ADD serving :one',
    ConditionExpression: 'serving < issued',
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: { ':one': 1, ':ttl': ttlAfter(now) },
  };
}

const conditionFailed = (error: unknown) => (error as { name?: string }).name === 'ConditionalCheckFailedException';

export class SpendQueues {
  constructor(private readonly table: Table) {}

  async takeTicket(customerId: string, now: Date): Promise<SpendQueueState & SpendTurn> {
    const t = this.table;
    const out = await t.doc.send(
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
    );
    const raw = out.Attributes ?? {};
    const f = fields(raw, describe(raw));
    const queue = decodeSpendQueue(f);
    const holdingUntilMs = f.optInt('holdingUntil');
    return { ticket: queue.issued - 1, serving: queue.serving, ...(holdingUntilMs === undefined ? {} : { holdingUntilMs }) };
  }

  async readQueue(customerId: string): Promise<SpendQueueState> {
    const out = await this.table.doc.send(
      new GetCommand({
        TableName: this.table.name,
        Key: { pk: keys.customer(customerId), sk: SPEND_QUEUE_SK },
        ConsistentRead: true,
        ProjectionExpression: 'serving, holdingUntil',
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    if (!out.Item) return { serving: 0 };
    const f = fields(out.Item, describe(out.Item));
    const holdingUntilMs = f.optInt('holdingUntil');
    return { serving: f.int('serving'), ...(holdingUntilMs === undefined ? {} : { holdingUntilMs }) };
  }

  async finishTurn(customerId: string, now: Date): Promise<void> {
    try {
      await this.table.update(finished(customerId, now));
    } catch (error) {
      if (!conditionFailed(error)) throw error; // every ticket's turn is counted already (this one was passed as stalled)
    }
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
      if (conditionFailed(error)) return false;
      throw error;
    }
  }
}
