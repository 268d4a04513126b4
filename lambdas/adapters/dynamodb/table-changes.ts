/**
 * Which table changes a worker consumes, as data (`ChangeSelector`). One definition gives both the table stream
 * mapping's filter patterns (on the `dynamodb` key only, the one key Lambda lets a DynamoDB filter use) and the
 * stream router's decision for each record — which also checks in code what no filter can see: that DynamoDB's
 * TTL sweeper, not a caller, removed the item (`userIdentity`). Reads only the record's event name, kind
 * attributes and identity, never the item's content, so a malformed item never stalls the router.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { ATTR, TTL_REMOVER, type ItemKind } from './layout';

/**
 * - `inserted`: a new item of `item` kind (with the string attributes in `where`, if given);
 * - `expired`: an item of `item` kind removed by TTL (a caller's delete is not an expiry).
 */
export type ChangeSelector =
  | { readonly change: 'inserted'; readonly item: ItemKind; readonly where?: { readonly [attribute: string]: string } }
  | { readonly change: 'expired'; readonly item: ItemKind };

/** A Lambda event filter pattern (EventBridge pattern syntax, plain JSON). Several patterns on one mapping are ORed. */
export interface FilterPattern {
  readonly [key: string]: FilterPattern | readonly (string | { readonly exists: boolean })[];
}

const ABSENT = [{ exists: false }] as const;

/**
 * The filter patterns selecting every change in `selectors`, merged so that selectors differing only in item
 * kind share one pattern (Lambda allows 5 filters per mapping by default). Only the `dynamodb` key is used:
 * an insert is "NewImage without OldImage", a removal "OldImage without NewImage"; whether TTL removed it is
 * checked by {@link selects}.
 */
export function filterPatterns(selectors: readonly ChangeSelector[]): FilterPattern[] {
  const groups = new Map<string, { selector: ChangeSelector; kinds: ItemKind[] }>();
  for (const s of selectors) {
    const key = JSON.stringify([s.change, s.change === 'inserted' ? Object.entries(s.where ?? {}).sort() : []]);
    const g = groups.get(key);
    if (!g) groups.set(key, { selector: s, kinds: [s.item] });
    else if (!g.kinds.includes(s.item)) g.kinds.push(s.item);
  }
  return [...groups.values()].map(({ selector, kinds }) => {
    const kind = { [ATTR.KIND]: { S: [...kinds].sort() } };
    if (selector.change === 'expired') return { dynamodb: { OldImage: kind, NewImage: { [ATTR.KIND]: { S: ABSENT } } } };
    const where = Object.fromEntries(Object.entries(selector.where ?? {}).map(([attr, value]) => [attr, { S: [value] }]));
    return { dynamodb: { NewImage: { ...kind, ...where }, OldImage: { [ATTR.KIND]: { S: ABSENT } } } };
  });
}

/** Who removed the item of a REMOVE record: DynamoDB's TTL sweeper, or a caller. */
export function removedByTtl(record: DynamoDBRecord): boolean {
  const who = record.userIdentity as { type?: unknown; principalId?: unknown } | undefined;
  return who?.type === TTL_REMOVER.type && who.principalId === TTL_REMOVER.principalId;
}

type Image = NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
const stringAttr = (image: Image, attr: string): unknown => (image?.[attr] as { S?: unknown } | undefined)?.S;

/** Whether the stream record is a change the selector names. */
export function selects(selector: ChangeSelector, record: DynamoDBRecord): boolean {
  const images = record.dynamodb ?? {};
  switch (selector.change) {
    case 'inserted':
      return (
        record.eventName === 'INSERT' &&
        stringAttr(images.NewImage, ATTR.KIND) === selector.item &&
        Object.entries(selector.where ?? {}).every(([attr, value]) => stringAttr(images.NewImage, attr) === value)
      );
    case 'expired':
      return record.eventName === 'REMOVE' && removedByTtl(record) && stringAttr(images.OldImage, ATTR.KIND) === selector.item;
  }
}
