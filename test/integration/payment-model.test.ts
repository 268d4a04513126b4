/**
 * Model-based property test of the payment flow on DynamoDB Local (issue 10.9): random sequences of grant, redeem,
 * hold, capture, release, refund, reversal, void (which reaches the credit's part of open holds) and clock jumps past hold and
 * credit expiries run through the use cases on the real DynamoDB adapter, and after every step the table must agree
 * with a small in-memory model: the available and held balance, each answer (or refusal code), the ledger's sums per
 * kind, each finance report column as the aggregator books the entries (money given back into a lapsed credit is
 * refunded and expired: breakage, never spent), and conservation
 *   granted = available + held + captured + redeemed − refunded(restored + lapsed) + expired(EXPIRED + every lapsed)
 *             + voided(VOIDED + what voids took out of holds).
 * The TTL removals a clock jump makes due (credits, holds) are played as the stream consumers would see them: the
 * item deleted, then its consumer's use case (recordCreditExpiry, releaseExpiredHold) run on its old image.
 */
import fc from 'fast-check';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { type DynamoCreditStore, keys } from '../../lambdas/adapters/dynamodb';
import { grantCredit } from '../../lambdas/app/grant';
import { redeemCredits } from '../../lambdas/app/redeem';
import { placeHold } from '../../lambdas/app/hold';
import { captureHold } from '../../lambdas/app/capture';
import { releaseExpiredHold, releaseHold } from '../../lambdas/app/release';
import { refundTaken } from '../../lambdas/app/refund';
import { reverseRedemption } from '../../lambdas/app/reverse';
import { recordCreditExpiry } from '../../lambdas/app/expire';
import { getBalance } from '../../lambdas/app/balance';
import { voidCredit } from '../../lambdas/app/void';
import { DAY_MS, DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { addMovement, movementOf, type ReportColumn } from '../../lambdas/domain/finance';
import type { LedgerEntry } from '../../lambdas/domain/ledger';
import { newId } from '../../lambdas/shared/ids';
import { NO_CAPS } from './direct-store';
import { startTestRuntime, type TestRuntime } from './harness';
import { tableStore } from './service-fixture';
import { unique } from './service-client';

/** The model checks money movements, not issuance caps: caps high enough never to refuse a model grant. */
jest.setTimeout(300_000);

let t: TestRuntime;
let store: DynamoCreditStore;
beforeAll(async () => {
  t = await startTestRuntime();
  store = tableStore(t);
});
afterAll(async () => {
  await t?.stop();
});

type Op =
  | { op: 'grant'; amount: number; days: 30 | 60 }
  | { op: 'redeem'; amount: number }
  | { op: 'hold'; amount: number; lifetimeDays: number }
  | { op: 'capture'; pick: number; amount: number; final: boolean }
  | { op: 'release'; pick: number }
  | { op: 'refund'; pick: number; amount: number }
  | { op: 'reverse'; pick: number }
  | { op: 'void'; pick: number }
  | { op: 'jump'; days: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('grant' as const),
      amount: fc.integer({ min: 1, max: 3000 }),
      days: fc.constantFrom(30 as const, 60 as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('redeem' as const), amount: fc.integer({ min: 1, max: 3000 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('hold' as const),
      amount: fc.integer({ min: 1, max: 3000 }),
      lifetimeDays: fc.integer({ min: 1, max: 30 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('capture' as const),
      pick: fc.nat(),
      amount: fc.integer({ min: 1, max: 2000 }),
      final: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('refund' as const), pick: fc.nat(), amount: fc.integer({ min: 1, max: 2000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reverse' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('void' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('jump' as const), days: fc.integer({ min: 1, max: 40 }) }) },
);

interface MCredit {
  id: string;
  amount: number;
  remaining: number;
  expiresAt: number;
  gone: boolean;
  /** The void's answer, once voided: voided rest and what it took out of holds. */
  voided?: { voided: number; fromHolds: Array<[string, number]> };
}
interface MHold {
  id: string;
  held: Map<string, number>;
  open: boolean;
  expiresAt: number;
  /** The answer of the explicit release that closed it: releasing it again answers the same (idempotent by hold). */
  released?: unknown;
}
interface MTaken {
  id: string;
  kind: 'redemption' | 'capture';
  taken: Map<string, number>;
  refunded: Map<string, number>;
  reversed?: boolean;
}

/** The model: credits, holds, what was taken, and the expected ledger sums. */
class Model {
  credits = new Map<string, MCredit>();
  holds: MHold[] = [];
  taken: MTaken[] = [];
  sums = { GRANTED: 0, REDEEMED: 0, CAPTURED: 0, HELD: 0, back: 0, expired: 0, voided: 0 };
  /** The finance report's columns as the model books them: money given back that lapses is breakage (expired). */
  report = { granted: 0, spent: 0, refunded: 0, expired: 0, voided: 0 };
  constructor(public now: number) {}
  live = (id: string) => {
    const c = this.credits.get(id);
    return !!c && !c.gone && !c.voided && c.expiresAt > this.now;
  };
  spendOrder = () =>
    [...this.credits.values()]
      .filter((c) => this.live(c.id) && c.remaining > 0)
      .sort((a, b) => a.expiresAt - b.expiresAt || (a.id < b.id ? -1 : 1));
  available = () => this.spendOrder().reduce((s, c) => s + c.remaining, 0);
  held = () => this.holds.filter((h) => h.open).reduce((s, h) => s + [...h.held.values()].reduce((a, b) => a + b, 0), 0);
  /** Soonest-expiring first, as much as asked. */
  take(amount: number): Map<string, number> {
    const out = new Map<string, number>();
    let open = amount;
    for (const c of this.spendOrder()) {
      if (open === 0) break;
      const x = Math.min(open, c.remaining);
      c.remaining -= x;
      open -= x;
      out.set(c.id, x);
    }
    return out;
  }
  /** Money going back: onto live credits, else it lapses. */
  giveBack(creditId: string, amount: number): void {
    this.report.refunded += amount;
    if (this.live(creditId)) this.credits.get(creditId)!.remaining += amount;
    else {
      this.sums.expired += amount;
      this.report.expired += amount;
    }
  }
  order(ids: Iterable<string>, latestFirst: boolean): string[] {
    const cs = [...ids].map((id) => this.credits.get(id)!);
    cs.sort((a, b) => a.expiresAt - b.expiresAt || (a.id < b.id ? -1 : 1));
    return (latestFirst ? cs.reverse() : cs).map((c) => c.id);
  }
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const errorCode = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: { code?: string }) => e.code ?? String(e),
  );

async function allEntries(customerId: string, clock: { now: () => Date }): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await getBalance({ customerId, limit: 100, cursor }, { store, clock });
    out.push(...page.history);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

async function runSequence(ops: Op[]): Promise<void> {
  const customerId = unique('model');
  const m = new Model(Date.now());
  const clock = { now: () => new Date(m.now) };
  const deps = { store, clock, newId };
  let n = 0;
  const key = () => `${customerId}-${++n}`;

  for (const [step, o] of ops.entries()) {
    const where = `step ${step} ${JSON.stringify(o)}`;
    switch (o.op) {
      case 'grant': {
        const out = await grantCredit(
          {
            complaintId: key(),
            customerId,
            email: 'model@example.com',
            locale: 'de',
            amount: o.amount,
            currency: 'EUR',
            validityDays: o.days,
            reason: 'model',
          },
          { store, clock, policy: DEFAULT_GRANT_POLICY, caps: NO_CAPS, newId },
        );
        if (out.outcome === 'REFUSED') throw new Error(`model grant refused: ${out.cap}`);
        m.credits.set(out.creditId, {
          id: out.creditId,
          amount: o.amount,
          remaining: o.amount,
          expiresAt: m.now + o.days * DAY_MS,
          gone: false,
        });
        m.sums.GRANTED += o.amount;
        m.report.granted += o.amount;
        break;
      }
      case 'redeem': {
        const expected = m.take(o.amount);
        const { response } = await redeemCredits(
          { customerId, orderId: key(), amount: o.amount, currency: 'EUR', idempotencyKey: key() },
          deps,
        );
        expect([where, response.allocations.map((a) => [a.creditId, a.amount])]).toEqual([where, [...expected]]);
        if (response.redemptionId) m.taken.push({ id: response.redemptionId, kind: 'redemption', taken: expected, refunded: new Map() });
        m.sums.REDEEMED += sum(expected);
        m.report.spent += sum(expected);
        break;
      }
      case 'hold': {
        const expected = m.take(o.amount);
        const { response } = await placeHold(
          {
            customerId,
            orderId: key(),
            amount: o.amount,
            currency: 'EUR',
            idempotencyKey: key(),
            lifetimeSeconds: o.lifetimeDays * 86_400,
          },
          deps,
        );
        expect([where, response.allocations.map((a) => [a.creditId, a.amount])]).toEqual([where, [...expected]]);
        if (response.holdId) m.holds.push({ id: response.holdId, held: expected, open: true, expiresAt: m.now + o.lifetimeDays * DAY_MS });
        m.sums.HELD += sum(expected);
        m.report.spent += sum(expected);
        break;
      }
      case 'capture': {
        if (m.holds.length === 0) break;
        const h = m.holds[o.pick % m.holds.length]!;
        const held = sum(h.held);
        const outcome = captureHold({ customerId, holdId: h.id, amount: o.amount, captureKey: key(), final: o.final }, deps);
        if (!h.open) {
          expect([where, await errorCode(outcome)]).toEqual([where, h.expiresAt <= m.now ? 'HOLD_NOT_FOUND' : 'HOLD_NOT_ACTIVE']);
          break;
        }
        if (o.amount > held) {
          expect([where, await errorCode(outcome)]).toEqual([where, 'CAPTURE_EXCEEDS_HOLD']);
          break;
        }
        const { response } = await outcome;
        const taken = new Map<string, number>();
        let open = o.amount;
        for (const id of m.order(h.held.keys(), false)) {
          const x = Math.min(open, h.held.get(id)!);
          if (x > 0) taken.set(id, x);
          h.held.set(id, h.held.get(id)! - x);
          open -= x;
        }
        expect([where, response.allocations.map((a) => [a.creditId, a.amount])]).toEqual([where, [...taken]]);
        m.taken.push({ id: response.captureId, kind: 'capture', taken, refunded: new Map() });
        m.sums.CAPTURED += o.amount;
        if (o.final) for (const [id, rest] of h.held) if (rest > 0) m.giveBack(id, rest);
        if (o.final || o.amount === held) {
          h.open = false;
          h.held = new Map();
        }
        break;
      }
      case 'release': {
        if (m.holds.length === 0) break;
        const h = m.holds[o.pick % m.holds.length]!;
        const outcome = releaseHold({ customerId, holdId: h.id }, deps);
        if (!h.open && h.released !== undefined && h.expiresAt > m.now) {
          expect([where, await outcome]).toEqual([where, h.released]);
          break;
        }
        if (!h.open) {
          expect([where, await errorCode(outcome)]).toEqual([where, h.expiresAt <= m.now ? 'HOLD_NOT_FOUND' : 'HOLD_NOT_ACTIVE']);
          break;
        }
        h.released = await outcome;
        for (const [id, rest] of h.held) if (rest > 0) m.giveBack(id, rest);
        h.open = false;
        h.held = new Map();
        break;
      }
      case 'refund': {
        if (m.taken.length === 0) break;
        const tk = m.taken[o.pick % m.taken.length]!;
        const left = sum(tk.taken) - sum(tk.refunded);
        const target = tk.kind === 'redemption' ? { redemptionId: tk.id } : { captureId: tk.id };
        const outcome = refundTaken({ customerId, ...target, amount: o.amount, refundKey: key() }, deps);
        if (tk.reversed) {
          expect([where, await errorCode(outcome)]).toEqual([where, 'REDEMPTION_ALREADY_REVERSED']);
          break;
        }
        if (o.amount > left) {
          expect([where, await errorCode(outcome)]).toEqual([where, 'REFUND_EXCEEDS_CAPTURED']);
          break;
        }
        const { response } = await outcome;
        let open = o.amount;
        let lapsed = 0;
        for (const id of m.order(tk.taken.keys(), true)) {
          const x = Math.min(open, tk.taken.get(id)! - (tk.refunded.get(id) ?? 0));
          if (x <= 0) continue;
          tk.refunded.set(id, (tk.refunded.get(id) ?? 0) + x);
          if (!m.live(id)) lapsed += x;
          m.giveBack(id, x);
          open -= x;
        }
        expect([where, response.restored, response.lapsed]).toEqual([where, o.amount - lapsed, lapsed]);
        m.sums.back += o.amount;
        break;
      }
      case 'reverse': {
        const redemptions = m.taken.filter((x) => x.kind === 'redemption');
        if (redemptions.length === 0) break;
        const tk = redemptions[o.pick % redemptions.length]!;
        const outcome = reverseRedemption({ customerId, redemptionId: tk.id }, deps);
        if (tk.reversed) {
          expect([where, await errorCode(outcome)]).toEqual([where, 'REDEMPTION_ALREADY_REVERSED']);
          break;
        }
        // Everything not refunded yet goes back to its credits; the part of lapsed or voided ones is breakage.
        let back = 0;
        let lapsed = 0;
        for (const [id, x] of tk.taken) {
          const rest = x - (tk.refunded.get(id) ?? 0);
          if (rest <= 0) continue;
          if (!m.live(id)) lapsed += rest;
          m.giveBack(id, rest);
          tk.refunded.set(id, x);
          back += rest;
        }
        const response = await outcome;
        expect([where, response.restored, response.lapsed]).toEqual([where, back - lapsed, lapsed]);
        tk.reversed = true;
        m.sums.back += back;
        break;
      }
      case 'void': {
        const credits = [...m.credits.values()];
        const c = credits[o.pick % credits.length]!;
        const outcome = voidCredit({ customerId, creditId: c.id, reason: 'model' }, deps);
        if (c.gone) {
          expect([where, await errorCode(outcome)]).toEqual([where, 'CREDIT_EXPIRED']);
          break;
        }
        const out = await outcome;
        const answer = (v: { voided: number; fromHolds: ReadonlyArray<{ holdId: string; amount: number }> }) => ({
          voided: v.voided,
          fromHolds: v.fromHolds.map((h): [string, number] => [h.holdId, h.amount]),
        });
        if (c.voided) {
          expect([where, out.replayed, answer(out)]).toEqual([where, true, c.voided]);
          break;
        }
        // Its rest, and its part of every open hold (the hold shrinks): voided money.
        const fromHolds: Array<[string, number]> = [];
        for (const h of m.holds.filter((x) => x.open && (x.held.get(c.id) ?? 0) > 0)) {
          fromHolds.push([h.id, h.held.get(c.id)!]);
          h.held.set(c.id, 0);
        }
        const held = fromHolds.reduce((s, [, x]) => s + x, 0);
        c.voided = { voided: c.remaining, fromHolds };
        expect([where, out.replayed, answer(out)]).toEqual([where, false, c.voided]);
        m.sums.voided += c.remaining + held;
        m.report.voided += c.remaining + held;
        m.report.refunded += held;
        c.remaining = 0;
        break;
      }
      case 'jump': {
        m.now += o.days * DAY_MS;
        // What DynamoDB's TTL would remove by now, as the stream consumers see it: holds first (their money may go
        // back to credits still live), then credits (their unused rest lapses).
        for (const h of m.holds.filter((x) => x.expiresAt <= m.now && !('removed' in x))) {
          const stored = await store.getHold(customerId, h.id);
          await store.doc.send(new DeleteCommand({ TableName: t.tableName, Key: { pk: keys.customer(customerId), sk: keys.hold(h.id) } }));
          Object.assign(h, { removed: true });
          if (stored) await releaseExpiredHold(stored, { store, clock });
          if (h.open) for (const [id, rest] of h.held) if (rest > 0) m.giveBack(id, rest);
          h.open = false;
          h.held = new Map();
        }
        for (const c of m.credits.values()) {
          if (c.gone || c.expiresAt > m.now) continue;
          const stored = await store.getCredit(customerId, c.id, new Date(c.expiresAt).toISOString());
          await store.doc.send(
            new DeleteCommand({
              TableName: t.tableName,
              Key: { pk: keys.customer(customerId), sk: keys.credit(new Date(c.expiresAt).toISOString(), c.id) },
            }),
          );
          await recordCreditExpiry(stored!, { store });
          m.sums.expired += c.remaining;
          m.report.expired += c.remaining;
          c.gone = true;
        }
        break;
      }
    }

    // After every step: balances, ledger sums, conservation.
    const balance = await getBalance({ customerId, limit: 1 }, { store, clock });
    const eur = balance.courtesyCredit.balances.find((b) => b.currency === 'EUR') ?? { available: 0, held: 0 };
    expect([where, eur.available, eur.held]).toEqual([where, m.available(), m.held()]);
    const perCredit = (cs: ReadonlyArray<{ creditId?: string; id?: string; remaining: number }>) =>
      cs.map((c) => [c.creditId ?? c.id, c.remaining]);
    expect([where, perCredit(balance.courtesyCredit.credits)]).toEqual([where, perCredit(m.spendOrder())]);
    const entries = await allEntries(customerId, clock);
    const total = (kind: LedgerEntry['kind']) => entries.filter((e) => e.kind === kind).reduce((s, e) => s + e.amount, 0);
    const voidedFromHolds = (e: LedgerEntry) => e.kind === 'RELEASED' && e.reason === 'VOIDED';
    const lapsed = entries.reduce((s, e) => s + ('lapsed' in e && !voidedFromHolds(e) ? e.lapsed : 0), 0);
    const back =
      total('REFUNDED') +
      total('REVERSED') +
      entries.filter((e) => e.kind === 'REFUNDED' || e.kind === 'REVERSED').reduce((s, e) => s + (e as { lapsed: number }).lapsed, 0);
    const sums = {
      GRANTED: total('GRANTED'),
      REDEEMED: total('REDEEMED'),
      CAPTURED: total('CAPTURED'),
      HELD: total('HELD'),
      back,
      expired: total('EXPIRED') + lapsed,
      voided: total('VOIDED') + entries.reduce((s, e) => s + (e.kind === 'RELEASED' && voidedFromHolds(e) ? e.lapsed : 0), 0),
    };
    expect([where, sums]).toEqual([where, m.sums]);
    // Each finance report column, as the aggregator books these entries, against the model's books.
    const columns: Record<string, Record<ReportColumn, number>> = {};
    for (const e of entries) addMovement(columns, movementOf(e));
    expect([where, columns.EUR ?? { granted: 0, spent: 0, refunded: 0, expired: 0, voided: 0 }]).toEqual([where, m.report]);
    expect([where, sums.GRANTED]).toEqual([
      where,
      eur.available + eur.held + sums.CAPTURED + sums.REDEEMED - sums.back + sums.expired + sums.voided,
    ]);
  }
}

test('random payment-flow sequences agree with the model after every step (DynamoDB Local)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 25 }), async (ops) => {
      await runSequence([{ op: 'grant', amount: 2000, days: 30 }, ...ops]);
    }),
    { numRuns: Number(process.env.MODEL_RUNS ?? 25) },
  );
});
