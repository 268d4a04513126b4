import type { RefundRequest } from '../contracts';
import { CreditError } from '../domain/errors';
import { refundedEntry, type RefundableEntry } from '../domain/payment-entries';
import { assertCurrency } from '../domain/money';
import { NOTHING_REFUNDED, planRefund, planRestore } from '../domain/restore';
import type { Clock } from '../shared/clock';
import { fingerprint } from '../shared/ids';
import { CONFLICT_RETRY, pauseAfterConflict, type RetryPolicy } from '../shared/retry';
import { replayOrRefuse, unlessKeyUsed } from './keyed';
import type { RefundResponse, RefundStore } from './payment-ports';

export interface RefundDeps {
  store: RefundStore;
  clock: Clock;
  newId: (at: Date) => string;
  retry?: RetryPolicy;
}

/**
 * Give back part of a redemption or capture, idempotent by `refundKey`; any number of refunds up to what was taken.
 * The money goes back to the credits it came from, longest remaining validity first; the part whose credit has
 * expired lapses. The refunded entry's progress, the REFUNDED entry, the restorations and the key record are one
 * transaction. A redemption reversed before cannot be refunded (and a reversal gives back only what refunds left).
 */
export async function refundTaken(req: RefundRequest, deps: RefundDeps): Promise<{ response: RefundResponse; replayed: boolean }> {
  if (req.currency !== undefined) assertCurrency(req.currency);
  const requestHash = fingerprint({
    customerId: req.customerId,
    redemptionId: req.redemptionId,
    captureId: req.captureId,
    amount: req.amount,
    currency: req.currency,
  });
  const reused = () =>
    new CreditError('IDEMPOTENCY_KEY_REUSED', 'refundKey was used before for a different refund request', { refundKey: req.refundKey });
  // A retry of the refund that used up the rest meets REFUND_EXCEEDS_CAPTURED here: it is answered from the key instead.
  return unlessKeyUsed(
    () => refundWithRetry(req, requestHash, reused, deps),
    () => deps.store.getKeyedRecord(req.customerId, 'REFUND', req.refundKey),
    requestHash,
    reused,
  );
}

/** Read the refunded entry, plan, commit with the key record; after a conflict, again. */
async function refundWithRetry(
  req: RefundRequest,
  requestHash: string,
  reused: () => CreditError,
  deps: RefundDeps,
): Promise<{ response: RefundResponse; replayed: boolean }> {
  const retry = deps.retry ?? CONFLICT_RETRY;
  const targetId = (req.redemptionId ?? req.captureId)!;
  const wanted = req.redemptionId !== undefined ? 'REDEEMED' : 'CAPTURED';
  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    const now = deps.clock.now();
    const found = await deps.store.getLedgerEntry(req.customerId, targetId);
    if (!found || found.kind !== wanted) {
      throw new CreditError(
        'REFUND_TARGET_NOT_FOUND',
        `no ${wanted === 'REDEEMED' ? 'redemption' : 'capture'} ${targetId} for this customer`,
        { refundOf: targetId },
      );
    }
    const target = found as RefundableEntry;
    if (req.currency !== undefined && req.currency !== target.currency) {
      throw new CreditError('CURRENCY_MISMATCH', `${targetId} is in ${target.currency}, not ${req.currency}`, {
        expected: target.currency,
        got: req.currency,
      });
    }
    if (target.kind === 'REDEEMED' && target.status === 'REVERSED') {
      throw new CreditError('REDEMPTION_ALREADY_REVERSED', `redemption ${targetId} was reversed before`, { redemptionId: targetId });
    }
    const { back, after } = planRefund(target.allocations, target.refunds ?? NOTHING_REFUNDED, req.amount, target.currency, targetId);
    const stored = new Map((await deps.store.listStoredCredits(req.customerId)).map((c) => [c.creditId, c]));
    const { restore, lapsed } = planRestore(back, stored, now);
    const at = now.toISOString();
    const refund = refundedEntry({
      refundId: deps.newId(now),
      of: target,
      restored: restore.map(({ creditId, amount, expiresAt }) => ({ creditId, amount, expiresAt })),
      lapsed,
      at,
      reason: req.reason,
    });
    const response: RefundResponse = {
      refundId: refund.entryId,
      refundOf: refund.refundOf,
      ...(refund.refundOf === 'REDEMPTION' ? { redemptionId: refund.redemptionId } : { captureId: refund.captureId }),
      customerId: req.customerId,
      orderId: target.orderId,
      currency: target.currency,
      requested: req.amount,
      restored: refund.amount,
      lapsed,
      allocations: refund.allocations,
      refundable: target.amount - after.refunded,
      refundedAt: at,
    };
    const result = await deps.store.commitRefund({
      target,
      progress: after,
      refund,
      restore,
      refundKey: req.refundKey,
      record: { requestHash, response },
      now,
    });
    if (result.kind === 'committed') return { response, replayed: false };
    if (result.kind === 'duplicate' && result.existing) return replayOrRefuse(result.existing, requestHash, reused);
    // Refunded, reversed or a credit changed since read: re-read at once.
    await pauseAfterConflict(attempt, retry, result.kind === 'duplicate' || result.stale);
  }
  throw new CreditError('CONCURRENT_MODIFICATION', 'too many concurrent changes to this refund; retry with the same refundKey');
}
