/**
 * The only source of "now" in the service. Lambda uses the system clock; the local runtime and tests
 * swap in a shifted clock so that a 30-day validity can expire in seconds.
 */
// @ts-nocheck

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

let current: Clock = systemClock;

export const clock: Clock = { now: () => current.now() };

/** Replace the clock (local runtime and tests only). Returns a function that restores the previous one. */
export function setClock(next: Clock): () => void {
  const previous = current;
  current = next;
  return () => {
    current = previous;
  };
}

/** A clock that runs at real speed, shifted by `offsetMs` (negative = in the past). */
export function offsetClock(offsetMs: number): Clock {
  return { now: () => new Date(Date.now() + offsetMs) };
}
