/** The payment-flow operations idempotent by a caller's key, each with keys of its own (redeem's keys predate them). */
export const KEYED_OPERATIONS = ['HOLD', 'CAPTURE', 'REFUND'] as const;
export type KeyedOperation = (typeof KEYED_OPERATIONS)[number];
