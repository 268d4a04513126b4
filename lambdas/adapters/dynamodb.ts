import { DynamoDBClient, TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { CreditError } from '../domain/errors';
import { DAY_MS, type Credit } from '../domain/credit';
import type { LedgerEntry } from '../domain/ledger';
import type { SpendableCredit } from '../domain/allocation';
import { tableName } from '../shared/config';
import { once } from '../shared/once';
import type { CommitOutcome, CreditStore, GrantRecord, NoticeKind, RedeemRecord, ReminderNoticeRecord } from '../app/ports';

/** Layout (kinds, keys, attribute names): ./dynamodb/layout.ts. `type` names the item kind; the stream filters select on it. */
export { ITEM, keys } from './dynamodb/layout';
import { ITEM, keys } from './dynamodb/layout';

const IDEMPOTENCY_RETENTION_MS = 90 * DAY_MS;
const NOTICE_RETENTION_MS = 90 * DAY_MS;
const epochSeconds = (ms: number) => Math.ceil(ms / 1000);

/** One client per container, reused across invocations. Endpoint overrides come from AWS_ENDPOINT_URL_DYNAMODB. */
export function createDocumentClient(client = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export interface CreditItem extends Credit {
  pk: string;
  sk: string;
  type: typeof ITEM.CREDIT;
  expiresAtMs: number;
  ttl: number;
}

export function creditFromItem(item: Record<string, unknown>): Credit {
  const { pk: _pk, sk: _sk, type: _type, expiresAtMs: _e, ttl: _t, ...credit } = item as unknown as CreditItem;
  return credit;
}

function ledgerFromItem(item: Record<string, unknown>): LedgerEntry {
  const { pk: _pk, sk: _sk, type: _type, ...entry } = item;
  return entry as unknown as LedgerEntry;
}

function ledgerItem(entry: LedgerEntry): Record<string, unknown> {
  return { pk: keys.customer(entry.customerId), sk: keys.ledger(entry.entryId), type: ITEM.LEDGER, ...entry };
}

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

export class DynamoCreditStore implements CreditStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Run one transaction and classify a cancellation: the guard item (the idempotency record, or the status the
   * transaction flips) failing its condition means "done before" -> duplicate, with the earlier record if it can
   * be had; any other cancellation is a conflict, stale when a condition failed (data changed since read).
   */
  private async transact<T>(
    items: NonNullable<TransactWriteCommandInput['TransactItems']>,
    guardIndex: number,
    existing: (reason: CancellationReason) => Promise<T | undefined>,
  ): Promise<CommitOutcome<T>> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }));
      return { kind: 'committed' };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const guard = reasons[guardIndex];
      if (guard?.Code === 'ConditionalCheckFailed') return { kind: 'duplicate', existing: await existing(guard) };
      return { kind: 'conflict', stale: isStale(reasons) };
    }
  }

  async grant(input: { credit: Credit; ledger: LedgerEntry; remindAt?: Date; requestHash: string }): Promise<CommitOutcome<GrantRecord>> {
    const { credit, ledger, remindAt, requestHash } = input;
    const expiresAtMs = Date.parse(credit.expiresAt);
    const pk = keys.customer(credit.customerId);
    const grantRecord: GrantRecord = { complaintId: credit.complaintId, customerId: credit.customerId, creditId: credit.creditId, requestHash };
    const items = [
      {
        Put: {
          TableName: this.table,
          Item: { pk: keys.complaint(credit.complaintId), sk: 'GRANT', type: ITEM.GRANT, ...grantRecord, at: credit.grantedAt },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { pk, sk: keys.credit(credit.expiresAt, credit.creditId), type: ITEM.CREDIT, ...credit, expiresAtMs, ttl: epochSeconds(expiresAtMs) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Put: { TableName: this.table, Item: ledgerItem(ledger), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...(remindAt
        ? [
            {
              Put: {
                TableName: this.table,
                Item: {
                  pk,
                  sk: keys.reminder(credit.creditId),
                  type: ITEM.REMINDER,
                  customerId: credit.customerId,
                  creditId: credit.creditId,
                  expiresAt: credit.expiresAt,
                  remindAt: remindAt.toISOString(),
                  ttl: epochSeconds(remindAt.getTime()),
                },
              },
            },
          ]
        : []),
    ];
    return this.transact(items, 0, async (guard) =>
      guard.Item ? (unmarshall(guard.Item) as GrantRecord) : this.getGrantRecord(credit.complaintId),
    );
  }

  /** Strongly consistent GetItem: money decisions never act on a stale read. */
  private async getItem(pk: string, sk: string, projection?: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true, ProjectionExpression: projection, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return out.Item;
  }

  private async getGrantRecord(complaintId: string): Promise<GrantRecord | undefined> {
    return (await this.getItem(keys.complaint(complaintId), 'GRANT')) as GrantRecord | undefined;
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey, ReturnConsumedCapacity: 'TOTAL' }));
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  async listSpendableCredits(customerId: string, now: Date): Promise<SpendableCredit[]> {
    // The sort key starts with the expiry, so expired credits are skipped by the key condition itself,
    // whether or not TTL has deleted them yet.
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      FilterExpression: 'remaining > :zero',
      ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':from': `CREDIT#${now.toISOString()}`, ':to': 'CREDIT#~', ':zero': 0 },
      ProjectionExpression: 'creditId, currency, remaining, expiresAt',
      ConsistentRead: true,
    });
    return items as unknown as SpendableCredit[];
  }

  async listStoredCredits(customerId: string): Promise<Array<SpendableCredit & { amount: number }>> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :credit)',
      ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':credit': 'CREDIT#' },
      ProjectionExpression: 'creditId, currency, remaining, expiresAt, amount',
      ConsistentRead: true,
    });
    return items as unknown as Array<SpendableCredit & { amount: number }>;
  }

  async getCredit(customerId: string, creditId: string, expiresAt: string): Promise<Credit | undefined> {
    const item = await this.getItem(keys.customer(customerId), keys.credit(expiresAt, creditId));
    return item ? creditFromItem(item) : undefined;
  }

  async commitRedemption(input: {
    customerId: string;
    idempotencyKey: string;
    record: RedeemRecord;
    ledger?: LedgerEntry;
    now: Date;
  }): Promise<CommitOutcome<RedeemRecord>> {
    const { customerId, idempotencyKey, record, ledger, now } = input;
    const pk = keys.customer(customerId);
    const debits = record.response.allocations.map((a) => ({
      Update: {
        TableName: this.table,
        Key: { pk, sk: keys.credit(a.expiresAt, a.creditId) },
        UpdateExpression: 'SET remaining = remaining - :take',
        // Never overdraw, never spend an expired credit: checked by DynamoDB at commit time.
        ConditionExpression: 'attribute_exists(pk) AND remaining >= :take AND expiresAtMs > :now',
        ExpressionAttributeValues: { ':take': a.amount, ':now': now.getTime() },
      },
    }));
    const idempotencyIndex = debits.length + (ledger ? 1 : 0);
    const items = [
      ...debits,
      ...(ledger ? [{ Put: { TableName: this.table, Item: ledgerItem(ledger), ConditionExpression: 'attribute_not_exists(pk)' } }] : []),
      {
        Put: {
          TableName: this.table,
          Item: {
            pk,
            sk: keys.redeemKey(idempotencyKey),
            type: ITEM.IDEMPOTENCY,
            requestHash: record.requestHash,
            // Stored as the exact JSON sent the first time, so a replay answers byte for byte the same.
            response: JSON.stringify(record.response),
            ttl: epochSeconds(now.getTime() + IDEMPOTENCY_RETENTION_MS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      },
    ];
    return this.transact(items, idempotencyIndex, async (guard) =>
      guard.Item ? toRedeemRecord(unmarshall(guard.Item)) : this.getRedeemRecord(customerId, idempotencyKey),
    );
  }

  async getRedeemRecord(customerId: string, idempotencyKey: string): Promise<RedeemRecord | undefined> {
    const item = await this.getItem(keys.customer(customerId), keys.redeemKey(idempotencyKey));
    return item ? toRedeemRecord(item) : undefined;
  }

  async getLedgerEntry(customerId: string, entryId: string): Promise<LedgerEntry | undefined> {
    const item = await this.getItem(keys.customer(customerId), keys.ledger(entryId));
    return item ? ledgerFromItem(item) : undefined;
  }

  async commitReversal(input: {
    redemption: LedgerEntry;
    reversal: LedgerEntry;
    restore: ReadonlyArray<{ creditId: string; amount: number; expiresAt: string; maxRemainingBefore: number }>;
    now: Date;
  }): Promise<CommitOutcome<never>> {
    const { redemption, reversal, restore, now } = input;
    const pk = keys.customer(redemption.customerId);
    const items = [
      {
        Update: {
          TableName: this.table,
          Key: { pk, sk: keys.ledger(redemption.entryId) },
          UpdateExpression: 'SET #status = :reversed, reversalId = :reversalId, reversedAt = :at',
          ConditionExpression: '#status = :applied',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':reversed': 'REVERSED', ':applied': 'APPLIED', ':reversalId': reversal.entryId, ':at': reversal.at },
        },
      },
      { Put: { TableName: this.table, Item: ledgerItem(reversal), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...restore.map((r) => ({
        Update: {
          TableName: this.table,
          Key: { pk, sk: keys.credit(r.expiresAt, r.creditId) },
          UpdateExpression: 'SET remaining = remaining + :give',
          // Restore only into a credit that is still there and unexpired, and never above its original amount.
          ConditionExpression: 'attribute_exists(pk) AND expiresAtMs > :now AND remaining <= :max',
          ExpressionAttributeValues: { ':give': r.amount, ':now': now.getTime(), ':max': r.maxRemainingBefore },
        },
      })),
    ];
    // Guard: the redemption's status flip APPLIED -> REVERSED.
    return this.transact<never>(items, 0, async () => undefined);
  }

  async recordExpiry(entry: LedgerEntry): Promise<boolean> {
    return this.putIfAbsent(ledgerItem(entry));
  }

  /** PutItem only if no item has that key; false if one had (a redelivery, not an error). */
  private async putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)', ReturnConsumedCapacity: 'TOTAL' }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async history(customerId: string, limit: number, cursor?: string): Promise<{ entries: LedgerEntry[]; nextCursor?: string }> {
    const pk = keys.customer(customerId);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ledger)',
        ExpressionAttributeValues: { ':pk': pk, ':ledger': 'LEDGER#' },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: cursor ? decodeCursor(cursor, pk) : undefined,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const entries = (out.Items ?? []).map(ledgerFromItem);
    return { entries, nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey as { sk: string }) : undefined };
  }

  async hasNotice(customerId: string, creditId: string, kind: NoticeKind): Promise<boolean> {
    return (await this.getItem(keys.customer(customerId), keys.notice(creditId, kind), 'pk')) !== undefined;
  }

  async putNotice(kind: NoticeKind, notice: ReminderNoticeRecord, expiresAt: string): Promise<boolean> {
    return this.putIfAbsent({
      pk: keys.customer(notice.customerId),
      sk: keys.notice(notice.creditId, kind),
      type: ITEM.NOTICE,
      notice: kind,
      ...notice,
      ttl: epochSeconds(Date.parse(expiresAt) + NOTICE_RETENTION_MS),
    });
  }
}

function toRedeemRecord(item: Record<string, unknown>): RedeemRecord {
  return { requestHash: item.requestHash as string, response: JSON.parse(item.response as string) as RedeemRecord['response'] };
}

/** History cursors are opaque to callers: base64url of the last sort key, checked on the way back in. */
function encodeCursor(key: { sk: string }): string {
  return Buffer.from(JSON.stringify({ sk: key.sk })).toString('base64url');
}

function decodeCursor(cursor: string, pk: string): Record<string, string> {
  try {
    const { sk } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { sk?: unknown };
    if (typeof sk === 'string' && sk.startsWith('LEDGER#')) return { pk, sk };
  } catch {
    // fall through
  }
  throw new CreditError('INVALID_INPUT', 'invalid input: cursor: not a cursor returned by this service', {
    issues: [{ path: 'cursor', problem: 'not a cursor returned by this service' }],
  });
}

/** The store for this container, created on first use (a missing TABLE_NAME fails with its name, not at import). */
export const creditStore = once<CreditStore>(() => new DynamoCreditStore(createDocumentClient(), tableName()));
