/**
 * The service's typed errors as a test sees them: the CreditError a call threw, or its code, message and details
 * when a promise rejected with one. Anything else thrown fails the test as it is; nothing thrown fails it with
 * `whenNothing`.
 */
import { CreditError } from '../../lambdas/domain/errors';

/** The CreditError `fn` throws. */
export function thrownCreditError(fn: () => unknown, whenNothing = 'expected a CreditError, nothing was thrown'): CreditError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CreditError) return e;
    throw e;
  }
  throw new Error(whenNothing);
}

/** The CreditError `p` rejects with. */
export async function rejectedCreditError(p: Promise<unknown>): Promise<CreditError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CreditError) return e;
    throw e;
  }
  throw new Error('expected a CreditError');
}

/** Code, message and details of the CreditError `p` rejects with. */
export async function creditErrorOf(p: Promise<unknown>): Promise<Pick<CreditError, 'code' | 'message' | 'details'>> {
  const { code, message, details } = await rejectedCreditError(p);
  return { code, message, details };
}

/** Code and details of the CreditError `p` rejects with (for answers compared whole, messages aside). */
export async function codeAndDetailsOf(p: Promise<unknown>): Promise<Pick<CreditError, 'code' | 'details'>> {
  const { code, details } = await rejectedCreditError(p);
  return { code, details };
}
