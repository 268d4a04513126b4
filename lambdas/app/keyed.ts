import { CreditError } from '../domain/errors';
import type { KeyedRecord } from './payment-ports';

/**
 * How an operation idempotent by a caller's key answers a key met again: the same request gets the first answer
 * again, a different one is refused; and a refusal is given only once the key is known to be unused.
 */

/** A caller's key met again: the same request gets the first answer again, a different one is refused. */
export function replayOrRefuse<R>(record: KeyedRecord<R>, requestHash: string, reused: () => CreditError): { response: R; replayed: true } {
  if (record.requestHash !== requestHash) throw reused();
  return { response: record.response, replayed: true };
}

/**
 * Run a keyed operation; when it refuses (HOLD_NOT_ACTIVE, REFUND_EXCEEDS_CAPTURED, …), look the key up first and
 * answer from it if it was used. The key is read AFTER the read that refused, and the key record is written in the
 * same transaction as the change it answers: so when that change is what made this call refuse (a retry racing its
 * own first call), the record is seen and the call gets the first answer, however the two interleave.
 */
export async function unlessKeyUsed<R>(
  operation: () => Promise<{ response: R; replayed: boolean }>,
  earlier: () => Promise<KeyedRecord<unknown> | undefined>,
  requestHash: string,
  reused: () => CreditError,
): Promise<{ response: R; replayed: boolean }> {
  try {
    return await operation();
  } catch (error) {
    if (!(error instanceof CreditError)) throw error;
    const record = await earlier();
    if (!record) throw error;
    return replayOrRefuse(record as KeyedRecord<R>, requestHash, reused);
  }
}
