/**
 * EventBridge event-pattern alternatives: a scalar or a one-key operator object (`prefix`, `suffix`,
 * `equals-ignore-case`, `wildcard`, `numeric`, `exists`, `anything-but`, `cidr`), each compiled to a leaf test.
 * The semantics are listed at the top of pattern.ts.
 */
import { type Alternative, type Leaf, fail, isPlainObject, isScalar } from './pattern-syntax';

const never = () => false;

export function compileAlternative(alt: unknown, path: string): Alternative {
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
