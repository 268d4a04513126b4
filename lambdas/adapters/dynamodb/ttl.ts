/**
 * TTL values of stored items: DynamoDB's TTL attribute holds epoch seconds, and a key item (the idempotency record
 * of a redeem, hold, capture or refund) is kept for 90 days after it is written (layout.ts lists every item's TTL).
 */
import { DAY_MS } from '../../domain/credit';

/** How long a key item is kept after it is written. */
export const KEY_RETENTION_MS = 90 * DAY_MS;

/** The TTL attribute's value for an instant given in epoch milliseconds (rounded up to the next second). */
export const epochSeconds = (ms: number) => Math.ceil(ms / 1000);
