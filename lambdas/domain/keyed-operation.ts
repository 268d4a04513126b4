/** The payment-flow operations idempotent by a caller's key, each key counted once per operation (redeem's predate it). */
export const KEYED_OPERATIONS = ['HOLD', 'CAPTURE', 'REFUND'] as const;
export type KeyedOperation = (typeof KEYED_OPERATIONS)[number];
