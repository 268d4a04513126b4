import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { recordCreditExpiry } from '../app/expire';
import type { Credit } from '../domain/credit';
import { streamHandler } from '../shared/stream';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';

/** Table stream, filtered (infra) to TTL removals of credit items: the unused amount lapses into the ledger. */
export const handler = streamHandler(async (_record, { oldImage }) => {
  if (!oldImage) throw new Error('TTL removal without OldImage: the stream must be NEW_AND_OLD_IMAGES');
  const credit = oldImage as unknown as Credit;
  const outcome = await recordCreditExpiry(credit, { store: creditStore() });
  if (outcome === 'RECORDED') metrics.addMetric('CreditExpired', MetricUnit.Count, 1);
  logger.info('credit expired', { creditId: credit.creditId, customerId: credit.customerId, lapsed: credit.remaining, outcome });
});
