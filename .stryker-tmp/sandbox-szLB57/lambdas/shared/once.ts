/** A value created on first use and then reused for the life of the container. */
// @ts-nocheck

export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
