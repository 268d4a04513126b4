/**
 * Erasure (GDPR): what of a customer's data is personal and goes, and what stays. The address, the locale and every
 * free text (a complaint's reason, a reversal's or void's reason) are removed from every item of the customer;
 * amounts, ids and dates stay, so the ledger, the balance and the finance report are unchanged.
 */
export const PERSONAL_ATTRIBUTES = ['email', 'locale', 'reason'] as const;
export type PersonalAttribute = (typeof PERSONAL_ATTRIBUTES)[number];
