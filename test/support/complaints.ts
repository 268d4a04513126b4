/** A ComplaintResolved detail for unit tests: cmp-1 for cust-1, 40.00 EUR for 90 days; `over` changes any field. */
import type { ComplaintResolvedDetail } from '../../lambdas/contracts';

export const complaintDetail = (over: Partial<ComplaintResolvedDetail> = {}): ComplaintResolvedDetail => ({
  complaintId: 'cmp-1',
  customerId: 'cust-1',
  email: 'kim@example.com',
  locale: 'de-DE',
  amount: 4000,
  currency: 'EUR',
  validityDays: 90,
  reason: 'late',
  ...over,
});
