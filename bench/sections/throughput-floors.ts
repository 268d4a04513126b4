/**
 * Section 3's diagnostic floors: the DynamoDB calls a grant and a redeem send, made raw without the service code
 * (items of about a credit's size), to show the floor the design itself sets. No target applies to them.
 */
import { TransactWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
): { rawGrantOne: () => Promise<void>; rawRedeemOne: () => Promise<void> } {
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
  /** What redeem sends, without the service: the spendable-credits Query, then 1 conditional debit + 2 puts. */
  const rawRedeemOne = async (): Promise<void> => {
    const i = rawSeq++;
    const pk = keys.customer(`${run}-c${i % customersGranted()}`);
    const now = new Date();
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
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: { pk, sk: keys.credit(c.expiresAt as string, c.creditId as string) },
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
  return { rawGrantOne, rawRedeemOne };
}
