/**
 * One test file's service under test, started the same way everywhere: the local runtime on the file's own table
 * (harness.ts), a ServiceClient to it (service-client.ts) and a DynamoCreditStore on the same table in DynamoDB Local.
 *
 *   let t: TestRuntime;
 *   let svc: ServiceClient;
 *   useService({ retryDelayMs: () => 10 }, (s) => ({ t, svc } = s));   // beforeAll: start; afterAll: stop
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, DynamoCreditStore } from '../../lambdas/adapters/dynamodb';
import { startTestRuntime, type TestRuntime, type TestRuntimeOptions } from './harness';
import { ServiceClient } from './service-client';

export interface TestService {
  t: TestRuntime;
  svc: ServiceClient;
  /** The service's store on this file's table, for reading back (or driving a use case) without the runtime. */
  store: DynamoCreditStore;
}

/** A low-level DynamoDB client on the shared DynamoDB Local (DDB_ENDPOINT, set by global-setup.ts). */
export function localDynamoClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: process.env.DDB_ENDPOINT,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** The service's DynamoCreditStore on this file's table, through DynamoDB Local. */
export function tableStore(t: TestRuntime): DynamoCreditStore {
  return new DynamoCreditStore(createDocumentClient(localDynamoClient()), t.tableName);
}

/** Start the local runtime, a client and a store for this file. */
export async function startService(opts: TestRuntimeOptions = {}): Promise<TestService> {
  const t = await startTestRuntime(opts);
  return { t, svc: new ServiceClient(t), store: tableStore(t) };
}

/**
 * Register this file's beforeAll (start the service, hand it to `use`) and afterAll (stop it). Hooks registered
 * after this call run after it, so they see the service.
 */
export function useService(opts: TestRuntimeOptions, use: (s: TestService) => void): void {
  let started: TestService | undefined;
  beforeAll(async () => {
    started = await startService(opts);
    use(started);
  });
  afterAll(async () => {
    await started?.t.stop();
  });
}
