import type { ReverseRequest } from '../contracts';
import type { Allocation } from '../domain/allocation';
import { CreditError } from '../domain/errors';
import { reversedEntry } from '../domain/ledger';
import { assertCurrency } from '../domain/money';
import type { Clock } from '../shared/clock';
import { CONFLICT_RETRY, pauseAfterConflict, type RetryPolicy } from '../shared/retry';
import type { ReverseStore } from './ports';

export interface ReverseDeps {
  store: ReverseStore;
  clock: Clock;
  newId: (at: Date) => string;
  retry?: RetryPolicy;
}

export interface ReverseResponse {
  reversalId: string;
  redemptionId: string;
  customerId: string;
  orderId?: string;
  currency: string;
  /** Put back on the credits it came from. */
  restored: number;
  /** Could not be put back: the credit it came from has expired or was voided meanwhile (never revived). */
  lapsed: number;
  allocations: Allocation[];
  reversedAt: string;
}

/**
 * Undo a redemption (order cancelled), exactly once: the redemption's ledger entry flips APPLIED -> REVERSED in the
 * same transaction that credits the money back, so a second reversal is refused with REDEMPTION_ALREADY_REVERSED.
 * Only the customer's own redemption is found: lookups are inside the customer's partition.
 */
export async function reverseRedemption(req: ReverseRequest, deps: ReverseDeps): Promise<ReverseResponse> {
  if (req.currency !== undefined) assertCurrency(req.currency);
  const retry = deps.retry ?? CONFLICT_RETRY;
  const redemption = await deps.store.getLedgerEntry(req.customerId, req.redemptionId);
  if (!redemption || redemption.kind !== 'REDEEMED') {
    throw new CreditError('REDEMPTION_NOT_FOUND', `no redemption ${req.redemptionId} for this customer`, {
      redemptionId: req.redemptionId,
    });
  }
  if (req.currency !== undefined && req.currency !== redemption.currency) {
    throw new CreditError('CURRENCY_MISMATCH', `redemption ${req.redemptionId} is in ${redemption.currency}, not ${req.currency}`, {
      expected: redemption.currency,
      got: req.currency,
    });
  }
  const alreadyReversed = () =>
    new CreditError('REDEMPTION_ALREADY_REVERSED', `redemption ${req.redemptionId} was reversed before`, {
      redemptionId: req.redemptionId,
    });
  if (redemption.status === 'REVERSED') throw alreadyReversed();

  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    const now = deps.clock.now();
    const stored = new Map((await deps.store.listStoredCredits(req.customerId)).map((c) => [c.creditId, c]));
    const restore: Array<Allocation & { maxRemainingBefore: number }> = [];
    let lapsed = 0;
    for (const a of redemption.allocations) {
      const credit = stored.get(a.creditId);
      // Never into a lapsed or voided credit: that part is reported as lapsed.
      if (credit && !credit.voided && Date.parse(credit.expiresAt) > now.getTime())
        restore.push({ ...a, maxRemainingBefore: credit.amount - a.amount });
      else lapsed += a.amount;
    }
    const restored = redemption.amount - lapsed;
    const reversal = reversedEntry({
      reversalId: deps.newId(now),
      redemption,
      restored,
      lapsed,
      allocations: restore.map(({ creditId, amount, expiresAt }) => ({ creditId, amount, expiresAt })),
      at: now.toISOString(),
      reason: req.reason,
    });
    const result = await deps.store.commitReversal({ redemption, reversal, restore, now });
    if (result.kind === 'committed') {
      return {
        reversalId: reversal.entryId,
        redemptionId: redemption.entryId,
        customerId: req.customerId,
        orderId: redemption.orderId,
        currency: redemption.currency,
        restored,
        lapsed,
        allocations: [...reversal.allocations],
        reversedAt: reversal.at,
      };
    }
    if (result.kind === 'duplicate') throw alreadyReversed();
    await pauseAfterConflict(attempt, retry, result.stale);
  }
  throw new CreditError('CONCURRENT_MODIFICATION', "too many concurrent changes to this customer's credits; retry the reversal");
}
