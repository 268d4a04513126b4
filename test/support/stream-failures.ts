/**
 * Reads the records of a discarded stream batch back from the table stream, from the batch metadata an SQS
 * on-failure destination receives (shard id, start/end sequence numbers) — what an operator does within the
 * stream's 24 h retention, since AWS does not put the records in the message.
 */
import { DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { compareSequenceNumbers, toLambdaStreamRecord, type LambdaStreamRecord } from '../../local/streams';
import { LOCAL_REGION } from '../../local/cfn';

export interface StreamBatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  streamArn: string;
}

export async function discardedRecords(
  runtime: { localStreamArn: string | undefined; streamArn: string | undefined },
  failure: { DDBStreamBatchInfo: StreamBatchInfo },
  endpoint = process.env.DDB_ENDPOINT,
): Promise<LambdaStreamRecord[]> {
  const info = failure.DDBStreamBatchInfo;
  const client = new DynamoDBStreamsClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamArn: runtime.localStreamArn,
          ShardId: info.shardId,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          SequenceNumber: info.startSequenceNumber,
        }),
      )
    ).ShardIterator;
    const out: LambdaStreamRecord[] = [];
    for (let page = 0; iterator && page < 100; page++) {
      const res = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      for (const r of res.Records ?? []) {
        if (compareSequenceNumbers(r.dynamodb!.SequenceNumber!, info.endSequenceNumber) > 0) return out;
        out.push(toLambdaStreamRecord(r, { streamArn: runtime.streamArn!, region: LOCAL_REGION }));
      }
      if (!res.Records?.length) break;
      iterator = res.NextShardIterator;
    }
    return out;
  } finally {
    client.destroy();
  }
}
