/**
 * Approval above a threshold on the in-memory fakes (fake clock): a grant above the threshold waits as a pending
 * grant (no credit, counted against the caps), approve makes the credit as a direct grant would, decline and the
 * auto-decline end it and give the cap room back; maker-checker, deadline, idempotency and racing decisions.
 */
import { approveGrant, declineGrant, expirePendingGrant, listPendingGrants } from '../../../lambdas/app/approval';
import { grantOrRequestApproval } from '../../../lambdas/app/grant';
import { ABOVE_THRESHOLD, approve, decline, NOW, setupApproval } from './approval-setup';
import { codeAndDetailsOf as errorOf } from '../../support/credit-errors';

const detail = ABOVE_THRESHOLD;
const setup = () => setupApproval();
const HOUR = 3_600_000;

describe('grant above the threshold', () => {
  it('waits as a pending grant: no credit, no reminder, a deadline 72 h on, and it counts against the caps', async () => {
    const { store, grantDeps } = setup();
    expect(await grantOrRequestApproval(detail, grantDeps)).toEqual({
      outcome: 'PENDING_APPROVAL',
      pendingId: 'pg-1',
      customerId: 'cust-1',
      decideBy: '2026-03-04T10:00:00.000Z',
      replayed: false,
    });
    expect(store.credits.size).toBe(0);
    expect(store.ledger.size).toBe(0);
    expect(store.reminders.size).toBe(0);
    expect(store.pending.get('pg-1')).toMatchObject({ amount: 15_000, validityDays: 90, issuedBy: 'agent-7', email: 'kim@example.com' });
    expect(store.usage.get('cust-1')!.value).toEqual([{ day: '2026-03-01', count: 1, amounts: { EUR: 15_000 } }]);
    expect(store.issuerUsage.get('agent-7#2026-03-01')!.value).toEqual({ day: '2026-03-01', count: 1, amounts: { EUR: 15_000 } });
  });

  it('at the threshold (equal) or in a currency without one, the credit is granted at once', async () => {
    const { store, grantDeps } = setup();
    expect((await grantOrRequestApproval({ ...detail, amount: 10_000 }, grantDeps)).outcome).toBe('GRANTED');
    expect((await grantOrRequestApproval({ ...detail, complaintId: 'cmp-2', currency: 'USD' }, grantDeps)).outcome).toBe('GRANTED');
    expect(store.pending.size).toBe(0);
    expect(store.credits.size).toBe(2);
  });

  it('a redelivery finds the pending grant; the same complaint with other terms is GRANT_CONFLICT naming it', async () => {
    const { store, grantDeps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    expect(await grantOrRequestApproval(detail, grantDeps)).toEqual({
      outcome: 'PENDING_APPROVAL',
      pendingId: 'pg-1',
      customerId: 'cust-1',
      replayed: true,
    });
    expect(await errorOf(grantOrRequestApproval({ ...detail, amount: 15_001 }, grantDeps))).toEqual({
      code: 'GRANT_CONFLICT',
      details: { complaintId: 'cmp-1', pendingId: 'pg-1' },
    });
    expect(store.pending.size).toBe(1);
  });
});

describe('approve', () => {
  it('makes the credit as a direct grant would (id of the pending grant, validity from the approval), and a redelivery is its DUPLICATE', async () => {
    const { store, clock, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    clock.set('2026-03-02T10:00:00.000Z');
    expect(await approveGrant(approve(), deps)).toEqual({
      decision: 'APPROVED',
      pendingId: 'pg-1',
      customerId: 'cust-1',
      complaintId: 'cmp-1',
      creditId: 'pg-1',
      expiresAt: '2026-05-31T10:00:00.000Z',
      decidedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(store.credits.get('pg-1')).toMatchObject({
      amount: 15_000,
      remaining: 15_000,
      email: 'kim@example.com',
      grantedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(store.ledger.get('cust-1#pg-1')).toMatchObject({
      kind: 'GRANTED',
      amount: 15_000,
      reasonCode: 'LATE_DELIVERY',
      issuedBy: 'agent-7',
    });
    expect(store.reminders.get('pg-1')).toEqual(new Date('2026-05-24T10:00:00.000Z'));
    expect(store.pending.size).toBe(0);
    expect(store.decisions.get('pg-1')).toMatchObject({ outcome: 'APPROVED', approverId: 'boss-1' });
    // Approval does not count the grant again.
    expect(store.usage.get('cust-1')!.value).toEqual([{ day: '2026-03-01', count: 1, amounts: { EUR: 15_000 } }]);
    expect(await grantOrRequestApproval(detail, grantDeps)).toEqual({ outcome: 'DUPLICATE', creditId: 'pg-1', customerId: 'cust-1' });
  });

  it('by the complaint id as well', async () => {
    const { grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    expect(await approveGrant(approve({ pendingId: undefined, complaintId: 'cmp-1' }), deps)).toMatchObject({
      decision: 'APPROVED',
      creditId: 'pg-1',
    });
  });

  it('refused when the approver is the issuer (maker-checker): nothing written', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    expect(await errorOf(approveGrant(approve({ approverId: 'agent-7' }), deps))).toEqual({
      code: 'APPROVER_IS_ISSUER',
      details: { pendingId: 'pg-1' },
    });
    expect(await errorOf(declineGrant(decline({ approverId: 'agent-7' }), deps))).toEqual({
      code: 'APPROVER_IS_ISSUER',
      details: { pendingId: 'pg-1' },
    });
    expect(store.credits.size + store.decisions.size).toBe(0);
    expect(store.pending.size).toBe(1);
  });

  it('refused when decided before, with the decision', async () => {
    const { grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    await approveGrant(approve(), deps);
    expect(await errorOf(approveGrant(approve({ approverId: 'boss-2' }), deps))).toEqual({
      code: 'GRANT_ALREADY_DECIDED',
      details: {
        pendingId: 'pg-1',
        decision: {
          decision: 'APPROVED',
          pendingId: 'pg-1',
          customerId: 'cust-1',
          complaintId: 'cmp-1',
          creditId: 'pg-1',
          expiresAt: '2026-05-30T10:00:00.000Z',
          decidedAt: NOW,
        },
      },
    });
    expect((await errorOf(declineGrant(decline(), deps))).code).toBe('GRANT_ALREADY_DECIDED');
  });

  it('unknown: another id, another customer, a complaint granted directly', async () => {
    const { grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    await grantOrRequestApproval({ ...detail, complaintId: 'cmp-small', amount: 500 }, grantDeps);
    for (const ref of [
      { pendingId: 'pg-9' },
      { customerId: 'cust-2' },
      { pendingId: undefined, complaintId: 'cmp-small' },
      { pendingId: undefined, complaintId: 'cmp-none' },
    ]) {
      expect((await errorOf(approveGrant(approve(ref), deps))).code).toBe('PENDING_GRANT_NOT_FOUND');
    }
  });

  it('refused once the deadline has passed (PENDING_GRANT_EXPIRED); a decline still ends it', async () => {
    const { store, clock, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    clock.set(new Date(Date.parse(NOW) + 72 * HOUR));
    expect(await errorOf(approveGrant(approve(), deps))).toEqual({
      code: 'PENDING_GRANT_EXPIRED',
      details: { pendingId: 'pg-1', decideBy: '2026-03-04T10:00:00.000Z' },
    });
    expect(store.credits.size).toBe(0);
    expect((await declineGrant(decline(), deps)).decision).toBe('DECLINED');
  });
});

describe('decline and auto-decline', () => {
  it('decline: no credit, the pending grant gone, its cap room given back; again: the same answer, replayed', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    const first = await declineGrant(decline({ reasonCode: 'AMOUNT_TOO_HIGH' }), deps);
    expect(first).toEqual({
      decision: 'DECLINED',
      pendingId: 'pg-1',
      customerId: 'cust-1',
      complaintId: 'cmp-1',
      reason: 'DECLINED',
      decidedAt: NOW,
      replayed: false,
    });
    expect(store.decisions.get('pg-1')).toMatchObject({
      outcome: 'DECLINED',
      reason: 'DECLINED',
      reasonCode: 'AMOUNT_TOO_HIGH',
      approverId: 'boss-1',
    });
    expect(store.credits.size).toBe(0);
    expect(store.pending.size).toBe(0);
    expect(store.usage.get('cust-1')!.value).toEqual([{ day: '2026-03-01', count: 0, amounts: { EUR: 0 } }]);
    expect(store.issuerUsage.get('agent-7#2026-03-01')!.value).toEqual({ day: '2026-03-01', count: 0, amounts: { EUR: 0 } });
    expect(await declineGrant(decline({ approverId: 'boss-2' }), deps)).toEqual({ ...first, replayed: true });
    expect((await errorOf(approveGrant(approve(), deps))).code).toBe('GRANT_ALREADY_DECIDED');
  });

  it('auto-decline of a pending grant TTL removed: declined EXPIRED once, room given back; a redelivery changes nothing', async () => {
    const { store, clock, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    const removed = store.pending.get('pg-1')!;
    store.pending.delete('pg-1'); // what TTL did
    clock.set('2026-03-04T10:00:05.000Z');
    expect(await expirePendingGrant(removed, deps)).toBe('DECLINED');
    expect(store.decisions.get('pg-1')).toEqual({
      outcome: 'DECLINED',
      reason: 'EXPIRED',
      pendingId: 'pg-1',
      complaintId: 'cmp-1',
      customerId: 'cust-1',
      currency: 'EUR',
      amount: 15_000,
      issuedBy: 'agent-7',
      decidedAt: '2026-03-04T10:00:05.000Z',
    });
    expect(store.usage.get('cust-1')!.value).toEqual([{ day: '2026-03-01', count: 0, amounts: { EUR: 0 } }]);
    const version = store.usage.get('cust-1')!.version;
    expect(await expirePendingGrant(removed, deps)).toBe('ALREADY_DECIDED');
    expect(store.usage.get('cust-1')!.version).toBe(version);
    expect((await errorOf(approveGrant(approve(), deps))).code).toBe('GRANT_ALREADY_DECIDED');
  });

  it('approve and decline racing: exactly one decision commits, the other is told GRANT_ALREADY_DECIDED', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    // The decline reads the pending grant, then the approval commits before the decline does.
    let raced = false;
    store.beforeDecision = async () => {
      if (raced) return;
      raced = true;
      store.beforeDecision = undefined;
      await approveGrant(approve(), deps);
    };
    expect(await errorOf(declineGrant(decline({ approverId: 'boss-2' }), deps))).toMatchObject({ code: 'GRANT_ALREADY_DECIDED' });
    expect(store.decisions.get('pg-1')).toMatchObject({ outcome: 'APPROVED' });
    expect(store.credits.size).toBe(1);
    // The usage stays counted: the approved grant is a credit.
    expect(store.usage.get('cust-1')!.value[0]).toMatchObject({ count: 1 });
  });

  it("lists a customer's pending grants: ids, amounts, deadlines (no address, no free text)", async () => {
    const { store, grantDeps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    const listed = await listPendingGrants('cust-1', store);
    expect(listed).toEqual({
      customerId: 'cust-1',
      pending: [
        {
          pendingId: 'pg-1',
          complaintId: 'cmp-1',
          currency: 'EUR',
          amount: 15_000,
          validityDays: 90,
          requestedAt: NOW,
          decideBy: '2026-03-04T10:00:00.000Z',
          reasonCode: 'LATE_DELIVERY',
          issuedBy: 'agent-7',
        },
      ],
    });
    expect(JSON.stringify(listed)).not.toContain('kim@example.com');
    expect(JSON.stringify(listed)).not.toContain('late"');
  });
});
