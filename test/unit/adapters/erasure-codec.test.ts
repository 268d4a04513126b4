/**
 * Erasure against the codec (issue 20.1): for every item kind the codec knows, an item as erasure leaves it still
 * decodes, to the same value less the personal data — amounts, ids, dates and closed codes unchanged — and no
 * personal value is left in it. Items written before closed codes had names of their own, and erased then, decode
 * again (the repair path).
 */
import fc from 'fast-check';
import { decodeItem } from '../../../lambdas/adapters/dynamodb';
import { creditItem, grantKeyItem, ledgerItem, noticeItem, redeemKeyItem, reminderItem } from '../../../lambdas/adapters/dynamodb/codec';
import { decisionItem, pendingGrantItem, pendingKeyItem } from '../../../lambdas/adapters/dynamodb/approval-codec';
import { grantUsageItem, issuerUsageItem, refusalItem } from '../../../lambdas/adapters/dynamodb/issuance-codec';
import { holdItem, operationKeyItem } from '../../../lambdas/adapters/dynamodb/payment-codec';
import { erasedItem } from '../../../lambdas/adapters/dynamodb/erasure';
import type { RawItem } from '../../../lambdas/adapters/dynamodb/fields';
import {
  CODE_ATTRIBUTES,
  ERASED_AT,
  ERASURE_MARKED,
  ITEM,
  PERSONAL_ATTRIBUTES,
  keys,
  type ItemKind,
} from '../../../lambdas/adapters/dynamodb/layout';
import { DECLINE_REASON_CODES } from '../../../lambdas/domain/approval';
import { CAPS } from '../../../lambdas/domain/caps';
import { ELIGIBLE_CATEGORIES, PURCHASE_CATEGORIES } from '../../../lambdas/domain/eligibility';
import { REPORT_COLUMNS } from '../../../lambdas/domain/finance';
import type { LedgerEntry } from '../../../lambdas/domain/ledger';
import { REASON_CODES } from '../../../lambdas/domain/reason-code';
import { expiredReleaseId } from '../../../lambdas/shared/ids';
import { KEYED_OPERATIONS } from '../../../lambdas/domain/keyed-operation';
import { RELEASE_REASONS } from '../../../lambdas/domain/payment-entries';

/** Every personal value generated here carries this mark, so "nothing personal is left" is a search for it. */
const MARK = '⟨personal⟩';
const personal = fc.string({ maxLength: 12 }).map((s) => `${MARK}${s}`);
const id = fc.stringMatching(/^[0-9A-Z]{1,26}$/);
const money = fc.integer({ min: 0, max: 1_000_000_000 });
const date = fc
  .integer({ min: Date.parse('2020-01-01T00:00:00.000Z'), max: Date.parse('2035-01-01T00:00:00.000Z') })
  .map((ms) => new Date(ms).toISOString());
const currency = fc.constantFrom('EUR', 'JPY', 'USD');
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** Drops the keys whose value is undefined (an optional field left out, as the domain's constructors do). */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const allocation = fc.record({ creditId: id, amount: money, expiresAt: date });
const allocations = fc.array(allocation, { maxLength: 3 });
const base = fc.record({ entryId: id, customerId: id, currency, amount: money, at: date });
const refunds = maybe(fc.record({ refunded: money, refundedAllocations: allocations }));
const response = fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.oneof(id, money), { maxKeys: 4 });

const entries: fc.Arbitrary<LedgerEntry> = fc.oneof(
  fc
    .record({
      b: base,
      creditId: id,
      complaintId: id,
      reason: maybe(personal),
      reasonCode: maybe(fc.constantFrom(...REASON_CODES)),
      issuedBy: maybe(id),
      expiresAt: date,
    })
    .map(({ b, ...e }) => defined({ ...b, kind: 'GRANTED' as const, ...e })),
  fc
    .record({
      b: base,
      orderId: id,
      allocations,
      refunds,
      state: fc.oneof(
        fc.constant({ status: 'APPLIED' as const }),
        fc.record({ status: fc.constant('REVERSED' as const), reversalId: id, reversedAt: date }),
      ),
    })
    .map(({ b, state, ...e }) => defined({ ...b, kind: 'REDEEMED' as const, ...e, ...state })),
  fc
    .record({ b: base, redemptionId: id, orderId: id, allocations, lapsed: money, reason: maybe(personal) })
    .map(({ b, ...e }) => defined({ ...b, kind: 'REVERSED' as const, ...e })),
  fc.record({ b: base, creditId: id, expiresAt: date }).map(({ b, ...e }) => ({ ...b, kind: 'EXPIRED' as const, ...e })),
  fc.record({ b: base, creditId: id, reason: maybe(personal) }).map(({ b, ...e }) => defined({ ...b, kind: 'VOIDED' as const, ...e })),
  fc.record({ b: base, orderId: id, allocations, holdExpiresAt: date }).map(({ b, ...e }) => ({ ...b, kind: 'HELD' as const, ...e })),
  fc
    .record({ b: base, holdId: id, orderId: id, allocations, final: fc.boolean(), refunds })
    .map(({ b, ...e }) => defined({ ...b, kind: 'CAPTURED' as const, ...e })),
  fc
    .record({ b: base, holdId: id, orderId: id, reason: fc.constantFrom(...RELEASE_REASONS), allocations, lapsed: money })
    .map(({ b, ...e }) => ({ ...b, kind: 'RELEASED' as const, ...e })),
  fc
    .record({
      b: base,
      orderId: id,
      allocations,
      lapsed: money,
      reason: maybe(personal),
      of: fc.oneof(
        fc.record({ refundOf: fc.constant('REDEMPTION' as const), redemptionId: id }),
        fc.record({ refundOf: fc.constant('CAPTURE' as const), captureId: id }),
      ),
    })
    .map(({ b, of, ...e }) => defined({ ...b, kind: 'REFUNDED' as const, ...e, ...of })),
);

const pendingTerms = fc.record({
  pendingId: id,
  complaintId: id,
  customerId: id,
  currency,
  amount: money,
  validityDays: fc.integer({ min: 1, max: 365 }),
  requestedAt: date,
  decideBy: date,
  reasonCode: maybe(fc.constantFrom(...REASON_CODES)),
  categories: maybe(fc.subarray([...ELIGIBLE_CATEGORIES], { minLength: 1 })),
  issuedBy: maybe(id),
});
const decisionBase = fc.record({
  pendingId: id,
  complaintId: id,
  customerId: id,
  currency,
  amount: money,
  decidedAt: date,
  issuedBy: maybe(id),
});
const dayUsage = fc.record({ day: date.map((d) => d.slice(0, 10)), count: money, amounts: fc.dictionary(currency, money) });

/** One generator per item kind the codec knows (a new kind fails to compile here until it has one). */
const ITEMS: { readonly [K in ItemKind]: fc.Arbitrary<RawItem> } = {
  [ITEM.CREDIT]: fc
    .record({
      creditId: id,
      customerId: id,
      complaintId: id,
      currency,
      amount: money,
      remaining: money,
      grantedAt: date,
      expiresAt: date,
      reason: personal,
      locale: personal,
      email: personal,
      categories: maybe(fc.subarray([...ELIGIBLE_CATEGORIES], { minLength: 1 })),
      voided: maybe(
        fc
          .record({
            voidId: id,
            voidedAt: date,
            amount: money,
            voidKey: maybe(id),
            fromHolds: maybe(fc.array(fc.record({ holdId: id, orderId: id, amount: money }), { minLength: 1, maxLength: 2 })),
          })
          .map(defined),
      ),
    })
    .map((c) => creditItem(defined(c))),
  [ITEM.REMINDER]: fc
    .record({ customerId: id, creditId: id, expiresAt: date, remindAt: date })
    .map((r) => reminderItem(r, new Date(r.remindAt))),
  [ITEM.LEDGER]: entries.map(ledgerItem),
  [ITEM.IDEMPOTENCY]: fc.oneof(
    fc
      .record({ customerId: id, key: id, requestHash: id, response, now: date })
      .map((k) => redeemKeyItem(k.customerId, k.key, { requestHash: k.requestHash, response: k.response as never }, new Date(k.now))),
    fc
      .record({ customerId: id, operation: fc.constantFrom(...KEYED_OPERATIONS), key: id, requestHash: id, response, now: date })
      .map((k) =>
        operationKeyItem(k.customerId, k.operation, k.key, { requestHash: k.requestHash, response: k.response }, new Date(k.now)),
      ),
  ),
  [ITEM.NOTICE]: fc
    .record({
      kind: fc.constantFrom('ISSUED' as const, 'REMINDER' as const),
      customerId: id,
      creditId: id,
      currency,
      remaining: money,
      expiresAt: date,
      sentAt: date,
      messageId: maybe(id),
    })
    .map(({ kind, ...n }) => noticeItem(kind, defined(n), n.expiresAt)),
  [ITEM.GRANT]: fc
    .record({ complaintId: id, customerId: id, creditId: id, requestHash: id, at: date })
    .map(({ at, ...g }) => grantKeyItem(g, at)),
  [ITEM.HOLD]: fc
    .record({
      holdId: id,
      customerId: id,
      orderId: id,
      currency,
      amount: money,
      captured: money,
      allocations: fc.array(fc.record({ creditId: id, amount: money, expiresAt: date, held: money }), { maxLength: 3 }),
      lines: maybe(
        fc.array(fc.record({ lineId: id, category: fc.constantFrom(...PURCHASE_CATEGORIES), amount: money, applied: money }), {
          maxLength: 2,
        }),
      ),
      status: fc.constantFrom('ACTIVE' as const, 'CAPTURED' as const, 'RELEASED' as const),
      placedAt: date,
      expiresAt: date,
      version: money,
    })
    .map((h) => holdItem(defined(h))),
  [ITEM.REFUSAL]: fc
    .record({
      complaintId: id,
      customerId: id,
      currency,
      amount: money,
      cap: fc.constantFrom(...CAPS),
      limit: money,
      used: money,
      refusedAt: date,
      issuedBy: maybe(id),
      requestHash: id,
    })
    .map(({ requestHash, ...r }) => refusalItem(defined(r), requestHash)),
  [ITEM.GRANT_USAGE]: fc
    .record({ customerId: id, days: fc.array(dayUsage, { maxLength: 3 }), version: money })
    .map((u) => grantUsageItem(u.customerId, { value: u.days, version: u.version })),
  [ITEM.ISSUER_USAGE]: fc
    .record({ issuedBy: id, day: dayUsage, version: money })
    .map((u) => issuerUsageItem(u.issuedBy, { value: u.day, version: u.version })),
  // Written by update expressions (finance.ts, spend-queue.ts), not by an encoder: the attributes those set.
  [ITEM.DAY_TOTALS]: fc
    .record({ shard: fc.nat(31), day: date.map((d) => d.slice(0, 10)), currency, columns: fc.subarray([...REPORT_COLUMNS]), amount: money })
    .map(({ shard, day, currency, columns, amount }) => ({
      pk: keys.finShard(shard),
      sk: keys.dayTotals(day, currency),
      type: ITEM.DAY_TOTALS,
      currency,
      day,
      ...Object.fromEntries(columns.map((c) => [c, amount])),
    })),
  [ITEM.APPLIED]: id.map((entryId) => ({ pk: keys.applied(entryId), sk: 'AGG', type: ITEM.APPLIED, entryId, ttl: 1 })),
  [ITEM.PENDING_GRANT]: fc
    .record({ terms: pendingTerms, email: personal, locale: personal, reason: personal })
    .map(({ terms, ...p }) => pendingGrantItem(defined({ ...terms, ...p }))),
  [ITEM.PENDING_KEY]: fc
    .record({ complaintId: id, customerId: id, pendingId: id, requestHash: id, at: date })
    .map(({ at, ...k }) => pendingKeyItem(k, at)),
  [ITEM.DECISION]: fc.oneof(
    fc
      .record({ b: decisionBase, approverId: id, creditId: id, expiresAt: date })
      .map(({ b, ...d }) => decisionItem(defined({ ...b, outcome: 'APPROVED' as const, ...d }))),
    fc
      .record({ b: decisionBase, approverId: id, reasonCode: maybe(fc.constantFrom(...DECLINE_REASON_CODES)) })
      .map(({ b, ...d }) => decisionItem(defined({ ...b, outcome: 'DECLINED' as const, reason: 'DECLINED' as const, ...d }))),
    decisionBase.map((b) => decisionItem(defined({ ...b, outcome: 'DECLINED' as const, reason: 'EXPIRED' as const }))),
  ),
  [ITEM.SPEND_QUEUE]: fc
    .record({ customerId: id, issued: money, serving: money })
    .map((q) => ({ pk: keys.customer(q.customerId), sk: 'QUEUE#SPEND', type: ITEM.SPEND_QUEUE, ...q, ttl: 1 })),
};

/** A decoded value less every personal value (what erasure may remove), at any depth. */
function withoutPersonal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonal);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => !(typeof v === 'string' && v.startsWith(MARK)))
      .map(([k, v]) => [k, withoutPersonal(v)]),
  );
}

const ERASED = '2027-01-01T00:00:00.000Z';

test('every item kind the codec knows: erased, it still decodes to the same value less the personal data', () => {
  for (const [kind, items] of Object.entries(ITEMS)) {
    fc.assert(
      fc.property(items, (raw) => {
        const erased = erasedItem(raw, ERASED);
        expect(JSON.stringify(erased)).not.toContain(MARK);
        const before = decodeItem(raw);
        const after = decodeItem(erased);
        const marked = (ERASURE_MARKED as readonly string[]).includes(kind);
        expect(after).toEqual(marked ? withoutPersonal(merge(before, { erasedAt: ERASED })) : withoutPersonal(before));
        // Erasing again changes nothing.
        expect(erasedItem(erased, '2028-01-01T00:00:00.000Z')).toEqual(erased);
      }),
      { numRuns: 150 },
    );
  }
});

/** The credit or pending grant inside a decoded item, marked erased. */
function merge(item: ReturnType<typeof decodeItem>, extra: object): unknown {
  if (item.kind === 'credit') return { ...item, credit: { ...item.credit, ...extra } };
  if (item.kind === 'pendingGrant') return { ...item, pending: { ...item.pending, ...extra } };
  throw new Error(`${item.kind} is not marked on erasure`);
}

test('closed codes never share a name with personal data; erasure marks only kinds that decode erased', () => {
  for (const code of Object.values(CODE_ATTRIBUTES)) expect(PERSONAL_ATTRIBUTES).not.toContain(code);
  expect([...PERSONAL_ATTRIBUTES]).toEqual(['email', 'locale', 'reason']);
  expect([...ERASURE_MARKED].sort()).toEqual([ITEM.CREDIT, ITEM.PENDING_GRANT]);
  expect(ERASED_AT).toBe('erasedAt');
});

describe('repair: items that held their code as `reason` (before it had a name of its own), erased before the fix', () => {
  const released = {
    pk: 'C#c-1',
    customerId: 'c-1',
    type: ITEM.LEDGER,
    kind: 'RELEASED',
    currency: 'EUR',
    amount: 0,
    holdId: 'H1',
    orderId: 'o-1',
    allocations: [],
    lapsed: 1000,
  };
  const at = '2026-03-01T10:00:00.000Z';

  test.each(RELEASE_REASONS)('a RELEASED entry with `reason` %s still reads it', (reason) => {
    const item = { ...released, sk: 'LEDGER#R1', entryId: 'R1', at, reason };
    expect(decodeItem(item)).toMatchObject({ kind: 'ledger', entry: { reason, lapsed: 1000 } });
  });

  test("a RELEASED entry erased then: the auto-release's is EXPIRED (its id derives from the hold), any other EXPLICIT", () => {
    const auto = expiredReleaseId('H1', at);
    const legacy = (entryId: string, reason: string) => erasedItem({ ...released, sk: `LEDGER#${entryId}`, entryId, at, reason }, ERASED);
    expect(decodeItem(legacy(auto, 'EXPIRED'))).toMatchObject({ entry: { entryId: auto, reason: 'EXPIRED', lapsed: 1000 } });
    expect(decodeItem(legacy('01JOTHER0000000000000000AA', 'FINAL_CAPTURE'))).toMatchObject({
      entry: { reason: 'EXPLICIT', lapsed: 1000 },
    });
    expect(decodeItem(legacy('01JOTHER0000000000000000AB', 'EXPLICIT'))).toMatchObject({ entry: { reason: 'EXPLICIT' } });
  });

  test("a decline erased then is told apart exactly: an approver's names the approver, an expiry none", () => {
    const decision = { pk: 'C#c-1', sk: 'DECISION#p', type: ITEM.DECISION, pendingId: 'p', complaintId: 'k', customerId: 'c-1' };
    const common = { ...decision, currency: 'EUR', amount: 5, decidedAt: at, outcome: 'DECLINED' };
    const declined = { ...common, reason: 'DECLINED', approverId: 'a-1', reasonCode: 'DUPLICATE' };
    const expired = { ...common, reason: 'EXPIRED' };
    expect(decodeItem(erasedItem(declined, ERASED))).toEqual(decodeItem(declined));
    expect(decodeItem(erasedItem(expired, ERASED))).toEqual(decodeItem(expired));
    expect(decodeItem(erasedItem(declined, ERASED))).toMatchObject({ decision: { reason: 'DECLINED', approverId: 'a-1' } });
    expect(decodeItem(erasedItem(expired, ERASED))).toMatchObject({ decision: { reason: 'EXPIRED' } });
  });
});
