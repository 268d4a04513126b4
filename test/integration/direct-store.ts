/**
 * The service's DynamoDB store on a test file's table (DynamoDB Local), for tests that drive the use cases directly
 * (no Lambda in between): the store, caps raised out of the way, and a customer made of real grants.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, DynamoCreditStore } from '../../lambdas/adapters/dynamodb';
import { grantCredit } from '../../lambdas/app/grant';
import type { CapPolicy } from '../../lambdas/domain/caps';
import { DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { systemClock } from '../../lambdas/shared/clock';
import { newId } from '../../lambdas/shared/ids';
import { unique } from './service-client';

/** Caps raised so high that no test meets them. */
export const NO_CAPS: CapPolicy = {
  customerAmount30dMajorUnits: 1_000_000_000,
  customerAmount365dMajorUnits: 1_000_000_000,
  customerGrants30d: 1_000_000_000,
  customerGrants365d: 1_000_000_000,
  issuerAmountPerDayMajorUnits: 1_000_000_000,
};

export function directStore(tableName: string): DynamoCreditStore {
  const client = new DynamoDBClient({
    endpoint: process.env.DDB_ENDPOINT,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return new DynamoCreditStore(createDocumentClient(client), tableName);
}

/** What the use cases take besides their store: the system clock and real ids. */
export const realTime = { clock: systemClock, newId };

/** A new customer with one 30-day EUR credit per amount, granted one after the other. */
export async function customerWith(store: DynamoCreditStore, amounts: readonly number[]): Promise<string> {
  const customerId = unique('c');
  for (const amount of amounts) {
    const detail = {
      complaintId: unique('cmp'),
      customerId,
      email: 'd@example.com',
      locale: 'de-DE',
      amount,
      currency: 'EUR',
      validityDays: 30,
    };
    const out = await grantCredit({ ...detail, reason: 'direct' }, { store, ...realTime, policy: DEFAULT_GRANT_POLICY, caps: NO_CAPS });
    if (out.outcome !== 'GRANTED') throw new Error(`grant: ${out.outcome}`);
  }
  return customerId;
}
