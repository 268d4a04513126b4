/**
 * The stream-driven use cases (emails, expiry, the outbox mapping) and the read-only ones (balance, erase) on the
 * in-memory fake store: what the customer receives, what the ledger and the event bus get, what a caller reads.
 */
import { getBalance } from '../../../lambdas/app/balance';
import { eraseCustomer } from '../../../lambdas/app/erase';
import { recordCreditExpiry } from '../../../lambdas/app/expire';
import { sendCreditIssued, sendExpiryReminder } from '../../../lambdas/app/notify';
import { eventForStoredItem } from '../../../lambdas/app/publish';
import { NOTICE } from '../../../lambdas/domain/notice';
import type { GrantRefusal } from '../../../lambdas/domain/caps';
import { renderEmail } from '../../../lambdas/domain/email/render';
import { DETAIL_TYPES } from '../../../lambdas/domain/events';
import { expiredEntry } from '../../../lambdas/domain/credit-entries';
import { deterministicId } from '../../../lambdas/shared/ids';
import { credit, FakeMailer, FakeStore, fixedClock } from './fakes';

const NOW = '2026-03-01T10:00:00.000Z';
const EXPIRES = '2026-03-05T00:00:00.000Z';

function notifySetup(...credits: ReturnType<typeof credit>[]) {
  const store = new FakeStore().addCredit(...credits);
  const mailer = new FakeMailer();
  return { store, mailer, deps: { store, mailer, clock: fixedClock(NOW), timeZone: 'UTC' } };
}

const c1 = credit({ creditId: 'c-1', amount: 2500, remaining: 900, expiresAt: EXPIRES, email: 'ada@example.com' });
const due = { customerId: 'cust-1', creditId: 'c-1', expiresAt: EXPIRES };

describe('sendCreditIssued', () => {
  it('emails the stored address about the granted amount once, and records the notice', async () => {
    const { store, mailer, deps } = notifySetup(c1);
    expect(await sendCreditIssued(c1, deps)).toBe('SENT');
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]).toMatchObject({ to: 'ada@example.com', tags: { kind: 'credit-issued', creditId: 'c-1' } });
    expect(mailer.sent[0]!.text).toContain('25.00');
    expect(store.notices.get('cust-1#c-1#ISSUED')).toEqual({
      kind: NOTICE.ISSUED,
      notice: {
        customerId: 'cust-1',
        creditId: 'c-1',
        currency: 'EUR',
        remaining: 2500,
        expiresAt: EXPIRES,
        sentAt: NOW,
        messageId: 'msg-1',
      },
      expiresAt: EXPIRES,
    });
    expect(await sendCreditIssued(c1, deps)).toBe('ALREADY_SENT');
    expect(mailer.sent).toHaveLength(1);
  });

  it('dates the email in the configured time zone', async () => {
    const { mailer, deps } = notifySetup(c1);
    await sendCreditIssued(c1, { ...deps, timeZone: 'America/Los_Angeles' });
    await sendExpiryReminder(due, { ...deps, timeZone: 'America/Los_Angeles' });
    const inLa = { timeZone: 'America/Los_Angeles' };
    const issued = renderEmail(
      { kind: 'CREDIT_ISSUED', locale: 'en', amount: 2500, currency: 'EUR', expiresAt: EXPIRES, reason: 'late delivery' },
      inLa,
    );
    const reminder = renderEmail({ kind: 'EXPIRY_REMINDER', locale: 'en', remaining: 900, currency: 'EUR', expiresAt: EXPIRES }, inLa);
    expect(mailer.sent.map(({ subject, html, text }) => ({ subject, html, text }))).toEqual([issued, reminder]);
    // In Los Angeles the credit lapses on 4 March, not 5 March as in UTC.
    expect(issued.text).toContain('March 4');
    expect(issued.text).not.toContain('March 5');
  });

  it('a reminder notice does not count as the issued email', async () => {
    const { store, deps } = notifySetup(c1);
    await store.putNotice(
      NOTICE.REMINDER,
      { customerId: 'cust-1', creditId: 'c-1', currency: 'EUR', remaining: 1, expiresAt: EXPIRES, sentAt: NOW },
      EXPIRES,
    );
    expect(await sendCreditIssued(c1, deps)).toBe('SENT');
  });

  it('skips a credit that is gone, erased or voided, sending nothing', async () => {
    const gone = notifySetup();
    expect(await sendCreditIssued(c1, gone.deps)).toBe('SKIPPED_GONE');
    const erased = notifySetup(c1);
    await erased.store.eraseCustomer('cust-1', NOW);
    expect(await sendCreditIssued(c1, erased.deps)).toBe('SKIPPED_ERASED');
    const voided = notifySetup({ ...c1, remaining: 0, voided: { voidId: 'v', voidedAt: NOW, amount: 900 } });
    expect(await sendCreditIssued(c1, voided.deps)).toBe('SKIPPED_VOIDED');
    expect([gone, erased, voided].flatMap((s) => s.mailer.sent)).toEqual([]);
    expect([gone, erased, voided].map((s) => s.store.notices.size)).toEqual([0, 0, 0]);
  });
});

describe('sendExpiryReminder', () => {
  it('reminds about the remaining amount once, and records the notice (the event source)', async () => {
    const { store, mailer, deps } = notifySetup(c1);
    expect(await sendExpiryReminder(due, deps)).toBe('SENT');
    expect(mailer.sent[0]).toMatchObject({ to: 'ada@example.com', tags: { kind: 'expiry-reminder', creditId: 'c-1' } });
    expect(mailer.sent[0]!.text).toContain('9.00');
    expect(store.notices.get('cust-1#c-1#REMINDER')).toEqual({
      kind: NOTICE.REMINDER,
      notice: {
        customerId: 'cust-1',
        creditId: 'c-1',
        currency: 'EUR',
        remaining: 900,
        expiresAt: EXPIRES,
        sentAt: NOW,
        messageId: 'msg-1',
      },
      expiresAt: EXPIRES,
    });
    expect(await sendExpiryReminder(due, deps)).toBe('ALREADY_SENT');
    expect(mailer.sent).toHaveLength(1);
  });

  it('an issued notice does not count as the reminder', async () => {
    const { store, deps } = notifySetup(c1);
    await sendCreditIssued(c1, deps);
    expect(await sendExpiryReminder(due, deps)).toBe('SENT');
    expect(store.notices.size).toBe(2);
  });

  it.each([
    ['SKIPPED_USED_UP', [{ ...c1, remaining: 0 }], NOW],
    ['SKIPPED_EXPIRED', [c1], EXPIRES],
    ['SKIPPED_GONE', [], NOW],
  ])('%s: nothing is sent', async (outcome, credits, at) => {
    const { mailer, store, deps } = notifySetup(...credits);
    deps.clock.set(at);
    expect(await sendExpiryReminder(due, deps)).toBe(outcome);
    expect(mailer.sent).toEqual([]);
    expect(store.notices.size).toBe(0);
  });

  it('SKIPPED_ERASED even when the erased credit still has money and time left', async () => {
    const { mailer, store, deps } = notifySetup(c1);
    await store.eraseCustomer('cust-1', NOW);
    expect(await sendExpiryReminder(due, deps)).toBe('SKIPPED_ERASED');
    expect(mailer.sent).toEqual([]);
  });

  it('an erased credit that is used up or expired is still reported as erased', async () => {
    const { store, deps } = notifySetup({ ...c1, remaining: 0 });
    await store.eraseCustomer('cust-1', NOW);
    expect(await sendExpiryReminder(due, deps)).toBe('SKIPPED_ERASED');
  });
});

describe('recordCreditExpiry', () => {
  it('records the unused rest once, at the credit’s expiry, under an id derived from the credit', async () => {
    const store = new FakeStore();
    expect(await recordCreditExpiry(c1, { store })).toBe('RECORDED');
    const id = deterministicId(new Date(EXPIRES), 'EXPIRED#c-1');
    expect(store.ledger.get(`cust-1#${id}`)).toEqual(expiredEntry(c1, id));
    expect(store.ledger.get(`cust-1#${id}`)).toMatchObject({ amount: 900, at: EXPIRES });
    expect(await recordCreditExpiry(c1, { store })).toBe('ALREADY_RECORDED');
    expect(store.ledger.size).toBe(1);
  });

  it('NOTHING_LEFT for a used-up (or voided) credit: no entry', async () => {
    const store = new FakeStore();
    expect(await recordCreditExpiry({ ...c1, remaining: 0 }, { store })).toBe('NOTHING_LEFT');
    expect(store.ledger.size).toBe(0);
    expect(await recordCreditExpiry({ ...c1, remaining: 1 }, { store })).toBe('RECORDED');
  });
});

describe('eventForStoredItem', () => {
  const refusal: GrantRefusal = {
    complaintId: 'k-1',
    customerId: 'cust-1',
    currency: 'EUR',
    amount: 100,
    cap: 'CUSTOMER_COUNT_30D',
    limit: 2,
    used: 2,
    refusedAt: NOW,
  };
  const notice = { customerId: 'cust-1', creditId: 'c-1', currency: 'EUR', remaining: 900, expiresAt: EXPIRES, sentAt: NOW };

  it('maps ledger entries, reminder notices and refusals to one event each', () => {
    const entry = expiredEntry(c1, 'e-1');
    expect(eventForStoredItem({ kind: 'ledger', entry })?.detailType).toBe(DETAIL_TYPES.EXPIRED);
    expect(eventForStoredItem({ kind: 'ledger', entry })?.detail).toMatchObject({ creditId: 'c-1', amount: 900 });
    expect(eventForStoredItem({ kind: 'notice', notice: { ...notice, kind: NOTICE.REMINDER } })?.detailType).toBe(
      DETAIL_TYPES.REMINDER_SENT,
    );
    expect(eventForStoredItem({ kind: 'refusal', refusal, requestHash: 'h' })).toMatchObject({
      detailType: DETAIL_TYPES.GRANT_REFUSED,
      detail: { complaintId: 'k-1', cap: 'CUSTOMER_COUNT_30D' },
    });
  });

  it('publishes nothing for the issued notice or for items that are not outbox records', () => {
    expect(eventForStoredItem({ kind: 'notice', notice: { ...notice, kind: NOTICE.ISSUED } })).toBeUndefined();
    expect(eventForStoredItem({ kind: 'credit', credit: c1 })).toBeUndefined();
    expect(eventForStoredItem({ kind: 'applied', entryId: 'e-1' })).toBeUndefined();
  });
});

describe('getBalance', () => {
  function balanceSetup() {
    const store = new FakeStore().addCredit(
      credit({ creditId: 'c-eur-late', remaining: 500, expiresAt: '2026-06-01T00:00:00.000Z' }),
      credit({ creditId: 'c-eur-soon', remaining: 200, expiresAt: '2026-04-01T00:00:00.000Z' }),
      credit({ creditId: 'c-usd', currency: 'USD', remaining: 300, expiresAt: '2026-05-01T00:00:00.000Z' }),
      credit({ creditId: 'c-jpy-used', currency: 'JPY', remaining: 0 }),
      credit({ creditId: 'c-gbp-lapsed', currency: 'GBP', remaining: 50, expiresAt: NOW }),
      credit({ creditId: 'c-other', customerId: 'cust-2', remaining: 999 }),
    );
    return { store, deps: { store, clock: fixedClock(NOW) } };
  }

  it('totals per currency (sorted), the soonest expiry of each, and the spendable credits soonest first', async () => {
    const { store, deps } = balanceSetup();
    store.historyPage = { entries: [expiredEntry(c1, 'e-1')], nextCursor: 'next' };
    const answer = await getBalance({ customerId: 'cust-1' }, deps);
    expect(answer).toEqual({
      customerId: 'cust-1',
      asOf: NOW,
      courtesyCredit: {
        balances: [
          { currency: 'EUR', available: 700, held: 0, nextExpiry: { expiresAt: '2026-04-01T00:00:00.000Z', amount: 200 } },
          { currency: 'USD', available: 300, held: 0, nextExpiry: { expiresAt: '2026-05-01T00:00:00.000Z', amount: 300 } },
        ],
        credits: [
          { creditId: 'c-eur-soon', currency: 'EUR', remaining: 200, expiresAt: '2026-04-01T00:00:00.000Z' },
          { creditId: 'c-usd', currency: 'USD', remaining: 300, expiresAt: '2026-05-01T00:00:00.000Z' },
          { creditId: 'c-eur-late', currency: 'EUR', remaining: 500, expiresAt: '2026-06-01T00:00:00.000Z' },
        ],
        holds: [],
      },
      history: [expiredEntry(c1, 'e-1')],
      nextCursor: 'next',
    });
    expect(store.historyArgs).toEqual([{ customerId: 'cust-1', limit: 20 }]);
  });

  it('lists currencies alphabetically, not in spend order', async () => {
    const store = new FakeStore().addCredit(
      credit({ creditId: 'u', currency: 'USD', remaining: 1, expiresAt: '2026-04-01T00:00:00.000Z' }),
      credit({ creditId: 'e', currency: 'EUR', remaining: 2, expiresAt: '2026-05-01T00:00:00.000Z' }),
    );
    const answer = await getBalance({ customerId: 'cust-1' }, { store, clock: fixedClock(NOW) });
    expect(answer.courtesyCredit.balances.map((b) => b.currency)).toEqual(['EUR', 'USD']);
    expect(answer.courtesyCredit.credits.map((c) => c.currency)).toEqual(['USD', 'EUR']);
  });

  it('passes the page size and cursor through, and has no nextCursor on the last page', async () => {
    const { store, deps } = balanceSetup();
    const answer = await getBalance({ customerId: 'cust-1', limit: 5, cursor: 'abc' }, deps);
    expect(store.historyArgs).toEqual([{ customerId: 'cust-1', limit: 5, cursor: 'abc' }]);
    expect(answer).not.toHaveProperty('nextCursor');
  });

  it('ignores a credit the store lists that has lapsed or is used up (the read may be older than now)', async () => {
    const store = new FakeStore();
    store.listSpendableCredits = async () => [
      { creditId: 'a', currency: 'EUR', remaining: 100, expiresAt: NOW },
      { creditId: 'b', currency: 'EUR', remaining: 0, expiresAt: '2026-06-01T00:00:00.000Z' },
    ];
    const answer = await getBalance({ customerId: 'cust-1' }, { store, clock: fixedClock(NOW) });
    expect(answer.courtesyCredit).toEqual({ balances: [], credits: [], holds: [] });
  });
});

describe('eraseCustomer', () => {
  it('erases the customer’s items at the clock’s time and says how many changed; a second call changes none', async () => {
    const store = new FakeStore().addCredit(c1, credit({ creditId: 'c-2' }), credit({ creditId: 'c-3', customerId: 'cust-2' }));
    const deps = { store, clock: fixedClock(NOW) };
    expect(await eraseCustomer({ customerId: 'cust-1' }, deps)).toEqual({ customerId: 'cust-1', erasedAt: NOW, itemsErased: 2 });
    expect(store.credits.get('c-1')).toMatchObject({ erasedAt: NOW, remaining: 900 });
    expect(store.credits.get('c-1')).not.toHaveProperty('email');
    expect(store.credits.get('c-3')).toHaveProperty('email');
    expect(await eraseCustomer({ customerId: 'cust-1' }, deps)).toMatchObject({ itemsErased: 0 });
  });
});
