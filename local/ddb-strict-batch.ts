/**
 * BatchGetItem through the strict layer (ddb-strict.ts): each key is read as a GetItem would be and charged to its
 * partition by AWS's item-size rules (a key with no item costs the minimum). The keys of a partition whose read
 * balance is spent come back in `UnprocessedKeys`, as DynamoDB answers a throttled batch; when not one key could be
 * read, the whole request is refused with ProvisionedThroughputExceededException.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { getReadUnits, wireItemSize } from './ddb-capacity';
import type { PartitionMeter } from './ddb-strict-rules';
import { itemId, partitionId, type KeySchema } from './ddb-strict-requests';

type Item = Record<string, AttributeValue>;
interface TableRequest {
  Keys: Item[];
  ConsistentRead?: boolean;
  [more: string]: unknown;
}

/** What the layer answers: the batch as metered (`held`: keys moved to UnprocessedKeys), or the whole request throttled. */
export type MeteredBatch =
  | { readonly kind: 'answer'; readonly out: any; readonly held: number; readonly sizes: ReadonlyArray<[string, number]> }
  | { readonly kind: 'throttled'; readonly table: string };

export function meterBatchGet(
  request: { RequestItems: Record<string, TableRequest> },
  answer: { Responses?: Record<string, Item[]>; UnprocessedKeys?: Record<string, TableRequest> },
  schemas: ReadonlyMap<string, KeySchema>,
  meter: PartitionMeter,
): MeteredBatch {
  const responses: Record<string, Item[]> = {};
  const unprocessed: Record<string, TableRequest> = {};
  for (const [table, left] of Object.entries(answer.UnprocessedKeys ?? {})) unprocessed[table] = { ...left, Keys: [...left.Keys] };
  const sizes: Array<[string, number]> = [];
  let read = 0;
  let held = 0;
  let heldTable = '';
  for (const [table, asked] of Object.entries(request.RequestItems)) {
    const schema = schemas.get(table)!;
    const returned = new Map((answer.Responses?.[table] ?? []).map((item) => [itemId(table, schema, item), item] as const));
    const leftOver = new Set((answer.UnprocessedKeys?.[table]?.Keys ?? []).map((k) => itemId(table, schema, k)));
    const consistent = asked.ConsistentRead === true;
    responses[table] = [];
    for (const key of asked.Keys) {
      const id = itemId(table, schema, key);
      if (leftOver.has(id)) continue; // DynamoDB Local left it: it stays unprocessed
      const partition = partitionId(table, schema, key);
      const item = returned.get(id);
      if (meter.readRefused([partition]) !== undefined) {
        const { Keys: _, ...options } = asked;
        (unprocessed[table] ??= { ...options, Keys: [] }).Keys.push(key);
        held++;
        heldTable = table;
        continue;
      }
      const bytes = wireItemSize(item);
      meter.chargeReads(new Map([[partition, getReadUnits(bytes, consistent)]]));
      read++;
      if (item) {
        responses[table].push(item);
        sizes.push([id, bytes]);
      }
    }
  }
  if (read === 0 && held > 0) return { kind: 'throttled', table: heldTable };
  return { kind: 'answer', out: { ...answer, Responses: responses, UnprocessedKeys: unprocessed }, held, sizes };
}
