/**
 * The grant use case with issuance caps, on an in-memory store that keeps the grant port's promises (one outcome per
 * complaint, counters written only at the version read): what a complaint service sees for grants under and over a
 * cap, redeliveries, and two grants racing for the last room under a cap.
 */
import { grantCredit, type GrantDeps } from '../../lambdas/app/grant';
import type { CommitOutcome, ComplaintOutcome, GrantStore, GrantUsage, UsageUpdate } from '../../lambdas/app/ports';
import { MemorySpendQueue } from './fakes/spend-queue';
import { MemoryIssuerDays } from './fakes/issuer-days';
import type { ComplaintResolvedDetail } from '../../lambdas/contracts';
import type { CapPolicy, CustomerUsage, DayUsage, GrantRefusal } from '../../lambdas/domain/caps';
import { DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { CreditError } from '../../lambdas/domain/errors';
import type { GrantedEntry } from '../../lambdas/domain/credit-entries';
import { complaintDetail } from '../support/complaints';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const CAPS: CapPolicy = {
  customerAmount30dMajorUnits: 100,
  customerAmount365dMajorUnits: 1000,
  customerGrants30d: 2,
  customerGrants365d: 10,
  issuerAmountPerDayMajorUnits: 60,
};

class MemoryGrantStore implements GrantStore {
  readonly queue = new MemorySpendQueue();
  takeTicket = this.queue.takeTicket;
  readQueue = this.queue.readQueue;
  finishTurn = this.queue.finishTurn;
  passStalledTurn = this.queue.passStalledTurn;
  complaints = new Map<string, ComplaintOutcome>();
  customers = new Map<string, { value: CustomerUsage; version: number }>();
  issuers = new Map<string, { value: DayUsage; version: number }>();
  issuerDays = new MemoryIssuerDays(this.issuers);
  ledger: GrantedEntry[] = [];
  refused: GrantRefusal[] = [];
  readDays: string[] = [];
  /** Run between a grant's read and its commit (to let a rival commit first). */
  beforeCommit?: () => Promise<void>;

  async readUsage(customerId: string, issuedBy: string | undefined, day: string, _currency: string, grantId?: string): Promise<GrantUsage> {
    this.readDays.push(day);
    const customer = this.customers.get(customerId) ?? { value: [], version: 0 };
    if (issuedBy === undefined) return { customer };
    return { customer, issuer: this.issuerDays.read(issuedBy, day, grantId) };
  }

  async grant(input: {
    credit: { complaintId: string };
    ledger: GrantedEntry;
    requestHash: string;
    usage: UsageUpdate;
  }): Promise<CommitOutcome<ComplaintOutcome>> {
    const hook = this.beforeCommit;
    this.beforeCommit = undefined;
    await hook?.();
    const earlier = this.complaints.get(input.credit.complaintId);
    if (earlier) return { kind: 'duplicate', existing: earlier };
    const { usage } = input;
    if ((this.customers.get(usage.customerId)?.version ?? 0) !== usage.customer.version) return { kind: 'conflict', stale: true };
    if (!this.issuerDays.at(usage)) return { kind: 'conflict', stale: true };
    this.customers.set(usage.customerId, { value: usage.customer.value, version: usage.customer.version + 1 });
    this.issuerDays.apply(usage);
    this.complaints.set(input.credit.complaintId, {
      kind: 'granted',
      grant: {
        complaintId: input.credit.complaintId,
        customerId: input.ledger.customerId,
        creditId: input.ledger.creditId,
        requestHash: input.requestHash,
      },
    });
    this.ledger.push(input.ledger);
    return { kind: 'committed' };
  }

  async refuse(refusal: GrantRefusal, requestHash: string): Promise<CommitOutcome<ComplaintOutcome>> {
    const earlier = this.complaints.get(refusal.complaintId);
    if (earlier) return { kind: 'duplicate', existing: earlier };
    this.complaints.set(refusal.complaintId, { kind: 'refused', refusal, requestHash });
    this.refused.push(refusal);
    return { kind: 'committed' };
  }
}

let seq = 0;
const detail = (over: Partial<ComplaintResolvedDetail> = {}) => complaintDetail({ complaintId: `cmp-${++seq}`, ...over });
let ids = 0;
const deps = (store: GrantStore, now = NOW): GrantDeps => ({
  store,
  clock: { now: () => now },
  policy: DEFAULT_GRANT_POLICY,
  caps: CAPS,
  newId: () => `01JCREDIT${String(++ids).padStart(17, '0')}`,
  retry: { attempts: 5, baseDelayMs: 0, maxDelayMs: 0 },
});

test('under the caps: granted; the ledger entry names the issuer; the counters record the grant', async () => {
  const store = new MemoryGrantStore();
  const out = await grantCredit(detail({ issuedBy: 'agent-7', reasonCode: 'LATE_DELIVERY' }), deps(store));
  expect(out).toMatchObject({ outcome: 'GRANTED', customerId: 'cust-1' });
  expect(store.ledger[0]).toMatchObject({ kind: 'GRANTED', issuedBy: 'agent-7', reasonCode: 'LATE_DELIVERY', amount: 4000 });
  expect(store.customers.get('cust-1')).toEqual({ value: [{ day: '2026-03-01', count: 1, amounts: { EUR: 4000 } }], version: 1 });
  expect(store.issuers.get('agent-7#2026-03-01')).toEqual({ value: { day: '2026-03-01', count: 1, amounts: { EUR: 4000 } }, version: 1 });
  expect(store.readDays).toEqual(['2026-03-01']);
});

test('without an issuer: no issuer counter, and the entry has no issuedBy', async () => {
  const store = new MemoryGrantStore();
  await grantCredit(detail(), deps(store));
  expect(store.issuers.size).toBe(0);
  expect(store.ledger[0]).not.toHaveProperty('issuedBy');
});

test('over a cap: REFUSED naming the cap, recorded once under the complaint, nothing granted, counters unchanged', async () => {
  const store = new MemoryGrantStore();
  await grantCredit(detail({ amount: 6000 }), deps(store));
  const over = detail({ amount: 4001, issuedBy: 'agent-7' });
  const out = await grantCredit(over, deps(store));
  expect(out).toEqual({
    outcome: 'REFUSED',
    customerId: 'cust-1',
    complaintId: over.complaintId,
    code: 'GRANT_CAP_EXCEEDED',
    cap: 'CUSTOMER_AMOUNT_30D',
    limit: 10_000,
  });
  expect(store.refused).toEqual([
    {
      complaintId: over.complaintId,
      customerId: 'cust-1',
      currency: 'EUR',
      amount: 4001,
      cap: 'CUSTOMER_AMOUNT_30D',
      limit: 10_000,
      used: 6000,
      refusedAt: NOW.toISOString(),
      issuedBy: 'agent-7',
    },
  ]);
  expect(store.ledger).toHaveLength(1);
  expect(store.customers.get('cust-1')?.version).toBe(1);
  expect(store.issuers.size).toBe(0);
});

test('a refused complaint redelivered gets the same answer, even once the cap has room again', async () => {
  const store = new MemoryGrantStore();
  await grantCredit(detail({ amount: 6000 }), deps(store));
  const over = detail({ amount: 5000 });
  const first = await grantCredit(over, deps(store));
  store.customers.clear();
  expect(await grantCredit(over, deps(store))).toEqual(first);
  expect(store.ledger).toHaveLength(1);
  expect(store.refused).toHaveLength(1);
});

test('a refused complaint sent again with other terms is a GRANT_CONFLICT naming the refusal', async () => {
  const store = new MemoryGrantStore();
  await grantCredit(detail({ amount: 6000 }), deps(store));
  const over = detail({ amount: 5000 });
  await grantCredit(over, deps(store));
  const e = (await grantCredit({ ...over, amount: 100 }, deps(store)).catch((x: unknown) => x)) as CreditError;
  expect(e).toBeInstanceOf(CreditError);
  expect(e.code).toBe('GRANT_CONFLICT');
  expect(e.message).toContain(`complaint ${over.complaintId} was already refused with different terms`);
  expect(e.details).toEqual({ complaintId: over.complaintId, refusedBy: 'CUSTOMER_AMOUNT_30D' });
});

test('a granted complaint redelivered when its own grant filled the cap is a DUPLICATE, not a refusal', async () => {
  const store = new MemoryGrantStore();
  const d = detail({ amount: 10_000 });
  const first = await grantCredit(d, deps(store));
  expect(first.outcome).toBe('GRANTED');
  const again = await grantCredit(d, deps(store));
  expect(again).toEqual({ outcome: 'DUPLICATE', customerId: 'cust-1', creditId: first.outcome === 'GRANTED' ? first.creditId : '' });
  expect(store.refused).toEqual([]);
});

test("the issuer cap: the issuer's second grant of the day over 60 EUR is refused, for another customer too", async () => {
  const store = new MemoryGrantStore();
  await grantCredit(detail({ issuedBy: 'agent-7', amount: 4000 }), deps(store));
  const out = await grantCredit(detail({ issuedBy: 'agent-7', amount: 2001, customerId: 'cust-2' }), deps(store));
  expect(out).toMatchObject({ outcome: 'REFUSED', cap: 'ISSUER_AMOUNT_1D', limit: 6000 });
  const nextDay = await grantCredit(
    detail({ issuedBy: 'agent-7', amount: 2001, customerId: 'cust-2' }),
    deps(store, new Date('2026-03-02T00:00:00.000Z')),
  );
  expect(nextDay.outcome).toBe('GRANTED');
});

test('two grants racing for the last room: the loser re-reads the counters and is refused, not granted too', async () => {
  const store = new MemoryGrantStore();
  await grantCredit(detail({ amount: 2000 }), deps(store)); // one of two grants in 30 days used
  const rival = detail({ amount: 1000 });
  // The second grant reads the counters, then the rival commits before it does.
  store.beforeCommit = async () => {
    expect((await grantCredit(rival, deps(store))).outcome).toBe('GRANTED');
  };
  const loser = await grantCredit(detail({ amount: 1000 }), deps(store));
  expect(loser).toMatchObject({ outcome: 'REFUSED', cap: 'CUSTOMER_COUNT_30D', limit: 2 });
  expect(store.ledger).toHaveLength(2);
  expect(store.customers.get('cust-1')).toEqual({ value: [{ day: '2026-03-01', count: 2, amounts: { EUR: 3000 } }], version: 2 });
});

test('validation comes first: a bad amount is refused with its own code before any counter is read', async () => {
  const store = new MemoryGrantStore();
  const e = (await grantCredit(detail({ amount: 0 }), deps(store)).catch((x: unknown) => x)) as CreditError;
  expect(e.code).toBe('AMOUNT_OUT_OF_RANGE');
  expect(store.readDays).toEqual([]);
});

test("the issuer's day over shards: a grant larger than its own shard's slice reads every shard and spreads; the cap is reached exactly", async () => {
  const store = new MemoryGrantStore();
  store.issuerDays = new MemoryIssuerDays(store.issuers, 3); // 6,000 cents: 2,000 a shard
  const first = await grantCredit(detail({ issuedBy: 'agent-7', amount: 2500, customerId: 'cust-a' }), deps(store));
  expect(first.outcome).toBe('GRANTED');
  expect(store.readDays).toHaveLength(2); // its own shard, then every shard
  const shards = [...store.issuers.values()].map((u) => u.value);
  expect(shards.map((u) => u.amounts.EUR).sort()).toEqual([2000, 500]);
  expect(shards.reduce((n, u) => n + u.count, 0)).toBe(1);
  expect((await grantCredit(detail({ issuedBy: 'agent-7', amount: 3500, customerId: 'cust-b' }), deps(store))).outcome).toBe('GRANTED');
  const over = await grantCredit(detail({ issuedBy: 'agent-7', amount: 1, customerId: 'cust-c' }), deps(store));
  expect(over).toMatchObject({ outcome: 'REFUSED', cap: 'ISSUER_AMOUNT_1D', limit: 6000 });
  expect(store.refused.at(-1)?.used).toBe(6000);
});
