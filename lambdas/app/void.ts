import type { VoidRequest } from '../contracts';
import type { AnswerOf, VoidAnswer } from '../contracts/answers';
import { decideVoid } from '../domain/void';
import { CreditError } from '../domain/errors';
import type { Clock } from '../shared/clock';
import { CONFLICT_RETRY, pauseAfterConflict, type RetryPolicy } from '../shared/retry';
import type { VoidStore } from './ports';

export interface VoidDeps {
  store: VoidStore;
  clock: Clock;
  newId: (at: Date) => string;
  retry?: RetryPolicy;
}

/** The void function's answer (its contract: lambdas/contracts/answers.ts). */
export type VoidResponse = AnswerOf<typeof VoidAnswer>;

/**
 * Void a credit for operations: the unspent rest goes (VOIDED entry → CreditVoided), and so does its part of every
 * active hold (each hold shrinks, a RELEASED entry with reason VOIDED → HoldReleased), no reminder follows (its item
 * is deleted), all in one transaction; nothing is restored into it later. Idempotent per credit. A redemption,
 * capture or release racing the void makes the void re-read and remove what is left after it.
 */
export async function voidCredit(req: VoidRequest, deps: VoidDeps): Promise<VoidResponse> {
  const retry = deps.retry ?? CONFLICT_RETRY;
  // A credit's GRANTED entry has the credit's id, and says where the credit item is (its expiry is in the key).
  const grant = await deps.store.getLedgerEntry(req.customerId, req.creditId);
  if (grant?.kind !== 'GRANTED') {
    throw new CreditError('CREDIT_NOT_FOUND', `no credit ${req.creditId} for this customer`, { creditId: req.creditId });
  }
  for (let attempt = 0; attempt < retry.attempts; attempt++) {
    const now = deps.clock.now();
    const credit = await deps.store.getCredit(req.customerId, req.creditId, grant.expiresAt);
    if (!credit) {
      // Removed by TTL: it lapsed.
      throw new CreditError('CREDIT_EXPIRED', `credit ${req.creditId} has lapsed: nothing is left to void`, {
        creditId: req.creditId,
        expiresAt: grant.expiresAt,
      });
    }
    const holds = await deps.store.listHolds(req.customerId);
    const decision = decideVoid(credit, req, now, deps.newId(now), { holds, newId: () => deps.newId(now) });
    const answer = (replayed: boolean): VoidResponse => ({
      voidId: decision.record.voidId,
      customerId: credit.customerId,
      creditId: credit.creditId,
      currency: credit.currency,
      voided: decision.record.amount,
      fromHolds: [...(decision.record.fromHolds ?? [])],
      voidedAt: decision.record.voidedAt,
      replayed,
    });
    if (decision.kind === 'replay') return answer(true);
    const result = await deps.store.commitVoid({ credit, entry: decision.entry, record: decision.record, holds: decision.holds, now });
    if (result.kind === 'committed') return answer(false);
    // duplicate: the guard failed — voided meanwhile, or spent from meanwhile; conflict: a hold changed. Re-read at once.
    await pauseAfterConflict(attempt, retry, result.kind === 'duplicate' || result.stale);
  }
  throw new CreditError('CONCURRENT_MODIFICATION', `too many concurrent changes to credit ${req.creditId}; retry the void`);
}
