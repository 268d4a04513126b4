/**
 * EventBridge event-pattern matcher (the same language Lambda event filtering uses).
 *
 * Semantics (EventBridge user guide, "Event patterns" and "Content filtering"):
 * - A pattern is a JSON object. Every key must match (AND). A key's value is either a nested object (descend)
 *   or an array of alternatives (OR) - leaf values are never bare scalars.
 * - Alternatives: a scalar (string, number, boolean, null) matches the identical JSON value (numbers by numeric
 *   value; "5" never matches 5; null never matches ""), or a one-key operator object:
 *   `prefix`, `suffix` (string, or `{ "equals-ignore-case": string }`), `equals-ignore-case`, `wildcard`,
 *   `anything-but` (scalar, list of strings or of numbers, `{prefix}`, `{suffix}`, `{equals-ignore-case}`, `{wildcard}`),
 *   `numeric` (`["=", n]` or a lower and/or upper bound), `exists` (true/false), `cidr` (IPv4).
 * - `$or: [pattern, pattern, ...]` at any object level.
 * - If the event value is an array, the field matches when any element matches (the intersection is non-empty).
 *   A nested pattern matched against an array of objects matches if one element matches the whole sub-pattern.
 * - Exists works on leaf nodes only: a field whose value is an object (or an empty array, or is absent) does not
 *   "exist" for `{"exists": true}` and does match `{"exists": false}`. Every other operator needs a present leaf.
 * - String operators (prefix, suffix, equals-ignore-case, wildcard, cidr) only match strings; `numeric` only numbers.
 * - Local interpretation where the docs are silent: `anything-but` matches any present leaf value (including
 *   booleans and null) that is not excluded; the string forms of `anything-but` treat non-strings as "not excluded".
 *
 * Operators: pattern-operators.ts; shared types and the error: pattern-syntax.ts.
 *
 * Invalid patterns throw {@link InvalidEventPatternError} at compile time, as PutRule / CreateEventSourceMapping would.
 */
import { compileAlternative } from './pattern-operators';
import { InvalidEventPatternError, type LeafValues, fail, isPlainObject, isScalar, type Leaf } from './pattern-syntax';

export { InvalidEventPatternError } from './pattern-syntax';

export type EventMatcher = (event: unknown) => boolean;

const cache = new WeakMap<object, EventMatcher>();
const textCache = new Map<string, EventMatcher>();

/** Compile (and validate) a pattern. Accepts the object or its JSON string. */
export function compilePattern(pattern: unknown): EventMatcher {
  if (typeof pattern === 'string') {
    const hit = textCache.get(pattern);
    if (hit) return hit;
    const compiled = compilePattern(parseJsonPattern(pattern));
    if (textCache.size < 1000) textCache.set(pattern, compiled);
    return compiled;
  }
  if (!isPlainObject(pattern)) throw new InvalidEventPatternError('event pattern must be a JSON object');
  const cached = cache.get(pattern);
  if (cached) return cached;
  const objectMatcher = compileObject(pattern, '');
  const matcher: EventMatcher = (event) => objectMatcher(isPlainObject(event) ? event : {});
  cache.set(pattern, matcher);
  return matcher;
}

/** Does `event` match `pattern`? (Compiled patterns are cached per pattern object.) */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern)(event);
}

/** Throws InvalidEventPatternError if the pattern is not valid. */
export function validatePattern(pattern: unknown): void {
  compilePattern(pattern);
}

function parseJsonPattern(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InvalidEventPatternError(`event pattern is not valid JSON: ${(e as Error).message}`);
  }
}

function compileObject(pattern: Record<string, unknown>, path: string): (obj: Record<string, unknown>) => boolean {
  const checks: Array<(obj: Record<string, unknown>) => boolean> = [];
  const keys = Object.keys(pattern);
  if (keys.length === 0 && path !== '') fail(path, 'empty object is not a valid pattern');
  for (const key of keys) {
    const value = pattern[key];
    const here = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isPlainObject)) {
        fail(here, '$or needs an array of at least two pattern objects');
      }
      const branches = value.map((v, i) => compileObject(v as Record<string, unknown>, `${here}[${i}]`));
      checks.push((obj) => branches.some((b) => b(obj)));
    } else if (Array.isArray(value)) {
      const leaf = compileLeaf(value, here);
      checks.push((obj) => leaf(leafValues(obj[key])));
    } else if (isPlainObject(value)) {
      const nested = compileObject(value, here);
      checks.push((obj) => matchNested(nested, obj[key]));
    } else {
      fail(here, 'pattern values must be arrays or objects');
    }
  }
  return (obj) => checks.every((c) => c(obj));
}

function matchNested(nested: (obj: Record<string, unknown>) => boolean, value: unknown): boolean {
  if (Array.isArray(value)) {
    const objects = value.filter(isPlainObject);
    // Nested arrays are flattened; an array without objects leaves every nested field absent.
    const deeper = value.filter(Array.isArray);
    if (objects.length === 0 && deeper.length === 0) return nested({});
    return objects.some((o) => nested(o)) || deeper.some((d) => matchNested(nested, d));
  }
  return nested(isPlainObject(value) ? value : {});
}

function leafValues(value: unknown): LeafValues {
  if (value === undefined) return undefined;
  if (isScalar(value)) return [value];
  if (Array.isArray(value)) {
    const out: Leaf[] = [];
    const walk = (arr: unknown[]) => {
      for (const v of arr) {
        if (isScalar(v)) out.push(v);
        else if (Array.isArray(v)) walk(v);
      }
    };
    walk(value);
    return out.length > 0 ? out : undefined;
  }
  return undefined; // objects are not leaves
}

function compileLeaf(alternatives: unknown[], path: string): (values: LeafValues) => boolean {
  if (alternatives.length === 0) fail(path, 'empty array matches nothing and is not allowed');
  const compiled = alternatives.map((alt, i) => compileAlternative(alt, `${path}[${i}]`));
  return (values) => {
    if (values === undefined) return compiled.some((c) => c.matchesAbsent);
    return compiled.some((c) => values.some((v) => c.matches(v)));
  };
}
