/**
 * The console against a deployed stage (`--aws --stage S`), its AWS clients mocked: function names come from the
 * stack's outputs, every call goes out under the operator's credentials, and what IAM refuses is shown as refused
 * (never retried under another identity, never turned into an empty answer). The failure queues of the stage are
 * found by the stack's prefix, each dead-letter queue with the work queue it is redriven to.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, ListQueuesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { runOperation } from '../../console/api';
import { awsBackend } from '../../console/backend';
import { failureQueues } from '../../console/queues';
import { functionNameOutputKey } from '../../infra/names';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const sqs = mockClient(SQSClient);
const denied = (action: string) =>
  Object.assign(new Error(`User: arn:aws:sts::111111111111:assumed-role/finance/kim is not authorized to perform: ${action}`), {
    name: 'AccessDeniedException',
    $metadata: { httpStatusCode: 403 },
  });

beforeEach(() => {
  cfn.reset();
  lambda.reset();
  sqs.reset();
  cfn.on(DescribeStacksCommand, { StackName: 'CourtesyCredits-prod' }).resolves({
    Stacks: [
      {
        StackName: 'CourtesyCredits-prod',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [
          { OutputKey: functionNameOutputKey('void'), OutputValue: 'CourtesyCredits-prod-Void4F2A-x1' },
          { OutputKey: functionNameOutputKey('report'), OutputValue: 'CourtesyCredits-prod-Report77B1-y2' },
        ],
      },
    ],
  });
});

test("calls go to the stack's functions by their output names; the function's answer comes back as is", async () => {
  lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: Buffer.from(JSON.stringify({ ok: true, voided: 500 })) as any });
  const backend = await awsBackend('prod');
  expect(backend.target).toEqual({ kind: 'aws', label: expect.stringContaining('stage prod (stack CourtesyCredits-prod)') });
  expect(backend.queuePrefix).toBe('CourtesyCredits-prod-');
  expect(backend.mailFor).toBeUndefined();
  const outcome = await runOperation(backend, 'void', { customerId: 'c-1', creditId: 'cr-1', reason: 'twice' });
  expect(outcome).toEqual({ kind: 'answer', answer: { ok: true, voided: 500 } });
  const sent = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
  expect(sent.map((i) => [i.FunctionName, JSON.parse(Buffer.from(i.Payload as Uint8Array).toString())])).toEqual([
    ['CourtesyCredits-prod-Void4F2A-x1', { customerId: 'c-1', creditId: 'cr-1', reason: 'twice' }],
  ]);
});

test('a call the role may not make shows the AWS refusal, once; a function the stack does not output is refused before any call', async () => {
  lambda.on(InvokeCommand).rejects(denied('lambda:InvokeFunction on resource: CourtesyCredits-prod-Report77B1-y2'));
  const backend = await awsBackend('prod');
  expect(await runOperation(backend, 'report', { from: '2026-12-01', to: '2026-12-07' })).toEqual({
    kind: 'refused',
    name: 'AccessDeniedException',
    message: expect.stringContaining('not authorized to perform: lambda:InvokeFunction'),
    status: 403,
  });
  expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  expect(await runOperation(backend, 'erase', { customerId: 'c-1' })).toMatchObject({
    kind: 'refused',
    message: `stack CourtesyCredits-prod has no output ${functionNameOutputKey('erase')}`,
  });
  expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
});

test('a stage whose stack the credentials may not describe fails at start with the AWS message', async () => {
  cfn.on(DescribeStacksCommand).rejects(denied('cloudformation:DescribeStacks'));
  await expect(awsBackend('prod')).rejects.toThrow('cloudformation:DescribeStacks');
});

test("failure queues: the stage's only, by its prefix; a dead-letter queue names its work queue; an unreadable age says why", async () => {
  const url = (name: string) => `https://sqs.eu-central-1.amazonaws.com/111111111111/CourtesyCredits-prod-${name}`;
  const arn = (name: string) => `arn:aws:sqs:eu-central-1:111111111111:CourtesyCredits-prod-${name}`;
  sqs.on(ListQueuesCommand, { QueueNamePrefix: 'CourtesyCredits-prod-' }).resolves({
    QueueUrls: [url('NotifyQueueB34E-a'), url('NotifyDlq8139-b'), url('GrantFailuresB69D-c')],
  });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: url('NotifyQueueB34E-a') }).resolves({
    Attributes: {
      QueueArn: arn('NotifyQueueB34E-a'),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('NotifyDlq8139-b'), maxReceiveCount: 6 }),
    },
  });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: url('NotifyDlq8139-b') }).resolves({
    Attributes: {
      QueueArn: arn('NotifyDlq8139-b'),
      ApproximateNumberOfMessages: '2',
      ApproximateNumberOfMessagesNotVisible: '0',
      MessageRetentionPeriod: '1209600',
    },
  });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: url('GrantFailuresB69D-c') }).resolves({
    Attributes: { QueueArn: arn('GrantFailuresB69D-c'), ApproximateNumberOfMessages: '1', MessageRetentionPeriod: '1209600' },
  });
  const now = Date.parse('2026-12-07T12:00:00Z');
  sqs.on(ReceiveMessageCommand, { QueueUrl: url('NotifyDlq8139-b') }).resolves({
    Messages: [{ Attributes: { SentTimestamp: String(now - 3_600_000) } }, { Attributes: { SentTimestamp: String(now - 60_000) } }],
  });
  sqs.on(ReceiveMessageCommand, { QueueUrl: url('GrantFailuresB69D-c') }).rejects(denied('kms:Decrypt'));
  const queues = await failureQueues(new SQSClient({ region: 'eu-central-1' }), 'CourtesyCredits-prod-', now);
  expect(queues).toEqual([
    {
      name: 'GrantFailuresB69D-c',
      url: url('GrantFailuresB69D-c'),
      arn: arn('GrantFailuresB69D-c'),
      visible: 1,
      inFlight: 0,
      retentionSeconds: 1_209_600,
      ageError: expect.stringContaining('AccessDeniedException'),
    },
    {
      name: 'NotifyDlq8139-b',
      url: url('NotifyDlq8139-b'),
      arn: arn('NotifyDlq8139-b'),
      visible: 2,
      inFlight: 0,
      retentionSeconds: 1_209_600,
      oldestAgeSeconds: 3600,
      source: 'NotifyQueueB34E-a',
    },
  ]);
  // the peek leaves the messages where they are
  expect(sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.VisibilityTimeout)).toEqual([0, 0]);
});
