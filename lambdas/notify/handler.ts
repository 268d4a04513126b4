import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { sendCreditIssued, sendExpiryReminder, type DueReminder } from '../app/notify';
import type { Credit } from '../domain/credit';
import { clock } from '../shared/clock';
import { emailTimeZone } from '../shared/config';
import { streamHandler } from '../shared/stream';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';
import { mailer } from '../adapters/ses';

/**
 * Table stream, filtered (infra) to: new credit items (→ "credit issued" email) and TTL removals of reminder items
 * (→ "about to lapse" email). An SES failure fails the record, which is retried from the stream.
 */
export const handler = streamHandler(async (record, { newImage, oldImage }) => {
  const deps = { store: creditStore(), mailer: mailer(), clock, timeZone: emailTimeZone() };
  if (record.eventName === 'INSERT' && newImage?.type === 'CREDIT') {
    const credit = newImage as unknown as Credit;
    const outcome = await sendCreditIssued(credit, deps);
    if (outcome === 'SENT') metrics.addMetric('CreditIssuedEmailSent', MetricUnit.Count, 1);
    logger.info('credit issued email', { creditId: credit.creditId, customerId: credit.customerId, outcome });
    return;
  }
  if (record.eventName === 'REMOVE' && oldImage?.type === 'REMINDER') {
    const reminder = oldImage as unknown as DueReminder;
    const outcome = await sendExpiryReminder(reminder, deps);
    metrics.addMetric(outcome === 'SENT' ? 'ExpiryReminderSent' : 'ExpiryReminderSkipped', MetricUnit.Count, 1);
    logger.info('expiry reminder', { creditId: reminder.creditId, customerId: reminder.customerId, outcome });
    return;
  }
  logger.warn('record ignored: not selected by this function\'s filters', { eventName: record.eventName });
});
