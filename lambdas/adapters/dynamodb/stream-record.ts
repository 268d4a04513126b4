import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { RemovedBy, StoredItem, TableChange } from '../../app/stored';
import { decodeItem } from './codec';
import { StoredItemError } from './fields';
import { removedByTtl } from './table-changes';

/**
 * One DynamoDB stream record (the Lambda `DynamoDBRecord` shape, also as JSON inside a queue message) as a change of
 * domain values. Whether TTL removed an item is read here from `userIdentity`, so a consumer is correct whatever
 * the event source's filters select.
 */
export function decodeStreamRecord(record: DynamoDBRecord): TableChange {
  const image = (which: 'NewImage' | 'OldImage'): StoredItem => {
    const raw = record.dynamodb?.[which];
    if (!raw) {
      throw new StoredItemError(
        `stream record ${record.eventID ?? '?'} (${record.eventName}) has no ${which}: the stream must be NEW_AND_OLD_IMAGES`,
      );
    }
    return decodeItem(unmarshall(raw as Record<string, AttributeValue>));
  };
  switch (record.eventName) {
    case 'INSERT':
      return { change: 'inserted', item: image('NewImage') };
    case 'MODIFY':
      return { change: 'modified', item: image('NewImage'), before: image('OldImage') };
    case 'REMOVE':
      return { change: 'removed', item: image('OldImage'), by: removedBy(record) };
    default:
      throw new StoredItemError(`stream record ${record.eventID ?? '?'} has event name ${JSON.stringify(record.eventName)}`);
  }
}

function removedBy(record: DynamoDBRecord): RemovedBy {
  return removedByTtl(record) ? 'ttl' : 'user';
}
