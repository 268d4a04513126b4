/**
 * The payment flow end to end on DynamoDB Local through the local runtime's Lambda Invoke: eligibility, holds,
 * captures, releases (explicit, final capture, expiry), partial refunds, the balance's held amounts and the events.
 */
import { setClock, offsetClock, systemClock } from '../../lambdas/shared/clock';
import { DAY_MS } from '../../lambdas/domain/credit';
import { ITEM } from '../../lambdas/adapters/dynamodb/layout';
import { releaseExpiredHold } from '../../lambdas/app/release';
import type { TestRuntime } from './harness';
import { tableStore, useService } from './service-fixture';
import { complaint, type ServiceClient, unique } from './service-client';

jest.setTimeout(120_000);

let t: TestRuntime;
let svc: ServiceClient;

useService({}, (s) => ({ t, svc } = s));
afterEach(() => {
  setClock(systemClock);
});

const hold = (customerId: string, amount: number, extra: Record<string, unknown> = {}) =>
  svc.invoke('hold', { customerId, orderId: unique('order'), amount, currency: 'EUR', idempotencyKey: unique('hk'), ...extra });
const capture = (customerId: string, holdId: string, amount: number, extra: Record<string, unknown> = {}) =>
  svc.invoke('capture', { customerId, holdId, amount, captureKey: unique('ck'), ...extra });
const refund = (customerId: string, of: Record<string, string>, amount: number, extra: Record<string, unknown> = {}) =>
  svc.invoke('refund', { customerId, ...of, amount, refundKey: unique('rk'), ...extra });
const eur = async (customerId: string) => (await svc.balance(customerId)).courtesyCredit.balances.find((b: any) => b.currency === 'EUR');

/** Two credits for one customer: 10.00 EUR expiring in 30 days, 20.00 EUR in 90. */
async function twoCredits(extraSoon: Record<string, unknown> = {}) {
  const soon = complaint({ amount: 1000, validityDays: 30, ...extraSoon });
  const late = complaint({ customerId: soon.customerId, amount: 2000, validityDays: 90 });
  await svc.putComplaints([soon, late]);
  await t.runtime.idle(30_000);
  return soon.customerId;
}

describe('hold → capture → refund', () => {
  it('holds soonest-expiring first; held money is not available; partial captures; the final one releases the rest; refunds go back longest validity first', async () => {
    const customerId = await twoCredits();
    const h = await hold(customerId, 1500);
    expect(h).toMatchObject({ ok: true, requested: 1500, held: 1500, remainingBalance: 1500 });
    expect(h.allocations.map((a: any) => a.amount)).toEqual([1000, 500]);
    expect(Date.parse(h.holdExpiresAt) - Date.parse(h.heldAt)).toBe(7 * DAY_MS);
    expect(await eur(customerId)).toMatchObject({ available: 1500, held: 1500 });
    const listed = (await svc.balance(customerId)).courtesyCredit.holds;
    expect(listed).toEqual([
      { holdId: h.holdId, orderId: h.orderId, currency: 'EUR', held: 1500, captured: 0, state: 'ACTIVE', expiresAt: h.holdExpiresAt },
    ]);

    // No other redeem can spend held money.
    const greedy = await svc.redeem(customerId, 3000);
    expect(greedy).toMatchObject({ ok: true, applied: 1500 });

    const c1 = await capture(customerId, h.holdId, 1200);
    expect(c1).toMatchObject({ ok: true, captured: 1200, stillHeld: 300, holdStatus: 'ACTIVE', released: { restored: 0, lapsed: 0 } });
    expect(c1.allocations.map((a: any) => a.amount)).toEqual([1000, 200]); // soonest-expiring first
    const over = await capture(customerId, h.holdId, 301);
    expect(over).toMatchObject({ ok: false, error: { code: 'CAPTURE_EXCEEDS_HOLD', details: { held: 300, requested: 301 } } });
    const c2 = await capture(customerId, h.holdId, 100, { final: true });
    expect(c2).toMatchObject({ ok: true, captured: 100, stillHeld: 0, holdStatus: 'CAPTURED', released: { restored: 200, lapsed: 0 } });
    expect(await eur(customerId)).toMatchObject({ available: 200, held: 0 });
    expect(await capture(customerId, h.holdId, 1)).toMatchObject({
      ok: false,
      error: { code: 'HOLD_NOT_ACTIVE', details: { status: 'CAPTURED' } },
    });

    // Refund 500 of the 1 200 capture: back to the 90-day credit (200 of it came from there) first, then the 30-day one.
    const r1 = await refund(customerId, { captureId: c1.captureId }, 500, { reason: 'Teilrücksendung' });
    expect(r1).toMatchObject({ ok: true, refundOf: 'CAPTURE', restored: 500, lapsed: 0, refundable: 700 });
    expect(r1.allocations.map((a: any) => a.amount)).toEqual([200, 300]);
    expect(await refund(customerId, { captureId: c1.captureId }, 701)).toMatchObject({
      ok: false,
      error: { code: 'REFUND_EXCEEDS_CAPTURED', details: { left: 700 } },
    });
    expect(await eur(customerId)).toMatchObject({ available: 700, held: 0 });

    await t.runtime.idle(30_000);
    expect(svc.events('HoldPlaced', customerId).map((e) => e.detail)).toEqual([
      expect.objectContaining({ holdId: h.holdId, amount: 1500 }),
    ]);
    expect(
      svc
        .events('HoldCaptured', customerId)
        .map((e) => e.detail.amount)
        .sort(),
    ).toEqual([100, 1200]);
    expect(svc.events('HoldReleased', customerId).map((e) => [e.detail.reason, e.detail.amount])).toEqual([['FINAL_CAPTURE', 200]]);
    const refunded = svc.events('CreditRefunded', customerId).map((e) => e.detail);
    expect(refunded).toEqual([expect.objectContaining({ refundId: r1.refundId, captureId: c1.captureId, amount: 500, lapsed: 0 })]);
    expect(JSON.stringify(refunded)).not.toContain('Teilrücksendung'); // ids and amounts only
    const kinds = (await svc.balance(customerId)).history.map((e: any) => e.kind);
    expect(kinds.filter((k: string) => ['HELD', 'CAPTURED', 'RELEASED', 'REFUNDED'].includes(k)).sort()).toEqual([
      'CAPTURED',
      'CAPTURED',
      'HELD',
      'REFUNDED',
      'RELEASED',
    ]);
  });

  it('keys: a retried hold, capture or refund answers the same; a key reused for something else is refused', async () => {
    const customerId = await twoCredits();
    const req = { customerId, orderId: unique('o'), amount: 800, currency: 'EUR', idempotencyKey: unique('hk') };
    const h = await svc.invoke('hold', req);
    expect(await svc.invoke('hold', req)).toEqual(h);
    expect(await svc.invoke('hold', { ...req, amount: 801 })).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    const creq = { customerId, holdId: h.holdId, amount: 800, captureKey: unique('ck') };
    const c = await svc.invoke('capture', creq);
    expect(c).toMatchObject({ ok: true, holdStatus: 'CAPTURED' });
    expect(await svc.invoke('capture', creq)).toEqual(c); // the hold is closed, but the retry replays
    expect(await svc.invoke('capture', { ...creq, amount: 1 })).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    const rreq = { customerId, captureId: c.captureId, amount: 800, refundKey: unique('rk') };
    const r = await svc.invoke('refund', rreq);
    expect(r).toMatchObject({ ok: true, refundable: 0 });
    expect(await svc.invoke('refund', rreq)).toEqual(r);
    expect(await eur(customerId)).toMatchObject({ available: 3000, held: 0 });
  });
});

describe('release', () => {
  it('explicit: everything held goes back; again → the same answer; someone else’s hold → HOLD_NOT_FOUND', async () => {
    const customerId = await twoCredits();
    const h = await hold(customerId, 2500);
    expect(await svc.invoke('release', { customerId: unique('cust'), holdId: h.holdId })).toMatchObject({
      ok: false,
      error: { code: 'HOLD_NOT_FOUND' },
    });
    const r = await svc.invoke('release', { customerId, holdId: h.holdId });
    expect(r).toMatchObject({ ok: true, restored: 2500, lapsed: 0 });
    expect(await svc.invoke('release', { customerId, holdId: h.holdId })).toEqual(r);
    expect(await eur(customerId)).toMatchObject({ available: 3000, held: 0 });
  });

  it('a capture inside the hold’s lifetime stands after a held credit expired; the part released to it lapses; expiry never counts held money', async () => {
    const customerId = await twoCredits();
    const h = await hold(customerId, 1500, { lifetimeSeconds: 30 * 86_400 }); // the longest lifetime allowed
    const soon = h.allocations[0];
    expect(soon.amount).toBe(1000);
    // Between the 30-day credit's expiry and the hold's (placed a little after the grant, for 30 days too).
    const between = (Date.parse(soon.expiresAt) + Date.parse(h.holdExpiresAt)) / 2;
    expect(Date.parse(h.holdExpiresAt) - Date.parse(soon.expiresAt)).toBeGreaterThan(10);
    setClock(offsetClock(between - Date.now()));
    // The expired credit's item holds nothing: all of it is held, so its expiry (TTL) would lapse nothing.
    expect((await svc.items(customerId)).find((i) => i.creditId === soon.creditId && i.type === ITEM.CREDIT)).toMatchObject({
      remaining: 0,
    });
    const c = await capture(customerId, h.holdId, 600, { final: true });
    expect(c).toMatchObject({ ok: true, captured: 600, released: { restored: 500, lapsed: 400 } });
    expect(await eur(customerId)).toMatchObject({ available: 2000, held: 0 });
  });

  it('a hold past its lifetime cannot be captured; its TTL removal releases what it held, once', async () => {
    const customerId = await twoCredits();
    const h = await hold(customerId, 1200, { lifetimeSeconds: 3600 });
    const item = (await svc.items(customerId)).find((i) => i.type === ITEM.HOLD)!;
    expect(item.ttl).toBe(Math.ceil(Date.parse(h.holdExpiresAt) / 1000));
    setClock(offsetClock(3600_000 + 1000));
    expect(await capture(customerId, h.holdId, 100)).toMatchObject({
      ok: false,
      error: { code: 'HOLD_NOT_ACTIVE', details: { status: 'EXPIRED' } },
    });
    expect((await svc.balance(customerId)).courtesyCredit.holds).toEqual([
      expect.objectContaining({ holdId: h.holdId, state: 'EXPIRED', held: 1200 }),
    ]);

    // What the stream consumer does with the TTL removal (the stream wiring is being rebuilt): the use case on the table.
    const store = tableStore(t);
    const stored = (await store.getHold(customerId, h.holdId))!;
    const clock = { now: () => new Date(Date.now() + 3600_000 + 1000) };
    expect(await releaseExpiredHold(stored, { store, clock })).toBe('RELEASED');
    expect(await releaseExpiredHold(stored, { store, clock })).toBe('ALREADY_RELEASED');
    const history = (await svc.balance(customerId)).history;
    expect(history.filter((e: any) => e.kind === 'RELEASED')).toEqual([
      expect.objectContaining({ reason: 'EXPIRED', amount: 1200, lapsed: 0, at: h.holdExpiresAt }),
    ]);
  });
});

describe('eligibility', () => {
  it('a narrowed credit pays only its categories; the answer shows each line; gift cards only → INELIGIBLE_PURCHASE', async () => {
    const customerId = await twoCredits({ categories: ['SERVICES'] });
    const purchase = {
      lines: [
        { lineId: 'shoes', category: 'PHYSICAL_GOODS', amount: 2500 },
        { lineId: 'repair', category: 'SERVICES', amount: 800 },
        { lineId: 'voucher', category: 'GIFT_CARD', amount: 5000 },
      ],
    };
    const r = await svc.redeem(customerId, 10_000, { purchase });
    expect(r).toMatchObject({ ok: true, applied: 2800, remainingBalance: 200 });
    expect(r.lines.map((l: any) => [l.lineId, l.applied])).toEqual([
      ['shoes', 2000],
      ['repair', 800],
      ['voucher', 0],
    ]);
    // The redemption's ledger entry reaches the day totals through the stream: let it settle before the snapshot.
    await t.runtime.idle(30_000);
    const before = await svc.snapshot();
    const refused = await hold(customerId, 100, { purchase: { lines: [{ lineId: 'g', category: 'GIFT_CARD', amount: 100 }] } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INELIGIBLE_PURCHASE' } });
    expect(await svc.snapshot()).toBe(before);
  });

  it('a request that does not say what it buys is paid only by credits not narrowed to categories', async () => {
    const customerId = await twoCredits({ categories: ['SERVICES'] }); // 10.00 for services only, 20.00 for anything eligible
    const h = await hold(customerId, 3000);
    expect(h).toMatchObject({ ok: true, requested: 3000, held: 2000, remainingBalance: 1000 });
    expect(h.allocations.map((a: any) => a.amount)).toEqual([2000]);
    const r = await svc.redeem(customerId, 500);
    expect(r).toMatchObject({ ok: true, applied: 0, remainingBalance: 1000 });
    // said: services, and the narrowed credit pays
    expect(await svc.redeem(customerId, 500, { purchase: { lines: [{ lineId: 'l', category: 'SERVICES', amount: 500 }] } })).toMatchObject({
      ok: true,
      applied: 500,
    });
  });
});

describe('refunds of a redemption and the whole reversal', () => {
  it('partial refunds, then the reversal gives back only the rest; a refund after the reversal is refused', async () => {
    const customerId = await twoCredits();
    const r = await svc.redeem(customerId, 1500);
    const p = await refund(customerId, { redemptionId: r.redemptionId }, 400);
    expect(p).toMatchObject({ ok: true, refundOf: 'REDEMPTION', restored: 400, refundable: 1100 });
    const rev = await svc.invoke('reverse', { customerId, redemptionId: r.redemptionId });
    expect(rev).toMatchObject({ ok: true, restored: 1100, lapsed: 0 });
    expect(await eur(customerId)).toMatchObject({ available: 3000 });
    expect(await refund(customerId, { redemptionId: r.redemptionId }, 1)).toMatchObject({
      ok: false,
      error: { code: 'REDEMPTION_ALREADY_REVERSED' },
    });
    expect(await refund(customerId, { captureId: r.redemptionId }, 1)).toMatchObject({
      ok: false,
      error: { code: 'REFUND_TARGET_NOT_FOUND' },
    });
  });
});
