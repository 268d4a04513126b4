/**
 * Provisioning from the template: the table in DynamoDB Local (with TTL and stream), and the process
 * environment the handlers see (the union of the functions' variables plus endpoint overrides pointing the
 * AWS SDK at DynamoDB Local, the SES emulator and this runtime). The previous environment is restorable.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_REGION } from './cfn';
import { rewriteStreamArnRegion } from './streams';
import type { TableModel } from './template-model';

export interface ProvisionedTable {
  /** The stream ARN as DynamoDB Local names it (for the Streams API). */
  localStreamArn?: string;
  /** The stream ARN as handlers see it in records (eventSourceARN). */
  streamArn?: string;
}

export async function provisionTable(ddb: DynamoDBClient, t: TableModel, sleep: (ms: number) => Promise<void>): Promise<ProvisionedTable> {
  try {
    await ddb.send(new CreateTableCommand(t.createTableInput));
  } catch (e) {
    if (!(e instanceof ResourceInUseException) && (e as Error).name !== 'ResourceInUseException') throw e;
  }
  let described = await ddb.send(new DescribeTableCommand({ TableName: t.name }));
  for (let i = 0; i < 100 && described.Table?.TableStatus !== 'ACTIVE'; i++) {
    await sleep(50);
    described = await ddb.send(new DescribeTableCommand({ TableName: t.name }));
  }
  if (t.ttlAttribute) {
    try {
      await ddb.send(
        new UpdateTimeToLiveCommand({ TableName: t.name, TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true } }),
      );
    } catch (e) {
      if (!/already enabled/i.test((e as Error).message)) throw e;
    }
  }
  const localStreamArn = described.Table?.LatestStreamArn;
  if (t.streamViewType && !localStreamArn)
    throw new Error(`table ${t.name} exists without a stream; the template needs ${t.streamViewType}`);
  return localStreamArn ? { localStreamArn, streamArn: rewriteStreamArnRegion(localStreamArn, LOCAL_REGION) } : {};
}

export interface Endpoints {
  dynamo: string;
  ses: string;
  /** This runtime (EventBridge, Lambda, SQS). */
  runtime: string;
}

/** Set the handlers' environment; returns it and a function that restores the previous process.env values. */
export function applyEnvironment(
  functionEnv: Record<string, string>,
  endpoints: Endpoints,
  log: (line: string) => void,
): { env: Record<string, string>; restore: () => void } {
  const overrides: Record<string, string | undefined> = {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamo,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamo,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.runtime,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.runtime,
    AWS_ENDPOINT_URL_SQS: endpoints.runtime,
  };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(functionEnv)) {
    if (k in overrides) log(`note: function environment sets ${k}; the local runtime overrides it`);
    else env[k] = v;
  }
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) env[k] = v;
  const saved = new Map<string, string | undefined>();
  const set = (k: string, v: string | undefined) => {
    if (!saved.has(k)) saved.set(k, process.env[k]);
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  };
  for (const [k, v] of Object.entries(overrides)) set(k, v);
  for (const [k, v] of Object.entries(env)) set(k, v);
  return {
    env,
    restore: () => {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}
