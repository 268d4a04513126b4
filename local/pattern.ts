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
 * Invalid patterns throw {@link InvalidEventPatternError} at compile time, as PutRule / CreateEventSourceMapping would.
 */

export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';
}

export type EventMatcher = (event: unknown) => boolean;

type Leaf = string | number | boolean | null;
/** A leaf field's values: undefined when the field is absent (or not a leaf). */
type LeafValues = Leaf[] | undefined;
type Alternative = { matchesAbsent: boolean; matches: (v: Leaf) => boolean };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is Leaf => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

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

function fail(path: string, message: string): never {
  throw new InvalidEventPatternError(`${path || '(root)'}: ${message}`);
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

const never = () => false;

function compileAlternative(alt: unknown, path: string): Alternative {
  if (isScalar(alt)) return { matchesAbsent: false, matches: (v) => equalLeaf(alt, v) };
  if (!isPlainObject(alt)) fail(path, 'alternatives must be scalars or operator objects');
  const keys = Object.keys(alt);
  if (keys.length !== 1) fail(path, 'an operator object must have exactly one key');
  const op = keys[0]!;
  const arg = alt[op];
  switch (op) {
    case 'exists':
      if (typeof arg !== 'boolean') fail(path, 'exists takes true or false');
      return arg ? { matchesAbsent: false, matches: () => true } : { matchesAbsent: true, matches: never };
    case 'prefix':
    case 'suffix': {
      const test = compileAffix(op, arg, path);
      return { matchesAbsent: false, matches: (v) => typeof v === 'string' && test(v) };
    }
    case 'equals-ignore-case': {
      if (typeof arg !== 'string') fail(path, 'equals-ignore-case takes a string');
      const want = fold(arg);
      return { matchesAbsent: false, matches: (v) => typeof v === 'string' && fold(v) === want };
    }
    case 'wildcard': {
      const re = compileWildcard(arg, path);
      return { matchesAbsent: false, matches: (v) => typeof v === 'string' && re.test(v) };
    }
    case 'numeric': {
      const test = compileNumeric(arg, path);
      return { matchesAbsent: false, matches: (v) => typeof v === 'number' && test(v) };
    }
    case 'anything-but': {
      const excluded = compileAnythingBut(arg, path);
      return { matchesAbsent: false, matches: (v) => !excluded(v) };
    }
    case 'cidr': {
      const test = compileCidr(arg, path);
      return { matchesAbsent: false, matches: (v) => typeof v === 'string' && test(v) };
    }
    default:
      return fail(path, `unsupported operator "${op}"`);
  }
}

function equalLeaf(want: Leaf, got: Leaf): boolean {
  if (typeof want === 'number') return typeof got === 'number' && want === got;
  return want === got;
}

const fold = (s: string) => s.toLowerCase();

function compileAffix(op: 'prefix' | 'suffix', arg: unknown, path: string): (s: string) => boolean {
  let text: string;
  let ignoreCase = false;
  if (typeof arg === 'string') text = arg;
  else if (isPlainObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
    text = arg['equals-ignore-case'];
    ignoreCase = true;
  } else return fail(path, `${op} takes a string or { "equals-ignore-case": string }`);
  if (ignoreCase) {
    const t = fold(text);
    return op === 'prefix' ? (s) => fold(s).startsWith(t) : (s) => fold(s).endsWith(t);
  }
  return op === 'prefix' ? (s) => s.startsWith(text) : (s) => s.endsWith(text);
}

function compileWildcard(arg: unknown, path: string): RegExp {
  if (typeof arg !== 'string') fail(path, 'wildcard takes a string');
  let re = '';
  let previousStar = false;
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i]!;
    if (c === '\\') {
      const next = arg[i + 1];
      if (next !== '*' && next !== '\\') fail(path, 'wildcard: backslash may only escape * or \\');
      re += escapeRegExp(next);
      i++;
      previousStar = false;
    } else if (c === '*') {
      if (previousStar) fail(path, 'wildcard: consecutive * characters are not allowed');
      re += '[\\s\\S]*';
      previousStar = true;
    } else {
      re += escapeRegExp(c);
      previousStar = false;
    }
  }
  return new RegExp(`^${re}$`);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function compileNumeric(arg: unknown, path: string): (n: number) => boolean {
  if (!Array.isArray(arg) || arg.length === 0) fail(path, 'numeric takes a non-empty array');
  const ops: Array<(n: number) => boolean> = [];
  let sawLower = false;
  let sawUpper = false;
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const bound = arg[i + 1];
    if (typeof bound !== 'number' || !Number.isFinite(bound)) fail(path, `numeric: "${String(op)}" needs a number`);
    switch (op) {
      case '=':
        if (arg.length !== 2) fail(path, 'numeric: "=" cannot be combined');
        ops.push((n) => n === bound);
        break;
      case '>':
      case '>=':
        if (sawLower || sawUpper) fail(path, 'numeric: lower bound must come first, once');
        sawLower = true;
        ops.push(op === '>' ? (n) => n > bound : (n) => n >= bound);
        break;
      case '<':
      case '<=':
        if (sawUpper) fail(path, 'numeric: only one upper bound');
        sawUpper = true;
        ops.push(op === '<' ? (n) => n < bound : (n) => n <= bound);
        break;
      default:
        fail(path, `numeric: unknown operator ${JSON.stringify(op)}`);
    }
  }
  return (n) => ops.every((o) => o(n));
}

/** Returns a predicate "is this value excluded". */
function compileAnythingBut(arg: unknown, path: string): (v: Leaf) => boolean {
  if (typeof arg === 'string' || typeof arg === 'number') return (v) => equalLeaf(arg, v);
  if (Array.isArray(arg)) {
    if (arg.length === 0) fail(path, 'anything-but list must not be empty');
    const allStrings = arg.every((a) => typeof a === 'string');
    const allNumbers = arg.every((a) => typeof a === 'number');
    if (!allStrings && !allNumbers) fail(path, 'anything-but list must contain only strings or only numbers');
    return (v) => arg.some((a) => equalLeaf(a as Leaf, v));
  }
  if (isPlainObject(arg)) {
    const keys = Object.keys(arg);
    if (keys.length !== 1) fail(path, 'anything-but object must have exactly one key');
    const op = keys[0]!;
    const inner = arg[op];
    const strings = (what: string): string[] => {
      const list = Array.isArray(inner) ? inner : [inner];
      if (list.length === 0 || !list.every((s) => typeof s === 'string')) {
        fail(path, `anything-but ${what} takes a string${what === 'prefix' || what === 'suffix' ? '' : ' or list of strings'}`);
      }
      return list as string[];
    };
    switch (op) {
      case 'prefix':
      case 'suffix': {
        if (typeof inner !== 'string') fail(path, `anything-but ${op} takes a single string`);
        return op === 'prefix' ? (v) => typeof v === 'string' && v.startsWith(inner) : (v) => typeof v === 'string' && v.endsWith(inner);
      }
      case 'equals-ignore-case': {
        const folded = strings(op).map(fold);
        return (v) => typeof v === 'string' && folded.includes(fold(v));
      }
      case 'wildcard': {
        const res = strings(op).map((w) => compileWildcard(w, path));
        return (v) => typeof v === 'string' && res.some((r) => r.test(v));
      }
      default:
        return fail(path, `anything-but does not support "${op}"`);
    }
  }
  return fail(path, 'anything-but takes a string, number, list, or operator object');
}

function compileCidr(arg: unknown, path: string): (s: string) => boolean {
  if (typeof arg !== 'string') fail(path, 'cidr takes a string');
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(arg);
  if (!m) fail(path, 'cidr: only IPv4 CIDR blocks (a.b.c.d/n) are supported locally');
  const base = ipv4(m[1]!);
  const bits = Number(m[2]);
  if (base === undefined || bits > 32) fail(path, 'cidr: invalid IPv4 CIDR block');
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (s) => {
    const ip = ipv4(s);
    return ip !== undefined && (ip & mask) >>> 0 === (base & mask) >>> 0;
  };
}

function ipv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const x = Number(p);
    if (x > 255) return undefined;
    n = n * 256 + x;
  }
  return n >>> 0;
}
