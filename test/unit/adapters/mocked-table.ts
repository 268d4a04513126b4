/**
 * The DynamoDB adapter on a mocked Document Client (aws-sdk-client-mock), set up the one way the adapter unit tests
 * use: the table's name, a fresh DynamoCreditStore before each test, the requests it sent, a cancelled transaction
 * with given reasons, and the two credit updates money transactions carry (debit, restore) as the tests expect them.
 *
 *   let store: DynamoCreditStore;
 *   const { ddb, sent } = useMockedTable((s) => (store = s));
 */
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createDocumentClient, DynamoCreditStore } from '../../../lambdas/adapters/dynamodb';
import { NOW } from './fixtures';

export const TABLE = 'CourtesyCredits';

/** Mock the Document Client for this file: reset and a new store (handed to `use`) before each test, restore after all. */
export function useMockedTable(use: (store: DynamoCreditStore) => void) {
  const ddb = mockClient(DynamoDBDocumentClient);
  beforeEach(() => {
    ddb.reset();
    const client = new DynamoDBClient({ region: 'eu-central-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    use(new DynamoCreditStore(createDocumentClient(client), TABLE));
  });
  afterAll(() => ddb.restore());
  /** The inputs of every `command` sent so far, in order. */
  const sent = <T>(command: new (...args: never[]) => T) => ddb.commandCalls(command as never).map((c) => c.args[0].input as any);
  return { ddb, sent };
}

/** A TransactWriteItems cancellation with one reason per item: a code, or a code with the item as it was. */
export const cancelled = (...codes: Array<string | { Code: string; Item?: Record<string, unknown> }>) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((c) => (typeof c === 'string' ? { Code: c } : c)) as never,
  });

/** The guarded debit of one credit of cust-1 in a redemption or hold transaction, at NOW. */
export const expectedDebit = (a: { creditId: string; amount: number; expiresAt: string }) => ({
  Update: {
    TableName: TABLE,
    Key: { pk: 'C#cust-1', sk: `CREDIT#${a.expiresAt}#${a.creditId}` },
    UpdateExpression: 'SET remaining = remaining - :take',
    ConditionExpression: 'attribute_exists(pk) AND remaining >= :take AND expiresAtMs > :now',
    ExpressionAttributeValues: { ':take': a.amount, ':now': NOW.getTime() },
  },
});

/** The guarded restore of `amount` onto one credit of cust-1 (never above `max` before it), at NOW. */
export const expectedRestore = (creditId: string, amount: number, expiresAt: string, max: number) => ({
  Update: {
    TableName: TABLE,
    Key: { pk: 'C#cust-1', sk: `CREDIT#${expiresAt}#${creditId}` },
    UpdateExpression: 'SET remaining = remaining + :give',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(voided) AND expiresAtMs > :now AND remaining <= :max',
    ExpressionAttributeValues: { ':give': amount, ':now': NOW.getTime(), ':max': max },
  },
});
