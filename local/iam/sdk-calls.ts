/**
 * What IAM sees of an AWS SDK call: its action(s), resource ARN(s) and request context keys, and for SSE-KMS
 * targets the KMS calls the service makes with the caller's credentials (AWS docs, "How <service> uses AWS KMS":
 * SQS SendMessage → GenerateDataKey + Decrypt, receive → Decrypt; DynamoDB table access → Decrypt of the table key;
 * S3 PutObject → GenerateDataKey). A command without a mapping here throws: nothing passes unevaluated.
 */

export interface IamCall {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  /** The KMS calls the service makes for this call when `resource` is encrypted by a customer-managed key. */
  kms?: { via: 'sqs' | 'dynamodb' | 's3' | 'sns'; actions: string[]; encryptionContext: Record<string, string> };
}

export interface ArnScope {
  region: string;
  account: string;
}

export class UnmappedCall extends Error {
  override readonly name = 'UnmappedCall';
}

const tableArn = (s: ArnScope, table: string) =>
  table.startsWith('arn:') ? table : `arn:aws:dynamodb:${s.region}:${s.account}:table/${table}`;

/** The KMS call DynamoDB makes for an item operation on a customer-managed-key table. */
function dynamo(s: ArnScope, action: string, table: string, index?: string): IamCall {
  const arn = tableArn(s, table);
  return {
    action: `dynamodb:${action}`,
    resource: index ? `${arn}/index/${index}` : arn,
    context: {},
    kms: {
      via: 'dynamodb',
      actions: ['kms:Decrypt'],
      encryptionContext: { 'aws:dynamodb:tableName': arn.split('/')[1]!, 'aws:dynamodb:subscriberId': s.account },
    },
  };
}

const TRANSACT_KINDS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

/** Client command names of @aws-sdk/client-dynamodb and @aws-sdk/lib-dynamodb → IAM action. */
const DYNAMO_SINGLE: Record<string, string> = {
  Get: 'GetItem',
  GetItem: 'GetItem',
  Put: 'PutItem',
  PutItem: 'PutItem',
  Update: 'UpdateItem',
  UpdateItem: 'UpdateItem',
  Delete: 'DeleteItem',
  DeleteItem: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  DescribeTable: 'DescribeTable',
};

function dynamoCalls(s: ArnScope, op: string, input: any): IamCall[] {
  const single = DYNAMO_SINGLE[op];
  if (single) return [dynamo(s, single, input.TableName, single === 'Query' || single === 'Scan' ? input.IndexName : undefined)];
  switch (op) {
    case 'TransactWrite':
    case 'TransactWriteItems':
      return (input.TransactItems as Array<Record<string, any>>).map((item) => {
        const kind = Object.keys(item)[0]!;
        return dynamo(s, TRANSACT_KINDS[kind]!, item[kind].TableName);
      });
    case 'TransactGet':
    case 'TransactGetItems':
      return (input.TransactItems as Array<{ Get: any }>).map((item) => dynamo(s, 'GetItem', item.Get.TableName));
    case 'BatchGet':
    case 'BatchGetItem':
      return Object.keys(input.RequestItems).map((t) => dynamo(s, 'BatchGetItem', t));
    case 'BatchWrite':
    case 'BatchWriteItem':
      return Object.keys(input.RequestItems).map((t) => dynamo(s, 'BatchWriteItem', t));
  }
  throw new UnmappedCall(`DynamoDB ${op}`);
}

const bare = (address: string) => (/<([^>]+)>/.exec(address)?.[1] ?? address).trim();

/**
 * SES v2 SendEmail: authorized on the sending identity and on the configuration set. The identity is the From
 * address's domain (the service verifies a domain, courtesy:sesIdentity), unless an identity ARN is given.
 */
function sesCalls(s: ArnScope, op: string, input: any): IamCall[] {
  if (op !== 'SendEmail') throw new UnmappedCall(`SESv2 ${op}`);
  const from = bare(String(input.FromEmailAddress ?? ''));
  const identity = input.FromEmailAddressIdentityArn ?? `arn:aws:ses:${s.region}:${s.account}:identity/${from.split('@')[1]}`;
  const d = input.Destination ?? {};
  const context = {
    'ses:FromAddress': from,
    'ses:Recipients': [...(d.ToAddresses ?? []), ...(d.CcAddresses ?? []), ...(d.BccAddresses ?? [])].map(bare),
    'ses:ApiVersion': '2',
  };
  const resources = [identity];
  if (input.ConfigurationSetName) {
    resources.push(`arn:aws:ses:${s.region}:${s.account}:configuration-set/${input.ConfigurationSetName}`);
  }
  return resources.map((resource) => ({ action: 'ses:SendEmail', resource, context }));
}

/** PutEvents: one call per target bus, with the multivalued events:source and events:detail-type of its entries. */
function eventsCalls(s: ArnScope, op: string, input: any): IamCall[] {
  if (op !== 'PutEvents') throw new UnmappedCall(`EventBridge ${op}`);
  const byBus = new Map<string, any[]>();
  for (const e of input.Entries ?? []) {
    const bus = String(e.EventBusName ?? 'default');
    const arn = bus.startsWith('arn:') ? bus : `arn:aws:events:${s.region}:${s.account}:event-bus/${bus}`;
    byBus.set(arn, [...(byBus.get(arn) ?? []), e]);
  }
  return [...byBus].map(([resource, entries]) => ({
    action: 'events:PutEvents',
    resource,
    context: { 'events:source': entries.map((e) => String(e.Source)), 'events:detail-type': entries.map((e) => String(e.DetailType)) },
  }));
}

/** An SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>, or a local endpoint's) → its ARN. */
export function queueArnOfUrl(s: ArnScope, url: string): string {
  const [account, name] = new URL(url).pathname.split('/').filter(Boolean).slice(-2);
  return `arn:aws:sqs:${s.region}:${/^\d{12}$/.test(account ?? '') ? account : s.account}:${name}`;
}

/** A send to a queue: sqs:SendMessage, and with SSE-KMS GenerateDataKey + Decrypt via SQS. */
export function sqsSend(queueArn: string): IamCall {
  return {
    action: 'sqs:SendMessage',
    resource: queueArn,
    context: {},
    kms: { via: 'sqs', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], encryptionContext: { 'aws:sqs:arn': queueArn } },
  };
}

function sqsCalls(s: ArnScope, op: string, input: any): IamCall[] {
  if (op === 'SendMessage' || op === 'SendMessageBatch') return [sqsSend(queueArnOfUrl(s, input.QueueUrl))];
  throw new UnmappedCall(`SQS ${op}`);
}

/** The IAM calls one SDK command makes (`serviceId` is the client's config.serviceId). */
export function iamCallsOf(s: ArnScope, serviceId: string, commandName: string, input: unknown): IamCall[] {
  const op = commandName.replace(/Command$/, '');
  switch (serviceId) {
    case 'DynamoDB':
      return dynamoCalls(s, op, input);
    case 'SESv2':
      return sesCalls(s, op, input);
    case 'EventBridge':
      return eventsCalls(s, op, input);
    case 'SQS':
      return sqsCalls(s, op, input);
  }
  throw new UnmappedCall(`${serviceId} ${op}`);
}
