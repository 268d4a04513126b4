/**
 * Start and stop the emulators the local runtime talks to, together: Amazon's DynamoDB Local
 * (dynamodb-local.ts) behind the strict layer (ddb-strict.ts: transaction conflicts and partition limits as AWS
 * has them; on unless DDB_STRICT=0) and aws-ses-v2-local (ses-local.ts). Ports: service-ports.ts; child-process
 * bookkeeping (process groups, stop, kill on exit and signals): emulator-process.ts.
 */
import { startStrictDynamo, type StrictDynamo } from './ddb-strict';
import { strictSettingsFromEnv, type StrictSettings } from './ddb-strict-settings';
import { startDynamoDbLocal } from './dynamodb-local';
import type { ServiceHandle, ServiceOptions } from './emulator-process';
import { startSesLocal } from './ses-local';
import { choosePort } from './service-ports';

export type { ServiceHandle, ServiceOptions } from './emulator-process';
export { freePort, isPortFree } from './service-ports';
export { OWNER_TABLE_PREFIX, assertJava, confirmDynamoOwnership, startDynamoDbLocal } from './dynamodb-local';
export { startSesLocal } from './ses-local';

export interface LocalServices {
  /** What clients talk to: the strict layer when it is on (its port, DynamoDB Local's pid), else DynamoDB Local. */
  dynamo: ServiceHandle;
  /** The strict layer, unless DDB_STRICT=0. */
  strict?: StrictDynamo;
  ses: ServiceHandle;
  dynamoEndpoint: string;
  sesEndpoint: string;
  stop(): Promise<void>;
}

export interface StartServicesOptions {
  dynamo?: ServiceOptions;
  ses?: ServiceOptions;
  log?: (line: string) => void;
  handleSignals?: boolean;
  /** The strict layer's settings; default from the environment (strictSettingsFromEnv), `false` for none. */
  strict?: StrictSettings | false;
}

/**
 * DynamoDB Local behind the strict layer: the layer takes the port asked for, DynamoDB Local any free one.
 * Without settings, DynamoDB Local alone.
 */
async function startDynamo(
  opts: ServiceOptions,
  settings: StrictSettings | undefined,
): Promise<{ handle: ServiceHandle; strict?: StrictDynamo }> {
  if (!settings) return { handle: await startDynamoDbLocal(opts) };
  const { port, preferredPort, ...rest } = opts;
  const layerPort = await choosePort({ port, preferredPort }, 'DynamoDB strict layer');
  const local = await startDynamoDbLocal(rest);
  try {
    const strict = await startStrictDynamo(local.endpoint, settings, layerPort);
    opts.log?.(`DynamoDB strict layer on ${strict.endpoint} in front of ${local.endpoint} (transaction window ${settings.txnWindowMs} ms)`);
    const handle: ServiceHandle = {
      ...local,
      name: 'DynamoDB Local (strict layer)',
      endpoint: strict.endpoint,
      port: strict.port,
      stop: async () => {
        await strict.stop();
        await local.stop();
      },
    };
    return { handle, strict };
  } catch (e) {
    await local.stop();
    throw e;
  }
}

/** Start DynamoDB Local and the SES emulator in parallel; if one fails the other is stopped. */
export async function startLocalServices(opts: StartServicesOptions = {}): Promise<LocalServices> {
  const common = {
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.handleSignals !== undefined ? { handleSignals: opts.handleSignals } : {}),
  };
  const settings = opts.strict === false ? undefined : (opts.strict ?? strictSettingsFromEnv());
  const [started, ses] = await Promise.allSettled([
    startDynamo({ ...common, ...opts.dynamo }, settings),
    startSesLocal({ ...common, ...opts.ses }),
  ]);
  if (started.status === 'rejected' || ses.status === 'rejected') {
    if (started.status === 'fulfilled') await started.value.handle.stop();
    if (ses.status === 'fulfilled') await ses.value.stop();
    throw started.status === 'rejected' ? started.reason : (ses as PromiseRejectedResult).reason;
  }
  const dynamo = started.value.handle;
  return {
    dynamo,
    ...(started.value.strict ? { strict: started.value.strict } : {}),
    ses: ses.value,
    dynamoEndpoint: dynamo.endpoint,
    sesEndpoint: ses.value.endpoint,
    stop: async () => {
      await Promise.all([dynamo.stop(), ses.value.stop()]);
    },
  };
}
