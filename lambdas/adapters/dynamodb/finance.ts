import type { DayTotals, Movement } from '../../domain/finance';
import type { LedgerEntry } from '../../domain/ledger';
import { DAY_MS } from '../../domain/credit';
import type { CommitOutcome } from '../../app/ports';
import type { Table } from './client';
import { decodeAs } from './codec';
import type { RawItem } from './fields';
import { APPLIED_SK, FIN_SHARDS, ITEM, keys, shardOfId } from './layout';
import { epochSeconds } from './ttl';

/**
 * The finance report's aggregates: a ledger entry's movement is added to its day totals in the same transaction that
 * writes the entry's "applied" mark (only if absent), so a redelivered entry is never counted twice. Day totals are
 * spread over FIN_SHARDS partitions by entry id; the report reads them all.
 */

/** How long an applied mark is kept: far beyond the stream's 24 h retention and a failure-queue redrive. */
const APPLIED_RETENTION_MS = 30 * DAY_MS;

/** Stable shard of an entry id. */
export const shardOf = (entryId: string): number => shardOfId(entryId, FIN_SHARDS);

export class Finance {
  constructor(private readonly table: Table) {}

  async applyMovement(entryId: string, movement: Movement, now = new Date()): Promise<CommitOutcome<never>> {
    const t = this.table;
    const columns = Object.entries(movement.amounts);
    const mark: RawItem = {
      pk: keys.applied(entryId),
      sk: APPLIED_SK,
      type: ITEM.APPLIED,
      entryId,
      ttl: epochSeconds(now.getTime() + APPLIED_RETENTION_MS),
    };
    const items = [
      t.putNew(mark),
      {
        Update: {
          TableName: t.name,
          Key: { pk: keys.finShard(shardOf(entryId)), sk: keys.dayTotals(movement.day, movement.currency) },
          UpdateExpression: `SET #type = :type, currency = :currency, #day = :day ADD ${columns.map((_, i) => `#c${i} :a${i}`).join(', ')}`,
          ExpressionAttributeNames: { '#type': 'type', '#day': 'day', ...Object.fromEntries(columns.map(([c], i) => [`#c${i}`, c])) },
          ExpressionAttributeValues: {
            ':type': ITEM.DAY_TOTALS,
            ':currency': movement.currency,
            ':day': movement.day,
            ...Object.fromEntries(columns.map(([, amount], i) => [`:a${i}`, amount])),
          },
        },
      },
    ];
    return t.transact<never>(items, 0, async () => undefined);
  }

  async dayTotals(to: string): Promise<DayTotals[]> {
    const shards = Array.from({ length: FIN_SHARDS }, (_, i) => i);
    // Day totals sort by day: everything up to the end of `to` ("~" sorts after every currency code).
    const pages = await Promise.all(
      shards.map((shard) =>
        this.table.queryAll({
          KeyConditionExpression: 'pk = :pk AND sk <= :to',
          ExpressionAttributeValues: { ':pk': keys.finShard(shard), ':to': keys.dayTotals(to, '~') },
          ConsistentRead: true,
        }),
      ),
    );
    return pages.flat().map((item) => decodeTotals(item));
  }

  async remainingOnCredits(): Promise<Record<string, number>> {
    const items = await this.table.scanAll({
      FilterExpression: '#type = :credit',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':credit': ITEM.CREDIT },
      ProjectionExpression: 'currency, remaining',
      ConsistentRead: true,
    });
    const out: Record<string, number> = {};
    for (const item of items) {
      const currency = item.currency as string;
      out[currency] = (out[currency] ?? 0) + (item.remaining as number);
    }
    return out;
  }

  /** Every ledger entry in the table, decoded, page by page (the reconciliation recomputes each report column). */
  async forEachLedgerEntry(visit: (entry: LedgerEntry) => void): Promise<void> {
    await this.table.scanEach(
      {
        FilterExpression: '#type = :ledger',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':ledger': ITEM.LEDGER },
        ConsistentRead: true,
      },
      (item) => visit(decodeAs(item, 'ledger').entry),
    );
  }
}

const decodeTotals = (item: RawItem): DayTotals => decodeAs(item, 'dayTotals').totals;
