/** The SQS sender's exact SendMessageBatch requests: the queue URL, ids and bodies, at most 10 per call; what failed. */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsSender } from '../../../lambdas/adapters/sqs';

const sqs = mockClient(SQSClient);
const sender = () => new SqsSender(new SQSClient({ region: 'eu-central-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const messages = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i), body: `{"n":${i}}` }));
const URL = 'https://sqs.eu-central-1.amazonaws.com/1/NotifyQueue';

beforeEach(() => sqs.reset());
afterAll(() => sqs.restore());

it('one SendMessageBatch per 10 messages, in order, bodies unchanged; nothing failed', async () => {
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  expect(await sender().send(URL, messages(23))).toEqual(new Set());
  const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
  expect(calls.map((c) => c.QueueUrl)).toEqual([URL, URL, URL]);
  expect(calls.map((c) => c.Entries!.map((e) => e.Id))).toEqual([
    ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    ['10', '11', '12', '13', '14', '15', '16', '17', '18', '19'],
    ['20', '21', '22'],
  ]);
  expect(calls[0]!.Entries![3]).toEqual({ Id: '3', MessageBody: '{"n":3}' });
});

it('entries SQS lists as Failed are reported; a call that throws reports its whole chunk, the other chunks still go', async () => {
  sqs
    .on(SendMessageBatchCommand)
    .resolvesOnce({ Failed: [{ Id: '4', SenderFault: false, Code: 'InternalError' }] })
    .rejectsOnce(new Error('throttled'))
    .resolves({ Failed: [] });
  expect([...(await sender().send(URL, messages(21)))].sort((a, b) => Number(a) - Number(b))).toEqual([
    '4',
    '10',
    '11',
    '12',
    '13',
    '14',
    '15',
    '16',
    '17',
    '18',
    '19',
  ]);
  expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
});
