/**
 * The local runtime's IAM gate (local/iam/gate.ts) on the customer-managed-key template: an SDK call made inside a
 * handler invocation is evaluated as the function's role before anything is sent, and a denial is the error the SDK
 * would get from AWS; a delivery the template does not allow is refused and kept.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { synthTemplate } from '../../infra/synth';
import { defaultLocalName, type LocalNameResolver } from '../../local/cfn';
import { IamGate } from '../../local/iam/gate';
import { readIamPicture } from '../../local/iam/picture';

const template = synthTemplate({ context: { 'courtesy:kms': 'customer-managed' } });
const tableId = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::DynamoDB::Table')!;
const TABLE = 'gate-test-table';
const names: LocalNameResolver = (id, r) => (r.Type === 'AWS::DynamoDB::Table' ? TABLE : defaultLocalName(id, r));
/** Nothing listens here: a call that got past the gate would fail with a connection error instead. */
const nowhere = {
  endpoint: 'http://127.0.0.1:9',
  region: 'eu-central-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  maxAttempts: 1,
};

/** The template with one statement of a role's policy removed (the first whose actions include `action`). */
function without(roleLogicalIdPrefix: string, action: string): Record<string, any> {
  const copy = JSON.parse(JSON.stringify(template));
  const [, policy] = Object.entries<any>(copy.Resources).find(
    ([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith(roleLogicalIdPrefix),
  )!;
  const statements: any[] = policy.Properties.PolicyDocument.Statement;
  statements.splice(
    statements.findIndex((s) => [s.Action].flat().includes(action)),
    1,
  );
  return copy;
}

describe('calls made in an invocation', () => {
  const lines: string[] = [];
  const gate = new IamGate(readIamPicture(template, names), (l) => lines.push(l));
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(nowhere));

  test('a write the role is not granted is refused before it is sent, with AWS error name and text', async () => {
    const put = gate.runAs('balance', () => doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'a', sk: 'b' } })));
    await expect(put).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $fault: 'client',
      message: expect.stringMatching(
        new RegExp(
          '^User: arn:aws:sts::000000000000:assumed-role/BalanceRole[0-9A-F]{8}/balance is not authorized to perform: ' +
            `dynamodb:PutItem on resource: arn:aws:dynamodb:eu-central-1:000000000000:table/${TABLE} ` +
            'with an explicit deny in a resource-based policy$', // the table policy's write deny
        ),
      ),
    });
    expect(gate.denials).toHaveLength(1);
    expect(gate.denials[0]!.by).toBe('balance');
    expect(lines.join('\n')).toContain('dynamodb:PutItem');
  });

  test('a granted call passes the gate (and then fails only for want of a server)', async () => {
    const query = gate.runAs('balance', () =>
      doc.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'a' } })),
    );
    await expect(query).rejects.not.toMatchObject({ name: 'AccessDeniedException' });
    expect(gate.denials).toHaveLength(1);
  });

  test('outside an invocation the SDK is untouched', async () => {
    await expect(doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'a', sk: 'b' } }))).rejects.not.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  test("a send the key policy or the role's key grant does not cover is SQS's KmsAccessDenied", async () => {
    const noKey = new IamGate(readIamPicture(without('RouteRole', 'kms:GenerateDataKey'), names), () => {});
    const sqs = new SQSClient(nowhere);
    const url = 'https://sqs.eu-central-1.amazonaws.com/000000000000/';
    const queue = Object.keys(template.Resources).find((id) => id.startsWith('NotifyQueue'))!;
    const send = noKey.runAs('route', () =>
      sqs.send(new SendMessageBatchCommand({ QueueUrl: `${url}${queue}`, Entries: [{ Id: '1', MessageBody: '{}' }] })),
    );
    await expect(send).rejects.toMatchObject({ name: 'KmsAccessDenied', message: expect.stringContaining('kms:GenerateDataKey') });
  });
});

describe('deliveries', () => {
  test("a mapping's failure bucket the role may not write to is refused, kept and reported", async () => {
    const lines: string[] = [];
    const gate = new IamGate(readIamPicture(without('RouteRole', 's3:PutObject'), names), (l) => lines.push(l));
    await gate.start();
    const bucket = Object.keys(template.Resources)
      .find((id) => template.Resources[id].Type === 'AWS::S3::Bucket')!
      .toLowerCase(); // its local name
    expect(gate.deniedTo('mapping-failure', `arn:aws:s3:::${bucket}`)).toBe(true);
    expect(gate.deniedTo('async-failure', `arn:aws:s3:::${bucket}`)).toBe(false);
    expect(gate.denials.map((d) => d.by)).toEqual(['mapping-failure']);
    expect(lines[0]).toContain('s3:PutObject');
  });

  test('the template as synthesized: no delivery refused', async () => {
    const gate = new IamGate(readIamPicture(template, names), () => {});
    await gate.start();
    expect(gate.denials).toEqual([]);
    expect(tableId).toBeDefined();
  });
});
