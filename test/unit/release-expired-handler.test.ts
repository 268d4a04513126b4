/** The consumer of a hold's TTL removal (lambdas/release-expired/handler.ts): what it acts on and what it writes. */
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { newHold } from '../../lambdas/domain/hold';
import type { TableChange } from '../../lambdas/app/stored';

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

describe('onHoldRemoved', () => {
  beforeEach(() => ddb.reset());

  it('a hold removed by TTL: what it held goes back, RELEASED with reason EXPIRED at the hold’s expiry', async () => {
    const { onHoldRemoved } = await import('../../lambdas/release-expired/handler');
    ddb
      .on(QueryCommand)
      .resolves({ Items: [{ creditId: 'cr-a', currency: 'EUR', remaining: 0, amount: 500, expiresAt: '2099-05-01T00:00:00.000Z' }] });
    ddb.on(TransactWriteCommand).resolves({});
    await onHoldRemoved({ change: 'removed', by: 'ttl', item: { kind: 'hold', hold } });
    const [tx] = ddb.commandCalls(TransactWriteCommand);
    const items = tx!.args[0].input.TransactItems!;
    expect(items[0]!.Put!.Item).toMatchObject({
      kind: 'RELEASED',
      reason: 'EXPIRED',
      holdId: hold.holdId,
      amount: 300,
      lapsed: 0,
      at: hold.expiresAt,
    });
    expect(items[1]!.Update!.ExpressionAttributeValues).toMatchObject({ ':give': 300, ':max': 200 });
  });

  it('ignores anything else: a hold deleted by someone, another item removed by TTL, an inserted hold', async () => {
    const { onHoldRemoved } = await import('../../lambdas/release-expired/handler');
    const others: TableChange[] = [
      { change: 'removed', by: 'user', item: { kind: 'hold', hold } },
      {
        change: 'removed',
        by: 'ttl',
        item: { kind: 'reminder', reminder: { customerId: 'c', creditId: 'x', expiresAt: 'e', remindAt: 'r' } },
      },
      { change: 'inserted', item: { kind: 'hold', hold } },
    ];
    for (const change of others) await onHoldRemoved(change);
    expect(ddb.calls()).toHaveLength(0);
  });
});
