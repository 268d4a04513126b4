/**
 * Expiry and reminders, driven by DynamoDB Local's real TTL deletions and stream. The service's clock is shifted so
 * that 30-day credits fall due a few seconds after they are written; DynamoDB Local's TTL job then removes them. This file has its own small table: DynamoDB Local's TTL job pauses 10 s after every 20-item page in
 * which it deleted something, so a big shared table would make deletions queue up.
 */
import { setClock, offsetClock, systemClock } from '../../lambdas/shared/clock';
import { DAY_MS } from '../../lambdas/domain/credit';
import { ITEM } from '../../lambdas/adapters/dynamodb/layout';
import { emailsTo, TTL_WAIT_MS, waitFor, type TestRuntime } from './harness';
import { useService } from './service-fixture';
import { complaint, type ServiceClient } from './service-client';

jest.setTimeout(180_000);

let t: TestRuntime;
let svc: ServiceClient;

useService({}, (s) => ({ t, svc } = s));
afterEach(() => setClock(systemClock));

/** Run `fn` with the service's clock set `ms` away from real time. */
async function at<T>(offsetMs: number, fn: () => Promise<T>): Promise<T> {
  const restore = setClock(offsetClock(offsetMs));
  try {
    return await fn();
  } finally {
    restore();
  }
}

it('when TTL removes an expired credit, the unused amount goes to the ledger and CreditExpired is published', async () => {
  // Granted 30 days minus 4 s ago: it expires 4 s from now in real time, and DynamoDB Local's TTL then removes it.
  const c = complaint({ amount: 1200, validityDays: 30 });
  const r = await at(-(30 * DAY_MS) + 4000, async () => {
    await svc.grant(c);
    return svc.redeem(c.customerId, 200);
  });
  expect(r).toMatchObject({ ok: true, applied: 200 });

  const expired = await waitFor(async () => svc.events('CreditExpired', c.customerId)[0], TTL_WAIT_MS, 250);
  expect(expired.detail).toMatchObject({ amount: 1000, currency: 'EUR', creditId: r.allocations[0].creditId });
  await t.runtime.idle(30_000);
  const items = await svc.items(c.customerId);
  expect(items.filter((i) => i.type === ITEM.CREDIT)).toHaveLength(0);
  const ledger = items.filter((i) => i.type === ITEM.LEDGER).map((i) => [i.kind, i.amount]);
  expect(ledger).toEqual(
    expect.arrayContaining([
      ['GRANTED', 1200],
      ['REDEEMED', 200],
      ['EXPIRED', 1000],
    ]),
  );
  expect(ledger).toHaveLength(3);
  expect((await svc.balance(c.customerId)).courtesyCredit.balances).toEqual([]);
  // The "issued" email went out once (the reminder, due long before this shifted expiry, may also have gone out).
  expect((await emailsTo(c.email)).filter((m) => m.subject === 'Ihre Kulanzgutschrift über 12,00\u00a0€')).toHaveLength(1);
});

it('sends the "about to lapse" email when the reminder is due, with the remaining amount', async () => {
  // Granted 23 days minus 4 s ago with 30 days validity: the reminder (expiry - 7 days) is due 4 s from now.
  const c = complaint({ amount: 3000, validityDays: 30, locale: 'de-DE' });
  await at(-(23 * DAY_MS) + 4000, async () => {
    await svc.grant(c);
    await svc.redeem(c.customerId, 1766);
  });
  const reminder = await waitFor(async () => (await emailsTo(c.email)).find((m) => /verfällt/.test(m.subject)), TTL_WAIT_MS, 250);
  expect(reminder.subject).toContain('12,34\u00a0€');
  expect(reminder.text).toContain('12,34\u00a0€');
  expect(reminder.html).toContain('12,34');
  const sent = await waitFor(async () => svc.events('CreditExpiryReminderSent', c.customerId)[0], 20_000);
  expect(sent.detail).toMatchObject({ amount: 1234, currency: 'EUR' });
  expect(JSON.stringify(sent)).not.toContain(c.email);
  // The credit itself is still spendable for another 7 days.
  expect((await svc.balance(c.customerId)).courtesyCredit.balances[0].available).toBe(1234);
});

it('sends no reminder for a credit that is used up', async () => {
  const c = complaint({ amount: 500, validityDays: 30 });
  await at(-(23 * DAY_MS) + 4000, async () => {
    await svc.grant(c);
    await svc.redeem(c.customerId, 500);
  });
  await waitFor(async () => !(await svc.items(c.customerId)).some((i) => i.type === ITEM.REMINDER), TTL_WAIT_MS, 250);
  await t.runtime.idle(30_000);
  expect((await emailsTo(c.email)).map((m) => m.subject)).toEqual(['Ihre Kulanzgutschrift über 5,00\u00a0€']);
  expect(svc.events('CreditExpiryReminderSent', c.customerId)).toHaveLength(0);
});
