import { isErased, shouldRemind, type Credit, type StoredCredit } from '../domain/credit';
import { renderEmail, type RenderedEmail } from '../domain/email/render';
import type { Clock } from '../shared/clock';
import { NOTICE, type NoticeKind } from '../domain/notice';
import type { Mailer, NoticeStore } from './ports';
import type { Reminder } from './stored';

export interface NotifyDeps {
  store: NoticeStore;
  mailer: Mailer;
  clock: Clock;
  timeZone: string;
}

export type NotifyOutcome =
  | 'SENT'
  | 'ALREADY_SENT'
  | 'SKIPPED_USED_UP'
  | 'SKIPPED_EXPIRED'
  | 'SKIPPED_GONE'
  | 'SKIPPED_ERASED'
  | 'SKIPPED_VOIDED';

/**
 * Emails go out from the table's stream, not from the grant: a crash after the credit is written still sends the
 * email (the stream record is retried), and an SES outage never repeats the grant. A notice item recorded after a
 * successful send keeps retried batches from sending twice.
 */
export async function sendCreditIssued(inserted: StoredCredit, deps: NotifyDeps): Promise<NotifyOutcome> {
  // The stream image may be older than the table: the credit as it is now decides (erased or voided since: no email).
  const [alreadySent, current] = await Promise.all([
    deps.store.hasNotice(inserted.customerId, inserted.creditId, NOTICE.ISSUED),
    deps.store.getCredit(inserted.customerId, inserted.creditId, inserted.expiresAt),
  ]);
  if (alreadySent) return 'ALREADY_SENT';
  if (!current) return 'SKIPPED_GONE';
  if (isErased(current)) return 'SKIPPED_ERASED';
  if (current.voided) return 'SKIPPED_VOIDED';
  const credit = current;
  const email = renderEmail(
    {
      kind: 'CREDIT_ISSUED',
      locale: credit.locale,
      amount: credit.amount,
      currency: credit.currency,
      expiresAt: credit.expiresAt,
      reason: credit.reason,
    },
    { timeZone: deps.timeZone },
  );
  return sendAndRecord(NOTICE.ISSUED, 'credit-issued', credit, credit.amount, email, deps);
}

export type DueReminder = Pick<Reminder, 'customerId' | 'creditId' | 'expiresAt'>;

/** The reminder item's TTL fired: remind only if the credit still has money on it and has not lapsed. */
export async function sendExpiryReminder(reminder: DueReminder, deps: NotifyDeps): Promise<NotifyOutcome> {
  // Two independent reads: issued together, one round trip of latency.
  const [alreadySent, credit] = await Promise.all([
    deps.store.hasNotice(reminder.customerId, reminder.creditId, NOTICE.REMINDER),
    deps.store.getCredit(reminder.customerId, reminder.creditId, reminder.expiresAt),
  ]);
  if (alreadySent) return 'ALREADY_SENT';
  if (credit && isErased(credit)) return 'SKIPPED_ERASED';
  const now = deps.clock.now();
  if (!shouldRemind(credit, now)) {
    if (!credit) return 'SKIPPED_GONE';
    return credit.remaining <= 0 ? 'SKIPPED_USED_UP' : 'SKIPPED_EXPIRED';
  }
  const c = credit!;
  const email = renderEmail(
    { kind: 'EXPIRY_REMINDER', locale: c.locale, remaining: c.remaining, currency: c.currency, expiresAt: c.expiresAt },
    { timeZone: deps.timeZone },
  );
  return sendAndRecord(NOTICE.REMINDER, 'expiry-reminder', c, c.remaining, email, deps, now);
}

/**
 * Send `email` to the credit's owner (tagged `tag`), then record the `kind` notice that keeps a retried batch from
 * sending it again; `sentAt` defaults to the clock once the send succeeded.
 */
async function sendAndRecord(
  kind: NoticeKind,
  tag: string,
  credit: Credit,
  remaining: number,
  email: RenderedEmail,
  deps: NotifyDeps,
  sentAt?: Date,
): Promise<'SENT'> {
  const { messageId } = await deps.mailer.send({ to: credit.email, ...email, tags: { kind: tag, creditId: credit.creditId } });
  await deps.store.putNotice(
    kind,
    {
      customerId: credit.customerId,
      creditId: credit.creditId,
      currency: credit.currency,
      remaining,
      expiresAt: credit.expiresAt,
      sentAt: (sentAt ?? deps.clock.now()).toISOString(),
      messageId,
    },
    credit.expiresAt,
  );
  return 'SENT';
}
