/**
 * Talks to the service the way its real callers do: PutEvents on the bus and Lambda Invoke, through the AWS SDK
 * clients pointed at the local runtime. Also reads the table directly for assertions about what was (not) written.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { TestRuntime } from './harness';
import { keys } from '../../lambdas/adapters/dynamodb/layout';

const creds = { accessKeyId: 'local', secretAccessKey: 'local' };
let seq = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++seq}`;

/** `value` contains `text` as a whole string value somewhere (ids are prefixes of one another: cmp-…-1, cmp-…-10). */
export const has = (value: unknown, text: string): boolean => JSON.stringify(value).includes(JSON.stringify(text));

export function complaint(overrides: Record<string, unknown> = {}) {
  return {
    complaintId: unique('cmp'),
    customerId: unique('cust'),
    email: `${unique('kunde')}@example.com`,
    locale: 'de-DE',
    amount: 2500,
    currency: 'EUR',
    validityDays: 90,
    reason: 'Paket beschädigt angekommen',
    ...overrides,
  };
}
export type Complaint = ReturnType<typeof complaint>;

export class ServiceClient {
  private readonly eventBridge: EventBridgeClient;
  private readonly lambda: LambdaClient;
  private readonly ddb: DynamoDBClient;
  /** The stage's bus, as the template names it (courtesy-credits-<stage>). */
  readonly busName: string;

  constructor(private readonly t: TestRuntime) {
    const buses = Object.values(t.template.Resources ?? {}).filter((r) => r.Type === 'AWS::Events::EventBus');
    if (buses.length !== 1 || typeof buses[0]!.Properties?.Name !== 'string')
      throw new Error('the template must define exactly one named bus');
    this.busName = buses[0]!.Properties.Name;
    this.eventBridge = new EventBridgeClient({ endpoint: t.runtime.url, region: 'eu-central-1', credentials: creds });
    this.lambda = new LambdaClient({ endpoint: t.runtime.url, region: 'eu-central-1', credentials: creds });
    this.ddb = new DynamoDBClient({ endpoint: process.env.DDB_ENDPOINT, region: 'eu-central-1', credentials: creds });
  }

  /** Synchronous invoke; a crash (FunctionError) fails the test with the function's error. */
  async invoke<T = any>(fn: string, payload: unknown): Promise<T> {
    const out = await this.lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify(payload)) }));
    const body = Buffer.from(out.Payload ?? []).toString();
    if (out.FunctionError) throw new Error(`${fn} crashed: ${body}`);
    return JSON.parse(body) as T;
  }

  async putComplaint(detail: Record<string, unknown>, source = 'retailer.complaints', detailType = 'ComplaintResolved'): Promise<void> {
    const out = await this.eventBridge.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: this.busName, Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }],
      }),
    );
    if (out.FailedEntryCount !== 0) throw new Error(`PutEvents failed: ${JSON.stringify(out.Entries)}`);
  }

  /** Several ComplaintResolved events, up to 10 per PutEvents call (as a producer batching them would). */
  async putComplaints(details: Record<string, unknown>[], source = 'retailer.complaints'): Promise<void> {
    for (let i = 0; i < details.length; i += 10) {
      const out = await this.eventBridge.send(
        new PutEventsCommand({
          Entries: details
            .slice(i, i + 10)
            .map((d) => ({ EventBusName: this.busName, Source: source, DetailType: 'ComplaintResolved', Detail: JSON.stringify(d) })),
        }),
      );
      if (out.FailedEntryCount !== 0) throw new Error(`PutEvents failed: ${JSON.stringify(out.Entries)}`);
    }
  }

  /** Grant through the bus and wait until every consequence (email, events) has been processed. */
  async grant(detail: Complaint): Promise<any> {
    await this.putComplaint(detail);
    await this.t.runtime.idle(30_000);
    return this.balance(detail.customerId);
  }

  balance(customerId: string): Promise<any> {
    return this.invoke('balance', { customerId });
  }

  redeem(customerId: string, amount: number, extra: Record<string, unknown> = {}): Promise<any> {
    return this.invoke('redeem', {
      customerId,
      orderId: unique('order'),
      amount,
      currency: 'EUR',
      idempotencyKey: unique('key'),
      ...extra,
    });
  }

  /** Outgoing events of one type for one customer, as recorded on the local bus. */
  events(detailType: string, customerId: string): any[] {
    return this.t.runtime.events.filter((e) => e['detail-type'] === detailType && e.detail.customerId === customerId);
  }

  /** Every item in the customer's partition, read straight from DynamoDB Local. */
  async items(customerId: string): Promise<Record<string, any>[]> {
    const out = await this.ddb.send(
      new ScanCommand({
        TableName: this.t.tableName,
        FilterExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: keys.customer(customerId) } },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => unmarshall(i));
  }

  /** Deletes an item read with items() straight from DynamoDB Local (as TTL would; the stream record says who deleted it). */
  async deleteItem(item: Record<string, any>): Promise<void> {
    await this.ddb.send(new DeleteItemCommand({ TableName: this.t.tableName, Key: marshall({ pk: item.pk, sk: item.sk }) }));
  }

  /** The whole table, for byte-for-byte "nothing changed" assertions. */
  async snapshot(): Promise<string> {
    const items: string[] = [];
    let ExclusiveStartKey: Record<string, any> | undefined;
    do {
      const page = await this.ddb.send(new ScanCommand({ TableName: this.t.tableName, ConsistentRead: true, ExclusiveStartKey }));
      for (const i of page.Items ?? []) items.push(JSON.stringify(unmarshall(i), Object.keys(unmarshall(i)).sort()));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items.sort().join('\n');
  }

  /** Messages in the local failure queues that contain `text` as a whole string value (so "cmp-1" never matches "cmp-10"). */
  failures(text: string): unknown[] {
    return Object.values(this.t.runtime.queues)
      .flat()
      .filter((m) => has(m, text));
  }
}
