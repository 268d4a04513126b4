/**
 * Issuance caps on DynamoDB Local: grants racing for one customer's (or one issuer's) last room under a cap never
 * both pass — the counters are written in the grant transaction only at the version read — and through the deployed
 * grant function a refusal is an answer (GrantRefused on the bus), not a failure-queue record.
 */
import type { DynamoCreditStore } from '../../lambdas/adapters/dynamodb';
import { grantCredit, type GrantOutcome } from '../../lambdas/app/grant';
import { DEFAULT_CAP_POLICY, type CapPolicy } from '../../lambdas/domain/caps';
import { DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { systemClock } from '../../lambdas/shared/clock';
import { newId } from '../../lambdas/shared/ids';
import type { TestRuntime } from './harness';
import { useService } from './service-fixture';
import { complaint, type ServiceClient, unique } from './service-client';

jest.setTimeout(180_000);

let t: TestRuntime;
let svc: ServiceClient;
let store: DynamoCreditStore;

useService({ retryDelayMs: () => 10 }, (s) => ({ t, svc, store } = s));

const CAPS: CapPolicy = { ...DEFAULT_CAP_POLICY, customerGrants30d: 3, issuerAmountPerDayMajorUnits: 50 };
const grant = (detail: ReturnType<typeof complaint>) =>
  grantCredit(detail, {
    store,
    clock: systemClock,
    policy: DEFAULT_GRANT_POLICY,
    caps: CAPS,
    newId,
    retry: { attempts: 50, baseDelayMs: 5, maxDelayMs: 50 },
  });
const outcomes = (results: GrantOutcome[]) => results.map((r) => (r.outcome === 'REFUSED' ? r.cap : r.outcome)).sort();

test('8 concurrent grants for one customer with room for 3: exactly 3 granted, 5 refused by the count cap', async () => {
  const customerId = unique('cust-race');
  const results = await Promise.all(Array.from({ length: 8 }, () => grant(complaint({ customerId, amount: 100 }))));
  expect(outcomes(results)).toEqual([...Array(3).fill('GRANTED'), ...Array(5).fill('CUSTOMER_COUNT_30D')].sort());
  const items = await svc.items(customerId);
  expect(items.filter((i) => i.type === 'CREDIT')).toHaveLength(3);
  expect(items.filter((i) => i.type === 'LEDGER')).toHaveLength(3);
  const usage = items.find((i) => i.type === 'GRANT_USAGE')!;
  expect(usage.days).toEqual([{ day: new Date().toISOString().slice(0, 10), count: 3, amounts: { EUR: 300 } }]);
  expect(usage.version).toBe(3);
});

test("concurrent grants by one issuer to different customers: the day's amount never exceeds the issuer cap", async () => {
  const issuedBy = unique('agent');
  // 50 EUR a day: room for two grants of 20 EUR, not three.
  const results = await Promise.all(
    Array.from({ length: 6 }, () => grant(complaint({ customerId: unique('cust-iss'), amount: 2000, issuedBy }))),
  );
  expect(outcomes(results)).toEqual([...Array(2).fill('GRANTED'), ...Array(4).fill('ISSUER_AMOUNT_1D')].sort());
});

test('through the grant function: over the cap → GrantRefused on the bus, no failure record, one refusal per complaint', async () => {
  const customerId = unique('cust-e2e');
  const room = DEFAULT_CAP_POLICY.customerGrants30d; // the template deploys the domain defaults
  const complaints = Array.from({ length: room + 2 }, () => complaint({ customerId, amount: 100, issuedBy: 'agent-e2e' }));
  await svc.putComplaints(complaints);
  await t.runtime.idle(90_000);
  expect(svc.events('CreditGranted', customerId)).toHaveLength(room);
  const refused = svc.events('GrantRefused', customerId);
  expect(refused).toHaveLength(2);
  for (const e of refused) {
    expect(e.detail).toEqual({
      eventId: `GRANT_REFUSED#${e.detail.complaintId}`,
      customerId,
      occurredAt: expect.any(String),
      complaintId: expect.any(String),
      code: 'GRANT_CAP_EXCEEDED',
      cap: 'CUSTOMER_COUNT_30D',
      currency: 'EUR',
      amount: 100,
      limit: room,
      issuedBy: 'agent-e2e',
    });
  }
  for (const c of complaints) expect(svc.failures(c.complaintId)).toEqual([]);
  // A redelivered refused complaint changes nothing and publishes nothing new.
  const before = await svc.snapshot();
  const again = complaints.find((c) => c.complaintId === refused[0].detail.complaintId)!;
  await svc.putComplaint(again);
  await t.runtime.idle(30_000);
  expect(await svc.snapshot()).toBe(before);
  expect(svc.events('GrantRefused', customerId)).toHaveLength(2);
});
