/**
 * The SQS JSON protocol subset (AmazonSQS.<Operation>) the service and a redrive tool need, served over the
 * in-memory queues of sqs.ts: GetQueueUrl, ListQueues, GetQueueAttributes, SendMessage(Batch),
 * ReceiveMessage, DeleteMessage(Batch), StartMessageMoveTask. Anything else is refused.
 */
import { randomUUID } from 'node:crypto';
import { AwsError, sqsError } from './aws-errors';
import type { Queues } from './sqs';

export function handleSqsOperation(queues: Queues, operation: string, input: Record<string, any>): unknown {
  switch (operation) {
    case 'GetQueueUrl':
      return { QueueUrl: queues.url(queues.model(String(input.QueueName)).name) };
    case 'ListQueues':
      return {
        QueueUrls: queues.names.filter((n) => !input.QueueNamePrefix || n.startsWith(input.QueueNamePrefix)).map((n) => queues.url(n)),
      };
    case 'GetQueueAttributes': {
      const q = queues.resolve(input.QueueUrl);
      const { visible, inFlight } = queues.counts(q.name);
      return {
        Attributes: {
          QueueArn: q.arn,
          ApproximateNumberOfMessages: String(visible),
          ApproximateNumberOfMessagesNotVisible: String(inFlight),
          VisibilityTimeout: String(q.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String(q.retentionSeconds),
          ...(q.redrive
            ? {
                RedrivePolicy: JSON.stringify({
                  deadLetterTargetArn: queues.model(q.redrive.deadLetterQueue).arn,
                  maxReceiveCount: q.redrive.maxReceiveCount,
                }),
              }
            : {}),
        },
      };
    }
    case 'SendMessage': {
      const q = queues.resolve(input.QueueUrl);
      if (input.MessageAttributes !== undefined)
        throw sqsError('UnsupportedOperation', 'MessageAttributes are not emulated by the local runtime');
      if (typeof input.MessageBody !== 'string' || input.MessageBody === '')
        throw sqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
      const m = queues.send(q.name, input.MessageBody, Number(input.DelaySeconds ?? 0));
      return { MessageId: m.messageId, MD5OfMessageBody: m.md5 };
    }
    case 'SendMessageBatch': {
      const q = queues.resolve(input.QueueUrl);
      const entries = input.Entries;
      if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10)
        throw sqsError('TooManyEntriesInBatchRequest', 'A batch holds 1 to 10 entries.');
      const Successful: unknown[] = [];
      const Failed: unknown[] = [];
      for (const e of entries) {
        if (e?.MessageAttributes !== undefined)
          throw sqsError('UnsupportedOperation', 'MessageAttributes are not emulated by the local runtime');
        if (typeof e?.MessageBody !== 'string' || e.MessageBody === '') {
          Failed.push({ Id: e?.Id, SenderFault: true, Code: 'MissingParameter', Message: 'MessageBody is required' });
          continue;
        }
        const m = queues.send(q.name, e.MessageBody, Number(e.DelaySeconds ?? 0));
        Successful.push({ Id: e.Id, MessageId: m.messageId, MD5OfMessageBody: m.md5 });
      }
      return { Successful, Failed };
    }
    case 'ReceiveMessage': {
      const q = queues.resolve(input.QueueUrl);
      const max = Number(input.MaxNumberOfMessages ?? 1);
      if (!(max >= 1 && max <= 10)) throw sqsError('InvalidParameterValue', 'MaxNumberOfMessages must be between 1 and 10.');
      const messages = queues.receive(q.name, max, input.VisibilityTimeout === undefined ? undefined : Number(input.VisibilityTimeout));
      return messages.length ? { Messages: messages } : {};
    }
    case 'DeleteMessage':
      queues.delete(queues.resolve(input.QueueUrl).name, input.ReceiptHandle);
      return {};
    case 'DeleteMessageBatch': {
      const q = queues.resolve(input.QueueUrl);
      const Successful: unknown[] = [];
      const Failed: unknown[] = [];
      for (const e of input.Entries ?? []) {
        try {
          queues.delete(q.name, e?.ReceiptHandle);
          Successful.push({ Id: e.Id });
        } catch (err) {
          Failed.push({ Id: e?.Id, SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: (err as Error).message });
        }
      }
      return { Successful, Failed };
    }
    case 'StartMessageMoveTask': {
      const moved = queues.moveMessages(
        String(input.SourceArn),
        input.DestinationArn === undefined ? undefined : String(input.DestinationArn),
      );
      queues.log(`queue move task from ${input.SourceArn}: ${moved} messages`);
      return { TaskHandle: randomUUID() };
    }
    default:
      throw new AwsError(400, 'UnknownOperationException', `AmazonSQS.${operation} is not emulated by the local runtime`);
  }
}
