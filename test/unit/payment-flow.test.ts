/**
 * The payment flow's use cases (hold, capture, release, releaseExpiredHold, refund, reverse after refunds, balance)
 * on an in-memory store with the adapter's conditions: what a caller and a customer would notice.
 */
import { placeHold, MAX_CREDITS_PER_HOLD } from '../../lambdas/app/hold';
import { captureHold } from '../../lambdas/app/capture';
import { releaseHold, releaseExpiredHold } from '../../lambdas/app/release';
import { refundTaken } from '../../lambdas/app/refund';
import { reverseRedemption } from '../../lambdas/app/reverse';
import { redeemCredits } from '../../lambdas/app/redeem';
import { getBalance } from '../../lambdas/app/balance';
import { DAY_MS } from '../../lambdas/domain/credit';
import type { Hold } from '../../lambdas/domain/hold';
import type { CapturedEntry, ReleasedEntry } from '../../lambdas/domain/payment-entries';
import { deterministicId, fingerprint } from '../../lambdas/shared/ids';
import type { RetryPolicy } from '../../lambdas/shared/retry';
import { MemoryStore } from './fakes/memory-store';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
let nowMs = T0;
const clock = { now: () => new Date(nowMs) };
let seq = 0;
const newId = () => `01ID${String(++seq).padStart(22, '0')}`;
const at = (days: number) => new Date(T0 + days * DAY_MS).toISOString();
const FAST: RetryPolicy = { attempts: 3, baseDelayMs: 0, maxDelayMs: 0 };
const deps = (store: MemoryStore) => ({ store, clock, newId, retry: FAST });

let store: MemoryStore;
beforeEach(() => {
  nowMs = T0;
  store = new MemoryStore();
  store.addCredit({ creditId: 'soon', currency: 'EUR', amount: 1000, expiresAt: at(10) });
  store.addCredit({ creditId: 'late', currency: 'EUR', amount: 2000, expiresAt: at(90) });
});

const remaining = (id: string) => store.credits.get(id)!.remaining;
const holdReq = (amount: number, extra: Record<string, unknown> = {}) => ({
  customerId: 'c-1',
  orderId: 'o-1',
  amount,
  currency: 'EUR',
  idempotencyKey: `hk-${amount}`,
  ...extra,
});
const place = async (amount: number, extra: Record<string, unknown> = {}) =>
  (await placeHold(holdReq(amount, extra), deps(store))).response;
const cap = (holdId: string, amount: number, extra: Record<string, unknown> = {}) =>
  captureHold({ customerId: 'c-1', holdId, amount, captureKey: `ck-${amount}-${String(extra.final ?? false)}`, ...extra }, deps(store));
const refundReq = (of: Record<string, string>, amount: number, extra: Record<string, unknown> = {}) => ({
  customerId: 'c-1',
  ...of,
  amount,
  refundKey: `rk-${amount}`,
  ...extra,
});

describe('hold', () => {
  it('reserves soonest-expiring first: the money leaves the credits, a hold and a HELD entry are written', async () => {
    const r = await place(1500);
    expect(r).toMatchObject({ requested: 1500, held: 1500, remainingBalance: 1500, heldAt: at(0), holdExpiresAt: at(7) });
    expect(r.allocations).toEqual([
      { creditId: 'soon', amount: 1000, expiresAt: at(10) },
      { creditId: 'late', amount: 500, expiresAt: at(90) },
    ]);
    expect([remaining('soon'), remaining('late')]).toEqual([0, 1500]);
    const hold = (await store.getHold('c-1', r.holdId!))!;
    expect(hold).toMatchObject({ amount: 1500, captured: 0, status: 'ACTIVE', version: 0, orderId: 'o-1' });
    expect(hold.allocations.map((a) => a.held)).toEqual([1000, 500]);
    expect(store.entries('HELD')).toEqual([expect.objectContaining({ entryId: r.holdId, amount: 1500, holdExpiresAt: at(7) })]);
  });

  it('holds partially when short; holds nothing (no hold, no entry) when nothing is spendable, and says so', async () => {
    expect(await place(5000)).toMatchObject({ held: 3000, remainingBalance: 0 });
    const none = await place(100);
    expect(none).toMatchObject({ holdId: null, held: 0, holdExpiresAt: null, allocations: [] });
    expect(store.holds.size).toBe(1);
    expect(store.entries('HELD')).toHaveLength(1);
  });

  it('held money is available to no other redeem or hold', async () => {
    await place(2500);
    const { response } = await redeemCredits(
      { customerId: 'c-1', orderId: 'o-2', amount: 1000, currency: 'EUR', idempotencyKey: 'rk' },
      deps(store),
    );
    expect(response.applied).toBe(500);
    expect((await place(100, { idempotencyKey: 'other' })).held).toBe(0);
  });

  it('lifetime: default 7 days, as asked within 60 s … 30 days, refused outside', async () => {
    expect((await place(100, { lifetimeSeconds: 3600 })).holdExpiresAt).toBe(new Date(T0 + 3600_000).toISOString());
    expect((await place(101, { lifetimeSeconds: 30 * 86_400 })).holdExpiresAt).toBe(at(30));
    expect((await place(102, { lifetimeSeconds: 60 })).holdExpiresAt).toBe(new Date(T0 + 60_000).toISOString());
    for (const lifetimeSeconds of [59, 30 * 86_400 + 1, 1.5, -1]) {
      await expect(placeHold(holdReq(103, { lifetimeSeconds }), deps(store))).rejects.toMatchObject({
        code: 'HOLD_LIFETIME_OUT_OF_RANGE',
        details: { min: 60, max: 2_592_000 },
      });
    }
    expect(store.commits).toBe(3);
  });

  it('a retry answers the first answer; the key reused for another request is refused', async () => {
    const first = await placeHold(holdReq(700), deps(store));
    const again = await placeHold(holdReq(700), deps(store));
    expect(again).toEqual({ response: first.response, replayed: true });
    expect(remaining('soon')).toBe(300);
    for (const changed of [
      { amount: 701, idempotencyKey: 'hk-700' },
      { orderId: 'o-9' },
      { lifetimeSeconds: 600 },
      { purchase: { lines: [{ lineId: 'l', category: 'SERVICES', amount: 700 }] } },
    ]) {
      await expect(placeHold(holdReq(700, changed), deps(store))).rejects.toMatchObject({
        code: 'IDEMPOTENCY_KEY_REUSED',
        details: { idempotencyKey: 'hk-700' },
      });
    }
  });

  it('eligibility: only what eligible credits cover is held, per line; all lines ineligible → INELIGIBLE_PURCHASE, nothing committed', async () => {
    store.credits.get('late')!.categories = ['DIGITAL_CONTENT'];
    const r = await place(9000, {
      purchase: {
        lines: [
          { lineId: 'shoes', category: 'PHYSICAL_GOODS', amount: 4000 },
          { lineId: 'gift', category: 'GIFT_CARD', amount: 100 },
        ],
      },
    });
    expect(r).toMatchObject({
      held: 1000,
      lines: [expect.objectContaining({ lineId: 'shoes', applied: 1000 }), expect.objectContaining({ lineId: 'gift', applied: 0 })],
    });
    await expect(
      placeHold(holdReq(5, { purchase: { lines: [{ lineId: 'g', category: 'TOP_UP', amount: 5 }] } }), deps(store)),
    ).rejects.toMatchObject({ code: 'INELIGIBLE_PURCHASE' });
    await expect(placeHold(holdReq(0), deps(store))).rejects.toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE' });
    expect(store.commits).toBe(1);
  });

  it('a conflict re-reads and re-plans; a spent credit is not taken twice; the budget ends in CONCURRENT_MODIFICATION', async () => {
    let conflicts = 0;
    store.beforeCommit = () => {
      store.beforeCommit = undefined;
      store.credits.get('soon')!.remaining = 0; // someone spent it between our read and our write
    };
    const { response } = await placeHold(holdReq(1500), { ...deps(store), onConflict: () => conflicts++ });
    expect(conflicts).toBe(1);
    expect(response.allocations).toEqual([{ creditId: 'late', amount: 1500, expiresAt: at(90) }]);
    store.failNext = [
      { kind: 'conflict', stale: false },
      { kind: 'conflict', stale: false },
      { kind: 'conflict', stale: false },
    ];
    await expect(placeHold(holdReq(10), { ...deps(store), retry: { ...FAST, maxElapsedMs: 10_000 } })).rejects.toMatchObject({
      code: 'CONCURRENT_MODIFICATION',
      retryable: true,
    });
  });

  it('a key record gone between the cancellation and the read (duplicate without the record) is retried like a conflict', async () => {
    let conflicts = 0;
    store.failNext = [{ kind: 'duplicate', existing: undefined }];
    const { response, replayed } = await placeHold(holdReq(100), { ...deps(store), onConflict: () => conflicts++ });
    expect({ held: response.held, replayed, conflicts, commits: store.commits }).toEqual({
      held: 100,
      replayed: false,
      conflicts: 1,
      commits: 2,
    });
  });

  it('touches at most 96 credits (100 transaction items less the four its final capture writes besides the credits)', async () => {
    expect(MAX_CREDITS_PER_HOLD).toBe(96);
    store = new MemoryStore();
    for (let i = 0; i < 100; i++)
      store.addCredit({ creditId: `cr-${String(i).padStart(3, '0')}`, currency: 'EUR', amount: 1, expiresAt: at(10 + i) });
    const r = await place(100);
    expect(r).toMatchObject({ held: 96, remainingBalance: 4 });
  });
});

describe('capture', () => {
  let hold: string;
  beforeEach(async () => {
    hold = (await place(1500)).holdId!;
  });

  it('partial captures take the soonest-expiring held credits first, the hold stays ACTIVE with the rest held', async () => {
    const { response } = await cap(hold, 1200);
    expect(response).toMatchObject({
      captured: 1200,
      stillHeld: 300,
      holdStatus: 'ACTIVE',
      released: { restored: 0, lapsed: 0 },
      capturedAt: at(0),
    });
    expect(response.allocations).toEqual([
      { creditId: 'soon', amount: 1000, expiresAt: at(10) },
      { creditId: 'late', amount: 200, expiresAt: at(90) },
    ]);
    const h = (await store.getHold('c-1', hold))!;
    expect(h).toMatchObject({ captured: 1200, version: 1, status: 'ACTIVE' });
    expect(h.allocations.map((a) => a.held)).toEqual([0, 300]);
    expect([remaining('soon'), remaining('late')]).toEqual([0, 1500]); // capture moves held money, never credits
    expect(store.entries('CAPTURED')).toEqual([
      expect.objectContaining({ entryId: response.captureId, holdId: hold, amount: 1200, final: false }),
    ]);
  });

  it('capturing all that is held closes the hold; a final capture releases the rest onto the credits', async () => {
    const { response } = await cap(hold, 1000, { final: true });
    expect(response).toMatchObject({ captured: 1000, stillHeld: 0, holdStatus: 'CAPTURED', released: { restored: 500, lapsed: 0 } });
    expect(remaining('late')).toBe(2000);
    expect(store.entries('RELEASED')).toEqual([expect.objectContaining({ reason: 'FINAL_CAPTURE', amount: 500, holdId: hold, lapsed: 0 })]);
    const other = (await place(300, { idempotencyKey: 'h2' })).holdId!;
    expect((await cap(other, 300)).response).toMatchObject({ holdStatus: 'CAPTURED', stillHeld: 0, released: { restored: 0, lapsed: 0 } });
    expect(store.entries('RELEASED')).toHaveLength(1);
  });

  it('refuses more than is held, a non-positive amount, an unknown or foreign hold, a closed or expired hold', async () => {
    await expect(cap(hold, 1501)).rejects.toMatchObject({
      code: 'CAPTURE_EXCEEDS_HOLD',
      details: { holdId: hold, held: 1500, requested: 1501 },
    });
    await expect(cap(hold, 0)).rejects.toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE' });
    await expect(captureHold({ customerId: 'c-2', holdId: hold, amount: 1, captureKey: 'x' }, deps(store))).rejects.toMatchObject({
      code: 'HOLD_NOT_FOUND',
      details: { holdId: hold },
    });
    nowMs = Date.parse(at(7));
    await expect(cap(hold, 1)).rejects.toMatchObject({ code: 'HOLD_NOT_ACTIVE', details: { status: 'EXPIRED' } });
    nowMs = Date.parse(at(7)) - 1;
    await cap(hold, 1500);
    await expect(cap(hold, 1, { captureKey: 'another' })).rejects.toMatchObject({
      code: 'HOLD_NOT_ACTIVE',
      details: { status: 'CAPTURED' },
    });
  });

  it('stands after a held credit expired; what a final capture releases to it lapses', async () => {
    nowMs = Date.parse(at(10)); // "soon" expires now, and the 7-day hold has lapsed before it
    await expect(cap(hold, 100)).rejects.toMatchObject({ code: 'HOLD_NOT_ACTIVE' });
    nowMs = T0;
    await releaseHold({ customerId: 'c-1', holdId: hold }, deps(store));
    const both = (await place(2500, { idempotencyKey: 'both', lifetimeSeconds: 20 * 86_400 })).holdId!;
    nowMs = Date.parse(at(10)); // "soon" expired; the hold stands until day 20
    const { response } = await cap(both, 600, { final: true });
    expect(response).toMatchObject({ captured: 600, released: { restored: 1500, lapsed: 400 } });
    expect(response.allocations).toEqual([{ creditId: 'soon', amount: 600, expiresAt: at(10) }]);
    expect(store.entries('RELEASED').at(-1)).toMatchObject({ reason: 'FINAL_CAPTURE', amount: 1500, lapsed: 400 });
  });

  it('a retry replays even after the hold closed; the key reused differently is refused', async () => {
    const first = await cap(hold, 1500);
    expect(await cap(hold, 1500)).toEqual({ response: first.response, replayed: true });
    await expect(
      captureHold({ customerId: 'c-1', holdId: hold, amount: 1400, captureKey: 'ck-1500-false' }, deps(store)),
    ).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      details: { captureKey: 'ck-1500-false' },
    });
    await expect(
      captureHold({ customerId: 'c-1', holdId: hold, amount: 1500, captureKey: 'ck-1500-false', final: true }, deps(store)),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('the same key committed concurrently (duplicate at commit): the same request replays that answer, another is refused', async () => {
    const theirs = { captureId: 'theirs' } as never;
    const raceWith = (requestHash: string) => {
      store.beforeCommit = () => {
        store.beforeCommit = undefined;
        store.keys.set('c-1#CAPTURE#ck-100-false', { requestHash, response: theirs });
      };
    };
    raceWith(fingerprint({ customerId: 'c-1', holdId: hold, amount: 100, final: false }));
    expect(await cap(hold, 100)).toEqual({ response: theirs, replayed: true });
    store.keys.clear();
    raceWith(fingerprint({ customerId: 'c-1', holdId: hold, amount: 99, final: false }));
    await expect(cap(hold, 100)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(store.entries('CAPTURED')).toHaveLength(0);
  });

  it('a concurrent capture since the read: re-read, then decide on what is left', async () => {
    store.beforeCommit = () => {
      store.beforeCommit = undefined;
      const h = store.holds.get(`c-1#${hold}`)!;
      store.holds.set(`c-1#${hold}`, {
        ...h,
        version: h.version + 1,
        allocations: h.allocations.map((a) => ({ ...a, held: 0 })),
        status: 'CAPTURED',
      });
    };
    const before = store.commits;
    await expect(cap(hold, 100)).rejects.toMatchObject({ code: 'HOLD_NOT_ACTIVE', details: { status: 'CAPTURED' } });
    expect(store.commits - before).toBe(1);
  });

  it('keeps conflicting → CONCURRENT_MODIFICATION (retryable), nothing captured', async () => {
    store.failNext = [
      { kind: 'conflict', stale: false },
      { kind: 'conflict', stale: true },
      { kind: 'conflict', stale: false },
    ];
    const before = store.commits;
    await expect(cap(hold, 100)).rejects.toMatchObject({ code: 'CONCURRENT_MODIFICATION', retryable: true });
    expect(store.commits - before).toBe(3);
    expect(store.entries('CAPTURED')).toHaveLength(0);
  });
});

/**
 * A retry whose read comes after its first call committed (the first call runs to the end inside the retry's read):
 * the state it reads was closed by that first call, so it must answer from the key, not refuse.
 */
function firstCallInsideRead<K extends 'getHold' | 'getLedgerEntry'>(method: K, first: () => Promise<unknown>): void {
  const read = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
  let started = false;
  (store as unknown as Record<K, unknown>)[method] = async (...args: unknown[]) => {
    if (!started) {
      started = true;
      await first();
    }
    return read(...args);
  };
}

describe('a retry racing its first call gets the first answer', () => {
  it('capture that closed the hold', async () => {
    const holdId = (await place(1500)).holdId!;
    const req = { customerId: 'c-1', holdId, amount: 1200, final: true, captureKey: 'ck-race' };
    let first: unknown;
    firstCallInsideRead('getHold', async () => (first = (await captureHold(req, deps(store))).response));
    const retry = await captureHold(req, deps(store));
    expect(retry).toEqual({ response: first, replayed: true });
    expect(store.entries('CAPTURED')).toHaveLength(1);
  });

  it('refund that used up the rest', async () => {
    const { redemptionId } = (
      await redeemCredits({ customerId: 'c-1', orderId: 'o-1', amount: 1500, currency: 'EUR', idempotencyKey: 'r' }, deps(store))
    ).response;
    const req = refundReq({ redemptionId: redemptionId! }, 1500);
    let first: unknown;
    firstCallInsideRead('getLedgerEntry', async () => (first = (await refundTaken(req, deps(store))).response));
    expect(await refundTaken(req, deps(store))).toEqual({ response: first, replayed: true });
    expect(store.entries('REFUNDED')).toHaveLength(1);
  });

  it('release', async () => {
    const holdId = (await place(1500)).holdId!;
    let first: unknown;
    firstCallInsideRead('getHold', async () => (first = await releaseHold({ customerId: 'c-1', holdId }, deps(store))));
    expect(await releaseHold({ customerId: 'c-1', holdId }, deps(store))).toEqual(first);
    expect(store.entries('RELEASED')).toHaveLength(1);
  });
});

describe('release', () => {
  it('gives back everything still held; again → the same answer, nothing moves twice; unknown → HOLD_NOT_FOUND', async () => {
    const holdId = (await place(1500)).holdId!;
    await cap(holdId, 200);
    const r = await releaseHold({ customerId: 'c-1', holdId }, deps(store));
    expect(r).toEqual({
      holdId,
      customerId: 'c-1',
      orderId: 'o-1',
      currency: 'EUR',
      restored: 1300,
      lapsed: 0,
      allocations: [
        { creditId: 'soon', amount: 800, expiresAt: at(10) },
        { creditId: 'late', amount: 500, expiresAt: at(90) },
      ],
      releasedAt: at(0),
    });
    expect([remaining('soon'), remaining('late')]).toEqual([800, 2000]);
    expect((await store.getHold('c-1', holdId))!.status).toBe('RELEASED');
    expect(store.entries('RELEASED')).toEqual([expect.objectContaining({ reason: 'EXPLICIT', amount: 1300, lapsed: 0 })]);
    nowMs += 60_000;
    expect(await releaseHold({ customerId: 'c-1', holdId }, deps(store))).toEqual(r);
    expect([remaining('soon'), remaining('late')]).toEqual([800, 2000]);
    expect(store.entries('RELEASED')).toHaveLength(1);
    await expect(releaseHold({ customerId: 'c-1', holdId: 'nope' }, deps(store))).rejects.toMatchObject({ code: 'HOLD_NOT_FOUND' });
  });

  it('the part of an expired credit lapses; a conflict re-plans; endless conflicts → CONCURRENT_MODIFICATION', async () => {
    const holdId = (await place(1500, { lifetimeSeconds: 20 * 86_400 })).holdId!;
    nowMs = Date.parse(at(10));
    store.failNext = [{ kind: 'conflict', stale: true }];
    expect(await releaseHold({ customerId: 'c-1', holdId }, deps(store))).toMatchObject({
      restored: 500,
      lapsed: 1000,
      allocations: [{ creditId: 'late', amount: 500, expiresAt: at(90) }],
    });
    expect(remaining('soon')).toBe(0);
    const other = (await place(100, { idempotencyKey: 'o' })).holdId!;
    store.failNext = [
      { kind: 'conflict', stale: false },
      { kind: 'conflict', stale: false },
      { kind: 'conflict', stale: false },
    ];
    await expect(releaseHold({ customerId: 'c-1', holdId: other }, deps(store))).rejects.toMatchObject({ code: 'CONCURRENT_MODIFICATION' });
  });
});

describe('releaseExpiredHold (the hold item removed by TTL)', () => {
  const expired = async (amount: number) => {
    const holdId = (await place(amount, { lifetimeSeconds: 3600 })).holdId!;
    const hold = (await store.getHold('c-1', holdId))!;
    store.holds.delete(`c-1#${holdId}`);
    nowMs = T0 + 3600_000 + 5000;
    return hold;
  };

  it('releases what was held, once, with an id derived from the hold, at the hold’s expiry', async () => {
    const hold = await expired(1500);
    expect(await releaseExpiredHold(hold, deps(store))).toBe('RELEASED');
    expect(await releaseExpiredHold(hold, deps(store))).toBe('ALREADY_RELEASED');
    const [entry] = store.entries('RELEASED') as ReleasedEntry[];
    expect(entry).toMatchObject({
      entryId: deterministicId(new Date(hold.expiresAt), `RELEASED#${hold.holdId}`),
      reason: 'EXPIRED',
      amount: 1500,
      lapsed: 0,
      at: hold.expiresAt,
    });
    expect([remaining('soon'), remaining('late')]).toEqual([1000, 2000]);
  });

  it('nothing to release for a hold captured, released or emptied before; an expired credit’s part lapses', async () => {
    const hold = await expired(1500);
    for (const h of [
      { ...hold, status: 'CAPTURED' },
      { ...hold, status: 'RELEASED' },
      { ...hold, allocations: hold.allocations.map((a) => ({ ...a, held: 0 })) },
    ] as Hold[]) {
      expect(await releaseExpiredHold(h, deps(store))).toBe('NOTHING_HELD');
    }
    expect(store.commits).toBe(1);
    nowMs = Date.parse(at(10));
    store.failNext = [{ kind: 'conflict', stale: true }];
    expect(await releaseExpiredHold(hold, deps(store))).toBe('RELEASED');
    expect(store.entries('RELEASED')).toEqual([expect.objectContaining({ amount: 500, lapsed: 1000 })]);
  });

  it('keeps conflicting → CONCURRENT_MODIFICATION (the stream record is retried)', async () => {
    const hold = await expired(100);
    store.failNext = [
      { kind: 'conflict', stale: false },
      { kind: 'conflict', stale: false },
      { kind: 'conflict', stale: false },
    ];
    await expect(releaseExpiredHold(hold, deps(store))).rejects.toMatchObject({ code: 'CONCURRENT_MODIFICATION' });
  });
});

describe('refund', () => {
  const redeem = async (amount: number) =>
    (await redeemCredits({ customerId: 'c-1', orderId: 'o-r', amount, currency: 'EUR', idempotencyKey: `r-${amount}` }, deps(store)))
      .response.redemptionId!;

  it('gives back part of a redemption, longest validity first; more refunds up to what was taken; then REFUND_EXCEEDS_CAPTURED', async () => {
    const id = await redeem(1500); // soon 1 000, late 500
    const first = await refundTaken(refundReq({ redemptionId: id }, 700, { reason: 'Teilretoure' }), deps(store));
    expect(first.response).toMatchObject({
      refundOf: 'REDEMPTION',
      redemptionId: id,
      requested: 700,
      restored: 700,
      lapsed: 0,
      refundable: 800,
      orderId: 'o-r',
      currency: 'EUR',
    });
    expect(first.response.allocations).toEqual([
      { creditId: 'late', amount: 500, expiresAt: at(90) },
      { creditId: 'soon', amount: 200, expiresAt: at(10) },
    ]);
    expect([remaining('soon'), remaining('late')]).toEqual([200, 2000]);
    expect(await store.getLedgerEntry('c-1', id)).toMatchObject({ refunds: { refunded: 700 } });
    expect(store.entries('REFUNDED')).toEqual([expect.objectContaining({ amount: 700, reason: 'Teilretoure', redemptionId: id })]);
    const second = await refundTaken(refundReq({ redemptionId: id }, 800), deps(store));
    expect(second.response).toMatchObject({
      restored: 800,
      refundable: 0,
      allocations: [{ creditId: 'soon', amount: 800, expiresAt: at(10) }],
    });
    await expect(refundTaken(refundReq({ redemptionId: id }, 1), deps(store))).rejects.toMatchObject({
      code: 'REFUND_EXCEEDS_CAPTURED',
      details: { left: 0, requested: 1, refundOf: id },
    });
    expect([remaining('soon'), remaining('late')]).toEqual([1000, 2000]);
  });

  it('a capture’s refund: the part whose credit expired lapses', async () => {
    const holdId = (await place(1500)).holdId!;
    const { response } = await cap(holdId, 1500);
    nowMs = Date.parse(at(10));
    const r = await refundTaken(refundReq({ captureId: response.captureId }, 1500), deps(store));
    expect(r.response).toMatchObject({ refundOf: 'CAPTURE', captureId: response.captureId, restored: 500, lapsed: 1000, refundable: 0 });
    expect(r.response.allocations).toEqual([{ creditId: 'late', amount: 500, expiresAt: at(90) }]);
    expect((store.entries('CAPTURED')[0] as CapturedEntry).refunds).toEqual({ refunded: 1500, refundedAllocations: expect.any(Array) });
  });

  it('refuses what it cannot find or must not touch', async () => {
    const id = await redeem(100);
    await expect(refundTaken(refundReq({ captureId: id }, 1), deps(store))).rejects.toMatchObject({
      code: 'REFUND_TARGET_NOT_FOUND',
      details: { refundOf: id },
    });
    await expect(refundTaken(refundReq({ redemptionId: 'nope' }, 1), deps(store))).rejects.toMatchObject({
      code: 'REFUND_TARGET_NOT_FOUND',
    });
    await expect(refundTaken({ ...refundReq({ redemptionId: id }, 1), customerId: 'c-2' }, deps(store))).rejects.toMatchObject({
      code: 'REFUND_TARGET_NOT_FOUND',
    });
    await expect(refundTaken(refundReq({ redemptionId: id }, 1, { currency: 'CHF' }), deps(store))).rejects.toMatchObject({
      code: 'CURRENCY_MISMATCH',
      details: { expected: 'EUR', got: 'CHF' },
    });
    await expect(refundTaken(refundReq({ redemptionId: id }, 1, { currency: 'XYZ' }), deps(store))).rejects.toMatchObject({
      code: 'UNSUPPORTED_CURRENCY',
    });
    await expect(refundTaken(refundReq({ redemptionId: id }, -1), deps(store))).rejects.toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE' });
    await reverseRedemption({ customerId: 'c-1', redemptionId: id }, deps(store));
    await expect(refundTaken(refundReq({ redemptionId: id }, 1), deps(store))).rejects.toMatchObject({
      code: 'REDEMPTION_ALREADY_REVERSED',
    });
    expect(store.entries('REFUNDED')).toHaveLength(0);
  });

  it('a retry replays (also once nothing is left); the key reused differently is refused', async () => {
    const id = await redeem(500);
    const first = await refundTaken(refundReq({ redemptionId: id }, 500), deps(store));
    expect(await refundTaken(refundReq({ redemptionId: id }, 500), deps(store))).toEqual({ response: first.response, replayed: true });
    await expect(refundTaken(refundReq({ redemptionId: id }, 400, { refundKey: 'rk-500' }), deps(store))).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      details: { refundKey: 'rk-500' },
    });
    expect(remaining('soon')).toBe(1000);
  });

  it('the same key committed concurrently (duplicate at commit): the same request replays that answer', async () => {
    const id = await redeem(600);
    const theirs = { refundId: 'theirs' } as never;
    store.beforeCommit = () => {
      store.beforeCommit = undefined;
      store.keys.set('c-1#REFUND#rk-100', {
        requestHash: fingerprint({ customerId: 'c-1', redemptionId: id, amount: 100 }),
        response: theirs,
      });
    };
    expect(await refundTaken(refundReq({ redemptionId: id }, 100), deps(store))).toEqual({ response: theirs, replayed: true });
    expect(store.entries('REFUNDED')).toHaveLength(0);
  });

  it('a concurrent refund since the read: re-read, then refuse what is no longer left; endless conflicts → CONCURRENT_MODIFICATION', async () => {
    const id = await redeem(1000);
    store.beforeCommit = () => {
      store.beforeCommit = undefined;
      const e = store.ledger.get(`c-1#${id}`)!;
      store.ledger.set(`c-1#${id}`, {
        ...e,
        refunds: { refunded: 900, refundedAllocations: [{ creditId: 'soon', amount: 900, expiresAt: at(10) }] },
      } as never);
    };
    await expect(refundTaken(refundReq({ redemptionId: id }, 500), deps(store))).rejects.toMatchObject({
      code: 'REFUND_EXCEEDS_CAPTURED',
      details: { left: 100 },
    });
    store.failNext = [
      { kind: 'conflict', stale: false },
      { kind: 'conflict', stale: false },
      { kind: 'conflict', stale: false },
    ];
    await expect(refundTaken(refundReq({ redemptionId: id }, 50), deps(store))).rejects.toMatchObject({ code: 'CONCURRENT_MODIFICATION' });
  });
});

describe('reverse after partial refunds', () => {
  it('gives back only what refunds left; a refund between read and write makes it re-read', async () => {
    const { response } = await redeemCredits(
      { customerId: 'c-1', orderId: 'o', amount: 1500, currency: 'EUR', idempotencyKey: 'k' },
      deps(store),
    );
    const id = response.redemptionId!;
    await refundTaken(refundReq({ redemptionId: id }, 300), deps(store));
    store.beforeCommit = () => {
      // Another refund of 200 (to "late", the longest valid) commits between the reversal's read and its write.
      store.beforeCommit = undefined;
      const e = store.ledger.get(`c-1#${id}`)!;
      store.ledger.set(`c-1#${id}`, {
        ...e,
        refunds: { refunded: 500, refundedAllocations: [{ creditId: 'late', amount: 500, expiresAt: at(90) }] },
      } as never);
      store.credits.get('late')!.remaining += 200;
    };
    const rev = await reverseRedemption({ customerId: 'c-1', redemptionId: id }, deps(store));
    expect(rev).toMatchObject({ restored: 1000, lapsed: 0 });
    expect([remaining('soon'), remaining('late')]).toEqual([1000, 2000]);
  });
});

describe('balance', () => {
  it('available and held per currency; holds holding money, soonest-expiring first, EXPIRED once past their lifetime', async () => {
    store.addCredit({ creditId: 'chf', currency: 'CHF', amount: 500, expiresAt: at(30) });
    const a = (await place(1200, { lifetimeSeconds: 3 * 86_400 })).holdId!;
    const b = (await placeHold({ ...holdReq(500), currency: 'CHF', idempotencyKey: 'chf' }, deps(store))).response.holdId!;
    const c = (await place(100, { idempotencyKey: 'c' })).holdId!;
    await cap(c, 100);
    nowMs = Date.parse(at(3));
    const bal = await getBalance({ customerId: 'c-1' }, { store, clock });
    expect(bal.courtesyCredit.balances).toEqual([
      { currency: 'CHF', available: 0, held: 500 },
      { currency: 'EUR', available: 1700, held: 1200, nextExpiry: { expiresAt: at(90), amount: 1700 } },
    ]);
    expect(bal.courtesyCredit.holds).toEqual([
      { holdId: a, orderId: 'o-1', currency: 'EUR', held: 1200, captured: 0, state: 'EXPIRED', expiresAt: at(3) },
      { holdId: b, orderId: 'o-1', currency: 'CHF', held: 500, captured: 0, state: 'ACTIVE', expiresAt: at(7) },
    ]);
    expect(bal.history.map((e) => e.kind)).toEqual(expect.arrayContaining(['HELD', 'CAPTURED']));
  });
});

describe('hold lifetimes from the deployment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  it('the hold function reads its default and maximum from the environment, else the domain defaults', async () => {
    const { holdPolicy } = await import('../../lambdas/shared/config');
    delete process.env.HOLD_DEFAULT_LIFETIME_SECONDS;
    delete process.env.HOLD_MAX_LIFETIME_SECONDS;
    expect(holdPolicy()).toEqual({ defaultLifetimeSeconds: 604_800, minLifetimeSeconds: 60, maxLifetimeSeconds: 2_592_000 });
    process.env.HOLD_DEFAULT_LIFETIME_SECONDS = '3600';
    process.env.HOLD_MAX_LIFETIME_SECONDS = '7200';
    const policy = holdPolicy();
    expect(policy).toEqual({ defaultLifetimeSeconds: 3600, minLifetimeSeconds: 60, maxLifetimeSeconds: 7200 });
    expect((await placeHold(holdReq(10), { ...deps(store), policy })).response.holdExpiresAt).toBe(new Date(T0 + 3600_000).toISOString());
    await expect(placeHold(holdReq(11, { lifetimeSeconds: 7201 }), { ...deps(store), policy })).rejects.toMatchObject({
      code: 'HOLD_LIFETIME_OUT_OF_RANGE',
    });
    process.env.HOLD_MAX_LIFETIME_SECONDS = 'soon';
    expect(() => holdPolicy()).toThrow(/HOLD_MAX_LIFETIME_SECONDS must be a positive integer/);
  });
});
