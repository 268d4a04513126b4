import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { CaptureRequest } from '../contracts';
import { captureHold } from '../app/capture';
import { clock } from '../shared/clock';
import { newId } from '../shared/ids';
import { syncHandler } from '../shared/sync';
import { logger, metrics } from '../shared/observability';
import { creditStore } from '../adapters/dynamodb';

/** Invoked synchronously by the payment flow: { customerId, holdId, amount, captureKey, final? }. */
export const handler = syncHandler('Capture', CaptureRequest, async (request) => {
  const { response, replayed } = await captureHold(request, { store: creditStore(), clock, newId });
  metrics.addMetric(replayed ? 'CaptureReplayed' : 'HoldCaptured', MetricUnit.Count, 1);
  logger.info(replayed ? 'capture replayed from idempotency record' : 'hold captured', {
    captureId: response.captureId,
    holdId: response.holdId,
    captured: response.captured,
    stillHeld: response.stillHeld,
    holdStatus: response.holdStatus,
  });
  return response;
});
