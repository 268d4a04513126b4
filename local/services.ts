/**
 * Start and stop the emulators the local runtime talks to, together: Amazon's DynamoDB Local
 * (dynamodb-local.ts) and aws-ses-v2-local (ses-local.ts). Ports: service-ports.ts; child-process bookkeeping
 * (process groups, stop, kill on exit and signals): emulator-process.ts.
 */
import { startDynamoDbLocal } from './dynamodb-local';
import type { ServiceHandle, ServiceOptions } from './emulator-process';
import { startSesLocal } from './ses-local';

export type { ServiceHandle, ServiceOptions } from './emulator-process';
export { freePort, isPortFree } from './service-ports';
export { OWNER_TABLE_PREFIX, assertJava, confirmDynamoOwnership, startDynamoDbLocal } from './dynamodb-local';
export { startSesLocal } from './ses-local';

export interface LocalServices {
  dynamo: ServiceHandle;
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
}

/** Start DynamoDB Local and the SES emulator in parallel; if one fails the other is stopped. */
export async function startLocalServices(opts: StartServicesOptions = {}): Promise<LocalServices> {
  const common = {
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.handleSignals !== undefined ? { handleSignals: opts.handleSignals } : {}),
  };
  const [dynamo, ses] = await Promise.allSettled([
    startDynamoDbLocal({ ...common, ...opts.dynamo }),
    startSesLocal({ ...common, ...opts.ses }),
  ]);
  if (dynamo.status === 'rejected' || ses.status === 'rejected') {
    if (dynamo.status === 'fulfilled') await dynamo.value.stop();
    if (ses.status === 'fulfilled') await ses.value.stop();
    throw dynamo.status === 'rejected' ? dynamo.reason : (ses as PromiseRejectedResult).reason;
  }
  return {
    dynamo: dynamo.value,
    ses: ses.value,
    dynamoEndpoint: dynamo.value.endpoint,
    sesEndpoint: ses.value.endpoint,
    stop: async () => {
      await Promise.all([dynamo.value.stop(), ses.value.stop()]);
    },
  };
}
