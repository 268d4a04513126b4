/** Values shared by the adapter unit tests: a fixed time and one credit granted then. */
// @ts-nocheck

import type { Credit } from '../../../lambdas/domain/credit';

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
