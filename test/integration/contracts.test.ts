import path from 'node:path';
import { defaultHandlerModule } from '../../local/runtime';
import { EVENT_SOURCE } from '../../lambdas/domain/events';
import { startTestRuntime, type TestRuntime } from './harness';
import { complaint, ServiceClient, unique } from './service-client';

/**
 * The contract checks themselves (contract-check.ts): on a runtime whose balance function answers `asAt` instead of
 * `asOf`, the drift is caught; the service's own answers and events pass.
 */
let t: TestRuntime;
let svc: ServiceClient;
const drifted = path.join(__dirname, '../fixtures/contract-drift/balance.ts');

beforeAll(async () => {
  t = await startTestRuntime({
    contracts: true,
    resolveHandlerModule: (name) => (name === 'balance' ? drifted : defaultHandlerModule(name)),
  });
  svc = new ServiceClient(t);
});
afterAll(() => t?.stop());

it('an answer with a renamed field breaks its schema, and the check fails the test', async () => {
  const answer = await svc.balance(unique('cust'));
  expect(answer).toMatchObject({ ok: true, asAt: expect.any(String) });
  expect(() => t.contracts!.assertKept()).toThrow(/balance answer breaks its schema: .*asOf/);
  expect(t.contracts!.take()).toEqual([]); // reported once
});

it('an event out with a renamed field breaks its schema', () => {
  const detail = { eventId: 'GRANTED#x', customerId: 'c', occurredAt: new Date().toISOString(), currency: 'EUR', amount: 1 };
  t.runtime.putEvents([
    {
      EventBusName: svc.busName,
      Source: EVENT_SOURCE,
      DetailType: 'CreditVoided',
      Detail: JSON.stringify({ ...detail, voidId: 'v', creditID: 'c' }),
    },
  ]);
  expect(t.contracts!.take()).toEqual([expect.stringMatching(/^CreditVoided published breaks its schema: .*creditId/)]);
});

it("the service's own grant, redeem and events keep their schemas", async () => {
  const before = { ...t.contracts!.checked };
  const c = complaint();
  await svc.putComplaint(c);
  await t.runtime.idle(30_000);
  expect(await svc.redeem(c.customerId, 1000)).toMatchObject({ ok: true, applied: 1000 });
  await t.runtime.idle(30_000);
  expect(await svc.redeem(c.customerId, 0)).toMatchObject({ ok: false, error: { code: 'AMOUNT_OUT_OF_RANGE' } });
  const after = t.contracts!.checked;
  // ComplaintResolved accepted; two answers, one accepted request; CreditGranted and CreditRedeemed at least.
  expect([after.eventsIn - before.eventsIn, after.answers - before.answers, after.requests - before.requests]).toEqual([1, 2, 1]);
  expect(after.eventsOut - before.eventsOut).toBeGreaterThanOrEqual(2);
  expect(t.contracts!.take()).toEqual([]);
});
