import type { CreditError } from '../domain/errors';
import type { KeyedRecord } from './payment-ports';

/** A caller's key met again: the same request gets the first answer again, a different one is refused. */
export function replayOrRefuse<R>(record: KeyedRecord<R>, requestHash: string, reused: () => CreditError): { response: R; replayed: true } {
  if (record.requestHash !== requestHash) throw reused();
  return { response: record.response, replayed: true };
}
