/**
 * Every event the domain builds (lambdas/domain/events.ts) keeps its schema (schemas/events/, Ajv): one of each
 * detail-type, with and without its optional fields. The integration tests check the events actually published.
 */
import {
  eventForDecision,
  eventForLedgerEntry,
  eventForPendingGrant,
  eventForRefusal,
  eventForReminder,
  DETAIL_TYPES,
  EVENT_SOURCE,
  type OutgoingEvent,
} from '../../lambdas/domain/events';
import type { LedgerEntry } from '../../lambdas/domain/ledger';
import type { PendingGrant } from '../../lambdas/domain/approval';
import { ContractSchemas } from '../support/contract-schemas';

const at = '2026-03-01T10:00:00.000Z';
const expiresAt = '2026-05-30T10:00:00.000Z';
const base = { customerId: 'cust-42', currency: 'EUR', at };
const allocations = [{ creditId: 'cr-1', amount: 1200, expiresAt }];
const move = { orderId: 'order-7', allocations };

const entries: LedgerEntry[] = [
  { ...base, entryId: 'e1', kind: 'GRANTED', amount: 2500, creditId: 'cr-1', complaintId: 'C-1', reason: 'Lieferung verspätet', expiresAt },
  {
    ...base,
    entryId: 'e2',
    kind: 'GRANTED',
    amount: 2500,
    creditId: 'cr-2',
    complaintId: 'C-2',
    reasonCode: 'LATE_DELIVERY',
    issuedBy: 'agent-7',
    expiresAt,
  },
  { ...base, entryId: 'e3', kind: 'REDEEMED', amount: 1200, ...move, status: 'APPLIED' },
  { ...base, entryId: 'e4', kind: 'REVERSED', amount: 1200, redemptionId: 'e3', ...move, lapsed: 0 },
  { ...base, entryId: 'e5', kind: 'EXPIRED', amount: 1300, creditId: 'cr-1', expiresAt },
  { ...base, entryId: 'e6', kind: 'VOIDED', amount: 0, creditId: 'cr-1', reason: 'made in error' },
  { ...base, entryId: 'e7', kind: 'HELD', amount: 1200, ...move, holdExpiresAt: expiresAt },
  { ...base, entryId: 'e8', kind: 'CAPTURED', amount: 1200, holdId: 'e7', ...move, final: true },
  { ...base, entryId: 'e9', kind: 'RELEASED', amount: 0, holdId: 'e7', ...move, allocations: [], reason: 'EXPIRED', lapsed: 0 },
  { ...base, entryId: 'e10', kind: 'REFUNDED', amount: 300, ...move, lapsed: 100, refundOf: 'CAPTURE', captureId: 'e8' },
  { ...base, entryId: 'e11', kind: 'REFUNDED', amount: 300, ...move, lapsed: 0, refundOf: 'REDEMPTION', redemptionId: 'e3' },
];

const pending: PendingGrant = {
  pendingId: 'p-1',
  complaintId: 'C-3',
  customerId: 'cust-42',
  currency: 'EUR',
  amount: 90000,
  validityDays: 90,
  requestedAt: at,
  decideBy: expiresAt,
  reasonCode: 'DAMAGED_ORDER',
  issuedBy: 'agent-7',
  email: 'kim@example.com',
  locale: 'de-DE',
  reason: 'Paket beschädigt',
};
const decided = { pendingId: 'p-1', complaintId: 'C-3', customerId: 'cust-42', currency: 'EUR', amount: 90000, decidedAt: at };

const events: OutgoingEvent[] = [
  ...entries.map(eventForLedgerEntry),
  eventForReminder({ customerId: 'cust-42', creditId: 'cr-1', currency: 'EUR', remaining: 700, expiresAt, sentAt: at }),
  eventForRefusal({
    complaintId: 'C-4',
    customerId: 'cust-42',
    currency: 'EUR',
    amount: 5000,
    cap: 'CUSTOMER_AMOUNT_30D',
    limit: 10000,
    used: 8000,
    refusedAt: at,
  }),
  eventForPendingGrant(pending),
  eventForDecision({ ...decided, outcome: 'APPROVED', approverId: 'boss-1', creditId: 'cr-9', expiresAt }),
  eventForDecision({
    ...decided,
    issuedBy: 'agent-7',
    outcome: 'DECLINED',
    reason: 'DECLINED',
    approverId: 'boss-1',
    reasonCode: 'DUPLICATE',
  }),
  eventForDecision({ ...decided, outcome: 'DECLINED', reason: 'EXPIRED' }),
];

/** The event as EventBridge delivers it. */
const envelope = (e: OutgoingEvent) => ({
  version: '0',
  id: 'a1b2c3',
  'detail-type': e.detailType,
  source: EVENT_SOURCE,
  account: '000000000000',
  time: '2026-03-01T10:00:01Z',
  region: 'eu-central-1',
  resources: [],
  detail: e.detail,
});

const schemas = new ContractSchemas();

it('covers every detail-type', () => {
  expect(new Set(events.map((e) => e.detailType))).toEqual(new Set(Object.values(DETAIL_TYPES)));
});

it.each(events.map((e) => [e.detailType, e] as const))('%s keeps its schema', (_, e) => {
  expect(schemas.event(envelope(e))).toEqual([]);
});

it('a detail with a field renamed, or from another source, does not', () => {
  const granted = envelope(events[0]!);
  const { creditId, ...rest } = granted.detail as Record<string, unknown>;
  const renamed = { ...granted, detail: { ...rest, creditID: creditId } };
  const elsewhere = { ...granted, source: 'someone.else' };
  expect(schemas.event(renamed)).toEqual(expect.arrayContaining([expect.stringContaining("must have required property 'creditId'")]));
  expect(schemas.event(elsewhere)).toEqual([expect.stringContaining('/source must be equal to one of the allowed values')]);
});
