import type { Table } from './client';
import type { RawItem } from './fields';
import { ERASED_AT, ERASURE_MARKED, keys, PERSONAL_ATTRIBUTES, type ItemKind } from './layout';

/**
 * Erasure: the personal attributes (layout.ts, PERSONAL_ATTRIBUTES) removed from every item in the customer's
 * partition, page by page; closed codes live under other names and stay.
 */

const marks = (kind: unknown): boolean => ERASURE_MARKED.includes(kind as ItemKind);

/** An item as erasure leaves it: what the update below does, as a pure function (the codec's property test uses it). */
export function erasedItem(raw: RawItem, erasedAt: string): RawItem {
  const kept = Object.fromEntries(Object.entries(raw).filter(([name]) => !(PERSONAL_ATTRIBUTES as readonly string[]).includes(name)));
  return marks(raw.type) ? { ...kept, [ERASED_AT]: raw[ERASED_AT] ?? erasedAt } : kept;
}

export class Erasure {
  constructor(private readonly table: Table) {}

  async eraseCustomer(customerId: string, erasedAt: string): Promise<number> {
    const names = Object.fromEntries(PERSONAL_ATTRIBUTES.map((a, i) => [`#p${i}`, a]));
    const pk = keys.customer(customerId);
    let changed = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.queryPage({
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: Object.keys(names)
          .map((n) => `attribute_exists(${n})`)
          .join(' OR '),
        ExpressionAttributeNames: { ...names, '#type': 'type' },
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk, #type',
        ConsistentRead: true,
        ExclusiveStartKey,
      });
      for (const item of page.items) {
        if (await this.eraseItem(item.pk as string, item.sk as string, marks(item.type), names, erasedAt)) changed++;
      }
      ExclusiveStartKey = page.lastKey;
    } while (ExclusiveStartKey);
    return changed;
  }

  /** REMOVE the attributes (a marked kind also gets `erasedAt`), only if the item is still there: an update never creates one. */
  private async eraseItem(pk: string, sk: string, marked: boolean, names: Record<string, string>, erasedAt: string): Promise<boolean> {
    try {
      await this.table.update({
        Key: { pk, sk },
        UpdateExpression: `${marked ? `SET ${ERASED_AT} = if_not_exists(${ERASED_AT}, :at) ` : ''}REMOVE ${Object.keys(names).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ...(marked ? { ExpressionAttributeValues: { ':at': erasedAt } } : {}),
      });
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
