import type { StoredCredit } from '../domain/credit';
import { expiredEntry } from '../domain/credit-entries';
import { deterministicId } from '../shared/ids';
import type { ExpiryStore } from './ports';

export type ExpiryOutcome = 'RECORDED' | 'ALREADY_RECORDED' | 'NOTHING_LEFT';

/**
 * A credit's item was removed by TTL: the unused amount lapses. The ledger entry's id is derived from the credit,
 * so a redelivered stream record cannot write it twice. Its time is the credit's expiry, not the (later) deletion.
 * An erased credit lapses like any other (amounts and dates are kept); a voided one has nothing left.
 */
export async function recordCreditExpiry(credit: StoredCredit, deps: { store: ExpiryStore }): Promise<ExpiryOutcome> {
  if (credit.remaining <= 0) return 'NOTHING_LEFT';
  const entry = expiredEntry(credit, deterministicId(new Date(credit.expiresAt), `EXPIRED#${credit.creditId}`));
  return (await deps.store.recordExpiry(entry)) ? 'RECORDED' : 'ALREADY_RECORDED';
}
