/**
 * The approval rules (pure): which grants wait (thresholds per currency, in whole units, strictly above), how the
 * settings are read, the deadline, and the events of each step (ids and amounts only, no free text).
 */
import {
  decideApprove,
  decideDecline,
  decideExpired,
  needsApproval,
  parseApprovalThresholds,
  pendingGrant,
  type OpenPendingGrant,
} from '../../lambdas/domain/approval';
import { decideGrant, DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { DETAIL_TYPES, eventForDecision, eventForPendingGrant } from '../../lambdas/domain/events';
import { ApprovalRequest, parseContract } from '../../lambdas/contracts';
import { CreditError } from '../../lambdas/domain/errors';

const POLICY = { thresholdsMajorUnits: { EUR: 100, JPY: 10_000 }, timeoutHours: 72 };
const NOW = new Date('2026-03-01T10:00:00.000Z');

test.each([
  [10_000, 'EUR', false],
  [10_001, 'EUR', true],
  [10_000, 'JPY', false], // no minor units: 10 000 yen is the threshold itself
  [10_001, 'JPY', true],
  [99_999_999, 'USD', false], // no threshold for USD
])('%d %s needs approval: %s', (amount, currency, expected) => {
  expect(needsApproval(amount, currency, POLICY)).toBe(expected);
});

test('no thresholds (the default): nothing ever needs approval', () => {
  expect(needsApproval(Number.MAX_SAFE_INTEGER, 'EUR', { thresholdsMajorUnits: {}, timeoutHours: 72 })).toBe(false);
});

test('thresholds parse from an object or its JSON; each problem is named', () => {
  expect(parseApprovalThresholds(undefined)).toEqual({ thresholds: {} });
  expect(parseApprovalThresholds('{"EUR":100}')).toEqual({ thresholds: { EUR: 100 } });
  expect(parseApprovalThresholds({ EUR: 0 })).toEqual({ thresholds: { EUR: 0 } });
  expect(parseApprovalThresholds({ XXY: 1, EUR: 1.5 })).toEqual({
    problems: ['XXY: not an ISO 4217 currency code', 'EUR: must be a whole number from 0 to 1000000000'],
  });
  expect(parseApprovalThresholds('{')).toEqual({ problems: ['not valid JSON'] });
});

describe('a pending grant and its events', () => {
  const request = {
    complaintId: 'cmp-1',
    customerId: 'cust-1',
    email: 'Kim@Example.com',
    locale: 'de-DE',
    amount: 15_000,
    currency: 'EUR',
    validityDays: 90,
    reason: 'Paket kaputt, Frau Kim sehr verärgert',
    reasonCode: 'DAMAGED_ORDER' as const,
    issuedBy: 'agent-7',
  };
  const p = pendingGrant(request, decideGrant(request, NOW, 'pg-1', DEFAULT_GRANT_POLICY).credit, 'pg-1', NOW, POLICY) as OpenPendingGrant;

  test('keeps the checked request and a deadline timeoutHours on', () => {
    expect(p).toMatchObject({ pendingId: 'pg-1', requestedAt: NOW.toISOString(), decideBy: '2026-03-04T10:00:00.000Z', locale: 'de-DE' });
  });

  test('GrantPendingApproval, GrantApproved, GrantDeclined: ids, amounts, codes; never the address or the reason', () => {
    const events = [
      eventForPendingGrant(p),
      eventForDecision(decideApprove(p, 'boss-1', NOW, 'pg-1', DEFAULT_GRANT_POLICY).decision),
      eventForDecision(decideDecline(p, 'boss-1', NOW, 'SUSPECTED_FRAUD')),
      eventForDecision(decideExpired(p, NOW)),
    ];
    expect(events.map((e) => [e.detailType, e.detail.eventId])).toEqual([
      [DETAIL_TYPES.GRANT_PENDING, 'GRANT_PENDING#pg-1'],
      [DETAIL_TYPES.GRANT_APPROVED, 'GRANT_APPROVED#pg-1'],
      [DETAIL_TYPES.GRANT_DECLINED, 'GRANT_DECLINED#pg-1'],
      [DETAIL_TYPES.GRANT_DECLINED, 'GRANT_DECLINED#pg-1'],
    ]);
    expect(events[0]!.detail).toEqual({
      eventId: 'GRANT_PENDING#pg-1',
      customerId: 'cust-1',
      occurredAt: NOW.toISOString(),
      pendingId: 'pg-1',
      complaintId: 'cmp-1',
      currency: 'EUR',
      amount: 15_000,
      decideBy: '2026-03-04T10:00:00.000Z',
      reasonCode: 'DAMAGED_ORDER',
      issuedBy: 'agent-7',
    });
    expect(events[2]!.detail).toMatchObject({ reason: 'DECLINED', reasonCode: 'SUSPECTED_FRAUD', approverId: 'boss-1' });
    expect(events[3]!.detail).toMatchObject({ reason: 'EXPIRED' });
    expect(events[3]!.detail.approverId).toBeUndefined();
    const text = JSON.stringify(events).toLowerCase();
    expect(text).not.toContain('kim@example.com');
    expect(text).not.toContain('paket');
  });
});

describe('the approval contract', () => {
  const issues = (input: unknown) => {
    try {
      parseContract(ApprovalRequest, input);
    } catch (e) {
      expect(e).toBeInstanceOf(CreditError);
      return ((e as CreditError).details as { issues: Array<{ path: string; problem: string }> }).issues.map(
        (i) => `${i.path}: ${i.problem}`,
      );
    }
    return [];
  };
  const ref = { customerId: 'c-1', approverId: 'boss' };

  test('approve and decline name the pending grant by exactly one of pendingId and complaintId', () => {
    expect(parseContract(ApprovalRequest, { operation: 'approve', ...ref, pendingId: 'p-1' })).toEqual({
      operation: 'approve',
      ...ref,
      pendingId: 'p-1',
    });
    expect(parseContract(ApprovalRequest, { operation: 'decline', ...ref, complaintId: 'cmp-1', reasonCode: 'DUPLICATE' })).toMatchObject({
      reasonCode: 'DUPLICATE',
    });
    expect(issues({ operation: 'approve', ...ref })).toEqual(['(root): exactly one of pendingId and complaintId is required']);
    expect(issues({ operation: 'decline', ...ref, pendingId: 'p', complaintId: 'c' })).toEqual([
      '(root): exactly one of pendingId and complaintId is required',
    ]);
  });

  test('refused: no approver, a free-text reason, an unknown reason code or field, an unknown operation', () => {
    expect(issues({ operation: 'approve', customerId: 'c-1', pendingId: 'p' }).join()).toContain('approverId');
    expect(issues({ operation: 'decline', ...ref, pendingId: 'p', reason: 'too much' }).join()).toContain('Unrecognized key: "reason"');
    expect(issues({ operation: 'decline', ...ref, pendingId: 'p', reasonCode: 'EXPIRED' }).join()).toContain('reasonCode');
    expect(issues({ operation: 'approve', ...ref, pendingId: 'p', reasonCode: 'OTHER' }).join()).toContain(
      'Unrecognized key: "reasonCode"',
    );
    expect(issues({ operation: 'pending', customerId: 'c-1', approverId: 'boss' }).join()).toContain('Unrecognized key: "approverId"');
    expect(issues({ operation: 'list', customerId: 'c-1' })).not.toEqual([]);
  });
});
