import { DynamoDBClient, TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
  type ScanCommandInput,
  type UpdateCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TRANSACTION_MAX_ITEMS, type CommitOutcome } from '../../app/ports';
import { CreditError } from '../../domain/errors';
import { sleep } from '../../shared/retry';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { RawItem } from './fields';
import { ATTR } from './layout';

/** The table's client: strongly consistent reads, paged queries, put-if-absent and classified transactions. */

/** Keys one BatchGetItem may ask for (DynamoDB's limit). */
export const BATCH_GET_MAX_KEYS = 100;

/** An item's primary key as one string (a map key). */
const keyOf = (k: { pk: string; sk: string }) => `${k.pk}\u0000${k.sk}`;

/** How often keys DynamoDB left unprocessed (throttled) are asked for again, with a doubling pause from 20 ms. */
const BATCH_GET_RETRIES = 6;

/** One client per container, reused across invocations. Endpoint overrides come from AWS_ENDPOINT_URL_DYNAMODB. */
export function createDocumentClient(client = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** Only if no item has that key yet: every item this service creates is written once. */
export const IF_ABSENT = `attribute_not_exists(${ATTR.PK})`;

/** A cancelled transaction whose conditions failed (data changed since read), as opposed to a TransactionConflict. */
function isStale(reasons: CancellationReason[]): boolean {
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
}

function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (error instanceof TransactionCanceledException || (error as { name?: string })?.name === 'TransactionCanceledException') {
    return (error as TransactionCanceledException).CancellationReasons ?? [];
  }
  return undefined;
}

export class Table {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  /** Strongly consistent GetItem: money decisions never act on a stale read. */
  async get(pk: string, sk: string, projection?: string): Promise<RawItem | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.name,
        Key: { pk, sk },
        ConsistentRead: true,
        ProjectionExpression: projection,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return out.Item;
  }

  /**
   * Strongly consistent reads of many items, BATCH_GET_MAX_KEYS a request (in parallel): the items in the order of
   * `keys`, undefined where none is. Keys DynamoDB leaves unprocessed (a throttled partition) are asked for again.
   */
  async getMany(keys: ReadonlyArray<{ pk: string; sk: string }>): Promise<Array<RawItem | undefined>> {
    const chunks: Array<Array<{ pk: string; sk: string }>> = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX_KEYS) chunks.push(keys.slice(i, i + BATCH_GET_MAX_KEYS));
    const found = new Map<string, RawItem>();
    await Promise.all(chunks.map((chunk) => this.getChunk(chunk, found)));
    return keys.map((k) => found.get(keyOf(k)));
  }

  private async getChunk(keys: Array<{ pk: string; sk: string }>, found: Map<string, RawItem>): Promise<void> {
    let wanted: Array<Record<string, unknown>> = keys.map(({ pk, sk }) => ({ pk, sk }));
    for (let attempt = 0; wanted.length > 0; attempt++) {
      if (attempt > BATCH_GET_RETRIES)
        throw new Error(`BatchGetItem left ${wanted.length} keys unprocessed after ${BATCH_GET_RETRIES} retries`);
      if (attempt > 0) await sleep(20 * 2 ** (attempt - 1));
      const out = await this.doc.send(
        new BatchGetCommand({
          RequestItems: { [this.name]: { Keys: wanted, ConsistentRead: true } },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      for (const item of (out.Responses?.[this.name] ?? []) as Array<RawItem & { pk: string; sk: string }>) found.set(keyOf(item), item);
      wanted = out.UnprocessedKeys?.[this.name]?.Keys ?? [];
    }
  }

  /** One page of a query, and the key to continue from if there is more. */
  async queryPage(input: Omit<QueryCommandInput, 'TableName'>): Promise<{ items: RawItem[]; lastKey?: RawItem }> {
    const out = await this.doc.send(new QueryCommand({ ...input, TableName: this.name, ReturnConsumedCapacity: 'TOTAL' }));
    return { items: (out.Items ?? []) as RawItem[], lastKey: out.LastEvaluatedKey };
  }

  /** Every page of a query. */
  async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<RawItem[]> {
    const items: RawItem[] = [];
    let ExclusiveStartKey: RawItem | undefined;
    do {
      const page = await this.queryPage({ ...input, ExclusiveStartKey });
      items.push(...page.items);
      ExclusiveStartKey = page.lastKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** One UpdateItem (a failed condition is thrown as ConditionalCheckFailedException). */
  async update(input: Omit<UpdateCommandInput, 'TableName'>): Promise<void> {
    await this.doc.send(new UpdateCommand({ ...input, TableName: this.name, ReturnConsumedCapacity: 'TOTAL' }));
  }

  /** Every page of a Scan (the whole table: only for the finance reconciliation). */
  async scanAll(input: Omit<ScanCommandInput, 'TableName'>): Promise<RawItem[]> {
    const items: RawItem[] = [];
    await this.scanEach(input, (item) => items.push(item));
    return items;
  }

  /** Every item of a Scan handed to `visit`, page by page (none kept). */
  async scanEach(input: Omit<ScanCommandInput, 'TableName'>, visit: (item: RawItem) => void): Promise<void> {
    let ExclusiveStartKey: RawItem | undefined;
    do {
      const out = await this.doc.send(
        new ScanCommand({ ...input, TableName: this.name, ExclusiveStartKey, ReturnConsumedCapacity: 'TOTAL' }),
      );
      for (const item of (out.Items ?? []) as RawItem[]) visit(item);
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  /** PutItem only if no item has that key; false if one had (a redelivery, not an error). */
  async putIfAbsent(item: RawItem): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.name, Item: item, ConditionExpression: IF_ABSENT, ReturnConsumedCapacity: 'TOTAL' }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** A Put of a new item inside a transaction. */
  putNew(item: RawItem, returnOldOnFailure = false): TransactItems[number] {
    return {
      Put: {
        TableName: this.name,
        Item: item,
        ConditionExpression: IF_ABSENT,
        ...(returnOldOnFailure ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
      },
    };
  }

  /**
   * Run one transaction and classify a cancellation: the guard item (the idempotency record, or the status the
   * transaction flips) failing its condition means "done before" -> duplicate, with the earlier record if it can
   * be had (`existing` gets the old guard item when DynamoDB returned it); any other cancellation is a conflict, stale when a condition failed (data changed since read).
   */
  async transact<T>(
    items: TransactItems,
    guardIndex: number,
    existing: (oldGuardItem: RawItem | undefined) => Promise<T | undefined>,
  ): Promise<CommitOutcome<T>> {
    const outcome = await this.transactOrReasons(items);
    if (outcome.committed) return { kind: 'committed' };
    const guard = outcome.reasons[guardIndex];
    if (guard?.Code === 'ConditionalCheckFailed') {
      return { kind: 'duplicate', existing: await existing(guard.Item ? unmarshall(guard.Item) : undefined) };
    }
    return { kind: 'conflict', stale: isStale(outcome.reasons) };
  }

  /** Run one transaction: committed, or the reasons DynamoDB cancelled it for (one per item, in order). */
  async transactOrReasons(items: TransactItems): Promise<{ committed: true } | { committed: false; reasons: CancellationReason[] }> {
    if (items.length > TRANSACTION_MAX_ITEMS) {
      // Only a hold or redemption stored before the per-credit limits were lowered gets here.
      throw new CreditError('TOO_MANY_CREDITS', `this write touches too many credits for one transaction (${items.length} items)`, {
        items: items.length,
        max: TRANSACTION_MAX_ITEMS,
      });
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }));
      return { committed: true };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      return { committed: false, reasons };
    }
  }
}
