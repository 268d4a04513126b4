/** Values shared by the adapter unit tests: a fixed time, one credit granted then, and a redemption made then. */
import type { Allocation } from '../../../lambdas/domain/allocation';
import type { Credit } from '../../../lambdas/domain/credit';
import { redeemedEntry } from '../../../lambdas/domain/credit-entries';

export const NOW = new Date('2026-03-01T10:00:00.000Z');
export const EXPIRES = '2026-05-30T10:00:00.000Z';

export const credit: Credit = {
  creditId: '01JCREDIT0000000000000000A',
  customerId: 'cust-1',
  complaintId: 'CMP-1',
  currency: 'EUR',
  amount: 2500,
  remaining: 2500,
  grantedAt: NOW.toISOString(),
  expiresAt: EXPIRES,
  reason: 'late delivery',
  locale: 'de-DE',
  email: 'kim@example.com',
};

/** A redemption of 400 EUR by cust-1 for order o-1 at NOW, drawn from the credits as `allocations` say. */
export const redemptionOf = (allocations: readonly Allocation[], redemptionId = '01JREDEEM000000000000000AA') =>
  redeemedEntry({ redemptionId, customerId: 'cust-1', orderId: 'o-1', currency: 'EUR', amount: 400, allocations, at: NOW.toISOString() });
