import fc from 'fast-check';
import { DETAIL_TYPES, EVENT_SOURCE, eventForLedgerEntry, eventForReminder, type OutgoingEvent } from '../../lambdas/domain/events';
import { signedAmount, type LedgerEntry } from '../../lambdas/domain/ledger';
import type { ExpiredEntry, VoidedEntry, GrantedEntry, RedeemedEntry, ReversedEntry } from '../../lambdas/domain/credit-entries';

const EMAIL = 'kunde@example.de';

const base = { customerId: 'cust-42', currency: 'EUR', at: '2026-03-01T10:00:00.000Z' };
const entries: { GRANTED: GrantedEntry; REDEEMED: RedeemedEntry; REVERSED: ReversedEntry; EXPIRED: ExpiredEntry; VOIDED: VoidedEntry } = {
  GRANTED: {
    ...base,
    entryId: '01JGRANT0000000000000000AA',
    kind: 'GRANTED',
    amount: 2500,
    creditId: 'cr-1',
    complaintId: 'C-1001',
    reason: 'Lieferung verspätet',
    expiresAt: '2026-05-30T10:00:00.000Z',
  },
  REDEEMED: {
    ...base,
    entryId: '01JREDEEM000000000000000AA',
    kind: 'REDEEMED',
    amount: 1200,
    orderId: 'order-7',
    allocations: [{ creditId: 'cr-1', amount: 1200, expiresAt: '2026-05-30T10:00:00.000Z' }],
    status: 'APPLIED',
  },
  REVERSED: {
    ...base,
    entryId: '01JREVERSE00000000000000AA',
    kind: 'REVERSED',
    amount: 1200,
    redemptionId: '01JREDEEM000000000000000AA',
    orderId: 'order-7',
    allocations: [{ creditId: 'cr-1', amount: 1200, expiresAt: '2026-05-30T10:00:00.000Z' }],
    lapsed: 0,
  },
  EXPIRED: {
    ...base,
    entryId: '01JEXPIRE000000000000000AA',
    kind: 'EXPIRED',
    amount: 1300,
    creditId: 'cr-1',
    expiresAt: '2026-05-30T10:00:00.000Z',
  },
  VOIDED: {
    ...base,
    entryId: '01JVOID0000000000000000AA',
    kind: 'VOIDED',
    amount: 700,
    creditId: 'cr-1',
    reason: 'Betrug, Kunde Max Mustermann',
  },
};

/** Every key at any depth of a value. */
function allKeys(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) allKeys(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      allKeys(v, out);
    }
  }
  return out;
}

describe('eventForLedgerEntry', () => {
  it.each([
    ['GRANTED', DETAIL_TYPES.GRANTED],
    ['REDEEMED', DETAIL_TYPES.REDEEMED],
    ['REVERSED', DETAIL_TYPES.REVERSED],
    ['EXPIRED', DETAIL_TYPES.EXPIRED],
  ] as const)('%s becomes %s with the common fields', (kind, detailType) => {
    const e = entries[kind];
    const event = eventForLedgerEntry(e);
    expect(event.detailType).toBe(detailType);
    expect(event.detail).toMatchObject({
      eventId: `${kind}#${e.entryId}`,
      customerId: 'cust-42',
      occurredAt: e.at,
      currency: 'EUR',
      amount: e.amount,
    });
  });

  it('GRANTED carries the credit, complaint and expiry, never the free-text reason', () => {
    const detail = eventForLedgerEntry(entries.GRANTED).detail;
    expect(detail).toMatchObject({ creditId: 'cr-1', complaintId: 'C-1001', expiresAt: '2026-05-30T10:00:00.000Z' });
    expect(detail).not.toHaveProperty('reason');
    expect(detail).not.toHaveProperty('reasonCode');
    expect(JSON.stringify(detail)).not.toContain('Lieferung');
  });

  it('GRANTED carries the reason code when the complaint sent one, and only a known one', () => {
    expect(eventForLedgerEntry({ ...entries.GRANTED, reasonCode: 'LATE_DELIVERY' }).detail.reasonCode).toBe('LATE_DELIVERY');
    const bogus = { ...entries.GRANTED, reasonCode: 'call kim@example.com' } as unknown as LedgerEntry;
    expect(eventForLedgerEntry(bogus).detail).not.toHaveProperty('reasonCode');
  });

  it('VOIDED: CreditVoided names the void and the credit, never the free-text reason', () => {
    expect(eventForLedgerEntry(entries.VOIDED)).toEqual({
      detailType: 'CreditVoided',
      detail: {
        eventId: 'VOIDED#01JVOID0000000000000000AA',
        customerId: entries.VOIDED.customerId,
        occurredAt: entries.VOIDED.at,
        currency: entries.VOIDED.currency,
        amount: 700,
        voidId: '01JVOID0000000000000000AA',
        creditId: 'cr-1',
      },
    });
  });

  it('REDEEMED uses the entry id as redemptionId and lists the allocations', () => {
    expect(eventForLedgerEntry(entries.REDEEMED).detail).toMatchObject({
      redemptionId: entries.REDEEMED.entryId,
      orderId: 'order-7',
      allocations: entries.REDEEMED.allocations,
    });
  });

  it('REVERSED names the redemption it undoes and what lapsed (a stored entry without `lapsed`: test/unit/adapters/dynamodb-codec)', () => {
    expect(eventForLedgerEntry(entries.REVERSED).detail).toMatchObject({ redemptionId: entries.REDEEMED.entryId, lapsed: 0 });
    expect(eventForLedgerEntry({ ...entries.REVERSED, lapsed: 200 }).detail.lapsed).toBe(200);
  });

  it('an entry of a kind it cannot publish (stored data is untyped) is an error, never silently no event', () => {
    const bogus = { ...entries.GRANTED, kind: 'TRANSFERRED' } as unknown as LedgerEntry;
    expect(() => eventForLedgerEntry(bogus)).toThrow(
      `ledger entry ${entries.GRANTED.entryId} has kind "TRANSFERRED", which has no outgoing event`,
    );
  });

  it('eventId is stable: the same entry delivered again gives the same id, whatever the delivery time', () => {
    for (const e of Object.values(entries)) {
      const first = eventForLedgerEntry(e);
      const again = eventForLedgerEntry(structuredClone(e));
      expect(again.detail.eventId).toBe(first.detail.eventId);
      expect(again).toEqual(first);
    }
  });

  it('different entries get different eventIds, also across kinds with the same entryId', () => {
    const ids = new Set([
      ...Object.values(entries).map((e) => eventForLedgerEntry(e).detail.eventId),
      eventForLedgerEntry({ ...entries.GRANTED, entryId: entries.REDEEMED.entryId }).detail.eventId,
      eventForReminder({ customerId: 'cust-42', creditId: 'cr-1', currency: 'EUR', remaining: 1, expiresAt: 'x', sentAt: 'y' }).detail
        .eventId,
    ]);
    expect(ids.size).toBe(7);
  });

  it('no detail has an email key or an email address, even if the entry carried one (property)', () => {
    const kind = fc.constantFrom<keyof typeof entries>('GRANTED', 'REDEEMED', 'REVERSED', 'EXPIRED', 'VOIDED');
    fc.assert(
      fc.property(kind, fc.stringMatching(/^[0-9A-Z]{26}$/), fc.integer({ min: 1, max: 1_000_000 }), (k, entryId, amount) => {
        const smuggled = { email: EMAIL, recipient: EMAIL };
        const entry: LedgerEntry = { ...entries[k], entryId, amount, ...smuggled };
        const event: OutgoingEvent = eventForLedgerEntry(entry);
        expect(allKeys(event.detail).filter((key) => /mail/i.test(key))).toEqual([]);
        expect(JSON.stringify(event)).not.toContain(EMAIL);
      }),
      { numRuns: 200 },
    );
  });
});

describe('eventForReminder', () => {
  const notice = {
    customerId: 'cust-42',
    creditId: 'cr-1',
    currency: 'EUR',
    remaining: 1234,
    expiresAt: '2026-05-30T10:00:00.000Z',
    sentAt: '2026-05-23T10:00:05.000Z',
  };

  it('one reminder per credit: the eventId depends on the credit only', () => {
    const first = eventForReminder(notice);
    const retried = eventForReminder({ ...notice, sentAt: '2026-05-23T10:07:00.000Z' });
    expect(first.detailType).toBe(DETAIL_TYPES.REMINDER_SENT);
    expect(first.detail).toEqual({
      eventId: 'REMINDER#cr-1',
      customerId: 'cust-42',
      occurredAt: notice.sentAt,
      creditId: 'cr-1',
      currency: 'EUR',
      amount: 1234,
      expiresAt: notice.expiresAt,
    });
    expect(retried.detail.eventId).toBe(first.detail.eventId);
  });

  it('has no email key even if the notice carried one', () => {
    const smuggled = { email: EMAIL };
    const event = eventForReminder({ ...notice, ...smuggled });
    expect(allKeys(event.detail).filter((key) => /mail/i.test(key))).toEqual([]);
    expect(JSON.stringify(event)).not.toContain(EMAIL);
  });
});

describe('event source and ledger signs', () => {
  it('publishes as courtesy-credits', () => {
    expect(EVENT_SOURCE).toBe('courtesy-credits');
  });

  it('grants and reversals add, redemptions and expiries subtract', () => {
    expect(signedAmount({ kind: 'GRANTED', amount: 100 })).toBe(100);
    expect(signedAmount({ kind: 'REVERSED', amount: 100 })).toBe(100);
    expect(signedAmount({ kind: 'REDEEMED', amount: 100 })).toBe(-100);
    expect(signedAmount({ kind: 'EXPIRED', amount: 100 })).toBe(-100);
  });
});
