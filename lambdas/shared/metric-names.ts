/**
 * Names of the custom metrics the alarms (infra/monitoring.ts) watch: the one definition both the handlers that emit
 * them and the CDK app that alarms on them import. Pure: no imports, no side effects.
 */

/** A caller was refused with CONCURRENT_MODIFICATION (the retry budget ran out): emitted by every synchronous operation. */
export const CONCURRENT_MODIFICATION_METRIC = 'ConcurrentModification';

/** An unexpected failure a synchronous operation answered as INTERNAL (Lambda counts no error for it). */
export const operationFailedMetric = (operation: string): string => `${operation}Failed`;

/** A business refusal (any CreditError) a synchronous operation answered. */
export const operationRefusedMetric = (operation: string): string => `${operation}Refused`;
