/**
 * The operations use cases on the in-memory fake store: void (what operations are told, and when a void re-reads at
 * once instead of backing off), the finance report's refusal, and aggregation into day totals.
 */
import { aggregateEntry } from '../../../lambdas/app/aggregate';
import { finance } from '../../../lambdas/app/report';
import { voidCredit } from '../../../lambdas/app/void';
import { grantedEntry, redeemedEntry } from '../../../lambdas/domain/credit-entries';
import type { Credit } from '../../../lambdas/domain/credit';
import { credit, FakeStore, fixedClock, sequentialIds } from './fakes';
import { creditErrorOf as errorOf } from '../../support/credit-errors';

const NOW = '2026-03-01T10:00:00.000Z';
const EXPIRES = '2026-06-01T00:00:00.000Z';

describe('voidCredit', () => {
  const c = credit({ creditId: 'c-1', remaining: 600, expiresAt: EXPIRES }) as Credit;
  function setup() {
    const store = new FakeStore().addCredit(c).addEntry(grantedEntry(c));
    return { store, deps: { store, clock: fixedClock(NOW), newId: sequentialIds('v') } };
  }
  const req = { customerId: 'cust-1', creditId: 'c-1', reason: 'fraud' };

  it('voids the rest and records the VOIDED entry', async () => {
    const { store, deps } = setup();
    expect(await voidCredit(req, deps)).toEqual({
      voidId: 'v-1',
      customerId: 'cust-1',
      creditId: 'c-1',
      currency: 'EUR',
      voided: 600,
      fromHolds: [],
      voidedAt: NOW,
      replayed: false,
    });
    expect(store.ledger.get('cust-1#v-1')).toMatchObject({ kind: 'VOIDED', amount: 600, reason: 'fraud' });
  });

  it('says which credit was not found, or has lapsed', async () => {
    const { store, deps } = setup();
    expect(await errorOf(voidCredit({ ...req, creditId: 'c-9' }, deps))).toEqual({
      code: 'CREDIT_NOT_FOUND',
      message: 'no credit c-9 for this customer',
      details: { creditId: 'c-9' },
    });
    store.credits.delete('c-1');
    expect(await errorOf(voidCredit(req, deps))).toEqual({
      code: 'CREDIT_EXPIRED',
      message: 'credit c-1 has lapsed: nothing is left to void',
      details: { creditId: 'c-1', expiresAt: EXPIRES },
    });
  });

  describe('after a failed commit', () => {
    // Backoff sleeps are long and deterministic here, so "re-read at once" and "backed off" are told apart by time.
    const slow = { attempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 };
    beforeEach(() => {
      jest.useFakeTimers({ now: new Date(NOW) });
      jest.spyOn(Math, 'random').mockReturnValue(0.99);
    });
    afterEach(() => {
      jest.useRealTimers();
      jest.restoreAllMocks();
    });

    async function settlesWithin(ms: number, p: Promise<unknown>) {
      let settled = false;
      void p.finally(() => (settled = true)).catch(() => undefined);
      await jest.advanceTimersByTimeAsync(ms);
      return settled;
    }

    it.each([
      ['the guard failed (voided or spent from meanwhile)', { kind: 'duplicate', existing: undefined } as const],
      ['a condition was stale', { kind: 'conflict', stale: true } as const],
    ])('%s: re-reads at once', async (_what, outcome) => {
      const { store, deps } = setup();
      store.script.push(outcome);
      const p = voidCredit(req, { ...deps, retry: slow });
      expect(await settlesWithin(10, p)).toBe(true);
      expect((await p).voided).toBe(600);
    });

    it('contention: backs off before trying again', async () => {
      const { store, deps } = setup();
      store.script.push({ kind: 'conflict', stale: false });
      const p = voidCredit(req, { ...deps, retry: slow });
      expect(await settlesWithin(10, p)).toBe(false);
      expect(await settlesWithin(60_000, p)).toBe(true);
      expect((await p).voided).toBe(600);
    });

    it('gives up with CONCURRENT_MODIFICATION naming the credit', async () => {
      const { store, deps } = setup();
      for (let i = 0; i < 3; i++) store.script.push({ kind: 'conflict', stale: true });
      const p = errorOf(voidCredit(req, { ...deps, retry: slow }));
      await jest.advanceTimersByTimeAsync(10);
      expect(await p).toMatchObject({
        code: 'CONCURRENT_MODIFICATION',
        message: 'too many concurrent changes to credit c-1; retry the void',
      });
    });
  });
});

describe('finance report refusal', () => {
  it('names the offending field and the rule', async () => {
    const store = new FakeStore();
    expect(
      await errorOf(finance({ operation: 'report', from: '2026-03-02', to: '2026-03-01' }, { store, clock: fixedClock(NOW) })),
    ).toEqual({
      code: 'INVALID_INPUT',
      message: 'invalid input: to must be on or after from, at most 366 days in all',
      details: { issues: [{ path: 'to', problem: 'on or after from, at most 366 days' }] },
    });
    expect(store.dayTotalsTo).toEqual([]);
  });

  it('a one-day report reads the totals up to that day; reconcile reads all of them', async () => {
    const store = new FakeStore();
    const granted = grantedEntry(credit({ creditId: 'c-1', grantedAt: '2026-03-01T09:00:00.000Z' }) as Credit);
    store.addEntry(granted);
    await aggregateEntry(granted, { store });
    store.remaining = { EUR: 1000 };
    expect(await finance({ operation: 'report', from: '2026-03-01', to: '2026-03-01' }, { store, clock: fixedClock(NOW) })).toMatchObject({
      rows: [{ currency: 'EUR', day: '2026-03-01', opening: 0, granted: 1000, closing: 1000 }],
    });
    expect(await finance({ operation: 'reconcile' }, { store, clock: fixedClock(NOW) })).toMatchObject({
      operation: 'reconcile',
      at: NOW,
      balanced: true,
    });
    expect(store.dayTotalsTo).toEqual(['2026-03-01', '9999-12-31']);
  });
});

describe('aggregateEntry', () => {
  it('adds each entry to its day totals once', async () => {
    const store = new FakeStore();
    const spend = redeemedEntry({
      redemptionId: 'r-1',
      customerId: 'cust-1',
      orderId: 'o',
      currency: 'EUR',
      amount: 300,
      allocations: [],
      at: NOW,
    });
    expect(await aggregateEntry(spend, { store })).toBe('APPLIED');
    expect(await aggregateEntry(spend, { store })).toBe('ALREADY_APPLIED');
    expect(store.totals.get('2026-03-01#EUR')).toMatchObject({ spent: 300, granted: 0 });
  });
});
