/**
 * Operations on DynamoDB Local through the local runtime: void (11.3), erasure (11.6) and the finance report with
 * its reconciliation (11.4) — each with its bad inputs refused and the table unchanged by them.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoCreditStore } from '../../lambdas/adapters/dynamodb';
import { aggregateEntry } from '../../lambdas/app/aggregate';
import { DAY_MS } from '../../lambdas/domain/credit';
import { offsetClock, setClock, systemClock } from '../../lambdas/shared/clock';
import type { TestRuntime } from './harness';
import { useService } from './service-fixture';
import { complaint, type ServiceClient, unique } from './service-client';

jest.setTimeout(180_000);

let t: TestRuntime;
let svc: ServiceClient;
let store: DynamoCreditStore;

useService({ retryDelayMs: () => 10 }, (s) => ({ t, svc, store } = s));
afterEach(() => setClock(systemClock));

const creditIdOf = async (customerId: string) =>
  (await svc.balance(customerId)).history.find((h: any) => h.kind === 'GRANTED').entryId as string;
const expectRefusal = (res: any, code: string, message: string) => {
  expect(res.ok).toBe(false);
  expect(res.error.code).toBe(code);
  expect(res.error.message).toContain(message);
};

describe('void', () => {
  test('removes the unspent rest once: VOIDED entry, CreditVoided, no reminder item, nothing restored into it later', async () => {
    const c = complaint({ amount: 3000 });
    await svc.grant(c);
    const creditId = await creditIdOf(c.customerId);
    const spent = await svc.redeem(c.customerId, 1000);
    expect(spent.ok).toBe(true);
    expect((await svc.items(c.customerId)).some((i) => i.type === 'REMINDER')).toBe(true);

    const out = await svc.invoke('void', { customerId: c.customerId, creditId, reason: 'granted twice by mistake', voidKey: 'ticket-1' });
    expect(out).toEqual({
      ok: true,
      voidId: expect.any(String),
      customerId: c.customerId,
      creditId,
      currency: 'EUR',
      voided: 2000,
      fromHolds: [],
      voidedAt: expect.any(String),
      replayed: false,
    });
    await t.runtime.idle(30_000);
    const items = await svc.items(c.customerId);
    expect(items.some((i) => i.type === 'REMINDER')).toBe(false);
    expect(items.find((i) => i.type === 'CREDIT')).toMatchObject({
      remaining: 0,
      voided: { voidId: out.voidId, amount: 2000, voidKey: 'ticket-1' },
    });
    expect(items.find((i) => i.type === 'LEDGER' && i.kind === 'VOIDED')).toMatchObject({
      entryId: out.voidId,
      amount: 2000,
      creditId,
      reason: 'granted twice by mistake',
    });
    const events = svc.events('CreditVoided', c.customerId);
    expect(events).toHaveLength(1);
    expect(events[0].detail).toEqual({
      eventId: `VOIDED#${out.voidId}`,
      customerId: c.customerId,
      occurredAt: out.voidedAt,
      currency: 'EUR',
      amount: 2000,
      voidId: out.voidId,
      creditId,
    });
    expect((await svc.balance(c.customerId)).courtesyCredit.balances).toEqual([]);

    // Idempotent: the same void again (same key, or none) answers the first; another key is refused.
    const before = await svc.snapshot();
    expect(await svc.invoke('void', { customerId: c.customerId, creditId, reason: 'again', voidKey: 'ticket-1' })).toEqual({
      ...out,
      replayed: true,
    });
    expect(await svc.invoke('void', { customerId: c.customerId, creditId, reason: 'again' })).toEqual({ ...out, replayed: true });
    expectRefusal(
      await svc.invoke('void', { customerId: c.customerId, creditId, reason: 'x', voidKey: 'ticket-2' }),
      'CREDIT_ALREADY_VOIDED',
      'voided before under another void key',
    );
    await t.runtime.idle(30_000);
    expect(await svc.snapshot()).toBe(before);

    // The order is cancelled afterwards: nothing goes back onto the voided credit.
    const rev = await svc.invoke('reverse', { customerId: c.customerId, redemptionId: spent.redemptionId });
    expect(rev).toMatchObject({ ok: true, restored: 0, lapsed: 1000 });
    expect((await svc.items(c.customerId)).find((i) => i.type === 'CREDIT')!.remaining).toBe(0);
  });

  test('reaches held money: grant 10,00 → hold 10,00 → void takes it out of the hold; a capture of 10,00 is CAPTURE_EXCEEDS_HOLD', async () => {
    const c = complaint({ amount: 1000, currency: 'NOK' });
    await svc.grant(c);
    const creditId = await creditIdOf(c.customerId);
    const h = await svc.invoke('hold', {
      customerId: c.customerId,
      orderId: unique('o'),
      amount: 1000,
      currency: 'NOK',
      idempotencyKey: unique('h'),
      lifetimeSeconds: 30 * 86_400,
    });
    expect(h).toMatchObject({ ok: true, held: 1000 });
    const out = await svc.invoke('void', { customerId: c.customerId, creditId, reason: 'fraud ring' });
    expect(out).toMatchObject({ ok: true, voided: 0, fromHolds: [{ holdId: h.holdId, orderId: h.orderId, amount: 1000 }] });
    const capture = { customerId: c.customerId, holdId: h.holdId, amount: 1000, captureKey: unique('cap') };
    expectRefusal(await svc.invoke('capture', capture), 'CAPTURE_EXCEEDS_HOLD', 'holds 0');
    await t.runtime.idle(30_000);
    // The payment flow learns it: HoldReleased, reason VOIDED, nothing restored, all of it lapsed.
    expect(
      svc.events('HoldReleased', c.customerId).map((e) => [e.detail.holdId, e.detail.reason, e.detail.amount, e.detail.lapsed]),
    ).toEqual([[h.holdId, 'VOIDED', 0, 1000]]);
    const balance = await svc.balance(c.customerId);
    expect(balance.courtesyCredit).toMatchObject({ balances: [], holds: [] });
    // Booked as voided money (the hold's spent given back, then voided), and the books reconcile column by column.
    const today = new Date().toISOString().slice(0, 10);
    const report = await svc.invoke('report', { operation: 'report', from: today, to: today });
    expect(report.rows.find((r: any) => r.currency === 'NOK')).toMatchObject({
      granted: 1000,
      spent: 1000,
      refunded: 1000,
      voided: 1000,
      expired: 0,
      closing: 0,
    });
    expect((await svc.invoke('report', { operation: 'reconcile' })).lines.find((l: any) => l.currency === 'NOK')).toMatchObject({
      ledger: 0,
      credits: 0,
      difference: 0,
      columns: { voided: { totals: 1000, entries: 1000, difference: 0 } },
    });
    // Again: the same answer, holds included; nothing written.
    const before = await svc.snapshot();
    expect(await svc.invoke('void', { customerId: c.customerId, creditId, reason: 'again' })).toEqual({ ...out, replayed: true });
    expect(await svc.snapshot()).toBe(before);
  });

  test('bad input and unknown credits are refused, the table unchanged', async () => {
    const c = complaint({ amount: 500 });
    await svc.grant(c);
    const creditId = await creditIdOf(c.customerId);
    const other = complaint({ amount: 500 });
    await svc.grant(other);
    const before = await svc.snapshot();
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ customerId: c.customerId, creditId }, 'INVALID_INPUT', 'reason: Invalid input: expected string'],
      [{ customerId: c.customerId, creditId, reason: '   ' }, 'INVALID_INPUT', 'reason: Too small'],
      [{ customerId: c.customerId, creditId, reason: 'x'.repeat(501) }, 'INVALID_INPUT', 'reason: Too big'],
      [{ customerId: c.customerId, creditId, reason: 'x', extra: 1 }, 'INVALID_INPUT', 'Unrecognized key: "extra"'],
      [{ customerId: c.customerId, creditId, reason: 'x', voidKey: 'a b' }, 'INVALID_INPUT', 'voidKey: letters, digits'],
      [
        { customerId: c.customerId, creditId: 'no-such-credit', reason: 'x' },
        'CREDIT_NOT_FOUND',
        'no credit no-such-credit for this customer',
      ],
      // another customer's credit is not found from this customer
      [{ customerId: other.customerId, creditId, reason: 'x' }, 'CREDIT_NOT_FOUND', `no credit ${creditId} for this customer`],
    ];
    for (const [request, code, message] of cases) expectRefusal(await svc.invoke('void', request), code, message);
    await t.runtime.idle(30_000);
    expect(await svc.snapshot()).toBe(before);
  });
});

describe('erase', () => {
  test('removes address, locale and free texts from every item, keeps the money; idempotent; the whole table is free of them', async () => {
    const email = `${unique('erase-me')}@example.com`;
    const reasonText = `Paket von ${unique('Frau Muster')} kaputt`;
    const customerId = unique('cust-erase');
    const a = complaint({ customerId, email, reason: reasonText, amount: 2000, locale: 'de-DE' });
    const b = complaint({ customerId, email, reason: reasonText, amount: 1000, currency: 'USD', locale: 'de-DE' });
    await svc.grant(a);
    await svc.grant(b);
    const spent = await svc.redeem(customerId, 500);
    const reverseText = `storniert von ${unique('Herr Beispiel')}`;
    expect((await svc.invoke('reverse', { customerId, redemptionId: spent.redemptionId, reason: reverseText })).ok).toBe(true);
    const usdCredit = (await svc.balance(customerId)).history.find((h: any) => h.kind === 'GRANTED' && h.currency === 'USD').entryId;
    const voidText = `Betrug laut ${unique('Kollegin')}`;
    expect((await svc.invoke('void', { customerId, creditId: usdCredit, reason: voidText })).ok).toBe(true);
    await t.runtime.idle(30_000);
    const balanceBefore = (await svc.balance(customerId)).courtesyCredit;
    const whole = await svc.snapshot();
    for (const text of [email, reasonText, reverseText, voidText]) expect(whole).toContain(text);

    const out = await svc.invoke('erase', { customerId });
    expect(out).toEqual({ ok: true, customerId, erasedAt: expect.any(String), itemsErased: expect.any(Number) });
    expect(out.itemsErased).toBeGreaterThanOrEqual(5); // 2 credits, 2 GRANTED entries, the REVERSED and VOIDED entries
    await t.runtime.idle(30_000);

    const after = await svc.snapshot();
    for (const text of [email, email.toLowerCase(), reasonText, reverseText, voidText]) expect(after).not.toContain(text);
    const items = await svc.items(customerId);
    for (const item of items) {
      expect(item).not.toHaveProperty('email');
      expect(item).not.toHaveProperty('locale');
      expect(item).not.toHaveProperty('reason');
    }
    for (const credit of items.filter((i) => i.type === 'CREDIT')) expect(credit.erasedAt).toBe(out.erasedAt);
    // amounts, ids and dates stay: balance and history read the same
    expect((await svc.balance(customerId)).courtesyCredit.balances).toEqual(balanceBefore.balances);
    // idempotent
    const again = await svc.invoke('erase', { customerId });
    expect(again).toMatchObject({ ok: true, itemsErased: 0 });
    await t.runtime.idle(30_000);
    expect(await svc.snapshot()).toBe(after);
  });

  test('closed codes stay: after a released hold and a final capture, erasure leaves balance and history readable, codes unchanged', async () => {
    const c = complaint({ amount: 3000 });
    await svc.grant(c);
    const hold = (amount: number) =>
      svc.invoke('hold', { customerId: c.customerId, orderId: unique('o'), amount, currency: 'EUR', idempotencyKey: unique('h') });
    const released = await hold(1000);
    expect((await svc.invoke('release', { customerId: c.customerId, holdId: released.holdId })).ok).toBe(true);
    const captured = await hold(1000);
    const capture = { customerId: c.customerId, holdId: captured.holdId, amount: 400, captureKey: unique('cap'), final: true };
    expect(await svc.invoke('capture', capture)).toMatchObject({ ok: true, released: { restored: 600 } });
    await t.runtime.idle(30_000);
    const before = await svc.balance(c.customerId);
    const codes = (b: any) => b.history.filter((h: any) => h.kind === 'RELEASED').map((h: any) => [h.holdId, h.reason]);
    expect(codes(before)).toEqual([
      [captured.holdId, 'FINAL_CAPTURE'],
      [released.holdId, 'EXPLICIT'],
    ]);

    expect(await svc.invoke('erase', { customerId: c.customerId })).toMatchObject({ ok: true });
    const after = await svc.balance(c.customerId);
    expect(after).toMatchObject({ ok: true });
    // Only the complaint's free text went; every amount, id, date and code reads as before.
    const withoutText = (b: any) => ({
      ...b,
      asOf: 0,
      history: b.history.map(({ reason, ...e }: any) => (e.kind === 'GRANTED' ? e : { ...e, reason })),
    });
    expect(withoutText(after)).toEqual(withoutText(before));
    expect(codes(after)).toEqual(codes(before));
  });

  test('repair: a RELEASED entry written with its code as `reason` and erased before the fix reads again (DynamoDB Local)', async () => {
    const c = complaint({ amount: 3000 });
    await svc.grant(c);
    const h = await svc.invoke('hold', {
      customerId: c.customerId,
      orderId: unique('o'),
      amount: 700,
      currency: 'EUR',
      idempotencyKey: unique('h'),
    });
    expect((await svc.invoke('release', { customerId: c.customerId, holdId: h.holdId })).ok).toBe(true);
    await t.runtime.idle(30_000);
    // The entry as the service wrote it before closed codes had a name of their own; the erasure then removed it.
    const entry = (await svc.items(c.customerId)).find((i) => i.type === 'LEDGER' && i.kind === 'RELEASED')!;
    const { releaseReason, ...legacy } = entry;
    expect(releaseReason).toBe('EXPLICIT');
    await store.doc.send(new PutCommand({ TableName: t.tableName, Item: { ...legacy, reason: releaseReason } }));
    expect(await svc.invoke('erase', { customerId: c.customerId })).toMatchObject({ ok: true });
    const erased = (await svc.items(c.customerId)).find((i) => i.entryId === entry.entryId)!;
    expect(erased).not.toHaveProperty('reason');
    expect(erased).not.toHaveProperty('releaseReason');
    const balance = await svc.balance(c.customerId);
    expect(balance).toMatchObject({ ok: true, courtesyCredit: { balances: [{ currency: 'EUR', available: 3000, held: 0 }] } });
    expect(balance.history.find((e: any) => e.kind === 'RELEASED')).toMatchObject({ holdId: h.holdId, amount: 700, reason: 'EXPLICIT' });
  });

  test('bad input is refused, the table unchanged; an unknown customer is erased as nothing', async () => {
    const before = await svc.snapshot();
    expectRefusal(await svc.invoke('erase', {}), 'INVALID_INPUT', 'customerId: Invalid input: expected string');
    expectRefusal(await svc.invoke('erase', { customerId: 'a b' }), 'INVALID_INPUT', 'customerId: letters, digits');
    expectRefusal(await svc.invoke('erase', { customerId: 'c', email: 'x@example.com' }), 'INVALID_INPUT', 'Unrecognized key: "email"');
    expect(await svc.invoke('erase', { customerId: unique('nobody') })).toMatchObject({ ok: true, itemsErased: 0 });
    expect(await svc.snapshot()).toBe(before);
  });
});

describe('finance report and reconciliation', () => {
  const today = () => new Date().toISOString().slice(0, 10);

  test('after a random sequence of grants, redemptions, reversals and voids: closing liability = what remains on credits', async () => {
    // mulberry32 with a fixed seed: the same sequence every run.
    let seed = 20261125;
    const rnd = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) % n;
    };
    const customers = Array.from({ length: 4 }, () => unique('cust-fin'));
    const redemptions: Array<{ customerId: string; redemptionId: string }> = [];
    const done = { grant: 0, redeem: 0, reverse: 0, void: 0 };
    for (let step = 0; step < 40; step++) {
      const customerId = customers[rnd(customers.length)]!;
      const op = rnd(4);
      if (op === 0 || step < 4) {
        await svc.putComplaint(complaint({ customerId, amount: 100 + rnd(5000), currency: rnd(3) === 0 ? 'JPY' : 'EUR' }));
        await t.runtime.idle(30_000);
        done.grant++;
      } else if (op === 1) {
        const r = await svc.redeem(customerId, 1 + rnd(3000));
        if (r.ok && r.redemptionId) {
          redemptions.push({ customerId, redemptionId: r.redemptionId });
          done.redeem++;
        }
      } else if (op === 2 && redemptions.length > 0) {
        const r = redemptions.splice(rnd(redemptions.length), 1)[0]!;
        expect((await svc.invoke('reverse', r)).ok).toBe(true);
        done.reverse++;
      } else if (op === 3) {
        const granted = (await svc.balance(customerId)).history.filter((h: any) => h.kind === 'GRANTED');
        if (granted.length > 0) {
          const res = await svc.invoke('void', { customerId, creditId: granted[rnd(granted.length)].entryId, reason: 'random void' });
          expect(res.ok).toBe(true);
          done.void++;
        }
      }
    }
    await t.runtime.idle(60_000);
    // the sequence exercised every kind of movement
    expect(Object.values(done).every((n) => n > 0) ? 'all' : done).toBe('all');

    const rec = await svc.invoke('report', { operation: 'reconcile' });
    expect(rec.ok).toBe(true);
    expect(rec.balanced).toBe(true);
    expect(rec.lines.length).toBeGreaterThan(0);
    for (const line of rec.lines) expect(line.difference).toBe(0);
    // each report column against the ledger entries, not only the closing liability
    for (const line of rec.lines) for (const column of Object.values(line.columns) as any[]) expect(column.difference).toBe(0);

    // The report's closing liability for today is the reconciliation's ledger side.
    const report = await svc.invoke('report', { operation: 'report', from: today(), to: today() });
    expect(report.ok).toBe(true);
    for (const line of rec.lines) {
      const row = report.rows.find((r: any) => r.currency === line.currency);
      expect(row.closing).toBe(line.ledger);
      expect(row.closing).toBe(row.opening + row.granted - row.spent + row.refunded - row.expired - row.voided);
    }
    const csv = await svc.invoke('report', { operation: 'report', from: today(), to: today(), format: 'csv' });
    expect(csv.csv.split('\n')[0]).toBe('currency,day,opening,granted,spent,refunded,expired,voided,closing');
    expect(csv.csv.trim().split('\n')).toHaveLength(1 + report.rows.length);
  });

  test('a hold released after its credit expired: what lapses is breakage (refunded and expired), never spent; the columns reconcile', async () => {
    const c = complaint({ amount: 1000, currency: 'SEK', validityDays: 30 });
    await svc.grant(c);
    // A day later a 30-day hold takes all of it; 30 days and an hour after the grant the credit has lapsed, the hold stands.
    setClock(offsetClock(DAY_MS));
    const h = await svc.invoke('hold', {
      customerId: c.customerId,
      orderId: unique('o'),
      amount: 1000,
      currency: 'SEK',
      idempotencyKey: unique('h'),
      lifetimeSeconds: 30 * 86_400,
    });
    expect(h).toMatchObject({ ok: true, held: 1000 });
    setClock(offsetClock(30 * DAY_MS + 3_600_000));
    const released = await svc.invoke('release', { customerId: c.customerId, holdId: h.holdId });
    expect(released).toMatchObject({ ok: true, restored: 0, lapsed: 1000 });
    await t.runtime.idle(30_000);
    const day = (at: string) => at.slice(0, 10);
    const row = async (on: string) =>
      (await svc.invoke('report', { operation: 'report', from: on, to: on })).rows.find((r: any) => r.currency === 'SEK');
    expect(await row(day(h.heldAt))).toMatchObject({ spent: 1000 });
    expect(await row(day(released.releasedAt))).toMatchObject({ spent: 0, refunded: 1000, expired: 1000, closing: 0 });
    const rec = await svc.invoke('report', { operation: 'reconcile' });
    expect(rec.lines.find((l: any) => l.currency === 'SEK')).toMatchObject({
      ledger: 0,
      difference: 0,
      columns: {
        spent: { totals: 1000, difference: 0 },
        refunded: { totals: 1000, difference: 0 },
        expired: { totals: 1000, difference: 0 },
      },
    });
  });

  test('a redelivered ledger entry is counted once', async () => {
    const c = complaint({ amount: 777, currency: 'CHF' });
    await svc.grant(c);
    const entry = (await svc.balance(c.customerId)).history.find((h: any) => h.kind === 'GRANTED');
    const stored = await store.getLedgerEntry(c.customerId, entry.entryId);
    const before = await svc.invoke('report', { operation: 'report', from: today(), to: today() });
    expect(await aggregateEntry(stored!, { store })).toBe('ALREADY_APPLIED');
    expect(await aggregateEntry(stored!, { store })).toBe('ALREADY_APPLIED');
    expect(await svc.invoke('report', { operation: 'report', from: today(), to: today() })).toEqual(before);
    expect(before.rows.find((r: any) => r.currency === 'CHF')).toMatchObject({ granted: expect.any(Number) });
  });

  test('bad input is refused, the table unchanged', async () => {
    const before = await svc.snapshot();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, "operation: Invalid discriminator value. Expected 'report' | 'reconcile'"],
      [{ operation: 'delete' }, "operation: Invalid discriminator value. Expected 'report' | 'reconcile'"],
      [{ operation: 'report', from: '2026-01-01' }, 'to: Invalid input: expected string'],
      [{ operation: 'report', from: '2026-02-30', to: '2026-03-01' }, 'from: not a calendar day'],
      [{ operation: 'report', from: '2026/01/01', to: '2026-03-01' }, 'from: a day as YYYY-MM-DD'],
      [{ operation: 'report', from: '2026-03-02', to: '2026-03-01' }, 'to must be on or after from'],
      [{ operation: 'report', from: '2025-01-01', to: '2026-03-01' }, 'at most 366 days'],
      [{ operation: 'report', from: '2026-03-01', to: '2026-03-01', format: 'xml' }, 'format: Invalid option'],
      [{ operation: 'reconcile', from: '2026-03-01' }, 'Unrecognized key: "from"'],
    ];
    for (const [request, message] of cases) expectRefusal(await svc.invoke('report', request), 'INVALID_INPUT', message);
    expect(await svc.snapshot()).toBe(before);
  });
});
