/** The template's DynamoDB table → the CreateTable input, TTL attribute and stream view type the runtime provisions. */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { TemplateError, type CfnResource, type Intrinsics } from './cfn';
import type { TableModel } from './template-model';

export function readTable(cfn: Intrinsics, logicalId: string, r: CfnResource): TableModel {
  const p = r.Properties ?? {};
  const where = `${logicalId}.Properties`;
  const name = cfn.nameOf(logicalId);
  const keySchema = cfn.resolve(p.KeySchema, `${where}.KeySchema`);
  const billingMode: string =
    cfn.resolve(p.BillingMode, `${where}.BillingMode`) ?? (p.ProvisionedThroughput ? 'PROVISIONED' : 'PAY_PER_REQUEST');
  const provisioned = billingMode === 'PROVISIONED';
  const throughput = (t: any) =>
    provisioned && t
      ? { ReadCapacityUnits: Number(t.ReadCapacityUnits ?? 5), WriteCapacityUnits: Number(t.WriteCapacityUnits ?? 5) }
      : undefined;
  const index = (i: any) => ({
    IndexName: i.IndexName,
    KeySchema: i.KeySchema,
    Projection: i.Projection ?? { ProjectionType: 'ALL' },
    ...(provisioned ? { ProvisionedThroughput: throughput(i.ProvisionedThroughput ?? {}) } : {}),
  });
  const gsis = cfn.resolve(p.GlobalSecondaryIndexes, `${where}.GlobalSecondaryIndexes`) as any[] | undefined;
  const lsis = cfn.resolve(p.LocalSecondaryIndexes, `${where}.LocalSecondaryIndexes`) as any[] | undefined;
  const streamViewType: string | undefined = p.StreamSpecification?.StreamViewType;
  const input: CreateTableCommandInput = {
    TableName: name,
    KeySchema: keySchema,
    AttributeDefinitions: cfn.resolve(p.AttributeDefinitions, `${where}.AttributeDefinitions`),
    BillingMode: billingMode as CreateTableCommandInput['BillingMode'],
    ...(provisioned ? { ProvisionedThroughput: throughput(p.ProvisionedThroughput ?? {}) } : {}),
    ...(gsis?.length ? { GlobalSecondaryIndexes: gsis.map(index) } : {}),
    ...(lsis?.length
      ? { LocalSecondaryIndexes: lsis.map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection })) }
      : {}),
    ...(streamViewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType as 'NEW_AND_OLD_IMAGES' } } : {}),
  };
  if (!Array.isArray(input.KeySchema) || !Array.isArray(input.AttributeDefinitions)) {
    throw new TemplateError(`${where}: KeySchema and AttributeDefinitions are required`);
  }
  const ttl = p.TimeToLiveSpecification;
  const ttlAttribute = ttl && ttl.Enabled !== false && typeof ttl.AttributeName === 'string' ? ttl.AttributeName : undefined;
  return {
    logicalId,
    name,
    createTableInput: input,
    ...(ttlAttribute ? { ttlAttribute } : {}),
    ...(streamViewType ? { streamViewType } : {}),
  };
}
