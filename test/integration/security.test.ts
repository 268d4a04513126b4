/**
 * Security, at run time (the template side is test/infra/security.test.ts):
 * 1. ComplaintResolved events from look-alike sources are not routed to grant.
 * 2. Least privilege, measured: during a flow that walks every code path of every function, each SDK call a handler
 *    makes is attributed to its function and translated into the IAM action it needs; the actions the synthesized
 *    template grants each execution role must be exactly those (plus a documented fallback that only runs when
 *    DynamoDB omits data it normally returns).
 * 3. No log line carries a customer's email address in clear: stdout, stderr and console are captured during the
 *    whole flow (grants, an INVALID_EMAIL rejection, an SES rejection whose error message contains the address,
 *    email sends, redeem, reversal, the payment flow, reminder, expiry, a hold's auto-release) — and the capture is
 *    proven live (customer ids and the `email#…` pseudonym of the address SES complained about are in it).
 */
import { format } from 'node:util';
import { marshall } from '@aws-sdk/util-dynamodb';
import { startFaultProxy, type FaultProxy } from '../support/faults';
import { pseudonymizeEmail } from '../../lambdas/shared/observability';
import { FUNCTION_NAMES, type FunctionName } from '../../infra/functions';
import { functionLogicalIds, synthTemplate } from '../../infra/synth';
import type { CfnTemplate } from '../../local/template';
import { ITEM } from '../../lambdas/adapters/dynamodb/layout';
import { emailsTo, startTestRuntime, viaQueue, waitFor, type TestRuntime } from './harness';
import { complaint, has, ServiceClient, unique } from './service-client';
import { attributeCallsToFunctions, dynamoActions, tapSdk, type SdkCall } from './sdk-taps';

jest.setTimeout(120_000);

let proxy: FaultProxy;
let t: TestRuntime;
let svc: ServiceClient;
const grantCalls: string[] = [];

beforeAll(async () => {
  proxy = await startFaultProxy({ target: process.env.SES_ENDPOINT! });
  // Deployed with an approval threshold (100 EUR) so the flow can exercise approval and the auto-decline too; every
  // other grant of the flow is below it.
  const template = synthTemplate({ context: { 'courtesy:approvalThreshold': { EUR: 100 } } }) as CfnTemplate;
  t = await startTestRuntime({ template, sesEndpoint: proxy.url, retryDelayMs: () => 20 });
  svc = new ServiceClient(t);
  attributeCallsToFunctions(t.runtime, (fn, event, next) => {
    if (fn === 'grant') grantCalls.push(JSON.stringify(event));
    return next();
  });
});
afterAll(async () => {
  await t?.stop();
  await proxy?.stop();
});

describe('only the configured event sources reach grant', () => {
  it.each([
    ['retailer.complaints.evil', 'ComplaintResolved'],
    ['RETAILER.COMPLAINTS', 'ComplaintResolved'],
    ['Retailer.Complaints', 'ComplaintResolved'],
    ['retailer.complaint', 'ComplaintResolved'],
    ['evil.retailer.complaints', 'ComplaintResolved'],
    ['retailer.complaints ', 'ComplaintResolved'],
    ['retailer.complaints', 'complaintresolved'],
    ['retailer.complaints', 'ComplaintResolvedV2'],
  ])('source %j, detail-type %j: not routed, nothing written', async (source, detailType) => {
    const c = complaint();
    await svc.putComplaint(c, source, detailType); // accepted by the bus (it throws if an entry failed)…
    await t.runtime.idle(30_000);
    const logged = t.runtime.eventLog.filter((e) => has(e.event.detail, c.complaintId));
    expect(logged).toHaveLength(1);
    expect(logged[0]!.matchedRules).toEqual([]); // …but no rule matched
    expect(grantCalls.filter((g) => g.includes(JSON.stringify(c.complaintId)))).toEqual([]);
    expect(await svc.items(c.customerId)).toEqual([]);
    expect(svc.failures(c.complaintId)).toEqual([]);
  });

  it('(control) the configured source is routed', async () => {
    const c = complaint();
    await svc.grant(c);
    expect(grantCalls.filter((g) => g.includes(JSON.stringify(c.complaintId)))).toHaveLength(1);
    expect((await svc.items(c.customerId)).filter((i) => i.type === ITEM.CREDIT)).toHaveLength(1);
  });
});

/** Captures everything written to stdout/stderr and the console until stop(). */
function captureOutput(): { text(): string; stop(): void } {
  const chunks: string[] = [];
  const out = process.stdout.write;
  const err = process.stderr.write;
  const sink = ((chunk: unknown, ...rest: unknown[]) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = sink;
  process.stderr.write = sink;
  const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) =>
    jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void chunks.push(`${format(...args)}\n`)),
  );
  return {
    text: () => chunks.join(''),
    stop: () => {
      process.stdout.write = out;
      process.stderr.write = err;
      for (const s of spies) s.mockRestore();
    },
  };
}

/** IAM actions each function's execution role is granted in the template, on the table / SES / the bus. */
function grantedActions(template: Record<string, any>): Record<FunctionName, string[]> {
  const resources = template.Resources as Record<string, any>;
  const ids = functionLogicalIds(template);
  const tableId = Object.keys(resources).find((id) => resources[id].Type === 'AWS::DynamoDB::Table')!;
  const busId = Object.keys(resources).find((id) => resources[id].Type === 'AWS::Events::EventBus')!;
  const out = {} as Record<FunctionName, string[]>;
  for (const fn of FUNCTION_NAMES) {
    const roleId = resources[ids[fn]].Properties.Role['Fn::GetAtt'][0];
    const actions = new Set<string>();
    for (const r of Object.values(resources)) {
      if (r.Type !== 'AWS::IAM::Policy' || !r.Properties.Roles.some((x: any) => x.Ref === roleId)) continue;
      for (const s of r.Properties.PolicyDocument.Statement) {
        const targets = [s.Resource].flat().map((res: any) => JSON.stringify(res));
        const onTable = targets.includes(JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] }));
        const onBus = targets.includes(JSON.stringify({ 'Fn::GetAtt': [busId, 'Arn'] }));
        const onSes = targets.some((x: string) => x.includes(':ses:'));
        if (onTable || onBus || onSes) for (const a of [s.Action].flat()) actions.add(a);
      }
    }
    out[fn] = [...actions].sort();
  }
  return out;
}

/**
 * Granted but (normally) not exercised: DynamoCreditStore reads the idempotency record with GetItem only when a
 * cancelled transaction comes back without the conflicting item (ReturnValuesOnConditionCheckFailure normally
 * returns it); a spend deletes queued requests (DeleteItem, inside the group's transaction or its own withdrawal) only
 * under contention on one customer, which this flow does not make (group-commit.test.ts and contention.test.ts do).
 * Keep this list short and justified: anything else granted must be used by the flow below.
 */
const FALLBACK_ONLY: Partial<Record<FunctionName, string[]>> = {
  grant: ['dynamodb:GetItem'],
  redeem: ['dynamodb:GetItem', 'dynamodb:DeleteItem'],
  hold: ['dynamodb:GetItem', 'dynamodb:DeleteItem'],
};

describe('a full flow: least privilege measured, and no email address in any log line', () => {
  const calls: SdkCall[] = [];
  let logs = '';
  const addresses: string[] = [];
  const customers: string[] = [];
  const paymentFlow: Array<{ ok: boolean }> = [];
  const approvals: Array<{ ok: boolean; decision?: string }> = [];
  const rejected = complaint({ locale: 'en' }); // SES rejects its first send with an error naming the address
  const invalid = [`${unique('kim')}@localhost`, `${unique('kim')}@exa_mple.com`, `"${unique('kim')}"@example.com`];

  beforeAll(async () => {
    const untap = tapSdk((c) => void calls.push(c));
    const capture = captureOutput();
    try {
      // grant: new, duplicate, conflicting terms, invalid email
      const a = complaint({ amount: 3000, locale: 'de-DE' });
      const b = complaint({ amount: 1000, locale: 'en' });
      const p = complaint({ amount: 1000, locale: 'en' }); // the payment flow's customer
      addresses.push(a.email, b.email, rejected.email, ...invalid, p.email);
      customers.push(a.customerId, b.customerId, rejected.customerId, p.customerId);
      proxy.failNext(1, 'reject', {
        match: (r) => r.body.includes(rejected.email),
        message: `Email address is not verified. The following identities failed the check in region EU-CENTRAL-1: ${rejected.email}`,
      });
      await svc.putComplaints([a, b, rejected, p, ...invalid.map((email) => complaint({ email }))]);
      await t.runtime.idle(30_000);
      await svc.putComplaint(a); // duplicate
      await svc.putComplaint({ ...a, amount: 3001 }); // GRANT_CONFLICT
      await t.runtime.idle(30_000);
      // redeem: applied, replayed, key reused, nothing left
      const key = unique('k');
      const r = await svc.invoke('redeem', {
        customerId: a.customerId,
        orderId: 'o-1',
        amount: 1200,
        currency: 'EUR',
        idempotencyKey: key,
      });
      await svc.invoke('redeem', { customerId: a.customerId, orderId: 'o-1', amount: 1200, currency: 'EUR', idempotencyKey: key });
      await svc.invoke('redeem', { customerId: a.customerId, orderId: 'o-1', amount: 1300, currency: 'EUR', idempotencyKey: key });
      await svc.invoke('redeem', { customerId: a.customerId, orderId: 'o-2', amount: 100, currency: 'CHF', idempotencyKey: unique('k') });
      // reverse: ok, again, unknown, currency mismatch
      await svc.invoke('reverse', { customerId: a.customerId, redemptionId: r.redemptionId, reason: 'order cancelled' });
      await svc.invoke('reverse', { customerId: a.customerId, redemptionId: r.redemptionId });
      await svc.invoke('reverse', { customerId: a.customerId, redemptionId: '01KNOSUCH0000000000000000X' });
      const r2 = await svc.invoke('redeem', {
        customerId: b.customerId,
        orderId: 'o-3',
        amount: 1000,
        currency: 'EUR',
        idempotencyKey: unique('k'),
      });
      await svc.invoke('reverse', { customerId: b.customerId, redemptionId: r2.redemptionId, currency: 'USD' });
      // the payment flow: hold, a partial and a final capture, a refund of a capture, the release of another hold
      const h = await svc.invoke('hold', {
        customerId: p.customerId,
        orderId: 'o-4',
        amount: 300,
        currency: 'EUR',
        idempotencyKey: unique('k'),
      });
      await svc.invoke('capture', { customerId: p.customerId, holdId: h.holdId, amount: 100, captureKey: unique('ck') });
      const fin = await svc.invoke('capture', {
        customerId: p.customerId,
        holdId: h.holdId,
        amount: 100,
        captureKey: unique('ck'),
        final: true,
      });
      await svc.invoke('refund', { customerId: p.customerId, captureId: fin.captureId, amount: 50, refundKey: unique('rk') });
      const h2 = await svc.invoke('hold', {
        customerId: p.customerId,
        orderId: 'o-5',
        amount: 200,
        currency: 'EUR',
        idempotencyKey: unique('k'),
      });
      await svc.invoke('release', { customerId: p.customerId, holdId: h2.holdId });
      const h3 = await svc.invoke('hold', {
        customerId: p.customerId,
        orderId: 'o-6',
        amount: 150,
        currency: 'EUR',
        idempotencyKey: unique('k'),
      });
      paymentFlow.push(h, fin, h2, h3);
      // balance, with paging
      const page = await svc.invoke('balance', { customerId: a.customerId, limit: 1 });
      await svc.invoke('balance', { customerId: a.customerId, limit: 1, cursor: page.nextCursor });
      await t.runtime.idle(30_000);
      // operations on a customer of their own: void (then again: a replay), erase, the finance report and reconciliation
      const ops = complaint({ amount: 800 });
      customers.push(ops.customerId);
      await svc.grant(ops);
      const opsCredit = (await svc.balance(ops.customerId)).history[0].entryId;
      await svc.invoke('void', { customerId: ops.customerId, creditId: opsCredit, reason: 'granted in error' });
      await svc.invoke('void', { customerId: ops.customerId, creditId: opsCredit, reason: 'granted in error' });
      await svc.invoke('erase', { customerId: ops.customerId });
      // The reconciliation is exact once the stream is drained (the void's entry aggregated): wait for it.
      await t.runtime.idle(30_000);
      const today = new Date().toISOString().slice(0, 10);
      await svc.invoke('report', { operation: 'report', from: today, to: today });
      // The day totals follow the ledger through the router and the aggregate queue: let them settle first.
      await t.runtime.idle(30_000);
      await svc.invoke('report', { operation: 'reconcile' });
      await t.runtime.idle(30_000);
      // reminder (TTL removal of the reminder item) for a, and for the used-up credit of b; then again (already sent)
      const ttlRemove = (item: Record<string, unknown>) => ({
        Records: [
          {
            eventID: unique('ev'),
            eventName: 'REMOVE',
            eventSource: 'aws:dynamodb',
            userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
            dynamodb: {
              Keys: marshall({ pk: item.pk, sk: item.sk }),
              OldImage: marshall(item),
              SequenceNumber: '1',
              StreamViewType: 'NEW_AND_OLD_IMAGES',
            },
          },
        ],
      });
      const reminderOf = async (customerId: string) => (await svc.items(customerId)).find((i) => i.type === ITEM.REMINDER)!;
      const creditOf = async (customerId: string) => (await svc.items(customerId)).find((i) => i.type === ITEM.CREDIT)!;
      for (const ev of [ttlRemove(await reminderOf(a.customerId)), ttlRemove(await reminderOf(b.customerId))]) {
        await t.runtime.invoke('notify', viaQueue(ev));
        await t.runtime.invoke('notify', viaQueue(ev));
      }
      // expiry (TTL removal of a's credit, which still has money on it), delivered twice
      const removal = ttlRemove(await creditOf(a.customerId));
      await t.runtime.invoke('expire', viaQueue(removal));
      await t.runtime.invoke('expire', viaQueue(removal));
      // auto-release (TTL removal of p's third hold, its item gone as TTL would leave it), delivered twice
      const holdOf = (await svc.items(p.customerId)).find((i) => i.type === ITEM.HOLD && i.holdId === h3.holdId)!;
      await svc.deleteItem(holdOf);
      await t.runtime.invoke('releaseExpired', viaQueue(ttlRemove(holdOf)));
      await t.runtime.invoke('releaseExpired', viaQueue(ttlRemove(holdOf)));
      await t.runtime.idle(30_000);
      await waitFor(async () => (await emailsTo(a.email)).length === 2, 20_000);
      // approval above the threshold: list, approve one, decline one (then again: a replay), one auto-declined by
      // its TTL removal (delivered twice)
      const above = [0, 1, 2].map(() => complaint({ amount: 15_000, issuedBy: 'agent-sec' }));
      customers.push(...above.map((c) => c.customerId));
      addresses.push(...above.map((c) => c.email));
      await svc.putComplaints(above);
      await t.runtime.idle(30_000);
      const pendingIdOf = async (customerId: string) =>
        (await svc.invoke('approval', { operation: 'pending', customerId })).pending[0].pendingId as string;
      const ref = async (c: (typeof above)[number]) => ({
        customerId: c.customerId,
        pendingId: await pendingIdOf(c.customerId),
        approverId: 'boss',
      });
      approvals.push(await svc.invoke('approval', { operation: 'approve', ...(await ref(above[0]!)) }));
      const declineRef = await ref(above[1]!);
      approvals.push(await svc.invoke('approval', { operation: 'decline', ...declineRef }));
      approvals.push(await svc.invoke('approval', { operation: 'decline', ...declineRef }));
      const pendingItem = (await svc.items(above[2]!.customerId)).find((i) => i.type === ITEM.PENDING_GRANT)!;
      await svc.deleteItem(pendingItem); // what TTL does, then its stream record
      await t.runtime.invoke('declineExpired', viaQueue(ttlRemove(pendingItem)));
      await t.runtime.invoke('declineExpired', viaQueue(ttlRemove(pendingItem)));
      await t.runtime.idle(30_000);
    } finally {
      logs = capture.text();
      capture.stop();
      untap();
    }
  });

  it('the flow did what it should (so the checks below are about real work)', async () => {
    expect(paymentFlow.map((x) => x.ok)).toEqual([true, true, true, true]);
    expect(
      svc
        .events('HoldReleased', customers[3]!)
        .map((e) => e.detail.reason)
        .sort(),
    ).toEqual(['EXPIRED', 'EXPLICIT', 'FINAL_CAPTURE']);
    expect(approvals.map((x) => [x.ok, x.decision])).toEqual([
      [true, 'APPROVED'],
      [true, 'DECLINED'],
      [true, 'DECLINED'],
    ]);
    expect(svc.events('GrantDeclined', customers.at(-1)!).map((e) => e.detail.reason)).toEqual(['EXPIRED']);
    expect((await svc.balance(customers[3]!)).courtesyCredit.balances).toEqual([expect.objectContaining({ available: 850, held: 0 })]);
    expect((await emailsTo(addresses[0]!)).map((m) => m.subject)).toEqual([
      expect.stringContaining('Kulanzgutschrift'),
      expect.stringContaining('verfällt'),
    ]);
    expect(await emailsTo(rejected.email)).toHaveLength(1); // retried after SES's rejection
    for (const email of invalid) expect(svc.failures(email).map((f: any) => f.responsePayload.errorType)).toEqual(['INVALID_EMAIL']);
    expect(svc.events('CreditExpired', customers[0]!).map((e) => e.detail.amount)).toEqual([3000]);
    expect(svc.events('CreditExpiryReminderSent', customers[0]!)).toHaveLength(1);
  });

  describe('least privilege: the IAM actions granted are exactly those used', () => {
    const granted = () => grantedActions(t.template);
    const used = (fn: FunctionName) =>
      [
        ...new Set(
          calls
            .filter((c) => c.fn === fn)
            .flatMap((c) =>
              c.service === 'dynamodb'
                ? dynamoActions(c.command, c.input)
                : [`${c.service === 'ses' ? 'ses' : 'events'}:${c.command.replace(/Command$/, '')}`],
            ),
        ),
      ].sort();

    it('every SDK call was made inside a function invocation', () => {
      expect(calls.length).toBeGreaterThan(50);
      expect(calls.filter((c) => c.fn === undefined)).toEqual([]);
    });

    it.each(FUNCTION_NAMES)('%s', (fn) => {
      const need = used(fn);
      const have = granted()[fn];
      for (const action of need) expect(have).toContain(action); // everything used is granted
      expect(have).toEqual([...new Set([...need, ...(FALLBACK_ONLY[fn] ?? [])])].sort()); // and nothing more
    });
  });

  describe('no log line carries a customer email address in clear', () => {
    it("the capture is live: it holds the flow's log lines with customer ids", () => {
      expect(logs.length).toBeGreaterThan(1000);
      for (const id of customers) expect(logs).toContain(id);
      expect(logs).toMatch(/"message":"credit granted"/);
      // an expected refusal is a warning, not an error
      expect(logs).toMatch(/"level":"WARN","message":"complaint event rejected".*"code":"INVALID_EMAIL"/);
      expect(logs).not.toMatch(/"level":"ERROR","message":"complaint event rejected"/);
      expect(logs).toMatch(/"message":"redeemed"/);
      expect(logs).toMatch(/"message":"redemption reversed"/);
      expect(logs).toMatch(/"message":"expiry reminder"/);
      expect(logs).toMatch(/"message":"credit expired"/);
      expect(logs).toMatch(/"message":"expired hold"/);
      expect(logs).toMatch(/"message":"credit voided"/);
      expect(logs).toMatch(/"message":"customer erased"/);
      expect(logs).toMatch(/"message":"reconciliation balanced"/);
    });

    it("SES's error message named the address: the log has its pseudonym instead", () => {
      const line = logs
        .split('\n')
        .find((l) => l.includes('"message":"queued stream record failed"') && l.includes('The following identities failed the check'));
      expect(line).toBeDefined();
      expect(line).toContain(pseudonymizeEmail(rejected.email));
      expect(line).not.toContain(rejected.email);
    });

    it('none of the addresses used appears anywhere in the captured output', () => {
      expect(addresses.length).toBe(10);
      for (const address of addresses) {
        expect(logs).not.toContain(address);
        expect(logs.toLowerCase()).not.toContain(address.toLowerCase());
        expect(logs).not.toContain(address.split('@')[0]!.replace(/^"/, '') + '@');
      }
      // nothing that looks like an address at all, except the configured sender
      const found = new Set(logs.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g) ?? []);
      found.delete('no-reply@courtesy-credits.example.com');
      expect([...found]).toEqual([]);
    });
  });
});
