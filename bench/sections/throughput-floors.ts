/**
 * Section 3's diagnostic floors: the DynamoDB calls a grant and a redeem send, made raw without the service code
 * (items of about a credit's size), to show the floor the design itself sets, and the floor of the alternative redeem
 * design (a single-item debit, the ledger written from the stream). No target applies to them.
 */
import { TransactWriteCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../lambdas/adapters/dynamodb';
import { CREDIT_RANGE_END, PREFIX } from '../../lambdas/adapters/dynamodb/layout';

/**
 * The two raw tasks of one run (ids under `run`); they share one sequence. `customersGranted()` says how many of
 * the run's customers `<run>-c<i>` have a credit to debit.
 */
export function rawFloorTasks(
  doc: DynamoDBDocumentClient,
  table: string,
  run: string,
  customersGranted: () => number,
): { rawGrantOne: () => Promise<void>; rawRedeemOne: () => Promise<void>; rawSingleDebitOne: () => Promise<void> } {
  let rawSeq = 0;
  const pad = 'x'.repeat(300); // items of about a credit's size
  /** What grant sends, without the service: one transaction of 4 conditional puts of about a credit's size. */
  const rawGrantOne = async (): Promise<void> => {
    const i = rawSeq++;
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [0, 1, 2, 3].map((k) => ({
          Put: {
            TableName: table,
            Item: { pk: `RAW#${run}#${i}`, sk: `K${k}`, type: 'BENCH', pad },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        })),
      }),
    );
  };
  /** The spendable-credits Query of a redeem: the soonest-expiring credit with money left of a run's customer. */
  const firstCredit = async (pk: string, now: Date) => {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        FilterExpression: 'remaining > :zero',
        ExpressionAttributeValues: { ':pk': pk, ':from': `${PREFIX.CREDIT}${now.toISOString()}`, ':to': CREDIT_RANGE_END, ':zero': 0 },
        ProjectionExpression: 'creditId, currency, remaining, expiresAt',
        ConsistentRead: true,
      }),
    );
    const c = page.Items?.[0];
    if (!c) throw new Error('raw redeem floor: customer has no credit');
    return { sk: keys.credit(c.expiresAt as string, c.creditId as string) };
  };
  /** What redeem sends, without the service: the spendable-credits Query, then 1 conditional debit + 2 puts. */
  const rawRedeemOne = async (): Promise<void> => {
    const i = rawSeq++;
    const pk = keys.customer(`${run}-c${i % customersGranted()}`);
    const now = new Date();
    const c = await firstCredit(pk, now);
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: { pk, sk: c.sk },
              UpdateExpression: 'SET remaining = remaining - :take',
              ConditionExpression: 'attribute_exists(pk) AND remaining >= :take AND expiresAtMs > :now',
              ExpressionAttributeValues: { ':take': 1, ':now': now.getTime() },
            },
          },
          ...[0, 1].map((k) => ({
            Put: {
              TableName: table,
              Item: { pk, sk: `RAW#${run}#${i}#${k}`, type: 'BENCH', pad },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          })),
        ],
      }),
    );
  };
  /**
   * The floor of the alternative to a transactional redeem: the same Query, then ONE conditional single-item write that
   * debits the credit and records the redemption on it (idempotent by its id), the ledger entry and the key record
   * written afterwards from the table's stream. No transaction: on DynamoDB it neither waits for nor cancels one.
   */
  const rawSingleDebitOne = async (): Promise<void> => {
    const i = rawSeq++;
    const pk = keys.customer(`${run}-c${i % customersGranted()}`);
    const now = new Date();
    const c = await firstCredit(pk, now);
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk, sk: c.sk },
        UpdateExpression: 'SET remaining = remaining - :take, lastDebit = :id',
        ConditionExpression:
          'attribute_exists(pk) AND remaining >= :take AND expiresAtMs > :now AND (attribute_not_exists(lastDebit) OR lastDebit <> :id)',
        ExpressionAttributeValues: { ':take': 1, ':now': now.getTime(), ':id': `RAW#${run}#${i}` },
      }),
    );
  };
  return { rawGrantOne, rawRedeemOne, rawSingleDebitOne };
}
