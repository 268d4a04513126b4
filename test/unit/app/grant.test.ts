/**
 * Grant on the in-memory fake store: what the complaint service sees for a first grant, a redelivery, the same
 * complaint with different money terms (GRANT_CONFLICT, decided by the stored request hash against this request's),
 * and conflicts on the usage counters.
 */
import { grantCredit, type GrantDeps } from '../../../lambdas/app/grant';
import { DEFAULT_CAP_POLICY } from '../../../lambdas/domain/caps';
import { DEFAULT_GRANT_POLICY } from '../../../lambdas/domain/credit';
import { CONFLICT_RETRY } from '../../../lambdas/shared/retry';
import { FakeStore, fixedClock, sequentialIds } from './fakes';
import { creditErrorOf as errorOf } from '../../support/credit-errors';
import { complaintDetail } from '../../support/complaints';

const NOW = '2026-03-01T10:00:00.000Z';
const detail = complaintDetail();

function setup() {
  const store = new FakeStore();
  const deps: GrantDeps = {
    store,
    clock: fixedClock(NOW),
    policy: DEFAULT_GRANT_POLICY,
    caps: DEFAULT_CAP_POLICY,
    newId: sequentialIds('cr'),
  };
  return { store, deps };
}

describe('grantCredit', () => {
  it('grants: the answer names the new credit and its expiry; credit, entry and reminder are stored', async () => {
    const { store, deps } = setup();
    expect(await grantCredit(detail, deps)).toEqual({
      outcome: 'GRANTED',
      creditId: 'cr-1',
      customerId: 'cust-1',
      expiresAt: '2026-05-30T10:00:00.000Z',
    });
    expect(store.credits.get('cr-1')).toMatchObject({ amount: 4000, remaining: 4000, complaintId: 'cmp-1' });
    expect(store.ledger.get('cust-1#cr-1')).toMatchObject({ kind: 'GRANTED', amount: 4000 });
    expect(store.reminders.get('cr-1')).toEqual(new Date('2026-05-23T10:00:00.000Z'));
  });

  it('a redelivery with the same terms answers DUPLICATE with the first credit, and grants nothing more', async () => {
    const { store, deps } = setup();
    await grantCredit(detail, deps);
    expect(await grantCredit(detail, deps)).toEqual({ outcome: 'DUPLICATE', creditId: 'cr-1', customerId: 'cust-1' });
    expect(store.credits.size).toBe(1);
    // The email and reason are not money terms: a redelivery that differs only there is still the same grant.
    expect((await grantCredit({ ...detail, reason: 'other words', email: 'x@example.com' }, deps)).outcome).toBe('DUPLICATE');
  });

  it.each([
    ['customerId', { customerId: 'cust-2' }],
    ['amount', { amount: 4001 }],
    ['currency', { currency: 'USD' }],
    ['validityDays', { validityDays: 91 }],
  ])('the same complaint with another %s is GRANT_CONFLICT naming the existing credit', async (_f, change) => {
    const { store, deps } = setup();
    await grantCredit(detail, deps);
    expect(await errorOf(grantCredit({ ...detail, ...change }, deps))).toEqual({
      code: 'GRANT_CONFLICT',
      message: 'complaint cmp-1 was already compensated with different terms',
      details: { complaintId: 'cmp-1', existingCreditId: 'cr-1' },
    });
    expect(store.credits.size).toBe(1);
  });

  it('a complaint refused before and redelivered with other terms is GRANT_CONFLICT naming the cap', async () => {
    const { store, deps } = setup();
    const tight = { ...deps, caps: { ...DEFAULT_CAP_POLICY, customerAmount30dMajorUnits: 30 } };
    const refused = {
      outcome: 'REFUSED',
      customerId: 'cust-1',
      complaintId: 'cmp-1',
      code: 'GRANT_CAP_EXCEEDED',
      cap: 'CUSTOMER_AMOUNT_30D',
      limit: 3000,
    };
    expect(await grantCredit(detail, tight)).toEqual(refused);
    // Redelivered with the same terms: the same refusal again.
    expect(await grantCredit(detail, deps)).toEqual(refused);
    expect(await errorOf(grantCredit({ ...detail, amount: 2000 }, deps))).toEqual({
      code: 'GRANT_CONFLICT',
      message: 'complaint cmp-1 was already refused with different terms',
      details: { complaintId: 'cmp-1', refusedBy: 'CUSTOMER_AMOUNT_30D' },
    });
    expect(store.credits.size).toBe(0);
    // The refusal as recorded (and published as GrantRefused): no issuer key when the complaint named none.
    expect(store.complaints.get('cmp-1')).toEqual({
      kind: 'refused',
      requestHash: expect.any(String),
      refusal: {
        complaintId: 'cmp-1',
        customerId: 'cust-1',
        currency: 'EUR',
        amount: 4000,
        cap: 'CUSTOMER_AMOUNT_30D',
        limit: 3000,
        used: 0,
        refusedAt: NOW,
      },
    });
  });

  it('an issuer refused names the issuer on the refusal', async () => {
    const { store, deps } = setup();
    const tight = { ...deps, caps: { ...DEFAULT_CAP_POLICY, issuerAmountPerDayMajorUnits: 30 } };
    expect(await grantCredit({ ...detail, issuedBy: 'agent-7' }, tight)).toMatchObject({ outcome: 'REFUSED', cap: 'ISSUER_AMOUNT_1D' });
    expect(store.complaints.get('cmp-1')).toMatchObject({ kind: 'refused', refusal: { issuedBy: 'agent-7' } });
  });

  it("an issuer's second grant of the day is counted on top of the first (written at the version read)", async () => {
    const { store, deps } = setup();
    await grantCredit({ ...detail, issuedBy: 'agent-7' }, deps);
    expect(
      await grantCredit({ ...detail, complaintId: 'cmp-2', customerId: 'cust-2', amount: 1000, issuedBy: 'agent-7' }, deps),
    ).toMatchObject({
      outcome: 'GRANTED',
    });
    expect(store.issuerUsage.get('agent-7#2026-03-01')).toEqual({
      value: { day: '2026-03-01', count: 2, amounts: { EUR: 5000 } },
      version: 2,
    });
    expect(store.calls).toEqual(['grant', 'grant']);
  });

  it('a duplicate with no readable record still answers DUPLICATE (never a second credit)', async () => {
    const { store, deps } = setup();
    store.script.push({ kind: 'duplicate', existing: undefined });
    expect(await grantCredit(detail, deps)).toEqual({ outcome: 'DUPLICATE', creditId: 'unknown', customerId: 'cust-1' });
    expect(store.credits.size).toBe(0);
  });

  it('retries a usage conflict with a fresh read and a new id, then grants', async () => {
    const { store, deps } = setup();
    store.script.push({ kind: 'conflict', stale: true });
    expect(await grantCredit(detail, deps)).toMatchObject({ outcome: 'GRANTED', creditId: 'cr-2' });
    expect(store.calls).toEqual(['grant', 'grant']);
  });

  it('gives up with CONCURRENT_MODIFICATION after the policy attempts (retried by the event source)', async () => {
    const { store, deps } = setup();
    for (let i = 0; i < 20; i++) store.script.push({ kind: 'conflict', stale: true });
    expect(await errorOf(grantCredit(detail, { ...deps, retry: CONFLICT_RETRY }))).toMatchObject({
      code: 'CONCURRENT_MODIFICATION',
      message: 'grant for complaint cmp-1 kept conflicting; will be retried',
    });
    expect(store.calls).toHaveLength(CONFLICT_RETRY.attempts);
    expect(store.credits.size).toBe(0);
  });

  it("contended, it queues like a spend: after a conflict it takes a ticket in the customer's queue and its commit counts the turn finished", async () => {
    const { store, deps } = setup();
    for (let i = 0; i < 20; i++) store.script.push({ kind: 'conflict', stale: true });
    expect(await grantCredit(detail, deps)).toMatchObject({ outcome: 'GRANTED' });
    expect(store.calls.filter((c) => c === 'grant')).toHaveLength(21);
    expect(store.queue.calls[0]).toBe('takeTicket');
    expect(store.queue.state('cust-1')).toEqual({ issued: 1, serving: 1 });
  });
});
