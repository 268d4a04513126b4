/**
 * Approval edges a caller or operator notices (in-memory fakes): error messages that name the pending grant or the
 * complaint, the auto-decline's retry budget, a decline after the issuer's day counter expired, when a decline waits
 * before retrying (contended: backs off; stale or decided meanwhile: at once), grantCredit refusing to leave a grant
 * pending, and a cap refusal written once even when its first write conflicts.
 */
import { declineGrant, expirePendingGrant, approveGrant } from '../../../lambdas/app/approval';
import { grantCredit, grantOrRequestApproval } from '../../../lambdas/app/grant';
import type { ComplaintResolvedDetail } from '../../../lambdas/contracts';
import { DEFAULT_CAP_POLICY } from '../../../lambdas/domain/caps';
import type { FakeApprovalStore } from './approval-fakes';
import { NOW, setupApproval, NO_PAUSE } from './approval-setup';
import { rejectedCreditError as errorOf } from '../../support/credit-errors';

const setup = () => setupApproval(NO_PAUSE);
const detail: ComplaintResolvedDetail = {
  complaintId: 'cmp-1',
  customerId: 'cust-1',
  email: 'kim@example.com',
  locale: 'de-DE',
  amount: 15_000,
  currency: 'EUR',
  validityDays: 90,
  reason: 'late',
  issuedBy: 'agent-7',
};

const ref = { customerId: 'cust-1', approverId: 'boss-1' };

describe('messages name what an operator looks for', () => {
  it('not found: the pending id, or the complaint id', async () => {
    const { deps } = setup();
    expect((await errorOf(approveGrant({ operation: 'approve', ...ref, pendingId: 'pg-9' }, deps))).message).toContain('pg-9');
    expect((await errorOf(approveGrant({ operation: 'approve', ...ref, complaintId: 'cmp-9' }, deps))).message).toContain(
      'for complaint cmp-9',
    );
  });

  it('issuer, deadline, decided before, kept conflicting: each names the pending grant', async () => {
    const { store, clock, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    expect(
      (await errorOf(approveGrant({ operation: 'approve', ...ref, approverId: 'agent-7', pendingId: 'pg-1' }, deps))).message,
    ).toContain('pg-1');
    clock.set('2026-03-05T10:00:00.000Z');
    expect((await errorOf(approveGrant({ operation: 'approve', ...ref, pendingId: 'pg-1' }, deps))).message).toContain('pg-1');
    const removed = store.pending.get('pg-1')!;
    await declineGrant({ operation: 'decline', ...ref, pendingId: 'pg-1' }, deps);
    expect((await errorOf(approveGrant({ operation: 'approve', ...ref, pendingId: 'pg-1' }, deps))).message).toContain('pg-1');
    store.commitDecline = async () => ({ kind: 'conflict', stale: true });
    expect((await errorOf(expirePendingGrant({ ...removed, pendingId: 'pg-2' }, deps))).message).toContain('pg-2');
    expect((await errorOf(declineGrant({ operation: 'decline', ...ref, pendingId: 'pg-2' }, deps))).code).toBe('PENDING_GRANT_NOT_FOUND');
  });

  it('the same complaint with other terms while pending: GRANT_CONFLICT says it was put to approval', async () => {
    const { grantDeps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    const e = await errorOf(grantOrRequestApproval({ ...detail, amount: 20_000 }, grantDeps));
    expect(e.code).toBe('GRANT_CONFLICT');
    expect(e.message).toContain('put to approval');
  });
});

describe('retry budgets', () => {
  it('the auto-decline tries exactly its budget, then CONCURRENT_MODIFICATION (retryable: the removal is redelivered)', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    const removed = store.pending.get('pg-1')!;
    let commits = 0;
    store.commitDecline = async () => {
      commits++;
      return { kind: 'conflict', stale: true };
    };
    const e = await errorOf(expirePendingGrant(removed, deps));
    expect(e.code).toBe('CONCURRENT_MODIFICATION');
    expect(e.retryable).toBe(true);
    expect(commits).toBe(NO_PAUSE.attempts);
  });
});

describe('cap room given back', () => {
  it("after the issuer's day counter is gone (expired), the customer's room is still given back", async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    store.issuerUsage.delete('agent-7#2026-03-01');
    expect(await declineGrant({ operation: 'decline', ...ref, pendingId: 'pg-1' }, deps)).toMatchObject({ decision: 'DECLINED' });
    expect(store.usage.get('cust-1')!.value).toEqual([{ day: '2026-03-01', count: 0, amounts: { EUR: 0 } }]);
    expect(store.issuerUsage.has('agent-7#2026-03-01')).toBe(false);
  });
});

describe('when a decline retries', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date(NOW) }));
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  function interceptFirstDecline(store: FakeApprovalStore, first: () => Promise<Awaited<ReturnType<FakeApprovalStore['commitDecline']>>>) {
    const commit = store.commitDecline.bind(store);
    let n = 0;
    store.commitDecline = async (input) => (++n === 1 ? first() : commit(input));
    return () => n;
  }

  it('contended (not stale): backs off before trying again', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const commits = interceptFirstDecline(store, async () => ({ kind: 'conflict', stale: false }));
    const done = declineGrant(
      { operation: 'decline', ...ref, pendingId: 'pg-1' },
      { ...deps, retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 400 } },
    );
    await jest.advanceTimersByTimeAsync(0);
    expect(commits()).toBe(1);
    await jest.advanceTimersByTimeAsync(50);
    expect(await done).toMatchObject({ decision: 'DECLINED' });
    expect(commits()).toBe(2);
  });

  it('stale, or decided meanwhile: re-reads at once (no timer needed)', async () => {
    const { store, grantDeps, deps } = setup();
    const retry = { attempts: 3, baseDelayMs: 100, maxDelayMs: 400 };
    await grantOrRequestApproval(detail, grantDeps);
    interceptFirstDecline(store, async () => ({ kind: 'conflict', stale: true }));
    expect(await declineGrant({ operation: 'decline', ...ref, pendingId: 'pg-1' }, { ...deps, retry })).toMatchObject({
      decision: 'DECLINED',
    });

    const other = setup();
    await grantOrRequestApproval(detail, other.grantDeps);
    interceptFirstDecline(other.store, async () => {
      await approveGrant({ operation: 'approve', ...ref, approverId: 'boss-2', pendingId: 'pg-1' }, other.deps);
      return { kind: 'duplicate', existing: other.store.decisions.get('pg-1') };
    });
    expect((await errorOf(declineGrant({ operation: 'decline', ...ref, pendingId: 'pg-1' }, { ...other.deps, retry }))).code).toBe(
      'GRANT_ALREADY_DECIDED',
    );
  });
});

describe('when an approval retries', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date(NOW) }));
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });
  const retry = { attempts: 3, baseDelayMs: 100, maxDelayMs: 400 };

  it('contended (not stale): backs off before trying again', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const commit = store.commitApproval.bind(store);
    let n = 0;
    store.commitApproval = async (input) => (++n === 1 ? { kind: 'conflict', stale: false } : commit(input));
    const done = approveGrant({ operation: 'approve', ...ref, pendingId: 'pg-1' }, { ...deps, retry });
    await jest.advanceTimersByTimeAsync(0);
    expect(n).toBe(1);
    await jest.advanceTimersByTimeAsync(50);
    expect(await done).toMatchObject({ decision: 'APPROVED' });
    expect(n).toBe(2);
  });

  it('decided meanwhile by someone else: told at once (no timer needed), with that decision', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    let raced = false;
    store.beforeDecision = async () => {
      if (raced) return;
      raced = true;
      await declineGrant({ operation: 'decline', ...ref, approverId: 'boss-2', pendingId: 'pg-1' }, deps);
    };
    const e = await errorOf(approveGrant({ operation: 'approve', ...ref, pendingId: 'pg-1' }, { ...deps, retry }));
    expect(e.code).toBe('GRANT_ALREADY_DECIDED');
    expect(e.details).toMatchObject({ decision: { decision: 'DECLINED', reason: 'DECLINED' } });
  });

  it('CONCURRENT_MODIFICATION tells the caller to retry', async () => {
    const { store, grantDeps, deps } = setup();
    await grantOrRequestApproval(detail, grantDeps);
    jest.useRealTimers();
    store.commitApproval = async () => ({ kind: 'conflict', stale: true });
    store.commitDecline = async () => ({ kind: 'conflict', stale: true });
    for (const p of [
      approveGrant({ operation: 'approve', ...ref, pendingId: 'pg-1' }, deps),
      declineGrant({ operation: 'decline', ...ref, pendingId: 'pg-1' }, deps),
    ]) {
      const e = await errorOf(p);
      expect(e.code).toBe('CONCURRENT_MODIFICATION');
      expect(e.message).toMatch(/retry the (approval|decline)/);
    }
  });
});

describe('grantCredit (no approval step)', () => {
  it('refuses to leave a grant pending: GRANT_CONFLICT naming the pending grant', async () => {
    const { grantDeps } = setup();
    const e = await errorOf(grantCredit(detail, grantDeps));
    expect(e.code).toBe('GRANT_CONFLICT');
    expect(e.details).toEqual({ pendingId: 'pg-1' });
    expect(e.message).toContain('cmp-1');
  });
});

describe('a cap refusal', () => {
  const caps = { ...DEFAULT_CAP_POLICY, customerGrants30d: 0 };

  it('the same complaint with other terms after a refusal: GRANT_CONFLICT says it was refused', async () => {
    const { grantDeps } = setup();
    await grantOrRequestApproval(detail, { ...grantDeps, caps });
    const e = await errorOf(grantOrRequestApproval({ ...detail, amount: 20_000 }, { ...grantDeps, caps }));
    expect(e.code).toBe('GRANT_CONFLICT');
    expect(e.message).toContain('already refused');
  });

  it('is written once', async () => {
    const { store, grantDeps } = setup();
    expect((await grantOrRequestApproval(detail, { ...grantDeps, caps })).outcome).toBe('REFUSED');
    expect(store.calls.filter((c) => c === 'refuse')).toHaveLength(1);
  });

  it('whose first write conflicts is retried and answered REFUSED', async () => {
    const { store, grantDeps } = setup();
    store.script.push({ kind: 'conflict', stale: true });
    expect(await grantOrRequestApproval(detail, { ...grantDeps, caps, retry: NO_PAUSE })).toMatchObject({
      outcome: 'REFUSED',
      cap: 'CUSTOMER_COUNT_30D',
    });
    expect(store.calls.filter((c) => c === 'refuse')).toHaveLength(2);
  });
});
