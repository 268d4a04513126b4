import type { Credit } from '../domain/credit';
import type { LedgerEntry } from '../domain/ledger';
import { deterministicId } from '../shared/ids';
import type { CreditStore } from './ports';

export type ExpiryOutcome = 'RECORDED' | 'ALREADY_RECORDED' | 'NOTHING_LEFT';

/**
 * A credit's item was removed by TTL: the unused amount lapses. The ledger entry's id is derived from the credit,
 * so a redelivered stream record cannot write it twice. Its time is the credit's expiry, not the (later) deletion.
 */
export async function recordCreditExpiry(credit: Credit, deps: { store: CreditStore }): Promise<ExpiryOutcome> {
  if (credit.remaining <= 0) return 'NOTHING_LEFT';
  const entry: LedgerEntry = {
    entryId: deterministicId(new Date(credit.expiresAt), `EXPIRED#${credit.creditId}`),
    customerId: credit.customerId,
    kind: 'EXPIRED',
    currency: credit.currency,
    amount: credit.remaining,
    at: credit.expiresAt,
    creditId: credit.creditId,
    expiresAt: credit.expiresAt,
  };
  return (await deps.store.recordExpiry(entry)) ? 'RECORDED' : 'ALREADY_RECORDED';
}
