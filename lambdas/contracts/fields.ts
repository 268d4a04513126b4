import * as z from 'zod/mini';
import { REASON_CODES } from '../domain/reason-code';
import { isBlankText, normalizeText } from '../domain/text';

/**
 * The field shapes the contracts share: what a caller may send (ids, free text, days) and what the service answers
 * and publishes (amounts in minor units, ISO 4217 codes, timestamps, allocations).
 */

/** A caller's id: letters, digits and . _ : - (trimmed). */
export const id = z
  .string()
  .check(z.trim(), z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only'));

/** Free text: normalised (NFC, no control/format characters, see domain/text.ts); refused when nothing visible is left. */
export const text = (max: number) =>
  z.string().check(
    z.overwrite(normalizeText),
    z.minLength(1),
    z.maxLength(max),
    z.refine((s) => !isBlankText(s), 'Too small: nothing visible left after removing invisible characters'),
  );

/** An ISO 4217 code as a caller sends it (the domain checks it is a real one: UNSUPPORTED_CURRENCY). */
export const currencyCode = z.string().check(z.length(3));

// --- What the service answers and publishes ----------------------------------------------------------------------

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
