/**
 * A burst of spends settled as the payment flow settles it: every call runs at once; a refusal must be the retryable
 * CONCURRENT_MODIFICATION (the spend's time budget ran out before its turn came), and such a call is retried with the
 * same request — the same idempotency key — until it is answered. How many are answered within the budget depends on
 * how fast the database answers (a loaded machine's DynamoDB Local can take seconds a call); that every refusal is
 * retryable, that the retries settle and what the answers add up to does not.
 */
import { CreditError } from '../../lambdas/domain/errors';

/** Rounds of retries at most; each must answer at least one refused call (a stalled queue fails the test). */
const MAX_ROUNDS = 6;

export interface Settled<T> {
  /** Every call's answer, in the order of the calls. */
  readonly answers: T[];
  /** How many calls the burst itself refused (retryably): a measure of the machine's pace, not of correctness. */
  readonly refusedInBurst: number;
}

const retryable = (reason: unknown) => reason instanceof CreditError && reason.code === 'CONCURRENT_MODIFICATION';

export async function settleBurst<T>(calls: ReadonlyArray<() => Promise<T>>): Promise<Settled<T>> {
  const answers = new Array<T>(calls.length);
  let open = calls.map((_, i) => i);
  let refusedInBurst = 0;
  for (let round = 0; open.length > 0; round++) {
    const settled = await Promise.allSettled(open.map((i) => calls[i]!()));
    const refused: number[] = [];
    settled.forEach((s, n) => {
      const i = open[n]!;
      if (s.status === 'fulfilled') answers[i] = s.value;
      else if (retryable(s.reason)) refused.push(i);
      else throw s.reason; // anything but a retryable refusal is a failure
    });
    if (round === 0) refusedInBurst = refused.length;
    if (refused.length === open.length && round > 0) throw new Error(`no refused call was answered on retry round ${round}`);
    if (round >= MAX_ROUNDS && refused.length > 0) throw new Error(`${refused.length} calls still refused after ${MAX_ROUNDS} rounds`);
    open = refused;
  }
  return { answers, refusedInBurst };
}
