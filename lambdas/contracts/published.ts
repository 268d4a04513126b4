import * as z from 'zod/mini';
import { REASON_CODES } from '../domain/reason-code';

/**
 * The field shapes the answers and the events out share: ids the service made, amounts in minor units, ISO 4217
 * codes, timestamps, allocations.
 */
/** An id the service made or echoes (ULIDs, event ids). */
export const ref = z.string().check(z.minLength(1));
/** An amount in minor units of its currency, never negative. */
export const minor = z.number().check(z.int(), z.nonnegative());
/** A count (items, grants). */
export const count = z.number().check(z.int(), z.nonnegative());
/** An ISO 4217 code the service answers with. */
export const currency = z.string().check(z.regex(/^[A-Z]{3}$/));
/** An instant, UTC, ISO 8601 with milliseconds. */
export const instant = z.iso.datetime();
/** A UTC calendar day, YYYY-MM-DD. */
export const dayText = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD'));

/** What a movement took from, or put back onto, one credit. */
export const Allocation = z.strictObject({ creditId: ref, amount: minor, expiresAt: instant });

/** The closed reason code of a grant (published instead of the free text). */
export const reasonCode = z.enum(REASON_CODES);
