import { monotonicFactory, encodeTime } from 'ulid';
import { createHash } from 'node:crypto';

const next = monotonicFactory();

/** Sortable id (ULID) stamped with the given time. */
export const newId = (at: Date): string => next(at.getTime());

/** A ULID that sorts at `at` but whose random part is derived from `seed`: the same inputs give the same id. */
export function deterministicId(at: Date, seed: string): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const digest = createHash('sha256').update(seed).digest();
  let random = '';
  for (let i = 0; i < 16; i++) random += alphabet[digest[i]! % 32];
  return encodeTime(at.getTime(), 10) + random;
}

/** The RELEASED entry id of a hold's auto-release: derived from the hold, at its expiry, so a redelivery releases nothing twice. */
export const expiredReleaseId = (holdId: string, holdExpiresAt: string): string =>
  deterministicId(new Date(holdExpiresAt), `RELEASED#${holdId}`);

/** Stable fingerprint of a request, to tell a retry from a different request reusing the same key. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
