import type { CaptureRequest } from '../contracts';
import { CreditError } from '../domain/errors';
import { heldAmount, planCapture } from '../domain/hold';
import { capturedEntry, releasedEntry } from '../domain/payment-entries';
import { planRestore } from '../domain/restore';
import type { Clock } from '../shared/clock';
import { fingerprint } from '../shared/ids';
import { CONFLICT_RETRY, pauseAfterConflict, type RetryPolicy } from '../shared/retry';
import type { CaptureResponse, CaptureStore, ReleaseWrite } from './payment-ports';
import { replayOrRefuse, unlessKeyUsed } from './keyed';

export interface CaptureDeps {
  store: CaptureStore;
  clock: Clock;
  newId: (at: Date) => string;
  retry?: RetryPolicy;
}

/**
 * Capture part of a hold (one per shipment), idempotent by `captureKey`: the held money becomes spent, taken from the
 * soonest-expiring held credits first. Succeeds within the hold's lifetime even if a held credit expired meanwhile
 * (the authorization stands). `final` releases the rest in the same transaction (to live credits; the part of
 * expired ones lapses).
 */
export async function captureHold(req: CaptureRequest, deps: CaptureDeps): Promise<{ response: CaptureResponse; replayed: boolean }> {
  const final = req.final ?? false;
  const requestHash = fingerprint({ customerId: req.customerId, holdId: req.holdId, amount: req.amount, final });
  const reused = () =>
    new CreditError('IDEMPOTENCY_KEY_REUSED', 'captureKey was used before for a different capture request', { captureKey: req.captureKey });
  // A retry of a capture that closed the hold meets HOLD_NOT_ACTIVE here: it is answered from the key instead.
  return unlessKeyUsed(
    () => captureWithRetry(req, final, requestHash, reused, deps),
    () => deps.store.getKeyedRecord(req.customerId, 'CAPTURE', req.captureKey),
    requestHash,
    reused,
  );
}

/** Read the hold, plan, commit with the key record; after a conflict, again. */
async function captureWithRetry(
  req: CaptureRequest,
  final: boolean,
  requestHash: string,
  reused: () => CreditError,
  deps: CaptureDeps,
): Promise<{ response: CaptureResponse; replayed: boolean }> {
  const retry = deps.retry ?? CONFLICT_RETRY;
  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    const now = deps.clock.now();
    const hold = await deps.store.getHold(req.customerId, req.holdId);
    if (!hold) throw new CreditError('HOLD_NOT_FOUND', `no hold ${req.holdId} for this customer`, { holdId: req.holdId });
    const plan = planCapture(hold, req.amount, final, now);
    const at = now.toISOString();
    let release: ReleaseWrite | undefined;
    if (plan.released.length > 0) {
      const stored = new Map((await deps.store.listStoredCredits(req.customerId)).map((c) => [c.creditId, c]));
      const { restore, lapsed } = planRestore(plan.released, stored, now);
      const restored = restore.map(({ creditId, amount, expiresAt }) => ({ creditId, amount, expiresAt }));
      release = { entry: releasedEntry({ releaseId: deps.newId(now), hold, reason: 'FINAL_CAPTURE', restored, lapsed, at }), restore };
    }
    const capture = capturedEntry({ captureId: deps.newId(now), hold, taken: plan.taken, final, at });
    const response: CaptureResponse = {
      captureId: capture.entryId,
      holdId: hold.holdId,
      customerId: hold.customerId,
      orderId: hold.orderId,
      currency: hold.currency,
      captured: capture.amount,
      allocations: capture.allocations,
      stillHeld: heldAmount(plan.next),
      released: { restored: release?.entry.amount ?? 0, lapsed: release?.entry.lapsed ?? 0 },
      holdStatus: plan.next.status,
      capturedAt: at,
    };
    const result = await deps.store.commitCapture({
      before: hold,
      after: plan.next,
      capture,
      release,
      captureKey: req.captureKey,
      record: { requestHash, response },
      now,
    });
    if (result.kind === 'committed') return { response, replayed: false };
    if (result.kind === 'duplicate' && result.existing) return replayOrRefuse(result.existing, requestHash, reused);
    await pauseAfterConflict(attempt, retry, result.kind === 'duplicate' || result.stale);
  }
  throw new CreditError('CONCURRENT_MODIFICATION', 'too many concurrent changes to this hold; retry with the same captureKey');
}
