/**
 * Reading one stored item's attributes with their types checked: a malformed item fails with what is wrong and
 * where (item keys and attribute names only, never values: they may be personal data).
 */

export class StoredItemError extends Error {
  override readonly name = 'StoredItemError';
}

export type RawItem = Record<string, unknown>;

export interface Fields {
  str(name: string): string;
  optStr(name: string): string | undefined;
  /** A safe integer (money in minor units, epoch values). */
  int(name: string): number;
  optInt(name: string): number | undefined;
  oneOf<T extends string>(name: string, values: readonly T[]): T;
  list<T>(name: string, decode: (element: Fields, index: number) => T): T[];
  bool(name: string): boolean;
  /** Whether the attribute is there at all. */
  has(name: string): boolean;
  /** An optional list of strings, each one of `values`. */
  optOneOfList<T extends string>(name: string, values: readonly T[]): T[] | undefined;
  /** An optional nested map, decoded. */
  optMap<T>(name: string, decode: (inner: Fields) => T): T | undefined;
  /** A map of safe integers (amounts per currency). */
  intMap(name: string): Record<string, number>;
  /** An error about this item. */
  error(problem: string): StoredItemError;
}

export function fields(raw: RawItem, what: string): Fields {
  const error = (problem: string) => new StoredItemError(`${what}: ${problem}`);
  const fail = (name: string, expected: string): never => {
    throw error(raw[name] === undefined ? `${name} is missing` : `${name} must be ${expected}`);
  };
  const str = (name: string): string => {
    const v = raw[name];
    return typeof v === 'string' ? v : fail(name, 'a string');
  };
  const int = (name: string): number => {
    const v = raw[name];
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : fail(name, 'a whole number');
  };
  return {
    str,
    optStr: (name) => (raw[name] === undefined ? undefined : str(name)),
    int,
    optInt: (name) => (raw[name] === undefined ? undefined : int(name)),
    oneOf: <T extends string>(name: string, values: readonly T[]): T => {
      const v = str(name);
      if (!(values as readonly string[]).includes(v)) throw error(`${name} ${JSON.stringify(v)} is not one of ${values.join(', ')}`);
      return v as T;
    },
    list: (name, decode) => {
      const v = raw[name];
      if (!Array.isArray(v)) return fail(name, 'a list');
      return v.map((element, i) => {
        if (!element || typeof element !== 'object') throw error(`${name}[${i}] must be a map`);
        return decode(fields(element as RawItem, `${what}: ${name}[${i}]`), i);
      });
    },
    bool: (name) => {
      const v = raw[name];
      return typeof v === 'boolean' ? v : fail(name, 'a boolean');
    },
    has: (name) => raw[name] !== undefined,
    optOneOfList: <T extends string>(name: string, values: readonly T[]): T[] | undefined => {
      const v = raw[name];
      if (v === undefined) return undefined;
      if (!Array.isArray(v)) return fail(name, 'a list');
      return v.map((element, i) => {
        if (typeof element !== 'string' || !(values as readonly string[]).includes(element))
          throw error(`${name}[${i}] is not one of ${values.join(', ')}`);
        return element as T;
      });
    },
    optMap: (name, decode) => {
      const v = raw[name];
      if (v === undefined) return undefined;
      if (!v || typeof v !== 'object' || Array.isArray(v)) return fail(name, 'a map');
      return decode(fields(v as RawItem, `${what}: ${name}`));
    },
    intMap: (name) => {
      const v = raw[name];
      if (!v || typeof v !== 'object' || Array.isArray(v)) return fail(name, 'a map');
      const out: Record<string, number> = {};
      for (const [k, n] of Object.entries(v as RawItem)) {
        if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw error(`${name}.${k} must be a whole number`);
        out[k] = n;
      }
      return out;
    },
    error,
  };
}

/** How an item is named in errors: its kind and keys. */
export function describe(raw: RawItem): string {
  const key = [raw.pk, raw.sk].filter((k) => typeof k === 'string').join(' ');
  return `stored ${typeof raw.type === 'string' ? raw.type : 'untyped'} item${key ? ` ${key}` : ''}`;
}

/** A key item's stored answer: the `response` attribute holds the JSON object first sent, replayed as it is. */
export function storedResponse(f: Fields): object {
  let response: unknown;
  try {
    response = JSON.parse(f.str('response'));
  } catch {
    throw f.error('response is not JSON');
  }
  if (!response || typeof response !== 'object') throw f.error('response is not a JSON object');
  return response;
}
