/**
 * The approval use cases beyond the happy path (in-memory fakes, fixed clock): which errors name what, how a
 * complaint id finds (or does not find) a pending grant, declines after other ends, commits that lose a race on the
 * usage counters and are retried, giving up after the retry budget, cap room given back on the day of the request,
 * and a pending list without issuer or reason code.
 */
import { approveGrant, declineGrant, expirePendingGrant, listPendingGrants } from '../../../lambdas/app/approval';
import { grantOrRequestApproval } from '../../../lambdas/app/grant';
import type { ComplaintResolvedDetail } from '../../../lambdas/contracts';
import { DEFAULT_CAP_POLICY } from '../../../lambdas/domain/caps';
import { ABOVE_THRESHOLD, approve, decline, NOW, setupApproval, NO_PAUSE } from './approval-setup';
import { codeAndDetailsOf as errorOf } from '../../support/credit-errors';

const detail = ABOVE_THRESHOLD;
const setup = () => setupApproval(NO_PAUSE);
const small = (complaintId: string, over: Partial<ComplaintResolvedDetail> = {}): ComplaintResolvedDetail => ({
  ...detail,
  complaintId,
  amount: 500,
  ...over,
});

const byComplaint = (complaintId: string, over: Record<string, unknown> = {}) => ({ pendingId: undefined, complaintId, ...over });

describe('finding the pending grant', () => {
  it('PENDING_GRANT_NOT_FOUND names what was asked for: the pending id, or the complaint id', async () => {
    const { grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    expect(await errorOf(approveGrant(approve({ pendingId: 'pg-9' }), deps))).toEqual({
      code: 'PENDING_GRANT_NOT_FOUND',
      details: { pendingId: 'pg-9' },
    });
    expect(await errorOf(declineGrant(decline(byComplaint('cmp-9')), deps))).toEqual({
      code: 'PENDING_GRANT_NOT_FOUND',
      details: { complaintId: 'cmp-9' },
    });
  });

  it("another customer's complaint id finds nothing, waiting or approved; nothing is decided", async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    expect((await errorOf(approveGrant(approve(byComplaint('cmp-1', { customerId: 'cust-2' })), deps))).code).toBe(
      'PENDING_GRANT_NOT_FOUND',
    );
    expect((await errorOf(declineGrant(decline(byComplaint('cmp-1', { customerId: 'cust-2' })), deps))).code).toBe(
      'PENDING_GRANT_NOT_FOUND',
    );
    expect(store.decisions.size).toBe(0);
    await approveGrant(approve(), deps);
    expect((await errorOf(declineGrant(decline(byComplaint('cmp-1', { customerId: 'cust-2' })), deps))).code).toBe(
      'PENDING_GRANT_NOT_FOUND',
    );
  });

  it('by complaint id after the approval: the approval is found (GRANT_ALREADY_DECIDED), not "not found"', async () => {
    const { grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    await approveGrant(approve(), deps);
    expect(await errorOf(declineGrant(decline(byComplaint('cmp-1')), deps))).toMatchObject({
      code: 'GRANT_ALREADY_DECIDED',
      details: { pendingId: 'pg-1', decision: { decision: 'APPROVED', creditId: 'pg-1' } },
    });
  });

  it('a pending grant whose complaint key no longer points at it is not approved', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    // The complaint's key names another pending grant (e.g. a left-over item of an earlier attempt).
    const key = store.complaints.get('cmp-1')!;
    if (key.kind !== 'pending') throw new Error('expected a pending key');
    store.complaints.set('cmp-1', { ...key, key: { ...key.key, pendingId: 'pg-other' } });
    expect(await errorOf(approveGrant(approve(), deps))).toEqual({ code: 'PENDING_GRANT_NOT_FOUND', details: { pendingId: 'pg-1' } });
    store.complaints.delete('cmp-1');
    expect((await errorOf(approveGrant(approve(), deps))).code).toBe('PENDING_GRANT_NOT_FOUND');
    expect(store.credits.size + store.decisions.size).toBe(0);
  });
});

describe('after another end', () => {
  it('approving a declined grant is refused with the decline (no "replayed" in it)', async () => {
    const { grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    await declineGrant(decline(), deps);
    expect(await errorOf(approveGrant(approve({ approverId: 'boss-2' }), deps))).toEqual({
      code: 'GRANT_ALREADY_DECIDED',
      details: {
        pendingId: 'pg-1',
        decision: {
          decision: 'DECLINED',
          pendingId: 'pg-1',
          customerId: 'cust-1',
          complaintId: 'cmp-1',
          reason: 'DECLINED',
          decidedAt: NOW,
        },
      },
    });
  });

  it('declining a grant that expired undecided is refused with the expiry (not answered as a decline)', async () => {
    const { store, clock, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    const removed = store.pending.get('pg-1')!;
    store.pending.delete('pg-1');
    clock.set('2026-03-04T10:00:01.000Z');
    await expirePendingGrant(removed, deps);
    expect(await errorOf(declineGrant(decline(), deps))).toMatchObject({
      code: 'GRANT_ALREADY_DECIDED',
      details: { decision: { decision: 'DECLINED', reason: 'EXPIRED', decidedAt: '2026-03-04T10:00:01.000Z' } },
    });
  });
});

describe('two approvals at once', () => {
  it('the loser, whose first read saw the grant waiting, is told GRANT_ALREADY_DECIDED with the winning approval', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    // The winner commits between the loser's read of the pending grant and its read of the complaint key.
    const readKey = store.getComplaintOutcome.bind(store);
    let raced = false;
    store.getComplaintOutcome = async (complaintId) => {
      if (!raced) {
        raced = true;
        expect(await approveGrant(approve({ approverId: 'boss-2' }), deps)).toMatchObject({ decision: 'APPROVED' });
      }
      return readKey(complaintId);
    };
    expect(await errorOf(approveGrant(approve(), deps))).toMatchObject({
      code: 'GRANT_ALREADY_DECIDED',
      details: { pendingId: 'pg-1', decision: { decision: 'APPROVED', creditId: 'pg-1' } },
    });
    expect(store.credits.size).toBe(1);
  });
});

describe('maker ≠ checker compares actors, not spellings', () => {
  it.each(['Agent-7', 'AGENT-7', ' agent-7 '])(
    'issued by agent-7, approved by %p: APPROVER_IS_ISSUER, nothing decided',
    async (approverId) => {
      const { store, grantDeps, deps } = setup();
      await grantOrRequestApproval(detail, grantDeps);
      expect((await errorOf(approveGrant(approve({ approverId }), deps))).code).toBe('APPROVER_IS_ISSUER');
      expect((await errorOf(declineGrant(decline({ approverId }), deps))).code).toBe('APPROVER_IS_ISSUER');
      expect(store.decisions.size).toBe(0);
    },
  );

  it('a pending grant stored with the issuer spelled in capitals (before ids were folded) is refused to its issuer too', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval({ ...detail, issuedBy: 'Agent-7' }, grantDeps);
    expect((await errorOf(approveGrant(approve({ approverId: 'agent-7' }), deps))).code).toBe('APPROVER_IS_ISSUER');
    expect(store.decisions.size).toBe(0);
  });
});

describe('losing a race on the usage counters', () => {
  it('decline: another grant for the customer commits in between; the decline retries and gives back only its own room', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    let raced = false;
    store.beforeDecision = async () => {
      if (raced) return;
      raced = true;
      expect((await grantOrRequestApproval(small('cmp-2'), grantDeps)).outcome).toBe('GRANTED');
    };
    expect(await declineGrant(decline(), deps)).toMatchObject({ decision: 'DECLINED', replayed: false });
    expect(store.calls.filter((c) => c === 'commitDecline')).toHaveLength(2);
    expect(store.usage.get('cust-1')!.value).toEqual([{ day: '2026-03-01', count: 1, amounts: { EUR: 500 } }]);
    expect(store.issuerUsage.get('agent-7#2026-03-01')!.value).toEqual({ day: '2026-03-01', count: 1, amounts: { EUR: 500 } });
  });

  it('auto-decline: the same, recorded once', async () => {
    const { store, clock, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    const removed = store.pending.get('pg-1')!;
    store.pending.delete('pg-1');
    let raced = false;
    store.beforeDecision = async () => {
      if (raced) return;
      raced = true;
      await grantOrRequestApproval(small('cmp-2'), grantDeps);
    };
    clock.set('2026-03-04T10:00:01.000Z');
    expect(await expirePendingGrant(removed, deps)).toBe('DECLINED');
    expect(store.calls.filter((c) => c === 'commitDecline')).toHaveLength(2);
    expect(store.usage.get('cust-1')!.value).toEqual([
      { day: '2026-03-01', count: 0, amounts: { EUR: 0 } },
      { day: '2026-03-04', count: 1, amounts: { EUR: 500 } },
    ]);
  });

  it('a race every time: CONCURRENT_MODIFICATION after the retry budget, nothing decided', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    const removed = store.pending.get('pg-1')!;
    let n = 0;
    store.beforeDecision = async () => {
      await grantOrRequestApproval(small(`cmp-race-${++n}`, { amount: 1 }), grantDeps);
    };
    expect((await errorOf(declineGrant(decline(), deps))).code).toBe('CONCURRENT_MODIFICATION');
    expect(store.calls.filter((c) => c === 'commitDecline')).toHaveLength(NO_PAUSE.attempts);
    expect((await errorOf(expirePendingGrant(removed, deps))).code).toBe('CONCURRENT_MODIFICATION');
    expect(store.decisions.size).toBe(0);
    expect(store.pending.size).toBe(1);
  });

  it('approve: a commit that finds the pending grant changed is re-read; past the deadline by then, PENDING_GRANT_EXPIRED', async () => {
    const { store, clock, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    const commit = store.commitApproval.bind(store);
    let first = true;
    store.commitApproval = async (input) => {
      if (first) {
        first = false;
        clock.set('2026-03-04T10:00:00.000Z'); // the deadline passes while the approval commits
        store.calls.push('commitApproval');
        return { kind: 'conflict', stale: true };
      }
      return commit(input);
    };
    expect(await errorOf(approveGrant(approve(), deps))).toMatchObject({ code: 'PENDING_GRANT_EXPIRED' });
    expect(store.credits.size).toBe(0);
  });

  it('approve: a commit that keeps conflicting ends in CONCURRENT_MODIFICATION after the retry budget', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    store.commitApproval = async () => {
      store.calls.push('commitApproval');
      return { kind: 'conflict', stale: true };
    };
    expect((await errorOf(approveGrant(approve(), deps))).code).toBe('CONCURRENT_MODIFICATION');
    expect(store.calls.filter((c) => c === 'commitApproval')).toHaveLength(NO_PAUSE.attempts);
  });
});

describe('cap room given back', () => {
  it('on the day the grant was requested, even when declined on a later day', async () => {
    const { store, clock, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    clock.set('2026-03-02T09:00:00.000Z');
    await grantOrRequestApproval(small('cmp-2'), grantDeps);
    await declineGrant(decline(), deps);
    expect(store.usage.get('cust-1')!.value).toEqual([
      { day: '2026-03-01', count: 0, amounts: { EUR: 0 } },
      { day: '2026-03-02', count: 1, amounts: { EUR: 500 } },
    ]);
    expect(store.issuerUsage.get('agent-7#2026-03-01')!.value).toEqual({ day: '2026-03-01', count: 0, amounts: { EUR: 0 } });
    expect(store.issuerUsage.get('agent-7#2026-03-02')!.value).toEqual({ day: '2026-03-02', count: 1, amounts: { EUR: 500 } });
  });

  it('a grant without issuer gives back the customer room only', async () => {
    const { store, grantDeps, deps } = setup();
    const { issuedBy: _i, ...anonymous } = detail;
    await grantOrRequestApproval(anonymous, grantDeps);
    await grantOrRequestApproval(small('cmp-2'), grantDeps); // the issuer's own counter
    await declineGrant(decline(), deps);
    expect(store.usage.get('cust-1')!.value).toEqual([{ day: '2026-03-01', count: 1, amounts: { EUR: 500 } }]);
    expect(store.issuerUsage.get('agent-7#2026-03-01')!.value).toEqual({ day: '2026-03-01', count: 1, amounts: { EUR: 500 } });
  });
});

describe('the pending list', () => {
  it("without issuer or reason code lists neither; another customer's grants are not listed", async () => {
    const { store, grantDeps } = setup();
    const { issuedBy: _i, reasonCode: _r, ...plain } = detail;
    await grantOrRequestApproval(plain, grantDeps);
    await grantOrRequestApproval({ ...detail, complaintId: 'cmp-2', customerId: 'cust-2' }, grantDeps);
    const listed = await listPendingGrants('cust-1', store);
    expect(listed.pending).toHaveLength(1);
    expect(Object.keys(listed.pending[0]!).sort()).toEqual(
      ['amount', 'complaintId', 'currency', 'decideBy', 'pendingId', 'requestedAt', 'validityDays'].sort(),
    );
  });
});

describe('the grant above the threshold, racing', () => {
  it('over a cap it is REFUSED like any grant: no pending grant, nothing counted', async () => {
    const { store, grantDeps } = setup();
    const caps = { ...DEFAULT_CAP_POLICY, customerGrants30d: 1 };
    await grantOrRequestApproval(small('cmp-0'), { ...grantDeps, caps });
    expect(await grantOrRequestApproval(detail, { ...grantDeps, caps })).toEqual({
      outcome: 'REFUSED',
      customerId: 'cust-1',
      complaintId: 'cmp-1',
      code: 'GRANT_CAP_EXCEEDED',
      cap: 'CUSTOMER_COUNT_30D',
      limit: 1,
    });
    expect(store.pending.size).toBe(0);
    expect(store.usage.get('cust-1')!.value).toEqual([{ day: '2026-03-01', count: 1, amounts: { EUR: 500 } }]);
  });

  it('another grant commits between reading the counters and storing the pending grant: retried, both counted', async () => {
    const { store, grantDeps } = setup();
    const request = store.requestApproval.bind(store);
    let raced = false;
    store.requestApproval = async (input) => {
      if (!raced) {
        raced = true;
        await grantOrRequestApproval(small('cmp-2'), grantDeps);
      }
      return request(input);
    };
    expect(await grantOrRequestApproval(detail, { ...grantDeps, retry: NO_PAUSE })).toMatchObject({
      outcome: 'PENDING_APPROVAL',
      replayed: false,
    });
    expect(store.calls.filter((c) => c === 'requestApproval')).toHaveLength(2);
    expect(store.usage.get('cust-1')!.value).toEqual([{ day: '2026-03-01', count: 2, amounts: { EUR: 15_500 } }]);
  });

  it('the same complaint stored as pending by a concurrent delivery: this one answers with it, replayed', async () => {
    const { store, grantDeps } = setup();
    const request = store.requestApproval.bind(store);
    let raced = false;
    store.requestApproval = async (input) => {
      if (!raced) {
        raced = true;
        await grantOrRequestApproval(detail, grantDeps);
      }
      return request(input);
    };
    expect(await grantOrRequestApproval(detail, grantDeps)).toEqual({
      outcome: 'PENDING_APPROVAL',
      pendingId: 'pg-2',
      customerId: 'cust-1',
      replayed: true,
    });
    expect(store.pending.size).toBe(1);
  });
});
