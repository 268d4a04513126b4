/**
 * Why a credit was granted, as a closed code: the only "reason" that leaves the service in an event. The free-text
 * reason of a ComplaintResolved event stays in the table and the customer's email (it can hold personal data).
 */
// @ts-nocheck

export const REASON_CODES = ['DAMAGED_ORDER', 'LATE_DELIVERY', 'SERVICE_EXPERIENCE', 'OTHER'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && (REASON_CODES as readonly string[]).includes(value);
}
