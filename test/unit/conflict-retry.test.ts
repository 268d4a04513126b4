/**
 * Transaction conflicts: every money-moving use case retries a cancelled transaction a bounded number of times,
 * backing off between tries, and finally answers CONCURRENT_MODIFICATION (retryable). Checked with a fake
 * store (the grant, redeem and reverse ports in lambdas/app/ports.ts) that answers `conflict` k times, then commits; sleeps are
 * observed on setTimeout, with Math.random pinned so the jittered delays are exact.
 */
import { grantCredit } from '../../lambdas/app/grant';
import { redeemCredits } from '../../lambdas/app/redeem';
import { reverseRedemption } from '../../lambdas/app/reverse';
import { complaintDetail } from '../support/complaints';
import { recordSleeps } from '../support/sleeps';
import type { CommitOutcome, ComplaintOutcome, GrantStore, RedeemRecord, RedeemStore, ReverseStore } from '../../lambdas/app/ports';
import { DEFAULT_CAP_POLICY } from '../../lambdas/domain/caps';
import { DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { CreditError } from '../../lambdas/domain/errors';
import type { RedeemedEntry } from '../../lambdas/domain/credit-entries';
import { backoffDelay, CONFLICT_RETRY, GRANT_RETRY, REDEEM_RETRY, type RetryPolicy } from '../../lambdas/shared/retry';
import { FUNCTIONS } from '../../infra/functions';
import { MemorySpendQueue } from './fakes/spend-queue';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const clock = { now: () => NOW };
let ids = 0;
const newId = () => `01JTEST${String(++ids).padStart(19, '0')}`;
const FUTURE = '2026-06-01T10:00:00.000Z';

type Script<T> = Array<CommitOutcome<T>>;
const conflict = (stale = false) => ({ kind: 'conflict', stale }) as const;
const committed = { kind: 'committed' } as const;

/** The stores of the three money-moving use cases. */
type MoneyStore = GrantStore & RedeemStore & ReverseStore;

/** A store whose commits follow a script (the last entry repeats); reads return one spendable credit. */
class ScriptedStore implements MoneyStore {
  readonly calls: Record<string, number> = {};
  grantHashes: string[] = [];
  /** Redeem's spend queue (these tests use policies without one: backoff only). */
  readonly queue = new MemorySpendQueue();
  takeTicket = this.queue.takeTicket;
  readQueue = this.queue.readQueue;
  finishTurn = this.queue.finishTurn;
  passStalledTurn = this.queue.passStalledTurn;
  constructor(
    private readonly script: { grant?: Script<ComplaintOutcome>; redeem?: Script<RedeemRecord>; reverse?: Script<never> },
    private readonly redemption?: RedeemedEntry,
  ) {}
  private count(name: string): number {
    return (this.calls[name] = (this.calls[name] ?? 0) + 1);
  }
  private next<T>(name: string, s: Script<T> | undefined): CommitOutcome<T> {
    const n = this.count(name);
    if (!s || s.length === 0) throw new Error(`no script for ${name}`);
    return s[Math.min(n, s.length) - 1]!;
  }
  async readUsage() {
    this.count('readUsage');
    return { customer: { value: [], version: 0 } };
  }
  async refuse(): Promise<CommitOutcome<ComplaintOutcome>> {
    throw new Error('no cap is reached in these tests');
  }
  async grant(input: Parameters<GrantStore['grant']>[0]) {
    this.grantHashes.push(input.requestHash);
    return this.next('grant', this.script.grant);
  }
  async listSpendableCredits() {
    this.count('listSpendableCredits');
    return [{ creditId: 'cr-1', currency: 'EUR', remaining: 1000, expiresAt: FUTURE }];
  }
  async listStoredCredits() {
    this.count('listStoredCredits');
    return [{ creditId: 'cr-1', currency: 'EUR', remaining: 600, amount: 1000, expiresAt: FUTURE, voided: false }];
  }
  redeemHashes: string[] = [];
  async commitRedemption(input: Parameters<RedeemStore['commitRedemption']>[0]) {
    this.redeemHashes.push(input.record.requestHash);
    return this.next('commitRedemption', this.script.redeem);
  }
  /** Set once a reversal commit was answered "duplicate": the redemption's status guard failed, someone reversed it. */
  private reversedElsewhere = false;
  async getLedgerEntry() {
    this.count('getLedgerEntry');
    if (this.reversedElsewhere && this.redemption)
      return { ...this.redemption, status: 'REVERSED' as const, reversalId: 'rev-x', reversedAt: FUTURE };
    return this.redemption;
  }
  async commitReversal() {
    const outcome = this.next('commitReversal', this.script.reverse);
    if (outcome.kind === 'duplicate') this.reversedElsewhere = true;
    return outcome;
  }
}

const POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 4, maxDelayMs: 10 };
/** With Math.random() = 0.5: floor(0.5 · min(10, 4 · 2^attempt)) = 2, 4, 5, 5, 5 ms. */
const DELAYS = [2, 4, 5, 5, 5];

const sleeps = recordSleeps('as asked');

const grantDetail = complaintDetail({ complaintId: 'CMP-1', amount: 2500 });
const redeemReq = { customerId: 'cust-1', orderId: 'o-1', amount: 400, currency: 'EUR', idempotencyKey: 'k-1' };
const redemption: RedeemedEntry = {
  entryId: '01JREDEEM000000000000000AA',
  customerId: 'cust-1',
  kind: 'REDEEMED',
  currency: 'EUR',
  amount: 400,
  at: NOW.toISOString(),
  orderId: 'o-1',
  allocations: [{ creditId: 'cr-1', amount: 400, expiresAt: FUTURE }],
  status: 'APPLIED',
};

const grantWith = (store: MoneyStore, retry = POLICY) =>
  grantCredit(grantDetail, { store, clock, policy: DEFAULT_GRANT_POLICY, caps: DEFAULT_CAP_POLICY, newId, retry });
const redeemWith = (store: MoneyStore, retry = POLICY, onConflict?: () => void) =>
  redeemCredits(redeemReq, { store, clock, newId, retry, ...(onConflict ? { onConflict } : {}) });
const reverseWith = (store: MoneyStore, retry = POLICY) =>
  reverseRedemption({ customerId: 'cust-1', redemptionId: redemption.entryId }, { store, clock, newId, retry });

async function refusal(p: Promise<unknown>): Promise<CreditError> {
  const e = await p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CreditError);
  return e as CreditError;
}

describe.each([1, 3])('%i conflicts, then the transaction commits', (k) => {
  const script = <T>(): Script<T> => [...Array.from({ length: k }, () => conflict()), committed];

  test('redeem succeeds after re-reading the credits each time, sleeping between tries', async () => {
    const store = new ScriptedStore({ redeem: script() });
    let conflicts = 0;
    const { response, replayed } = await redeemWith(store, POLICY, () => conflicts++);
    expect(response).toMatchObject({ applied: 400, requested: 400 });
    expect(replayed).toBe(false);
    expect(store.calls.commitRedemption).toBe(k + 1);
    expect(store.calls.listSpendableCredits).toBe(k + 1);
    expect(conflicts).toBe(k);
    expect(sleeps).toEqual(DELAYS.slice(0, k));
  });

  test('grant succeeds with the same request fingerprint each try, sleeping between tries', async () => {
    const store = new ScriptedStore({ grant: script() });
    const out = await grantWith(store);
    expect(out.outcome).toBe('GRANTED');
    expect(store.calls.grant).toBe(k + 1);
    expect(new Set(store.grantHashes).size).toBe(1);
    expect(sleeps).toEqual(DELAYS.slice(0, k));
  });

  test('reverse succeeds after re-reading the stored credits each time, sleeping between tries', async () => {
    const store = new ScriptedStore({ reverse: script() }, redemption);
    const out = await reverseWith(store);
    expect(out).toMatchObject({ restored: 400, lapsed: 0, redemptionId: redemption.entryId });
    expect(store.calls.commitReversal).toBe(k + 1);
    expect(store.calls.listStoredCredits).toBe(k + 1);
    expect(sleeps).toEqual(DELAYS.slice(0, k));
  });
});

describe("always conflicting: CONCURRENT_MODIFICATION (retryable) after the policy's attempts", () => {
  test.each([
    ['redeem', () => new ScriptedStore({ redeem: [conflict()] }), (s: MoneyStore) => redeemWith(s), 'commitRedemption'],
    ['grant', () => new ScriptedStore({ grant: [conflict()] }), (s: MoneyStore) => grantWith(s), 'grant'],
    ['reverse', () => new ScriptedStore({ reverse: [conflict()] }, redemption), (s: MoneyStore) => reverseWith(s), 'commitReversal'],
  ] as const)('%s', async (_name, make, run, commit) => {
    const store = make();
    const e = await refusal(run(store));
    expect(e.code).toBe('CONCURRENT_MODIFICATION');
    expect(e.retryable).toBe(true);
    expect(e.toJSON()).toMatchObject({ code: 'CONCURRENT_MODIFICATION', retryable: true });
    expect(e.message).toMatch(/retr(y|ied)/);
    expect(store.calls[commit]).toBe(POLICY.attempts);
    // a backoff between every two tries (exponential, capped)
    expect(sleeps.slice(0, POLICY.attempts - 1)).toEqual(DELAYS.slice(0, POLICY.attempts - 1));
    expect(sleeps.length).toBeLessThanOrEqual(POLICY.attempts);
  });
});

describe('stale conflicts (a condition failed: the data changed since it was read)', () => {
  test('redeem re-reads and re-plans at once, without sleeping', async () => {
    const store = new ScriptedStore({ redeem: [conflict(true), conflict(true), conflict(true), committed] });
    const { response } = await redeemWith(store);
    expect(response.applied).toBe(400);
    expect(store.calls.listSpendableCredits).toBe(4);
    expect(sleeps).toEqual([]);
  });

  test('redeem: stale and contended conflicts mixed: only the contended ones sleep', async () => {
    const store = new ScriptedStore({ redeem: [conflict(true), conflict(false), conflict(true), conflict(false), committed] });
    await redeemWith(store);
    expect(store.calls.listSpendableCredits).toBe(5);
    expect(sleeps).toEqual([DELAYS[1], DELAYS[3]]);
  });

  test("redeem: always stale still gives up after the policy's attempts", async () => {
    const store = new ScriptedStore({ redeem: [conflict(true)] });
    const e = await refusal(redeemWith(store));
    expect(e.code).toBe('CONCURRENT_MODIFICATION');
    expect(store.calls.commitRedemption).toBe(POLICY.attempts);
    expect(sleeps).toEqual([]);
  });
});

describe('a conflict that turns out to be a duplicate', () => {
  test('grant: the same complaint committed meanwhile → DUPLICATE; with other terms → GRANT_CONFLICT', async () => {
    const probe = new ScriptedStore({ grant: [committed] });
    await grantWith(probe);
    const hash = probe.grantHashes[0]!;
    const same = new ScriptedStore({
      grant: [
        conflict(),
        {
          kind: 'duplicate',
          existing: { kind: 'granted', grant: { complaintId: 'CMP-1', customerId: 'cust-1', creditId: 'cr-0', requestHash: hash } },
        },
      ],
    });
    expect(await grantWith(same)).toMatchObject({ outcome: 'DUPLICATE', creditId: 'cr-0' });
    const other = new ScriptedStore({
      grant: [
        conflict(),
        {
          kind: 'duplicate',
          existing: { kind: 'granted', grant: { complaintId: 'CMP-1', customerId: 'cust-1', creditId: 'cr-0', requestHash: 'other' } },
        },
      ],
    });
    expect((await refusal(grantWith(other))).code).toBe('GRANT_CONFLICT');
  });

  test('reverse: reversed by someone else meanwhile → REDEMPTION_ALREADY_REVERSED', async () => {
    const store = new ScriptedStore({ reverse: [conflict(), { kind: 'duplicate', existing: undefined }] }, redemption);
    const e = await refusal(reverseWith(store));
    expect(e.code).toBe('REDEMPTION_ALREADY_REVERSED');
    expect(e.retryable).toBe(false);
  });

  test('redeem: the same key committed meanwhile → that answer, replayed', async () => {
    const stored = { requestHash: '', response: { redemptionId: 'r-0' } } as unknown as RedeemRecord;
    const probe = new ScriptedStore({ redeem: [committed] });
    // learn the request fingerprint the use case computes
    await redeemWith(probe);
    (stored as { requestHash: string }).requestHash = probe.redeemHashes[0]!;
    const store = new ScriptedStore({ redeem: [conflict(), { kind: 'duplicate', existing: stored }] });
    const out = await redeemWith(store);
    expect(out).toEqual({ response: stored.response, replayed: true });
  });
});

describe('the production policies are bounded', () => {
  const worstCase = (p: RetryPolicy) =>
    Array.from({ length: p.attempts }, (_, a) => backoffDelay(a, p, () => 0.999999)).reduce((s, d) => s + d, 0);

  test('backoff is full jitter below min(max, base · 2^attempt)', () => {
    for (const p of [CONFLICT_RETRY, REDEEM_RETRY]) {
      for (let a = 0; a < p.attempts; a++) {
        expect(backoffDelay(a, p, () => 0)).toBe(0);
        expect(backoffDelay(a, p, () => 0.999999)).toBeLessThan(Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** a));
      }
    }
  });

  test('reverse sleeps at most a few seconds in total, well inside its Lambda timeout', () => {
    expect(worstCase(CONFLICT_RETRY)).toBeLessThan(2500);
    expect(worstCase(CONFLICT_RETRY)).toBeLessThan((FUNCTIONS.reverse.timeoutSeconds * 1000) / 2);
  });

  test('grant gives up before its function times out, and queues two at a time (its usage counter is one item)', () => {
    expect(GRANT_RETRY.maxElapsedMs).toBeLessThan(FUNCTIONS.grant.timeoutSeconds * 1000);
    expect(GRANT_RETRY.queue?.window).toBe(2);
  });

  test('redeem gives up after maxElapsedMs, before its 10 s timeout', async () => {
    expect(REDEEM_RETRY.maxElapsedMs).toBeLessThan(FUNCTIONS.redeem.timeoutSeconds * 1000);
    // the same bound at test scale: 1000 attempts allowed, but only ~60 ms of trying
    const store = new ScriptedStore({ redeem: [conflict()] });
    const started = Date.now();
    const e = await refusal(redeemWith(store, { attempts: 1000, baseDelayMs: 5, maxDelayMs: 5, maxElapsedMs: 60 }));
    expect(e.code).toBe('CONCURRENT_MODIFICATION');
    expect(store.calls.commitRedemption).toBeLessThan(1000);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("redeem's budget is time, as documented: a never-winning redeem gives up after ≈ maxElapsedMs, not before", () => {
  /** Fake clock (jest's modern timers move Date.now and setTimeout together); each store call takes `latencyMs`. */
  class SlowStore extends ScriptedStore {
    constructor(
      script: Script<RedeemRecord>,
      private readonly latencyMs: number,
    ) {
      super({ redeem: script });
    }
    override async listSpendableCredits() {
      if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
      return super.listSpendableCredits();
    }
    override async commitRedemption(input: Parameters<RedeemStore['commitRedemption']>[0]) {
      if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
      return super.commitRedemption(input);
    }
  }

  beforeEach(() => {
    jest.restoreAllMocks(); // this block measures time on a fake clock, not sleeps on the real one
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  async function giveUpAfter(store: RedeemStore): Promise<{ ms: number; error: CreditError }> {
    const started = Date.now();
    let outcome: { ms: number; error: CreditError } | undefined;
    redeemCredits(redeemReq, { store, clock, newId }).then(
      () => {
        throw new Error('expected CONCURRENT_MODIFICATION');
      },
      (error: CreditError) => (outcome = { ms: Date.now() - started, error }),
    );
    for (let i = 0; !outcome && i < 20_000; i++) await jest.advanceTimersByTimeAsync(5);
    return outcome!;
  }

  test.each([
    ['stale conflicts, 20 ms per store call', [conflict(true)], 20],
    ['contended conflicts, 20 ms per store call', [conflict(false)], 20],
    ['one stale conflict, then contended ones, 20 ms per store call', [conflict(true), conflict(false)], 20],
    ['stale conflicts from a store that answers instantly', [conflict(true)], 0],
  ] as const)('%s', async (_name, script, latencyMs) => {
    const store = new SlowStore([...script], latencyMs);
    const { ms, error } = await giveUpAfter(store);
    expect(error.code).toBe('CONCURRENT_MODIFICATION');
    expect(error.retryable).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(REDEEM_RETRY.maxElapsedMs!);
    expect(ms).toBeLessThanOrEqual(REDEEM_RETRY.maxElapsedMs! + 2 * latencyMs + 10); // at most one attempt over
    expect(store.calls.commitRedemption).toBeLessThan(REDEEM_RETRY.attempts); // time ended it, not the safety cap
  });
});
