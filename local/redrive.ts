/**
 * `npm run cli -- redrive --queue <dead-letter queue>`: moves the messages of a dead-letter queue back to the queue
 * they failed from, with SQS StartMessageMoveTask, against the local runtime (default) or AWS (`--aws`, default
 * credentials and region). Safe because every consumer is idempotent: a message processed twice changes nothing.
 * Only for dead-letter queues of SQS queues (a RedrivePolicy names them): SQS knows their source. A Lambda on-failure
 * destination or a rule's dead-letter queue has no source queue, so SQS refuses the move (say `--to` to name one).
 */
import { DEFAULT_STAGE, stageNames } from '../infra/names';
import { parseArgs } from 'node:util';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  SQSClient,
  StartMessageMoveTaskCommand,
  ListQueuesCommand,
} from '@aws-sdk/client-sqs';

export interface RedriveRequest {
  /** The dead-letter queue: its name, URL or ARN. */
  readonly queue: string;
  /** Where to move the messages instead of their source queue: name, URL or ARN. */
  readonly to?: string;
  /** Wait until the move task has finished (polls ListMessageMoveTasks). */
  readonly wait?: boolean;
  /** Messages per second (SQS default: as fast as it can, up to 500). */
  readonly maxPerSecond?: number;
}

export interface RedriveResult {
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly taskHandle: string;
  /** Messages waiting in the source when the task started. */
  readonly messagesBefore: number;
  /** With `wait`: the task's final status and how many messages it moved. */
  readonly status?: string;
  readonly moved?: number;
}

export class RedriveError extends Error {
  override readonly name = 'RedriveError';
}

export interface RedriveDeps {
  readonly sqs: SQSClient;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Longest wait for a task with `wait` (default 15 minutes). */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

/** Starts a message move task out of the dead-letter queue; with `wait`, returns once the task has finished. */
export async function redrive(request: RedriveRequest, deps: RedriveDeps): Promise<RedriveResult> {
  const { sqs } = deps;
  const source = await queueInfo(sqs, request.queue);
  const destinationArn = request.to === undefined ? undefined : (await queueInfo(sqs, request.to)).arn;
  let taskHandle: string | undefined;
  try {
    const out = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: source.arn,
        ...(destinationArn !== undefined ? { DestinationArn: destinationArn } : {}),
        ...(request.maxPerSecond !== undefined ? { MaxNumberOfMessagesPerSecond: request.maxPerSecond } : {}),
      }),
    );
    taskHandle = out.TaskHandle;
  } catch (e) {
    const err = e as Error;
    throw new RedriveError(
      `SQS refused to move messages out of ${source.arn}: ${err.name}: ${err.message}` +
        (destinationArn === undefined
          ? ' (only a dead-letter queue of an SQS queue has a source to move back to; --to names a destination)'
          : ''),
    );
  }
  if (!taskHandle) throw new RedriveError(`SQS started no move task for ${source.arn}`);
  const result: RedriveResult = {
    sourceArn: source.arn,
    ...(destinationArn ? { destinationArn } : {}),
    taskHandle,
    messagesBefore: source.messages,
  };
  if (!request.wait) return result;
  return { ...result, ...(await waitForTask(sqs, source, taskHandle, deps)) };
}

interface QueueInfo {
  readonly url: string;
  readonly arn: string;
  readonly messages: number;
}

async function queueInfo(sqs: SQSClient, ref: string): Promise<QueueInfo> {
  const url = ref.startsWith('https://') || ref.startsWith('http://') ? ref : await urlOf(sqs, nameOf(ref));
  if (!url) throw new RedriveError(`no queue ${ref}`);
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] }),
  );
  if (!a.QueueArn) throw new RedriveError(`queue ${ref} has no ARN`);
  return { url, arn: a.QueueArn, messages: Number(a.ApproximateNumberOfMessages ?? 0) };
}

/**
 * A queue's URL by its exact name, else by a unique name prefix: CloudFormation names the stack's queues
 * `<stack>-NotifyDlq<hash>-<suffix>` (locally the logical id, `NotifyDlq<hash>`), so `NotifyDlq` (with the stage's
 * stack name in front, see `--stage`) finds it.
 */
async function urlOf(sqs: SQSClient, name: string): Promise<string | undefined> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (e) {
    const err = e as Error;
    if (!/QueueDoesNotExist|NonExistentQueue/.test(err.name) && !/queue .* does not exist/i.test(err.message)) throw e;
    process.stderr.write(`redrive: no queue named exactly ${name} (${err.name}); looking for a unique prefix\n`);
  }
  const urls = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls ?? [];
  if (urls.length > 1) throw new RedriveError(`${urls.length} queues are named ${name}…: ${urls.join(', ')}; name one`);
  return urls[0];
}

/** The queue name in an ARN (arn:aws:sqs:region:account:name) or a bare name. */
const nameOf = (ref: string): string => (ref.startsWith('arn:') ? ref.split(':').pop()! : ref);

async function waitForTask(
  sqs: SQSClient,
  source: QueueInfo,
  taskHandle: string,
  deps: RedriveDeps,
): Promise<{ status: string; moved?: number }> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + (deps.timeoutMs ?? 15 * 60_000);
  for (;;) {
    let tasks: ListMessageMoveTasksResultEntry[];
    try {
      tasks = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: source.arn, MaxResults: 10 }))).Results ?? [];
    } catch (e) {
      // An emulator without ListMessageMoveTasks moves at once: done when the source is empty.
      if ((e as Error).name !== 'UnknownOperationException') throw e;
      const now = await queueInfo(sqs, source.url);
      if (now.messages === 0) return { status: 'COMPLETED', moved: source.messages };
      tasks = [];
    }
    // SQS returns a TaskHandle only while a task runs; once finished, ours is the most recent one (listed first).
    const task = tasks.find((t) => t.TaskHandle === taskHandle) ?? tasks.find((t) => t.TaskHandle === undefined);
    if (task?.Status === 'COMPLETED') return { status: 'COMPLETED', moved: task.ApproximateNumberOfMessagesMoved ?? 0 };
    if (task?.Status === 'FAILED' || task?.Status === 'CANCELLED') {
      throw new RedriveError(
        `move task ${task.Status.toLowerCase()} after ${task.ApproximateNumberOfMessagesMoved ?? 0} messages: ${task.FailureReason ?? 'no reason given'}`,
      );
    }
    if (Date.now() > deadline)
      throw new RedriveError(`move task still running after the wait limit; it continues in SQS (handle ${taskHandle})`);
    await sleep(deps.pollMs ?? 2000);
  }
}

const HELP = `redrive --queue DLQ [--to QUEUE] [--wait] [--rate N] [--aws [--stage S]]
  Moves the messages of a dead-letter queue (name or unique name prefix such as NotifyDlq, URL or ARN) back to the
  queue they failed from (or to --to). Local runtime by default (COURTESY_LOCAL_URL); --aws uses your AWS credentials
  and region, and a bare name is looked up in the stage's stack (CourtesyCredits-<stage>-NotifyDlq…).`;

/** The CLI entry (`npm run cli -- redrive ...`). */
export async function redriveCli(args: readonly string[], localEndpoint: string): Promise<void> {
  const { values: o } = parseArgs({
    args: [...args],
    options: {
      queue: { type: 'string' },
      to: { type: 'string' },
      wait: { type: 'boolean', default: false },
      rate: { type: 'string' },
      aws: { type: 'boolean', default: false },
      stage: { type: 'string', default: DEFAULT_STAGE },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (o.help || !o.queue) {
    console.log(HELP);
    if (!o.help) process.exitCode = 2;
    return;
  }
  const rate = o.rate === undefined ? undefined : Number(o.rate);
  if (rate !== undefined && !(Number.isInteger(rate) && rate >= 1 && rate <= 500))
    throw new RedriveError('--rate must be a whole number from 1 to 500');
  const sqs = o.aws
    ? new SQSClient({})
    : new SQSClient({ endpoint: localEndpoint, region: 'eu-central-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  // In AWS the stack's queues carry the stack name in front: a bare name is looked up within the stage's stack.
  const inStack = (ref: string) => (o.aws && !ref.includes(':') && !ref.includes('/') ? `${stageNames(o.stage!).stackName}-${ref}` : ref);
  const result = await redrive(
    { queue: inStack(o.queue), ...(o.to ? { to: inStack(o.to) } : {}), wait: o.wait, ...(rate ? { maxPerSecond: rate } : {}) },
    { sqs },
  );
  console.log(JSON.stringify(result, null, 2));
}
