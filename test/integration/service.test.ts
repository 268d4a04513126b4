/**
 * The whole service on real local components: DynamoDB Local (streams + TTL), the SES v2 emulator, and the local
 * runtime that routes by the CDK app's rules and event-source mappings. Requests go through the real AWS SDK clients.
 */
import { setClock, offsetClock, systemClock } from '../../lambdas/shared/clock';
import { DAY_MS } from '../../lambdas/domain/credit';
import { ITEM } from '../../lambdas/adapters/dynamodb/layout';
import { emailsTo, waitFor, type TestRuntime } from './harness';
import { useService } from './service-fixture';
import { complaint, type ServiceClient, unique } from './service-client';

jest.setTimeout(120_000);

let t: TestRuntime;
let svc: ServiceClient;

useService({}, (s) => ({ t, svc } = s));

afterEach(() => {
  setClock(systemClock);
});

const invoke = (fn: string, payload: unknown) => svc.invoke(fn, payload);
const putComplaint = (d: Record<string, unknown>, source?: string) => svc.putComplaint(d, source);
const grant = (d: ReturnType<typeof complaint>) => svc.grant(d);
const balanceOf = (customerId: string) => svc.balance(customerId);
const eventsOf = (detailType: string, customerId: string) => svc.events(detailType, customerId);
const customerItems = (customerId: string) => svc.items(customerId);

describe('grant → email → event', () => {
  it('turns a ComplaintResolved event into a credit, a German HTML+text email and a CreditGranted event', async () => {
    const c = complaint({ amount: 2599, reason: 'Lieferung <b>verspätet</b>' });
    const b = await grant(c);
    expect(b.ok).toBe(true);
    expect(b.courtesyCredit.balances).toEqual([
      { currency: 'EUR', available: 2599, held: 0, nextExpiry: expect.objectContaining({ amount: 2599 }) },
    ]);
    const expiresAt = b.courtesyCredit.credits[0].expiresAt;
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(89 * DAY_MS);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(90 * DAY_MS);

    const mails = await waitFor(async () => {
      const m = await emailsTo(c.email);
      return m.length > 0 ? m : undefined;
    }, 20_000);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.subject).toBe('Ihre Kulanzgutschrift über 25,99\u00a0€');
    expect(mail.html).toContain('25,99');
    expect(mail.html).toContain('Lieferung &lt;b&gt;verspätet&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>verspätet</b>');
    expect(mail.text).toContain('Lieferung <b>verspätet</b>');

    const granted = eventsOf('CreditGranted', c.customerId);
    expect(granted).toHaveLength(1);
    expect(granted[0].source).toBe('courtesy-credits');
    expect(granted[0].detail).toMatchObject({ amount: 2599, currency: 'EUR', complaintId: c.complaintId, expiresAt });
    expect(JSON.stringify(granted[0])).not.toContain(c.email);
  });

  it('grants once when the same event is delivered twice, and sends one email', async () => {
    const c = complaint({ locale: 'en-GB', amount: 1000 });
    await putComplaint(c);
    await putComplaint(c);
    await t.runtime.idle(30_000);
    const b = await balanceOf(c.customerId);
    expect(b.courtesyCredit.balances[0].available).toBe(1000);
    expect(b.history.filter((h: any) => h.kind === 'GRANTED')).toHaveLength(1);
    const mails = await waitFor(async () => ((await emailsTo(c.email)).length ? emailsTo(c.email) : undefined), 20_000);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Your courtesy credit of €10.00');
    expect(eventsOf('CreditGranted', c.customerId)).toHaveLength(1);
  });

  it('ignores ComplaintResolved events from a source that is not configured', async () => {
    const c = complaint();
    await putComplaint(c, 'someone.else');
    await t.runtime.idle(30_000);
    expect(await customerItems(c.customerId)).toEqual([]);
  });
});

describe('rejected grants', () => {
  it.each([
    ['validity 29 days', { validityDays: 29 }, 'VALIDITY_OUT_OF_RANGE'],
    ['validity 366 days', { validityDays: 366 }, 'VALIDITY_OUT_OF_RANGE'],
    ['zero amount', { amount: 0 }, 'AMOUNT_OUT_OF_RANGE'],
    ['absurd amount', { amount: 100_000_000 }, 'AMOUNT_OUT_OF_RANGE'],
    ['unknown currency', { currency: 'ABC' }, 'UNSUPPORTED_CURRENCY'],
    ['extra field', { transferTo: 'other-customer' }, 'INVALID_INPUT'],
  ])('%s: nothing written, event in the failure queue', async (_name, override, code) => {
    const c = complaint(override);
    await putComplaint(c);
    await t.runtime.idle(30_000);
    expect(await customerItems(c.customerId)).toEqual([]);
    const failed = svc.failures(c.complaintId);
    expect(failed).toHaveLength(1);
    expect(JSON.stringify(failed[0])).toContain(code);
  });
});

describe('redeem', () => {
  it('spends soonest-expiring credits first, partially, and reports what was applied', async () => {
    const customerId = unique('cust');
    const email = `${unique('r')}@example.com`;
    await putComplaint(complaint({ customerId, email, amount: 1000, validityDays: 200 }));
    await putComplaint(complaint({ customerId, email, amount: 500, validityDays: 30 }));
    await putComplaint(complaint({ customerId, email, amount: 700, validityDays: 60 }));
    await t.runtime.idle(30_000);

    const r = await invoke('redeem', { customerId, orderId: 'o-1', amount: 1500, currency: 'EUR', idempotencyKey: unique('k') });
    expect(r.ok).toBe(true);
    expect(r.applied).toBe(1500);
    expect(r.allocations.map((a: any) => a.amount)).toEqual([500, 700, 300]);
    const expiries = r.allocations.map((a: any) => Date.parse(a.expiresAt));
    expect([...expiries].sort((a, b) => a - b)).toEqual(expiries);
    expect(r.remainingBalance).toBe(700);

    const short = await invoke('redeem', { customerId, orderId: 'o-2', amount: 5000, currency: 'EUR', idempotencyKey: unique('k') });
    expect(short).toMatchObject({ ok: true, requested: 5000, applied: 700, remainingBalance: 0 });
    const none = await invoke('redeem', { customerId, orderId: 'o-3', amount: 100, currency: 'EUR', idempotencyKey: unique('k') });
    expect(none).toMatchObject({ ok: true, applied: 0, redemptionId: null, allocations: [] });

    await t.runtime.idle(30_000);
    const redeemed = eventsOf('CreditRedeemed', customerId);
    expect(redeemed.map((e: any) => e.detail.amount).sort()).toEqual([1500, 700].sort());
  });

  it("never touches another customer's credits or another currency", async () => {
    const a = complaint({ amount: 1000 });
    const b = complaint({ amount: 1000, currency: 'CHF' });
    await putComplaint(a);
    await putComplaint({ ...b, customerId: a.customerId, complaintId: unique('cmp') });
    await t.runtime.idle(30_000);
    const other = await invoke('redeem', {
      customerId: unique('cust'),
      orderId: 'o',
      amount: 500,
      currency: 'EUR',
      idempotencyKey: unique('k'),
    });
    expect(other).toMatchObject({ ok: true, applied: 0 });
    const chf = await invoke('redeem', {
      customerId: a.customerId,
      orderId: 'o',
      amount: 300,
      currency: 'CHF',
      idempotencyKey: unique('k'),
    });
    expect(chf).toMatchObject({ ok: true, applied: 300, remainingBalance: 700 });
    const bal = await balanceOf(a.customerId);
    expect(bal.courtesyCredit.balances).toEqual([
      expect.objectContaining({ currency: 'CHF', available: 700 }),
      expect.objectContaining({ currency: 'EUR', available: 1000 }),
    ]);
  });

  it('is idempotent: the same key returns the same answer and debits once; reused for another request it is refused', async () => {
    const c = complaint({ amount: 1000 });
    await grant(c);
    const key = unique('k');
    const req = { customerId: c.customerId, orderId: 'o-1', amount: 400, currency: 'EUR', idempotencyKey: key };
    const first = await invoke('redeem', req);
    const again = await invoke('redeem', req);
    expect(again).toEqual(first);
    // concurrent retries of the same key while the first is in flight
    const key2 = unique('k');
    const burst = await Promise.all(Array.from({ length: 10 }, () => invoke('redeem', { ...req, orderId: 'o-2', idempotencyKey: key2 })));
    for (const r of burst) expect(r).toEqual(burst[0]);
    expect((await balanceOf(c.customerId)).courtesyCredit.balances[0].available).toBe(200);
    const reused = await invoke('redeem', { ...req, amount: 401 });
    expect(reused).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_KEY_REUSED', retryable: false } });
  });

  it('never overdraws under 50 concurrent redeems for one customer; a refused one settles when retried with its key', async () => {
    const customerId = unique('cust');
    for (const amount of [1000, 700, 300]) await putComplaint(complaint({ customerId, amount }));
    await t.runtime.idle(30_000);
    const requests = Array.from({ length: 50 }, (_, i) => ({
      customerId,
      orderId: `o-${i}`,
      amount: 70,
      currency: 'EUR',
      idempotencyKey: unique('k'),
    }));
    const results = await Promise.all(requests.map((r) => invoke('redeem', r)));
    // A refusal is retryable: too much contention, or (on a machine too slow to answer within the function's time)
    // the deadline's answer, whose outcome only a retry with the same key tells.
    for (const r of results.filter((r) => !r.ok)) {
      if (r.error.code !== 'CONCURRENT_MODIFICATION')
        expect(r.error).toMatchObject({ code: 'INTERNAL', retryable: true, message: expect.stringContaining('no answer within') });
    }
    expect(results.some((r) => r.ok)).toBe(true);
    await t.runtime.idle(30_000);
    const settled = [...results];
    for (const [i, r] of results.entries()) if (!r.ok) settled[i] = await invoke('redeem', requests[i]!);
    for (const r of settled) expect(r.ok).toBe(true);
    // every answer stands: each request replays its settled answer
    for (const [i, r] of settled.entries()) expect(await invoke('redeem', requests[i]!)).toEqual(r);
    // 50 × 70 asks more than the 2,000 there: once all are settled, all of it is spent and not a cent more
    const applied = settled.reduce((s, r) => s + r.applied, 0);
    expect(applied).toBe(2000);
    const items = await customerItems(customerId);
    const credits = items.filter((i) => i.type === ITEM.CREDIT);
    for (const cr of credits) expect(cr.remaining).toBeGreaterThanOrEqual(0);
    const remaining = credits.reduce((s, cr) => s + cr.remaining, 0);
    expect(remaining + applied).toBe(2000);
    const ledgerDebits = items.filter((i) => i.type === ITEM.LEDGER && i.kind === 'REDEEMED').reduce((s, e) => s + e.amount, 0);
    expect(ledgerDebits).toBe(applied);
  });

  it('rejects malformed redeem requests with stable codes and writes nothing', async () => {
    const customerId = unique('cust');
    const base = { customerId, orderId: 'o', amount: 100, currency: 'EUR', idempotencyKey: unique('k') };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, amount: -5 }, 'AMOUNT_OUT_OF_RANGE'],
      [{ ...base, amount: 1.5 }, 'AMOUNT_OUT_OF_RANGE'],
      [{ ...base, amount: '100' }, 'INVALID_INPUT'],
      [{ ...base, currency: 'EURO' }, 'INVALID_INPUT'],
      [{ ...base, currency: 'QQQ' }, 'UNSUPPORTED_CURRENCY'],
      [{ ...base, idempotencyKey: undefined }, 'INVALID_INPUT'],
      [{ ...base, payout: 'cash' }, 'INVALID_INPUT'],
    ];
    for (const [req, code] of cases) {
      const r = await invoke('redeem', req);
      expect(r).toMatchObject({ ok: false, error: { code } });
    }
    expect(await customerItems(customerId)).toEqual([]);
  });
});

describe('reversal', () => {
  it('restores a redemption once, to the credits it came from, and publishes CreditReversed', async () => {
    const c = complaint({ amount: 1000 });
    await grant(c);
    const r = await invoke('redeem', {
      customerId: c.customerId,
      orderId: 'o-9',
      amount: 600,
      currency: 'EUR',
      idempotencyKey: unique('k'),
    });
    const rev = await invoke('reverse', { customerId: c.customerId, redemptionId: r.redemptionId, reason: 'order cancelled' });
    expect(rev).toMatchObject({ ok: true, restored: 600, lapsed: 0, redemptionId: r.redemptionId, orderId: 'o-9' });
    expect((await balanceOf(c.customerId)).courtesyCredit.balances[0].available).toBe(1000);
    const twice = await invoke('reverse', { customerId: c.customerId, redemptionId: r.redemptionId });
    expect(twice).toMatchObject({ ok: false, error: { code: 'REDEMPTION_ALREADY_REVERSED' } });
    const foreign = await invoke('reverse', { customerId: unique('cust'), redemptionId: r.redemptionId });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'REDEMPTION_NOT_FOUND' } });
    const wrongCurrency = await invoke('reverse', { customerId: c.customerId, redemptionId: r.redemptionId, currency: 'USD' });
    expect(wrongCurrency).toMatchObject({ ok: false, error: { code: 'CURRENCY_MISMATCH' } });
    expect((await balanceOf(c.customerId)).courtesyCredit.balances[0].available).toBe(1000);
    await t.runtime.idle(30_000);
    expect(eventsOf('CreditReversed', c.customerId).map((e: any) => e.detail.amount)).toEqual([600]);
  });
});

describe('expiry before TTL', () => {
  it('never counts a credit past its expiry, even before TTL has deleted it', async () => {
    const c = complaint({ amount: 1000, validityDays: 30 });
    await grant(c);
    setClock(offsetClock(30 * DAY_MS + 1000));
    const b = await balanceOf(c.customerId);
    expect(b.courtesyCredit.balances).toEqual([]);
    const r = await invoke('redeem', {
      customerId: c.customerId,
      orderId: 'late',
      amount: 100,
      currency: 'EUR',
      idempotencyKey: unique('k'),
    });
    expect(r).toMatchObject({ ok: true, applied: 0 });
    expect((await customerItems(c.customerId)).filter((i) => i.type === ITEM.CREDIT)).toHaveLength(1); // still stored
  });
});
