import type { ReverseRequest } from '../contracts';
import type { AnswerOf, ReverseAnswer } from '../contracts/answers';
import { NOTHING_REFUNDED, planRestore, unrefunded } from '../domain/restore';
import { CreditError } from '../domain/errors';
import { reversedEntry } from '../domain/credit-entries';
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

/** The reverse function's answer (its contract: lambdas/contracts/answers.ts). */
export type ReverseResponse = AnswerOf<typeof ReverseAnswer>;

/**
 * Undo a redemption (order cancelled), exactly once: the redemption's ledger entry flips APPLIED -> REVERSED in the
 * same transaction that credits the money back, so a second reversal is refused with REDEMPTION_ALREADY_REVERSED.
 * Only the customer's own redemption is found: lookups are inside the customer's partition.
 */
export async function reverseRedemption(req: ReverseRequest, deps: ReverseDeps): Promise<ReverseResponse> {
  if (req.currency !== undefined) assertCurrency(req.currency);
  const retry = deps.retry ?? CONFLICT_RETRY;
  const alreadyReversed = () =>
    new CreditError('REDEMPTION_ALREADY_REVERSED', `redemption ${req.redemptionId} was reversed before`, {
      redemptionId: req.redemptionId,
    });

  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    // Read each attempt: a partial refund since the last read changes what is left to reverse.
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
    if (redemption.status === 'REVERSED') throw alreadyReversed();
    const now = deps.clock.now();
    const stored = new Map((await deps.store.listStoredCredits(req.customerId)).map((c) => [c.creditId, c]));
    // What partial refunds gave back already is not given back twice: the reversal is the refund of the rest.
    const rest = unrefunded(redemption.allocations, redemption.refunds ?? NOTHING_REFUNDED);
    const { restore, lapsed } = planRestore(rest, stored, now);
    const restored = rest.reduce((sum, a) => sum + a.amount, 0) - lapsed;
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
    // The status guard failed: reversed meanwhile (the next read says so) or refunded in part (re-plan at once).
    await pauseAfterConflict(attempt, retry, result.kind === 'duplicate' || result.stale);
  }
  throw new CreditError('CONCURRENT_MODIFICATION', "too many concurrent changes to this customer's credits; retry the reversal");
}
