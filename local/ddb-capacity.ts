/**
 * DynamoDB item sizes and capacity units, by the published rules (Developer Guide, "DynamoDB item sizes and
 * formats" and "Read/write capacity modes"; on-demand request units are counted the same way):
 *
 * item size     = Σ over attributes (UTF-8 bytes of the name + size of the value), where a value is
 *                 string: UTF-8 bytes · number: 1 byte per 2 significant digits + 1 · binary: raw bytes ·
 *                 bool/null: 1 · list/map: 3 + Σ (1 + element size; a map element's size includes its key) ·
 *                 set: Σ element sizes
 * write (standard)       = ceil(max(size before, size after) / 1 KB) WCU, at least 1
 * write (transactional)  = 2 × ceil(max(size before, size after) / 1 KB) WCU per item
 * read GetItem           = ceil(size / 4 KB) RCU, at least 1 (also for a missing item); × 0.5 eventually consistent
 * read Query             = ceil(Σ sizes of every item the key condition reads / 4 KB) RCU — a FilterExpression and
 *                          a ProjectionExpression do not reduce it; × 0.5 eventually consistent
 *
 * Values here are the native JS values the Document Client works with (numbers, strings, arrays, objects, Sets);
 * `wireItemSize` sizes an item as it travels on the wire (DynamoDB JSON), numbers kept exact.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { NumberValueImpl, unmarshall } from '@aws-sdk/util-dynamodb';

export const KB = 1024;
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** Significant digits of a number as DynamoDB stores it (leading and trailing zeros trimmed). */
function significantDigits(n: number | bigint | string): number {
  let s = typeof n === 'number' ? Math.abs(n).toString() : n.toString();
  if (s.includes('e') || s.includes('E')) {
    // exponent form: the mantissa holds the significant digits
    s = s.split(/e/i)[0]!;
  }
  s = s.replace('-', '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.max(1, s.length);
}

export function valueSize(v: unknown): number {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return utf8(v);
  if (typeof v === 'number' || typeof v === 'bigint') return Math.ceil(significantDigits(v) / 2) + 1;
  if (v instanceof NumberValueImpl) return Math.ceil(significantDigits(v.value) / 2) + 1;
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof Set) {
    let total = 0;
    for (const e of v) total += valueSize(e);
    return total;
  }
  if (Array.isArray(v)) return 3 + v.reduce<number>((sum, e) => sum + 1 + valueSize(e), 0);
  if (typeof v === 'object') {
    let total = 3;
    for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
      if (e === undefined) continue;
      total += 1 + utf8(k) + valueSize(e);
    }
    return total;
  }
  throw new Error(`cannot size a ${typeof v}`);
}

/** Size of a whole item in bytes (top-level attributes carry no per-element overhead). */
export function itemSize(item: Record<string, unknown> | undefined): number {
  if (!item) return 0;
  let total = 0;
  for (const [k, v] of Object.entries(item)) {
    if (v === undefined) continue;
    total += utf8(k) + valueSize(v);
  }
  return total;
}

/** Size of an item in DynamoDB JSON (`{ "a": { "S": "x" } }`), as the layer in front of DynamoDB Local sees it. */
export function wireItemSize(item: Record<string, AttributeValue> | undefined): number {
  return item ? itemSize(unmarshall(item, { wrapNumbers: true })) : 0;
}

export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));
export const transactWriteUnits = (bytes: number) => 2 * writeUnits(bytes);
export const getReadUnits = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / (4 * KB))) * (consistent ? 1 : 0.5);
export const queryReadUnits = (totalBytes: number, consistent: boolean) => Math.ceil(totalBytes / (4 * KB)) * (consistent ? 1 : 0.5);

export interface Units {
  rcu: number;
  wcu: number;
}
