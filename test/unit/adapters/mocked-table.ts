/**
 * The DynamoDB adapter on a mocked Document Client (aws-sdk-client-mock), set up the one way the adapter unit tests
 * use: the table's name, a fresh DynamoCreditStore before each test, the requests it sent, and a cancelled
 * transaction with given reasons.
 *
 *   let store: DynamoCreditStore;
 *   const { ddb, sent } = useMockedTable((s) => (store = s));
 */
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createDocumentClient, DynamoCreditStore } from '../../../lambdas/adapters/dynamodb';

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
