/** The payment flow's pure rules: hold lifetimes and states, capture and release plans, restorations, refunds, entries, events. */
import {
  DEFAULT_HOLD_POLICY,
  heldAmount,
  holdLifetimeSeconds,
  holdState,
  newHold,
  planCapture,
  planRelease,
  stillHeld,
  type Hold,
} from '../../lambdas/domain/hold';
import { NOTHING_REFUNDED, isLive, planRefund, planRestore, unrefunded, type StoredCredit } from '../../lambdas/domain/restore';
import { signedAmount, LEDGER_KINDS } from '../../lambdas/domain/ledger';
import { DETAIL_TYPES, eventForLedgerEntry } from '../../lambdas/domain/events';
import { ERROR_CODES } from '../../lambdas/domain/errors';
import { redeemedEntry } from '../../lambdas/domain/credit-entries';
import { capturedEntry, heldEntry, refundedEntry, releasedEntry } from '../../lambdas/domain/payment-entries';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const DAY = 86_400_000;

const hold = (over: Partial<Hold> = {}): Hold =>
  newHold({
    holdId: 'h-1',
    customerId: 'c-1',
    orderId: 'o-1',
    currency: 'EUR',
    allocations: [
      { creditId: 'b', amount: 300, expiresAt: at(20 * DAY) },
      { creditId: 'a', amount: 500, expiresAt: at(5 * DAY) },
      { creditId: 'c', amount: 200, expiresAt: at(5 * DAY) },
    ],
    now: NOW,
    lifetimeSeconds: 3600,
    ...over,
  });
const err = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as { code: string; details?: unknown; retryable: boolean };
  }
  throw new Error('did not throw');
};

describe('hold lifetime', () => {
  it('defaults to 7 days; accepts whole seconds from 60 to 30 days; refuses anything else', () => {
    expect(DEFAULT_HOLD_POLICY).toEqual({ defaultLifetimeSeconds: 604_800, minLifetimeSeconds: 60, maxLifetimeSeconds: 2_592_000 });
    expect(holdLifetimeSeconds(undefined)).toBe(604_800);
    expect(holdLifetimeSeconds(60)).toBe(60);
    expect(holdLifetimeSeconds(2_592_000)).toBe(2_592_000);
    for (const bad of [59, 2_592_001, 60.5, Number.NaN])
      expect(err(() => holdLifetimeSeconds(bad)).code).toBe('HOLD_LIFETIME_OUT_OF_RANGE');
    expect(holdLifetimeSeconds(100, { defaultLifetimeSeconds: 50, minLifetimeSeconds: 100, maxLifetimeSeconds: 100 })).toBe(100);
    expect(holdLifetimeSeconds(undefined, { defaultLifetimeSeconds: 50, minLifetimeSeconds: 100, maxLifetimeSeconds: 100 })).toBe(50);
  });
});

describe('a new hold and its state', () => {
  it('holds every allocation in full, ACTIVE, version 0, expiring after its lifetime', () => {
    const h = hold({});
    expect(h).toMatchObject({
      amount: 1000,
      captured: 0,
      status: 'ACTIVE',
      version: 0,
      placedAt: NOW.toISOString(),
      expiresAt: at(3_600_000),
    });
    expect(h.allocations.map((a) => a.held)).toEqual([300, 500, 200]);
    expect(heldAmount(h)).toBe(1000);
    expect('lines' in h).toBe(false);
  });
  it('is EXPIRED from its expiry instant on (while still ACTIVE), otherwise its status', () => {
    const h = hold();
    expect(holdState(h, new Date(Date.parse(h.expiresAt) - 1))).toBe('ACTIVE');
    expect(holdState(h, new Date(h.expiresAt))).toBe('EXPIRED');
    expect(holdState({ ...h, status: 'RELEASED' }, new Date(h.expiresAt))).toBe('RELEASED');
    expect(holdState({ ...h, status: 'CAPTURED' }, NOW)).toBe('CAPTURED');
  });
});

describe('planCapture', () => {
  it('takes soonest-expiring credits first (ties by credit id) and keeps the rest held', () => {
    const plan = planCapture(hold(), 600, false, NOW);
    expect(plan.taken).toEqual([
      { creditId: 'a', amount: 500, expiresAt: at(5 * DAY) },
      { creditId: 'c', amount: 100, expiresAt: at(5 * DAY) },
    ]);
    expect(plan.released).toEqual([]);
    expect(plan.next).toMatchObject({ captured: 600, status: 'ACTIVE', version: 1 });
    expect(plan.next.allocations.map((a) => [a.creditId, a.held])).toEqual([
      ['b', 300],
      ['a', 0],
      ['c', 100],
    ]);
  });
  it('final: releases what is left per credit; capturing everything held closes without a release', () => {
    const plan = planCapture(hold(), 600, true, NOW);
    expect(plan.released).toEqual([
      { creditId: 'c', amount: 100, expiresAt: at(5 * DAY) },
      { creditId: 'b', amount: 300, expiresAt: at(20 * DAY) },
    ]);
    expect(plan.next).toMatchObject({ status: 'CAPTURED', captured: 600 });
    expect(heldAmount(plan.next)).toBe(0);
    const all = planCapture(hold(), 1000, false, NOW);
    expect(all.next.status).toBe('CAPTURED');
    expect(all.released).toEqual([]);
  });
  it('refuses above the held amount, non-positive or fractional amounts, and a hold not ACTIVE', () => {
    expect(err(() => planCapture(hold(), 1001, false, NOW))).toMatchObject({
      code: 'CAPTURE_EXCEEDS_HOLD',
      details: { holdId: 'h-1', held: 1000, requested: 1001 },
    });
    expect(planCapture(hold(), 1000, false, NOW).taken).toHaveLength(3);
    for (const bad of [0, -1, 1.5]) expect(err(() => planCapture(hold(), bad, false, NOW)).code).toBe('AMOUNT_OUT_OF_RANGE');
    expect(err(() => planCapture(hold({}), 1, false, new Date(hold().expiresAt)))).toMatchObject({
      code: 'HOLD_NOT_ACTIVE',
      details: { holdId: 'h-1', status: 'EXPIRED' },
      retryable: false,
    });
    expect(err(() => planCapture({ ...hold(), status: 'RELEASED' }, 1, false, NOW)).details).toEqual({ holdId: 'h-1', status: 'RELEASED' });
  });
});

describe('planRelease and stillHeld', () => {
  it("lets go of everything still held, RELEASED, version bumped, naming the release's entry", () => {
    const after = planCapture(hold(), 600, false, NOW).next;
    const plan = planRelease(after, NOW, 'r-1');
    expect(plan.released).toEqual([
      { creditId: 'b', amount: 300, expiresAt: at(20 * DAY) },
      { creditId: 'c', amount: 100, expiresAt: at(5 * DAY) },
    ]);
    expect(plan.next).toMatchObject({ status: 'RELEASED', version: 2, releaseId: 'r-1' });
    expect(heldAmount(plan.next)).toBe(0);
    expect(stillHeld(plan.next)).toEqual([]);
    expect(err(() => planRelease(plan.next, NOW, 'r-2')).code).toBe('HOLD_NOT_ACTIVE');
  });
});

describe('restorations', () => {
  const stored = new Map<string, StoredCredit>([
    ['live', { creditId: 'live', amount: 1000, expiresAt: at(1) }],
    ['edge', { creditId: 'edge', amount: 1000, expiresAt: at(0) }],
  ]);
  it('live credits get their part back (never above their amount); expired and gone ones lapse', () => {
    expect(isLive(stored.get('live'), NOW)).toBe(true);
    expect(isLive(stored.get('edge'), NOW)).toBe(false);
    expect(isLive(undefined, NOW)).toBe(false);
    const plan = planRestore(
      [
        { creditId: 'live', amount: 300, expiresAt: at(1) },
        { creditId: 'edge', amount: 200, expiresAt: at(0) },
        { creditId: 'gone', amount: 50, expiresAt: at(9) },
      ],
      stored,
      NOW,
    );
    expect(plan).toEqual({ restore: [{ creditId: 'live', amount: 300, expiresAt: at(1), maxRemainingBefore: 700 }], lapsed: 250 });
  });

  const taken = [
    { creditId: 'x', amount: 400, expiresAt: at(2 * DAY) },
    { creditId: 'y', amount: 300, expiresAt: at(9 * DAY) },
    { creditId: 'z', amount: 100, expiresAt: at(9 * DAY) },
  ];
  it('refunds go back longest validity first (ties: later id first), accumulating per credit', () => {
    const first = planRefund(taken, NOTHING_REFUNDED, 350, 'EUR', 'r-1');
    expect(first.back).toEqual([
      { creditId: 'z', amount: 100, expiresAt: at(9 * DAY) },
      { creditId: 'y', amount: 250, expiresAt: at(9 * DAY) },
    ]);
    expect(first.after.refunded).toBe(350);
    const second = planRefund(taken, first.after, 200, 'EUR', 'r-1');
    expect(second.back).toEqual([
      { creditId: 'y', amount: 50, expiresAt: at(9 * DAY) },
      { creditId: 'x', amount: 150, expiresAt: at(2 * DAY) },
    ]);
    expect(second.after).toEqual({
      refunded: 550,
      refundedAllocations: [
        { creditId: 'z', amount: 100, expiresAt: at(9 * DAY) },
        { creditId: 'y', amount: 300, expiresAt: at(9 * DAY) },
        { creditId: 'x', amount: 150, expiresAt: at(2 * DAY) },
      ],
    });
    expect(unrefunded(taken, second.after)).toEqual([{ creditId: 'x', amount: 250, expiresAt: at(2 * DAY) }]);
    expect(planRefund(taken, second.after, 250, 'EUR', 'r-1').after.refunded).toBe(800);
  });
  it('refuses more than is left, and non-positive or fractional amounts', () => {
    expect(err(() => planRefund(taken, NOTHING_REFUNDED, 801, 'EUR', 'r-1'))).toMatchObject({
      code: 'REFUND_EXCEEDS_CAPTURED',
      details: { refundOf: 'r-1', left: 800, requested: 801 },
    });
    for (const bad of [0, -5, 0.5])
      expect(err(() => planRefund(taken, NOTHING_REFUNDED, bad, 'EUR', 'r-1')).code).toBe('AMOUNT_OUT_OF_RANGE');
  });
});

describe('payment-flow ledger entries and events', () => {
  const h = hold();
  const held = heldEntry(h);
  const captured = capturedEntry({
    captureId: 'cap-1',
    hold: h,
    taken: [{ creditId: 'a', amount: 400, expiresAt: at(5 * DAY) }],
    final: true,
    at: at(1),
  });
  const released = releasedEntry({
    releaseId: 'rel-1',
    hold: h,
    reason: 'FINAL_CAPTURE',
    restored: [{ creditId: 'b', amount: 300, expiresAt: at(20 * DAY) }],
    lapsed: 300,
    at: at(1),
  });
  const redemption = redeemedEntry({
    redemptionId: 'red-1',
    customerId: 'c-1',
    orderId: 'o-2',
    currency: 'EUR',
    amount: 900,
    allocations: [],
    at: at(0),
  });
  const refundOfCapture = refundedEntry({
    refundId: 'ref-1',
    of: captured,
    restored: [{ creditId: 'a', amount: 100, expiresAt: at(5 * DAY) }],
    lapsed: 20,
    at: at(2),
    reason: 'Retoure mit Notiz',
  });
  const refundOfRedemption = refundedEntry({ refundId: 'ref-2', of: redemption, restored: [], lapsed: 0, at: at(2) });

  it('entries carry ids, amounts and what moved per credit', () => {
    expect(LEDGER_KINDS).toEqual(['GRANTED', 'REDEEMED', 'REVERSED', 'EXPIRED', 'VOIDED', 'HELD', 'CAPTURED', 'RELEASED', 'REFUNDED']);
    expect(held).toEqual({
      entryId: 'h-1',
      customerId: 'c-1',
      kind: 'HELD',
      currency: 'EUR',
      amount: 1000,
      at: NOW.toISOString(),
      orderId: 'o-1',
      allocations: h.allocations.map(({ creditId, amount, expiresAt }) => ({ creditId, amount, expiresAt })),
      holdExpiresAt: h.expiresAt,
    });
    expect(captured).toMatchObject({
      entryId: 'cap-1',
      kind: 'CAPTURED',
      amount: 400,
      holdId: 'h-1',
      orderId: 'o-1',
      final: true,
      at: at(1),
    });
    expect(released).toMatchObject({
      entryId: 'rel-1',
      kind: 'RELEASED',
      amount: 300,
      lapsed: 300,
      reason: 'FINAL_CAPTURE',
      holdId: 'h-1',
    });
    expect(refundOfCapture).toMatchObject({
      entryId: 'ref-1',
      kind: 'REFUNDED',
      amount: 100,
      lapsed: 20,
      refundOf: 'CAPTURE',
      captureId: 'cap-1',
      orderId: 'o-1',
      reason: 'Retoure mit Notiz',
    });
    expect(refundOfRedemption).toMatchObject({ refundOf: 'REDEMPTION', redemptionId: 'red-1', orderId: 'o-2', amount: 0 });
    expect('reason' in refundOfRedemption).toBe(false);
  });

  it('effect on the available balance: held −, captured 0, released and refunded +', () => {
    expect([held, captured, released, refundOfCapture].map(signedAmount)).toEqual([-1000, 0, 300, 100]);
  });

  it('events: HoldPlaced, HoldCaptured, HoldReleased (with why), CreditRefunded — ids and amounts, never the reason text', () => {
    expect(eventForLedgerEntry(held)).toEqual({
      detailType: 'HoldPlaced',
      detail: {
        eventId: 'HELD#h-1',
        customerId: 'c-1',
        occurredAt: NOW.toISOString(),
        currency: 'EUR',
        amount: 1000,
        holdId: 'h-1',
        orderId: 'o-1',
        allocations: held.allocations,
        holdExpiresAt: h.expiresAt,
      },
    });
    expect(eventForLedgerEntry(captured)).toMatchObject({
      detailType: DETAIL_TYPES.CAPTURED,
      detail: { eventId: 'CAPTURED#cap-1', captureId: 'cap-1', holdId: 'h-1', amount: 400, final: true },
    });
    expect(eventForLedgerEntry(released)).toMatchObject({
      detailType: 'HoldReleased',
      detail: { eventId: 'RELEASED#rel-1', holdId: 'h-1', reason: 'FINAL_CAPTURE', amount: 300, lapsed: 300 },
    });
    const refunded = eventForLedgerEntry(refundOfCapture);
    expect(refunded).toMatchObject({
      detailType: 'CreditRefunded',
      detail: { eventId: 'REFUNDED#ref-1', refundId: 'ref-1', captureId: 'cap-1', amount: 100, lapsed: 20 },
    });
    expect(JSON.stringify(refunded)).not.toContain('Retoure');
    expect(eventForLedgerEntry(refundOfRedemption).detail).toMatchObject({ redemptionId: 'red-1' });
    expect('captureId' in eventForLedgerEntry(refundOfRedemption).detail).toBe(false);
  });

  it('the new refusals are stable, non-retryable codes', () => {
    for (const code of [
      'INELIGIBLE_PURCHASE',
      'HOLD_LIFETIME_OUT_OF_RANGE',
      'HOLD_NOT_FOUND',
      'HOLD_NOT_ACTIVE',
      'CAPTURE_EXCEEDS_HOLD',
      'REFUND_TARGET_NOT_FOUND',
      'REFUND_EXCEEDS_CAPTURED',
    ] as const) {
      expect(ERROR_CODES[code].retryable).toBe(false);
    }
  });
});
