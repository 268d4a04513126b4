/**
 * The stage's failure queues for the console: each with its message count, the age of its oldest message and the
 * queue it can be redriven to. Work queues (those with a RedrivePolicy) are listed with the dead-letter queue they
 * feed; a failure queue no work queue names (a Lambda on-failure destination, a rule's dead-letter queue) has no
 * source SQS could move messages back to.
 */
import { GetQueueAttributesCommand, ListQueuesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface FailureQueueView {
  /** The queue's name without the stage's prefix, e.g. `NotifyDlq1A2B3C4D` locally. */
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly visible: number;
  readonly inFlight: number;
  /** How long SQS keeps a message (MessageRetentionPeriod). */
  readonly retentionSeconds: number;
  /**
   * Age in seconds of the oldest message among those sampled (up to 10, read with visibility timeout 0, so they stay
   * where they are); undefined when the queue is empty or could not be read (`ageError`).
   */
  readonly oldestAgeSeconds?: number;
  readonly ageError?: string;
  /** The work queue whose dead-letter queue this is: a redrive moves the messages back there. */
  readonly source?: string;
}

export async function failureQueues(sqs: SQSClient, prefix: string, now = Date.now()): Promise<FailureQueueView[]> {
  const urls = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix || undefined }))).QueueUrls ?? [];
  const queues = await Promise.all(
    urls.map(async (url) => {
      const { Attributes: a = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
      return { url, name: url.split('/').pop()!.slice(prefix.length), a };
    }),
  );
  const sourceOf = new Map<string, string>();
  for (const q of queues) {
    if (!q.a.RedrivePolicy) continue;
    sourceOf.set(String(JSON.parse(q.a.RedrivePolicy).deadLetterTargetArn), q.name);
  }
  const failure = queues.filter((q) => !q.a.RedrivePolicy);
  return Promise.all(
    failure.map(async (q) => {
      const visible = Number(q.a.ApproximateNumberOfMessages ?? 0);
      const source = sourceOf.get(String(q.a.QueueArn));
      return {
        name: q.name,
        url: q.url,
        arn: String(q.a.QueueArn),
        visible,
        inFlight: Number(q.a.ApproximateNumberOfMessagesNotVisible ?? 0),
        retentionSeconds: Number(q.a.MessageRetentionPeriod ?? 0),
        ...(visible > 0 ? await oldestAge(sqs, q.url, now) : {}),
        ...(source ? { source } : {}),
      };
    }),
  ).then((list) => list.sort((x, y) => x.name.localeCompare(y.name)));
}

/** Peek: receive with visibility timeout 0 (the messages stay visible) and read only their SentTimestamp. */
async function oldestAge(sqs: SQSClient, url: string, now: number): Promise<{ oldestAgeSeconds?: number; ageError?: string }> {
  try {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    const sent = Messages.map((m) => Number(m.Attributes?.SentTimestamp)).filter(Number.isFinite);
    return sent.length ? { oldestAgeSeconds: Math.max(0, Math.round((now - Math.min(...sent)) / 1000)) } : {};
  } catch (e) {
    return { ageError: `${(e as Error).name}: ${(e as Error).message}` };
  }
}
