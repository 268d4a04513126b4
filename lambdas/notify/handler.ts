import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { sendCreditIssued, sendExpiryReminder } from '../app/notify';
import { clock } from '../shared/clock';
import { emailTimeZone } from '../shared/config';
import { ignoreChange, sqsStreamHandler } from '../shared/sqs-stream';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';
import { mailer } from '../adapters/ses';
import { decodeStreamRecord } from '../adapters/dynamodb/stream-record';

/**
 * NotifyQueue (table stream, via the router): a new credit item (→ "credit issued" email) and a reminder item removed by TTL (→ "about to lapse"
 * email). An SES failure fails the message, which SQS delivers again (then to NotifyDlq).
 */
export const handler = sqsStreamHandler(decodeStreamRecord, async (change) => {
  const deps = { store: creditStore(), mailer: mailer(), clock, timeZone: emailTimeZone() };
  if (change.change === 'inserted' && change.item.kind === 'credit') {
    const { credit } = change.item;
    const outcome = await sendCreditIssued(credit, deps);
    if (outcome === 'SENT') metrics.addMetric('CreditIssuedEmailSent', MetricUnit.Count, 1);
    logger.info('credit issued email', { creditId: credit.creditId, customerId: credit.customerId, outcome });
    return;
  }
  if (change.change === 'removed' && change.by === 'ttl' && change.item.kind === 'reminder') {
    const { reminder } = change.item;
    const outcome = await sendExpiryReminder(reminder, deps);
    metrics.addMetric(outcome === 'SENT' ? 'ExpiryReminderSent' : 'ExpiryReminderSkipped', MetricUnit.Count, 1);
    logger.info('expiry reminder', { creditId: reminder.creditId, customerId: reminder.customerId, outcome });
    return;
  }
  ignoreChange(change);
});
