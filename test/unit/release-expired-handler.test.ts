/**
 * The consumer of a hold's TTL removal (lambdas/releaseExpired/handler.ts), driven as Lambda drives it: an SQS batch
 * whose message bodies are the table's stream records (as the router forwards them). What it acts on, what it writes.
 */
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { newHold } from '../../lambdas/domain/hold';
import { reminderItem } from '../../lambdas/adapters/dynamodb/codec';
import { holdItem } from '../../lambdas/adapters/dynamodb/payment-codec';
import { TTL_REMOVER } from '../../lambdas/adapters/dynamodb/layout';
import { credit } from './adapters/fixtures';

process.env.TABLE_NAME = 'CourtesyCredits';
const ddb = mockClient(DynamoDBDocumentClient);
afterAll(() => ddb.restore());

const NOW = new Date('2026-03-01T10:00:00.000Z');
const hold = newHold({
  holdId: '01JHOLD0000000000000000000',
  customerId: 'cust-1',
  orderId: 'o-1',
  currency: 'EUR',
  allocations: [{ creditId: 'cr-a', amount: 300, expiresAt: '2099-05-01T00:00:00.000Z' }],
  now: NOW,
  lifetimeSeconds: 3600,
});

const context = {
  awsRequestId: 'req-1',
  functionName: 'releaseExpired',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:1:function:releaseExpired',
  memoryLimitInMB: '256',
} as Context;

type Item = Record<string, unknown>;
const removed = (item: Item, byTtl: boolean) => ({
  eventID: 'ev-1',
  eventName: 'REMOVE',
  eventSource: 'aws:dynamodb',
  ...(byTtl ? { userIdentity: { type: TTL_REMOVER.type, principalId: TTL_REMOVER.principalId } } : {}),
  dynamodb: { Keys: marshall({ pk: item.pk, sk: item.sk }), OldImage: marshall(item), StreamViewType: 'NEW_AND_OLD_IMAGES' },
});
const inserted = (item: Item) => ({
  eventID: 'ev-2',
  eventName: 'INSERT',
  eventSource: 'aws:dynamodb',
  dynamodb: { Keys: marshall({ pk: item.pk, sk: item.sk }), NewImage: marshall(item), StreamViewType: 'NEW_AND_OLD_IMAGES' },
});
const batch = (...records: unknown[]): SQSEvent =>
  ({
    Records: records.map((r, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `r-${i}`,
      body: JSON.stringify(r),
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {},
      eventSource: 'aws:sqs',
    })),
  }) as unknown as SQSEvent;

async function run(event: SQSEvent): Promise<SQSBatchResponse> {
  const { handler } = (await import('../../lambdas/releaseExpired/handler')) as {
    handler: (e: SQSEvent, c: Context) => Promise<SQSBatchResponse>;
  };
  return handler(event, context);
}

describe('releaseExpired handler', () => {
  beforeEach(() => ddb.reset());

  it('a hold removed by TTL: what it held goes back, RELEASED with reason EXPIRED at the hold’s expiry', async () => {
    ddb
      .on(QueryCommand)
      .resolves({ Items: [{ creditId: 'cr-a', currency: 'EUR', remaining: 0, amount: 500, expiresAt: '2099-05-01T00:00:00.000Z' }] });
    ddb.on(TransactWriteCommand).resolves({});
    expect(await run(batch(removed(holdItem(hold), true)))).toEqual({ batchItemFailures: [] });
    const [tx] = ddb.commandCalls(TransactWriteCommand);
    const items = tx!.args[0].input.TransactItems!;
    expect(items[0]!.Put!.Item).toMatchObject({
      kind: 'RELEASED',
      releaseReason: 'EXPIRED',
      holdId: hold.holdId,
      amount: 300,
      lapsed: 0,
      at: hold.expiresAt,
    });
    expect(items[1]!.Update!.ExpressionAttributeValues).toMatchObject({ ':give': 300, ':max': 200 });
  });

  it('ignores anything else: a hold deleted by someone, another item removed by TTL, an inserted hold', async () => {
    const reminder = reminderItem(credit, NOW);
    const answer = await run(batch(removed(holdItem(hold), false), removed(reminder, true), inserted(holdItem(hold))));
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('a failed release is reported for that message only (SQS redelivers it, then its DLQ)', async () => {
    ddb.on(QueryCommand).rejects(new Error('throttled'));
    const answer = await run(batch(inserted(holdItem(hold)), removed(holdItem(hold), true)));
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  });
});
