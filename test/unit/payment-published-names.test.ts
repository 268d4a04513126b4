/**
 * Names the payment flow shares with its callers and consumers (docs/contracts.md "Events out" and "Eligibility"): the detail types
 * of its events, the reasons a HoldReleased carries, the purchase categories a spend request may name (and which of
 * them courtesy credit may pay), and how many lines one request may carry. Renaming any of them breaks a consumer's
 * rule or a caller's request, so each is pinned by what a caller sends or a consumer receives.
 */
import { HoldRequest, ComplaintResolvedDetail, parseContract } from '../../lambdas/contracts';
import { assertPurchase, creditCovers, type PurchaseCategory } from '../../lambdas/domain/eligibility';
import { eventForLedgerEntry } from '../../lambdas/domain/events';
import { newHold } from '../../lambdas/domain/hold';
import { capturedEntry, heldEntry, refundedEntry, releasedEntry, RELEASE_REASONS } from '../../lambdas/domain/payment-entries';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const hold = newHold({
  holdId: 'h-1',
  customerId: 'c-1',
  orderId: 'o-1',
  currency: 'EUR',
  allocations: [{ creditId: 'cr-1', amount: 500, expiresAt: '2026-04-01T00:00:00.000Z' }],
  now: NOW,
  lifetimeSeconds: 3600,
});
const capture = capturedEntry({ captureId: 'cap-1', hold, taken: hold.allocations, final: false, at: NOW.toISOString() });

describe('the payment flow’s events, as consumers subscribe to them', () => {
  it('HoldPlaced, HoldCaptured, HoldReleased, CreditRefunded', () => {
    const released = releasedEntry({ releaseId: 'rel-1', hold, reason: 'EXPLICIT', restored: [], lapsed: 0, at: NOW.toISOString() });
    const refunded = refundedEntry({ refundId: 'ref-1', of: capture, restored: [], lapsed: 0, at: NOW.toISOString() });
    expect([heldEntry(hold), capture, released, refunded].map((e) => eventForLedgerEntry(e).detailType)).toEqual([
      'HoldPlaced',
      'HoldCaptured',
      'HoldReleased',
      'CreditRefunded',
    ]);
  });

  it('a HoldReleased says why with one of EXPLICIT, FINAL_CAPTURE, EXPIRED, VOIDED', () => {
    expect(RELEASE_REASONS).toEqual(['EXPLICIT', 'FINAL_CAPTURE', 'EXPIRED', 'VOIDED']);
    for (const reason of RELEASE_REASONS) {
      const entry = releasedEntry({ releaseId: `rel-${reason}`, hold, reason, restored: [], lapsed: 0, at: NOW.toISOString() });
      expect(eventForLedgerEntry(entry).detail.reason).toBe(reason);
    }
  });
});

describe('purchase categories in requests', () => {
  const request = (lines: Array<{ lineId: string; category: string; amount: number }>) => ({
    customerId: 'c-1',
    orderId: 'o-1',
    amount: 100,
    currency: 'EUR',
    idempotencyKey: 'k-1',
    purchase: { lines },
  });
  const ELIGIBLE = ['PHYSICAL_GOODS', 'DIGITAL_CONTENT', 'MEMBERSHIP_RENEWAL', 'SERVICES'] as const;
  const NEVER = ['GIFT_CARD', 'TOP_UP', 'CASH_EQUIVALENT'] as const;

  it('a line may name each of the seven categories; an unknown one is invalid input', () => {
    for (const category of [...ELIGIBLE, ...NEVER]) {
      expect(() => parseContract(HoldRequest, request([{ lineId: 'l-1', category, amount: 100 }]))).not.toThrow();
    }
    expect(() => parseContract(HoldRequest, request([{ lineId: 'l-1', category: 'VOUCHER', amount: 100 }]))).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('courtesy credit pays the four eligible categories, never gift cards, top-ups or cash equivalents', () => {
    for (const category of ELIGIBLE) {
      expect(creditCovers(undefined, category)).toBe(true);
      expect(() => assertPurchase([{ lineId: 'l-1', category, amount: 100 }])).not.toThrow();
    }
    for (const category of NEVER) {
      expect(creditCovers(undefined, category)).toBe(false);
      expect(creditCovers([...ELIGIBLE] as never, category as PurchaseCategory)).toBe(false);
      expect(() => assertPurchase([{ lineId: 'l-1', category, amount: 100 }])).toThrow(
        expect.objectContaining({ code: 'INELIGIBLE_PURCHASE' }),
      );
    }
  });

  it('a grant may narrow a credit to any of the eligible categories (all four at once too), never to another', () => {
    const grant = (categories: string[]) => ({
      complaintId: 'C-1',
      customerId: 'c-1',
      email: 'kunde@example.com',
      locale: 'de-DE',
      amount: 500,
      currency: 'EUR',
      validityDays: 30,
      reason: 'late delivery',
      categories,
    });
    for (const category of ELIGIBLE) expect(() => parseContract(ComplaintResolvedDetail, grant([category]))).not.toThrow();
    expect(() => parseContract(ComplaintResolvedDetail, grant([...ELIGIBLE]))).not.toThrow();
    for (const category of NEVER) {
      expect(() => parseContract(ComplaintResolvedDetail, grant([category]))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });

  it('one request carries at most 50 lines', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => ({ lineId: `l-${i}`, category: 'SERVICES', amount: 1 }));
    expect(() => parseContract(HoldRequest, request(lines(50)))).not.toThrow();
    expect(() => parseContract(HoldRequest, request(lines(51)))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
