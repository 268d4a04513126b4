/**
 * The redrive command (local/redrive.ts) against a mocked SQS client: it resolves the dead-letter queue to its ARN,
 * starts one message move task back to the source (or to --to), waits for it when asked, and turns SQS's refusals
 * and failed tasks into a clear RedriveError.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { redrive, RedriveError } from '../../local/redrive';

const sqsMock = mockClient(SQSClient);
const sqs = new SQSClient({ region: 'eu-central-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const DLQ_URL = 'https://sqs.eu-central-1.amazonaws.com/222222222222/NotifyDlq';
const DLQ_ARN = 'arn:aws:sqs:eu-central-1:222222222222:NotifyDlq';
const OTHER_URL = 'https://sqs.eu-central-1.amazonaws.com/222222222222/NotifyQueue';
const OTHER_ARN = 'arn:aws:sqs:eu-central-1:222222222222:NotifyQueue';
const noSleep = async () => {};

beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(GetQueueUrlCommand, { QueueName: 'NotifyDlq' }).resolves({ QueueUrl: DLQ_URL });
  sqsMock.on(GetQueueUrlCommand, { QueueName: 'NotifyQueue' }).resolves({ QueueUrl: OTHER_URL });
  sqsMock
    .on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL })
    .resolves({ Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: '3' } });
  sqsMock
    .on(GetQueueAttributesCommand, { QueueUrl: OTHER_URL })
    .resolves({ Attributes: { QueueArn: OTHER_ARN, ApproximateNumberOfMessages: '0' } });
  sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
});

test.each([
  ['name', 'NotifyDlq'],
  ['URL', DLQ_URL],
  ['ARN', DLQ_ARN],
])('by %s: one move task from the DLQ back to its source', async (_what, queue) => {
  const result = await redrive({ queue }, { sqs });
  expect(result).toEqual({ sourceArn: DLQ_ARN, taskHandle: 'task-1', messagesBefore: 3 });
  const starts = sqsMock.commandCalls(StartMessageMoveTaskCommand);
  expect(starts).toHaveLength(1);
  expect(starts[0]!.args[0].input).toEqual({ SourceArn: DLQ_ARN }); // no destination: SQS moves each message to its source
});

test('--to and --rate are passed to SQS as the destination ARN and the rate', async () => {
  await redrive({ queue: 'NotifyDlq', to: 'NotifyQueue', maxPerSecond: 20 }, { sqs });
  expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({
    SourceArn: DLQ_ARN,
    DestinationArn: OTHER_ARN,
    MaxNumberOfMessagesPerSecond: 20,
  });
});

test('--wait polls until the task completes (SQS drops the handle of a finished task)', async () => {
  sqsMock
    .on(ListMessageMoveTasksCommand)
    .resolvesOnce({ Results: [{ TaskHandle: 'task-1', Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 1 }] })
    .resolves({ Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3 }] });
  const result = await redrive({ queue: 'NotifyDlq', wait: true }, { sqs, sleep: noSleep });
  expect(result).toMatchObject({ status: 'COMPLETED', moved: 3 });
  expect(sqsMock.commandCalls(ListMessageMoveTasksCommand)).toHaveLength(2);
});

test("a failed task is an error with SQS's reason", async () => {
  sqsMock
    .on(ListMessageMoveTasksCommand)
    .resolves({ Results: [{ Status: 'FAILED', ApproximateNumberOfMessagesMoved: 1, FailureReason: 'AccessDenied' }] });
  await expect(redrive({ queue: 'NotifyDlq', wait: true }, { sqs, sleep: noSleep })).rejects.toThrow(
    /move task failed after 1 messages: AccessDenied/,
  );
});

test('a queue that is no dead-letter queue of a queue: SQS refuses, the error says why and how to proceed', async () => {
  const refusal = Object.assign(new Error('Source queue must be configured as a Dead Letter Queue.'), { name: 'InvalidParameterValue' });
  sqsMock.on(StartMessageMoveTaskCommand).rejects(refusal);
  const err = await redrive({ queue: 'NotifyDlq' }, { sqs }).catch((e) => e);
  expect(err).toBeInstanceOf(RedriveError);
  expect(err.message).toMatch(/refused to move messages out of arn:aws:sqs:eu-central-1:222222222222:NotifyDlq: InvalidParameterValue/);
  expect(err.message).toMatch(/--to names a destination/);
});

test('an emulator without ListMessageMoveTasks: done once the source is empty', async () => {
  sqsMock.on(ListMessageMoveTasksCommand).rejects(Object.assign(new Error('not emulated'), { name: 'UnknownOperationException' }));
  sqsMock
    .on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL })
    .resolvesOnce({ Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: '3' } })
    .resolves({ Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: '0' } });
  await expect(redrive({ queue: 'NotifyDlq', wait: true }, { sqs, sleep: noSleep })).resolves.toMatchObject({
    status: 'COMPLETED',
    moved: 3,
  });
});
