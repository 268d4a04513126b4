/**
 * The vocabulary shared by the event-pattern compiler (pattern.ts) and its operators (pattern-operators.ts):
 * leaf values, compiled alternatives, shape tests, and the InvalidEventPatternError every invalid pattern throws.
 */

export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';
}

export type Leaf = string | number | boolean | null;
/** A leaf field's values: undefined when the field is absent (or not a leaf). */
export type LeafValues = Leaf[] | undefined;
export type Alternative = { matchesAbsent: boolean; matches: (v: Leaf) => boolean };

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isScalar = (v: unknown): v is Leaf => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export function fail(path: string, message: string): never {
  throw new InvalidEventPatternError(`${path || '(root)'}: ${message}`);
}
