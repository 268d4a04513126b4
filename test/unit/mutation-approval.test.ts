/**
 * The approval rules (pure) beyond the happy path, as a caller relies on them: how unset or malformed threshold
 * settings are read, what a pending grant keeps (narrowing, no issuer when none), the deadline to the millisecond,
 * the approval of a pending grant whose customer was erased meanwhile, and what each decision and its event carry.
 */
import {
  decideApprove,
  decideByFor,
  decideDecline,
  decideExpired,
  isPastDeadline,
  parseApprovalThresholds,
  pendingGrant,
  type ErasedPendingGrant,
  type OpenPendingGrant,
} from '../../lambdas/domain/approval';
import { decideGrant, DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { CreditError } from '../../lambdas/domain/errors';
import { eventForDecision, eventForPendingGrant } from '../../lambdas/domain/events';

const POLICY = { thresholdsMajorUnits: { EUR: 100 }, timeoutHours: 72 };
const NOW = new Date('2026-03-01T10:00:00.000Z');
const request = {
  complaintId: 'cmp-1',
  customerId: 'cust-1',
  email: 'kim@example.com',
  locale: 'en-GB',
  amount: 15_000,
  currency: 'EUR',
  validityDays: 90,
  reason: 'parcel lost',
};
const pendingFor = (req: Parameters<typeof pendingGrant>[0]): OpenPendingGrant =>
  pendingGrant(req, decideGrant(req, NOW, 'pg-1', DEFAULT_GRANT_POLICY).credit, 'pg-1', NOW, POLICY);

function codeOf(f: () => unknown): { code: string; details: unknown } {
  try {
    f();
  } catch (e) {
    if (e instanceof CreditError) return { code: e.code, details: e.details };
    throw e;
  }
  throw new Error('expected a CreditError');
}

describe('threshold settings', () => {
  test.each([[undefined], [null], ['']])('unset (%p): no thresholds, so no approval ever', (raw) => {
    expect(parseApprovalThresholds(raw)).toEqual({ thresholds: {} });
  });

  test.each([['[100]'], ['100'], ['null'], ['"EUR"'], [[100]], [100], [true]])('%p is no object of thresholds', (raw) => {
    expect(parseApprovalThresholds(raw)).toEqual({ problems: ['must be an object of currency: whole units'] });
  });

  test('whole units from 0 to 1 000 000 000; below, above, fractions and strings are refused', () => {
    expect(parseApprovalThresholds({ EUR: 1_000_000_000, USD: 0 })).toEqual({ thresholds: { EUR: 1_000_000_000, USD: 0 } });
    for (const v of [-1, 1_000_000_001, 0.5, '100', null]) {
      expect(parseApprovalThresholds({ EUR: v })).toEqual({ problems: ['EUR: must be a whole number from 0 to 1000000000'] });
    }
  });

  test('every problem is named, and one bad entry refuses the whole setting', () => {
    expect(parseApprovalThresholds('{"EUR":100,"eur":5,"GBP":-2}')).toEqual({
      problems: ['eur: not an ISO 4217 currency code', 'GBP: must be a whole number from 0 to 1000000000'],
    });
  });
});

describe('a pending grant', () => {
  test('keeps the narrowing to categories (the credit made on approval is narrowed the same)', () => {
    const p = pendingFor({ ...request, categories: ['SERVICES', 'PHYSICAL_GOODS'] });
    expect(p.categories).toEqual(
      decideGrant({ ...request, categories: ['SERVICES', 'PHYSICAL_GOODS'] }, NOW, 'x', DEFAULT_GRANT_POLICY).credit.categories,
    );
    expect(p.categories).toHaveLength(2);
    const approved = decideApprove(p, 'boss-1', NOW, 'pg-1', DEFAULT_GRANT_POLICY);
    expect(approved.credit.categories).toEqual(p.categories);
  });

  test('without issuer or reason code: none is invented, and anyone may approve', () => {
    const p = pendingFor(request);
    expect(Object.keys(p)).not.toContain('issuedBy');
    expect(Object.keys(p)).not.toContain('reasonCode');
    expect(Object.keys(p)).not.toContain('categories');
    const approved = decideApprove(p, 'boss-1', NOW, 'pg-1', DEFAULT_GRANT_POLICY);
    expect(approved.ledger.issuedBy).toBeUndefined();
    expect(approved.ledger.reasonCode).toBeUndefined();
    expect(Object.keys(eventForPendingGrant(p).detail)).not.toContain('issuedBy');
    expect(Object.keys(eventForDecision(approved.decision).detail)).not.toContain('issuedBy');
  });

  test('the deadline is timeoutHours after the request, to the millisecond', () => {
    expect(decideByFor(new Date('2026-03-01T10:00:00.001Z'), { thresholdsMajorUnits: {}, timeoutHours: 1 })).toEqual(
      new Date('2026-03-01T11:00:00.001Z'),
    );
    const p = pendingFor(request);
    const deadline = new Date(p.decideBy);
    expect(isPastDeadline(p, new Date(deadline.getTime() - 1))).toBe(false);
    expect(isPastDeadline(p, deadline)).toBe(true);
  });

  test('approvable until the last millisecond before the deadline', () => {
    const p = pendingFor(request);
    const last = new Date(Date.parse(p.decideBy) - 1);
    expect(decideApprove(p, 'boss-1', last, 'pg-1', DEFAULT_GRANT_POLICY).decision).toMatchObject({
      outcome: 'APPROVED',
      decidedAt: last.toISOString(),
    });
    expect(codeOf(() => decideApprove(p, 'boss-1', new Date(p.decideBy), 'pg-1', DEFAULT_GRANT_POLICY)).code).toBe('PENDING_GRANT_EXPIRED');
  });
});

describe('approving a pending grant whose customer was erased meanwhile', () => {
  const open = pendingFor({ ...request, reasonCode: 'DAMAGED_ORDER' as const, issuedBy: 'agent-7' });
  const { email: _e, locale: _l, reason: _r, ...terms } = open;
  const erased: ErasedPendingGrant = { ...terms, erasedAt: '2026-03-01T12:00:00.000Z' };
  const at = new Date('2026-03-02T10:00:00.000Z');

  test('makes the credit erased in turn: money terms and dates as for anyone, no address, locale or reason', () => {
    const approved = decideApprove(erased, 'boss-1', at, 'pg-1', DEFAULT_GRANT_POLICY);
    const direct = decideApprove(open, 'boss-1', at, 'pg-1', DEFAULT_GRANT_POLICY);
    expect(approved.credit).toEqual({
      creditId: 'pg-1',
      customerId: 'cust-1',
      complaintId: 'cmp-1',
      currency: 'EUR',
      amount: 15_000,
      remaining: 15_000,
      grantedAt: at.toISOString(),
      expiresAt: '2026-05-31T10:00:00.000Z',
      erasedAt: '2026-03-01T12:00:00.000Z',
    });
    expect(approved.remindAt).toEqual(direct.remindAt);
    expect(approved.remindAt).toEqual(new Date('2026-05-24T10:00:00.000Z'));
    expect(approved.decision).toEqual({ ...direct.decision, expiresAt: '2026-05-31T10:00:00.000Z' });
  });

  test('its ledger entry is the direct one without the reason (codes and issuer kept)', () => {
    const approved = decideApprove(erased, 'boss-1', at, 'pg-1', DEFAULT_GRANT_POLICY);
    const { reason: _reason, ...withoutReason } = decideApprove(open, 'boss-1', at, 'pg-1', DEFAULT_GRANT_POLICY).ledger;
    expect(approved.ledger).toEqual(withoutReason);
    expect(approved.ledger).toMatchObject({ kind: 'GRANTED', reasonCode: 'DAMAGED_ORDER', issuedBy: 'agent-7' });
    expect(JSON.stringify(approved)).not.toContain('kim@example.com');
    expect(JSON.stringify(approved)).not.toContain('parcel');
  });

  test('when the reminder would fall on the approval itself: no reminder, as for a direct grant', () => {
    const policy = { ...DEFAULT_GRANT_POLICY, reminderDaysBeforeExpiry: 90 };
    const approved = decideApprove(erased, 'boss-1', at, 'pg-1', policy);
    expect(Object.keys(approved)).not.toContain('remindAt');
    expect(Object.keys(decideApprove(open, 'boss-1', at, 'pg-1', policy))).not.toContain('remindAt');
  });

  test('maker-checker and the deadline hold for it too', () => {
    expect(codeOf(() => decideApprove(erased, 'agent-7', at, 'pg-1', DEFAULT_GRANT_POLICY)).code).toBe('APPROVER_IS_ISSUER');
    expect(codeOf(() => decideApprove(erased, 'boss-1', new Date(erased.decideBy), 'pg-1', DEFAULT_GRANT_POLICY)).code).toBe(
      'PENDING_GRANT_EXPIRED',
    );
  });
});

describe('decisions', () => {
  const p = pendingFor({ ...request, issuedBy: 'agent-7' });

  test('a decline without a reason code carries none, in the decision and in GrantDeclined', () => {
    const d = decideDecline(p, 'boss-1', NOW);
    expect(d).toEqual({
      pendingId: 'pg-1',
      complaintId: 'cmp-1',
      customerId: 'cust-1',
      currency: 'EUR',
      amount: 15_000,
      decidedAt: NOW.toISOString(),
      issuedBy: 'agent-7',
      outcome: 'DECLINED',
      reason: 'DECLINED',
      approverId: 'boss-1',
    });
    expect(Object.keys(d)).not.toContain('reasonCode');
    expect(Object.keys(eventForDecision(d).detail)).not.toContain('reasonCode');
  });

  test('a decline by the issuer is refused naming the pending grant', () => {
    expect(codeOf(() => decideDecline(p, 'agent-7', NOW))).toEqual({ code: 'APPROVER_IS_ISSUER', details: { pendingId: 'pg-1' } });
  });

  test('GrantApproved and GrantDeclined carry the decision in full', () => {
    const approved = decideApprove(p, 'boss-1', NOW, 'pg-1', DEFAULT_GRANT_POLICY).decision;
    expect(eventForDecision(approved).detail).toEqual({
      eventId: 'GRANT_APPROVED#pg-1',
      customerId: 'cust-1',
      occurredAt: NOW.toISOString(),
      pendingId: 'pg-1',
      complaintId: 'cmp-1',
      currency: 'EUR',
      amount: 15_000,
      issuedBy: 'agent-7',
      approverId: 'boss-1',
      creditId: 'pg-1',
      expiresAt: '2026-05-30T10:00:00.000Z',
    });
    expect(eventForDecision(decideDecline(p, 'boss-1', NOW, 'DUPLICATE')).detail).toEqual({
      eventId: 'GRANT_DECLINED#pg-1',
      customerId: 'cust-1',
      occurredAt: NOW.toISOString(),
      pendingId: 'pg-1',
      complaintId: 'cmp-1',
      currency: 'EUR',
      amount: 15_000,
      issuedBy: 'agent-7',
      reason: 'DECLINED',
      approverId: 'boss-1',
      reasonCode: 'DUPLICATE',
    });
    const later = new Date('2026-03-04T10:00:01.000Z');
    expect(eventForDecision(decideExpired(p, later)).detail).toEqual({
      eventId: 'GRANT_DECLINED#pg-1',
      customerId: 'cust-1',
      occurredAt: later.toISOString(),
      pendingId: 'pg-1',
      complaintId: 'cmp-1',
      currency: 'EUR',
      amount: 15_000,
      issuedBy: 'agent-7',
      reason: 'EXPIRED',
    });
  });
});
