/**
 * The client's README (client/README.md) runs as written: its checkout (hold, capture per shipment, refund) against
 * the local runtime, through the client, on a customer holding one 50,00 € credit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { transform } from 'esbuild';
import { CourtesyCreditsClient } from '../../client/src';
import { REPO_ROOT } from '../../infra/paths';
import { startTestRuntime, type TestRuntime } from './harness';
import { complaint, ServiceClient } from './service-client';

let t: TestRuntime;
let svc: ServiceClient;
beforeAll(async () => {
  t = await startTestRuntime();
  svc = new ServiceClient(t);
});
afterAll(() => t?.stop());

/** The README's code blocks (```ts). */
const blocks = () =>
  [...fs.readFileSync(path.join(REPO_ROOT, 'client/README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

it('the checkout of the README: 30,00 € held of 45,00 €, 25,00 € captured in two shipments, 8,00 € refunded', async () => {
  const checkout = blocks().find((b) => b.includes('credits.hold('));
  expect(checkout).toBeDefined();
  await svc.grant(complaint({ customerId: 'cust-42', amount: 5000 }));

  const credits = new CourtesyCreditsClient({
    lambda: new LambdaClient({
      endpoint: t.runtime.url,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
  // The block as the body of an async function of `credits`, its types stripped.
  const { code } = await transform(`module.exports = async (credits) => {\n${checkout}\n};`, { loader: 'ts', format: 'cjs' });
  const module = { exports: undefined as unknown as (c: CourtesyCreditsClient) => Promise<void> };
  new Function('module', code)(module);
  await module.exports(credits);

  const balance = await credits.balance({ customerId: 'cust-42' });
  expect(balance).toMatchObject({ ok: true, courtesyCredit: { balances: [{ currency: 'EUR', available: 5000 - 2500 + 800, held: 0 }] } });
  if (!balance.ok) return;
  // The final capture and its release share one instant: compared as a set.
  const entries = balance.history.map((e) => `${e.kind} ${e.amount}`).sort();
  expect(entries).toEqual(['CAPTURED 2000', 'CAPTURED 500', 'GRANTED 5000', 'HELD 3000', 'REFUNDED 800', 'RELEASED 500'].sort());
});
