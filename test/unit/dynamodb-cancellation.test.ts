/**
 * How DynamoCreditStore reads a cancelled transaction whose reasons are conditions. A `TransactionConflict`
 * cancellation is produced for real by the strict layer in front of DynamoDB Local (local/ddb-strict.ts) and its
 * handling is tested there, per operation (test/integration/conflict-paths.test.ts).
 */
import { DynamoDBClient, TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createDocumentClient, DynamoCreditStore } from '../../lambdas/adapters/dynamodb';
import type { Credit } from '../../lambdas/domain/credit';
import { GRANT_SK, ITEM, keys } from '../../lambdas/adapters/dynamodb/layout';
import { grantedEntry } from '../../lambdas/domain/credit-entries';

const doc = mockClient(DynamoDBDocumentClient);
const store = new DynamoCreditStore(createDocumentClient(new DynamoDBClient({ region: 'eu-central-1' })), 'table');
afterEach(() => doc.reset());

const credit: Credit = {
  creditId: '01KTESTCREDIT0000000000001',
  customerId: 'c-1',
  complaintId: 'cmp-1',
  currency: 'EUR',
  amount: 2500,
  remaining: 2500,
  grantedAt: '2026-03-01T10:00:00.000Z',
  expiresAt: '2026-06-01T10:00:00.000Z',
  reason: 'damaged',
  locale: 'de-DE',
  email: 'kim@example.com',
};
const ledger = grantedEntry(credit);
const grant = () => store.grant({ credit, ledger, requestHash: 'h', usage: { customerId: 'c-1', customer: { value: [], version: 0 } } });

const cancelled = (codes: (CancellationReason | string)[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((c) => (typeof c === 'string' ? { Code: c } : c)),
  });

test('a failed condition on a non-guard item is a stale conflict', async () => {
  doc.on(TransactWriteCommand).rejects(cancelled(['None', 'ConditionalCheckFailed', 'None']));
  await expect(grant()).resolves.toEqual({ kind: 'conflict', stale: true });
});

test('a failed condition on the guard item is a duplicate, with the earlier record', async () => {
  const earlier = { complaintId: 'cmp-1', customerId: 'c-1', creditId: 'earlier', requestHash: 'h' };
  const stored = { pk: keys.complaint('cmp-1'), sk: GRANT_SK, type: ITEM.GRANT, ...earlier, at: credit.grantedAt };
  doc.on(TransactWriteCommand).rejects(cancelled([{ Code: 'ConditionalCheckFailed', Item: marshall(stored) }, 'None', 'None']));
  await expect(grant()).resolves.toEqual({ kind: 'duplicate', existing: { kind: 'granted', grant: earlier } });
});

test('any other error is not a cancellation and is thrown', async () => {
  doc.on(TransactWriteCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
  await expect(grant()).rejects.toThrow('slow down');
});
