import { PERSONAL_ATTRIBUTES } from '../../domain/erasure';
import type { Table } from './client';
import { ITEM, keys } from './layout';

/** Erasure: the personal attributes removed from every item in the customer's partition, page by page. */
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
        // Credits and pending grants are marked erased (they decode without the personal attributes then).
        const marked = item.type === ITEM.CREDIT || item.type === ITEM.PENDING_GRANT;
        if (await this.eraseItem(item.pk as string, item.sk as string, marked, names, erasedAt)) changed++;
      }
      ExclusiveStartKey = page.lastKey;
    } while (ExclusiveStartKey);
    return changed;
  }

  /** REMOVE the attributes (a credit or pending grant also gets `erasedAt`), only if the item is still there: an update never creates one. */
  private async eraseItem(pk: string, sk: string, credit: boolean, names: Record<string, string>, erasedAt: string): Promise<boolean> {
    try {
      await this.table.update({
        Key: { pk, sk },
        UpdateExpression: `${credit ? 'SET erasedAt = if_not_exists(erasedAt, :at) ' : ''}REMOVE ${Object.keys(names).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ...(credit ? { ExpressionAttributeValues: { ':at': erasedAt } } : {}),
      });
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
