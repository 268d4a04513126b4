/**
 * Approval above a threshold (11.2) on DynamoDB Local through the local runtime, deployed with a threshold of
 * 100 EUR and an approver role: a grant above it waits (no credit, no email, balance unchanged, GrantPendingApproval),
 * approve makes the credit and the "issued" email goes out once, the issuer may not approve, decline ends it, an
 * approve racing a decline loses or wins whole, the deadline declines it by REAL TTL exactly once, erasure covers it,
 * and bad input is refused with the table unchanged.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { synthTemplate } from '../../infra/synth';
import { DAY_MS } from '../../lambdas/domain/credit';
import { offsetClock, setClock, systemClock } from '../../lambdas/shared/clock';
import type { CfnTemplate } from '../../local/template';
import { emailsTo, startTestRuntime, TTL_WAIT_MS, waitFor, type TestRuntime } from './harness';
import { complaint, ServiceClient, unique } from './service-client';
import { tableStore } from './service-fixture';

jest.setTimeout(240_000);

let t: TestRuntime;
let svc: ServiceClient;
const HOURS_72 = 3 * DAY_MS;

beforeAll(async () => {
  const template = synthTemplate({
    context: {
      'courtesy:approvalThreshold': { EUR: 100 },
      'courtesy:approverRoleArn': 'arn:aws:iam::111111111111:role/approvers',
    },
  }) as CfnTemplate;
  t = await startTestRuntime({ template, retryDelayMs: () => 10 });
  svc = new ServiceClient(t);
});
afterAll(async () => {
  await t?.stop();
});
afterEach(() => setClock(systemClock));

const expectRefusal = (res: any, code: string, message: string) => {
  expect(res.ok).toBe(false);
  expect(res.error.code).toBe(code);
  expect(res.error.message).toContain(message);
};
const approval = (payload: Record<string, unknown>) => svc.invoke('approval', payload);
const pendingOf = async (customerId: string) => (await approval({ operation: 'pending', customerId })).pending as any[];
/** A grant above the threshold, issued by `agent-1`, put on the bus and processed. */
async function requestAbove(overrides: Record<string, unknown> = {}) {
  const c = complaint({ amount: 15_000, issuedBy: 'agent-1', reasonCode: 'DAMAGED_ORDER', ...overrides });
  await svc.putComplaint(c);
  await t.runtime.idle(30_000);
  return c;
}

test('above the threshold: pending (no credit, no email, balance unchanged); the issuer may not approve; approve → credit, email once, events', async () => {
  const c = await requestAbove();
  const [p] = await pendingOf(c.customerId);
  expect(p).toMatchObject({
    complaintId: c.complaintId,
    currency: 'EUR',
    amount: 15_000,
    issuedBy: 'agent-1',
    reasonCode: 'DAMAGED_ORDER',
  });
  expect((await svc.balance(c.customerId)).courtesyCredit.balances).toEqual([]);
  expect((await svc.items(c.customerId)).filter((i) => i.type === 'CREDIT' || i.type === 'LEDGER')).toEqual([]);
  expect(await emailsTo(c.email)).toEqual([]);
  const [pendingEvent] = svc.events('GrantPendingApproval', c.customerId);
  expect(pendingEvent.detail).toEqual({
    eventId: `GRANT_PENDING#${p.pendingId}`,
    customerId: c.customerId,
    occurredAt: p.requestedAt,
    pendingId: p.pendingId,
    complaintId: c.complaintId,
    currency: 'EUR',
    amount: 15_000,
    decideBy: p.decideBy,
    reasonCode: 'DAMAGED_ORDER',
    issuedBy: 'agent-1',
  });
  expect(Date.parse(p.decideBy) - Date.parse(p.requestedAt)).toBe(HOURS_72);
  // A redelivered complaint finds the pending grant: nothing more.
  await svc.putComplaint(c);
  await t.runtime.idle(30_000);
  expect(await pendingOf(c.customerId)).toHaveLength(1);

  // Maker-checker: the issuer is refused, nothing changes.
  const before = await svc.snapshot();
  expectRefusal(
    await approval({ operation: 'approve', customerId: c.customerId, pendingId: p.pendingId, approverId: 'agent-1' }),
    'APPROVER_IS_ISSUER',
    'issuer',
  );
  expect(await svc.snapshot()).toBe(before);

  const out = await approval({ operation: 'approve', customerId: c.customerId, complaintId: c.complaintId, approverId: 'boss-1' });
  expect(out).toEqual({
    ok: true,
    decision: 'APPROVED',
    pendingId: p.pendingId,
    customerId: c.customerId,
    complaintId: c.complaintId,
    creditId: p.pendingId,
    expiresAt: expect.any(String),
    decidedAt: expect.any(String),
  });
  // Validity counts from the approval.
  expect(Date.parse(out.expiresAt) - Date.parse(out.decidedAt)).toBe(90 * DAY_MS);
  await t.runtime.idle(30_000);
  expect((await svc.balance(c.customerId)).courtesyCredit.balances).toMatchObject([{ currency: 'EUR', available: 15_000 }]);
  const mails = await waitFor(async () => {
    const m = await emailsTo(c.email);
    return m.length > 0 ? m : undefined;
  });
  expect(mails).toHaveLength(1);
  expect(svc.events('GrantApproved', c.customerId).map((e) => e.detail)).toEqual([
    {
      eventId: `GRANT_APPROVED#${p.pendingId}`,
      customerId: c.customerId,
      occurredAt: out.decidedAt,
      pendingId: p.pendingId,
      complaintId: c.complaintId,
      currency: 'EUR',
      amount: 15_000,
      issuedBy: 'agent-1',
      approverId: 'boss-1',
      creditId: p.pendingId,
      expiresAt: out.expiresAt,
    },
  ]);
  expect(svc.events('CreditGranted', c.customerId).map((e) => e.detail.creditId)).toEqual([p.pendingId]);
  expect(await pendingOf(c.customerId)).toEqual([]);

  // Decided: a second approval is refused with the decision; a redelivered complaint is a duplicate of the credit.
  const again = await approval({ operation: 'approve', customerId: c.customerId, pendingId: p.pendingId, approverId: 'boss-2' });
  expectRefusal(again, 'GRANT_ALREADY_DECIDED', 'decided before');
  expect(again.error.details.decision).toMatchObject({ decision: 'APPROVED', creditId: p.pendingId });
  await svc.putComplaint(c);
  await t.runtime.idle(30_000);
  expect((await svc.items(c.customerId)).filter((i) => i.type === 'CREDIT')).toHaveLength(1);
  expect(await emailsTo(c.email)).toHaveLength(1);
});

test('decline: no credit, no email, GrantDeclined; a second decline answers the first', async () => {
  const c = await requestAbove();
  const [p] = await pendingOf(c.customerId);
  const out = await approval({
    operation: 'decline',
    customerId: c.customerId,
    pendingId: p.pendingId,
    approverId: 'boss-1',
    reasonCode: 'AMOUNT_TOO_HIGH',
  });
  expect(out).toMatchObject({ ok: true, decision: 'DECLINED', reason: 'DECLINED', replayed: false });
  await t.runtime.idle(30_000);
  expect(await approval({ operation: 'decline', customerId: c.customerId, complaintId: c.complaintId, approverId: 'boss-2' })).toEqual({
    ...out,
    replayed: true,
  });
  expect(svc.events('GrantDeclined', c.customerId).map((e) => e.detail)).toEqual([
    expect.objectContaining({
      eventId: `GRANT_DECLINED#${p.pendingId}`,
      reason: 'DECLINED',
      reasonCode: 'AMOUNT_TOO_HIGH',
      approverId: 'boss-1',
    }),
  ]);
  const items = await svc.items(c.customerId);
  expect(items.filter((i) => i.type === 'CREDIT' || i.type === 'PENDING_GRANT')).toEqual([]);
  // The declined grant gave its cap room back.
  expect(items.find((i) => i.type === 'GRANT_USAGE')!.days).toEqual([expect.objectContaining({ count: 0, amounts: { EUR: 0 } })]);
  expect(await emailsTo(c.email)).toEqual([]);
  expectRefusal(
    await approval({ operation: 'approve', customerId: c.customerId, pendingId: p.pendingId, approverId: 'boss-3' }),
    'GRANT_ALREADY_DECIDED',
    'decided before',
  );
});

test('approve and decline at the same time: exactly one decision wins, the other is told GRANT_ALREADY_DECIDED', async () => {
  const requests = await Promise.all(Array.from({ length: 4 }, () => complaint({ amount: 20_000, issuedBy: 'agent-2' })));
  await svc.putComplaints(requests);
  await t.runtime.idle(30_000);
  for (const c of requests) {
    const [p] = await pendingOf(c.customerId);
    const ref = { customerId: c.customerId, pendingId: p.pendingId };
    const [a, d] = await Promise.all([
      approval({ operation: 'approve', ...ref, approverId: 'boss-a' }),
      approval({ operation: 'decline', ...ref, approverId: 'boss-d' }),
    ]);
    const winners = [a, d].filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const loser = [a, d].find((r) => !r.ok);
    expect(loser.error.code).toBe('GRANT_ALREADY_DECIDED');
    expect(loser.error.details.decision.decision).toBe(winners[0].decision);
    const credits = (await svc.items(c.customerId)).filter((i) => i.type === 'CREDIT');
    expect(credits).toHaveLength(winners[0].decision === 'APPROVED' ? 1 : 0);
  }
});

test('undecided by its deadline: DynamoDB TTL removes the pending grant and it is declined EXPIRED exactly once', async () => {
  // Requested 72 h minus 4 s ago: the deadline is 4 s from now in real time, and DynamoDB Local's TTL then removes it.
  const restore = setClock(offsetClock(-HOURS_72 + 4000));
  let c: ReturnType<typeof complaint>;
  try {
    c = await requestAbove();
  } finally {
    restore();
  }
  const [p] = await pendingOf(c.customerId);
  const declined = await waitFor(async () => svc.events('GrantDeclined', c.customerId)[0], TTL_WAIT_MS, 250);
  expect(declined.detail).toEqual({
    eventId: `GRANT_DECLINED#${p.pendingId}`,
    customerId: c.customerId,
    occurredAt: expect.any(String),
    pendingId: p.pendingId,
    complaintId: c.complaintId,
    currency: 'EUR',
    amount: 15_000,
    issuedBy: 'agent-1',
    reason: 'EXPIRED',
  });
  await t.runtime.idle(30_000);
  expect(svc.events('GrantDeclined', c.customerId)).toHaveLength(1);
  const items = await svc.items(c.customerId);
  expect(items.filter((i) => i.type === 'GRANT_DECISION').map((i) => [i.outcome, i.declineReason])).toEqual([['DECLINED', 'EXPIRED']]);
  expect(items.filter((i) => i.type === 'CREDIT' || i.type === 'PENDING_GRANT')).toEqual([]);
  expect(await emailsTo(c.email)).toEqual([]);
  expectRefusal(
    await approval({ operation: 'approve', customerId: c.customerId, pendingId: p.pendingId, approverId: 'boss-1' }),
    'GRANT_ALREADY_DECIDED',
    'decided before',
  );
});

test('erasure covers a pending grant: the whole table is free of the address; approved later, the credit is erased and nobody is emailed', async () => {
  const email = `${unique('erase-pending')}@example.com`;
  const reason = `Paket von ${unique('Frau Muster')} kaputt`;
  const c = await requestAbove({ email, reason });
  expect(await svc.snapshot()).toContain(email);
  const erased = await svc.invoke('erase', { customerId: c.customerId });
  expect(erased).toMatchObject({ ok: true, itemsErased: 1 });
  const after = await svc.snapshot();
  for (const text of [email, email.toLowerCase(), reason]) expect(after).not.toContain(text);
  const [p] = await pendingOf(c.customerId);
  expect(await approval({ operation: 'approve', customerId: c.customerId, pendingId: p.pendingId, approverId: 'boss-1' })).toMatchObject({
    ok: true,
    decision: 'APPROVED',
  });
  await t.runtime.idle(30_000);
  expect((await svc.items(c.customerId)).find((i) => i.type === 'CREDIT')).toMatchObject({ erasedAt: erased.erasedAt, amount: 15_000 });
  expect(await svc.snapshot()).not.toContain(email);
  expect(await emailsTo(email)).toEqual([]);
});

test('a declined pending grant, erased: deciding again still answers GRANT_ALREADY_DECIDED, also for a decline stored before the fix', async () => {
  for (const legacy of [false, true]) {
    const c = await requestAbove();
    const [p] = await pendingOf(c.customerId);
    const ref = { customerId: c.customerId, pendingId: p.pendingId, approverId: 'boss-1' };
    expect(await approval({ operation: 'decline', ...ref, reasonCode: 'DUPLICATE' })).toMatchObject({ ok: true, decision: 'DECLINED' });
    await t.runtime.idle(30_000);
    if (legacy) {
      // The decision as the service wrote it before closed codes had a name of their own (the erasure then removed it).
      const { declineReason, ...item } = (await svc.items(c.customerId)).find((i) => i.type === 'GRANT_DECISION')!;
      await tableStore(t).doc.send(new PutCommand({ TableName: t.tableName, Item: { ...item, reason: declineReason } }));
    }
    expect(await svc.invoke('erase', { customerId: c.customerId })).toMatchObject({ ok: true });
    const again = await approval({ operation: 'approve', ...ref });
    expectRefusal(again, 'GRANT_ALREADY_DECIDED', 'decided before');
    expect(again.error.details.decision).toMatchObject({ decision: 'DECLINED', reason: 'DECLINED' });
  }
});

test("finance: a pending grant is no liability; its approval's GRANTED entry is, and the books reconcile", async () => {
  const today = new Date().toISOString().slice(0, 10);
  const grantedToday = async () => {
    await t.runtime.idle(30_000);
    const report = await svc.invoke('report', { operation: 'report', from: today, to: today });
    return (report.rows.find((r: any) => r.currency === 'EUR')?.granted ?? 0) as number;
  };
  const before = await grantedToday();
  const c = await requestAbove();
  expect(await grantedToday()).toBe(before);
  const [p] = await pendingOf(c.customerId);
  expect((await approval({ operation: 'approve', customerId: c.customerId, pendingId: p.pendingId, approverId: 'boss-1' })).ok).toBe(true);
  expect(await grantedToday()).toBe(before + 15_000);
  expect(await svc.invoke('report', { operation: 'reconcile' })).toMatchObject({ ok: true, balanced: true });
});

test('bad input is refused, the table unchanged', async () => {
  const c = await requestAbove();
  const [p] = await pendingOf(c.customerId);
  const ref = { customerId: c.customerId, pendingId: p.pendingId, approverId: 'boss-1' };
  const before = await svc.snapshot();
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [{ ...ref }, 'INVALID_INPUT', 'operation'],
    [{ operation: 'approve', customerId: c.customerId, pendingId: p.pendingId }, 'INVALID_INPUT', 'approverId'],
    [{ operation: 'approve', ...ref, complaintId: c.complaintId }, 'INVALID_INPUT', 'exactly one of pendingId and complaintId'],
    [{ operation: 'decline', customerId: c.customerId, approverId: 'boss-1' }, 'INVALID_INPUT', 'exactly one of pendingId and complaintId'],
    [{ operation: 'approve', ...ref, amount: 1 }, 'INVALID_INPUT', 'Unrecognized key: "amount"'],
    [{ operation: 'decline', ...ref, reasonCode: 'because' }, 'INVALID_INPUT', 'reasonCode'],
    [{ operation: 'approve', ...ref, approverId: 'a b' }, 'INVALID_INPUT', 'approverId: letters, digits'],
    [{ operation: 'pending' }, 'INVALID_INPUT', 'customerId'],
    [{ operation: 'approve', ...ref, pendingId: 'nope' }, 'PENDING_GRANT_NOT_FOUND', 'no pending grant nope'],
    [{ operation: 'decline', ...ref, customerId: 'someone-else' }, 'PENDING_GRANT_NOT_FOUND', 'no pending grant'],
    [
      { operation: 'approve', ...ref, pendingId: undefined, complaintId: 'cmp-unknown' },
      'PENDING_GRANT_NOT_FOUND',
      'for complaint cmp-unknown',
    ],
  ];
  for (const [request, code, message] of cases) expectRefusal(await approval(request), code, message);
  await t.runtime.idle(30_000);
  expect(await svc.snapshot()).toBe(before);
});
