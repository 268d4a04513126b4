/**
 * What a DynamoDB JSON-protocol request touches, for the strict layer (ddb-strict.ts): the items (table + primary
 * key) it writes or reads, their partitions (table or index + partition key value), and the write units it will
 * cost by AWS's item-size rules (ddb-capacity.ts), using the last size the layer saw of each item.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { transactWriteUnits, wireItemSize, writeUnits } from './ddb-capacity';

type Item = Record<string, AttributeValue>;

/** A table's key attributes, and each global secondary index's partition key attribute. */
export interface KeySchema {
  readonly hash: string;
  readonly range?: string;
  readonly indexHash: Readonly<Record<string, string>>;
}

/** One item a request touches: who it is, which partition holds it, what the request writes there (if it does). */
export interface Touch {
  readonly table: string;
  readonly item: string;
  readonly partition: string;
  readonly key: Item;
  /** Put: the whole new item. */
  readonly newItem?: Item;
  /** Update: the values it sets (an upper bound of what it adds). */
  readonly values?: Item;
  readonly write: boolean;
}

const attr = (v: AttributeValue | undefined) => JSON.stringify(v ?? null);

export const itemId = (table: string, schema: KeySchema, key: Item) =>
  `${table} ${schema.hash}=${attr(key[schema.hash])}${schema.range ? ` ${schema.range}=${attr(key[schema.range])}` : ''}`;

export const partitionId = (table: string, schema: KeySchema, key: Item, index?: string) => {
  const hash = index ? schema.indexHash[index] : schema.hash;
  return `${table}${index ? `/${index}` : ''} ${hash}=${attr(hash ? key[hash] : undefined)}`;
};

/** The item one write or get action names (`Put` carries the item, the others its `Key`). */
export function touch(schema: KeySchema, table: string, action: Record<string, any>, write: boolean): Touch {
  const key: Item = action.Key ?? action.Item ?? {};
  return {
    table,
    item: itemId(table, schema, key),
    partition: partitionId(table, schema, key),
    key,
    ...(action.Item ? { newItem: action.Item as Item } : {}),
    ...(action.ExpressionAttributeValues ? { values: action.ExpressionAttributeValues as Item } : {}),
    write,
  };
}

/** Write actions of a TransactWriteItems, in request order. */
export function transactWriteActions(body: any): Array<{ table: string; action: Record<string, any> }> {
  return (body?.TransactItems ?? []).map((t: Record<string, any>) => {
    const action = t.Put ?? t.Update ?? t.Delete ?? t.ConditionCheck ?? {};
    return { table: action.TableName as string, action };
  });
}

/** Get actions of a TransactGetItems, in request order. */
export function transactGetActions(body: any): Array<{ table: string; action: Record<string, any> }> {
  return (body?.TransactItems ?? []).map((t: Record<string, any>) => ({ table: t.Get?.TableName as string, action: t.Get ?? {} }));
}

/** Last known size of each item the layer saw written or read (bounded; unknown items count as their key alone). */
export class ItemSizes {
  private readonly sizes = new Map<string, number>();

  get(item: string): number {
    return this.sizes.get(item) ?? 0;
  }

  set(item: string, bytes: number): void {
    if (this.sizes.size > 200_000) this.sizes.clear();
    this.sizes.set(item, bytes);
  }

  /**
   * The size a write leaves: a Put, its item; an Update, the size last seen (reads refresh it exactly), or for an
   * item never seen its key and the values it sets.
   */
  after(t: Touch): number {
    if (t.newItem) return wireItemSize(t.newItem);
    return this.get(t.item) || wireItemSize({ ...t.key, ...(t.values ?? {}) });
  }

  /** Write units of one write: max(size before, size after), transactional writes cost twice (ddb-capacity.ts). */
  units(t: Touch, transactional: boolean): number {
    const bytes = Math.max(this.get(t.item), this.after(t));
    return transactional ? transactWriteUnits(bytes) : writeUnits(bytes);
  }
}
