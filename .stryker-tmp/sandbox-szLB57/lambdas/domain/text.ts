/**
 * Normalisation of free-text fields (a grant's reason, a reversal's reason): one canonical form, nothing invisible.
 * NFC; line breaks unified to "\n"; tabs and Unicode spaces become a plain space; control characters (Cc), format
 * characters (Cf: zero-width space and joiners, bidi embeddings, overrides and isolates, BOM, soft hyphen) and letters
 * that render as nothing (Hangul fillers, braille blank) are removed; then trimmed.
 */
// @ts-nocheck

const LINE_BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;
const SPACES = /[\t\p{Zs}]/gu;
const INVISIBLE = /[\p{Cc}\p{Cf}\u115F\u1160\u3164\uFFA0\u2800]/gu;
/** What is left of a text that shows nothing: spaces, line breaks, combining marks with nothing to sit on. */
const NOTHING_VISIBLE = /^[\s\p{M}]*$/u;

export function normalizeText(value: string): string {
  return value
    .normalize('NFC')
    .replace(LINE_BREAKS, '\n')
    .replace(SPACES, ' ')
    .replace(INVISIBLE, (ch) => (ch === '\n' ? ch : ''))
    .trim();
}

/** True when nothing visible is left after normalisation. */
export function isBlankText(value: string): boolean {
  return NOTHING_VISIBLE.test(normalizeText(value));
}
