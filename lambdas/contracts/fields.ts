import * as z from 'zod/mini';
import { actorId } from '../domain/actor';
import { isBlankText, normalizeText } from '../domain/text';

/**
 * The field shapes the requests share: what a caller may send (ids, free text, currency codes). What the service
 * answers and publishes is in published.ts (kept apart: every function bundles the requests, none the answers).
 */

const idChecks = [z.trim(), z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only')] as const;

/** A caller's id: letters, digits and . _ : - (trimmed). */
export const id = z.string().check(...idChecks);

/** Who issues or approves: an id in its one comparable form (domain/actor.ts). */
export const actor = z.string().check(...idChecks, z.overwrite(actorId));

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
