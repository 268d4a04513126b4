/**
 * The SQS adapter: sends messages in batches of ten (SendMessageBatch), reporting the entries SQS did not take.
 * Endpoint overrides (the local runtime) come from AWS_ENDPOINT_URL_SQS; the client's endpoint wins over the
 * queue URL's host (the same host in AWS).
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { OutgoingMessage, QueueSender } from '../app/route';
import { once } from '../shared/once';

const MAX_ENTRIES_PER_CALL = 10;

export class SqsSender implements QueueSender {
  constructor(private readonly client: SQSClient) {}

  async send(queueUrl: string, messages: readonly OutgoingMessage[]): Promise<ReadonlySet<string>> {
    const failed = new Set<string>();
    for (let i = 0; i < messages.length; i += MAX_ENTRIES_PER_CALL) {
      const chunk = messages.slice(i, i + MAX_ENTRIES_PER_CALL);
      try {
        const out = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((m) => ({ Id: m.id, MessageBody: m.body })) }),
        );
        for (const f of out.Failed ?? []) if (f.Id !== undefined) failed.add(f.Id);
      } catch {
        for (const m of chunk) failed.add(m.id);
      }
    }
    return failed;
  }
}

export const queueSender = once<QueueSender>(() => new SqsSender(new SQSClient({ useQueueUrlAsEndpoint: false })));
