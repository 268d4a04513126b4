import * as z from 'zod/mini';
import { PURCHASE_CATEGORIES } from '../domain/eligibility';
import { ERROR_CODES, type ErrorCode } from '../domain/errors';
import { REPORT_COLUMNS } from '../domain/finance';
import { HOLD_STATES, HOLD_STATUSES } from '../domain/hold';
import { LEDGER_KINDS } from '../domain/ledger';
import { Allocation, count, currency, dayText, instant, minor, reasonCode, ref } from './published';

/**
 * What the synchronous functions answer: `{ ok: true, ...answer }` or `{ ok: false, error }`. The schemas are the
 * answers' one definition: the use cases build values of these types, schemas/ is generated from them
 * (`npm run schemas`), and the integration tests validate every answer the functions give against those files.
 */

/** Per purchase line, what credit paid of it. */
const LineApplication = z.strictObject({
  lineId: ref,
  category: z.enum(PURCHASE_CATEGORIES),
  amount: z.number().check(z.int()),
  applied: minor,
});

/** What a spend (redeem, hold) answers besides its id, amount and time. */
const spent = {
  customerId: ref,
  orderId: ref,
  currency,
  requested: z.number().check(z.int()),
  allocations: z.array(Allocation),
  /** Available (spendable, not held) balance in this currency right after this spend, as it saw it. */
  remainingBalance: minor,
  /** Per purchase line, what was applied to it (only when the request named its purchase). */
  lines: z.optional(z.array(LineApplication)),
};

export const RedeemAnswer = z.strictObject({
  /** null when nothing could be applied (no spendable credit covers any of it). */
  redemptionId: z.nullable(ref),
  ...spent,
  applied: minor,
  redeemedAt: instant,
});

export const HoldAnswer = z.strictObject({
  /** null when nothing could be held (no spendable credit covers any of it). */
  holdId: z.nullable(ref),
  ...spent,
  held: minor,
  holdExpiresAt: z.nullable(instant),
  heldAt: instant,
});

export const CaptureAnswer = z.strictObject({
  captureId: ref,
  holdId: ref,
  customerId: ref,
  orderId: ref,
  currency,
  captured: minor,
  allocations: z.array(Allocation),
  /** Still held after this capture (0 once final). */
  stillHeld: minor,
  /** Let go of by a final capture: restored onto live credits and lapsed with expired ones. */
  released: z.strictObject({ restored: minor, lapsed: minor }),
  holdStatus: z.enum(HOLD_STATUSES),
  capturedAt: instant,
});

export const ReleaseAnswer = z.strictObject({
  holdId: ref,
  customerId: ref,
  orderId: ref,
  currency,
  restored: minor,
  lapsed: minor,
  allocations: z.array(Allocation),
  releasedAt: instant,
});

export const RefundAnswer = z.strictObject({
  refundId: ref,
  refundOf: z.enum(['REDEMPTION', 'CAPTURE']),
  redemptionId: z.optional(ref),
  captureId: z.optional(ref),
  customerId: ref,
  orderId: ref,
  currency,
  requested: minor,
  restored: minor,
  lapsed: minor,
  allocations: z.array(Allocation),
  /** What is left to refund of the redemption or capture after this refund. */
  refundable: minor,
  refundedAt: instant,
});

export const ReverseAnswer = z.strictObject({
  reversalId: ref,
  redemptionId: ref,
  customerId: ref,
  orderId: z.optional(ref),
  currency,
  /** Put back on the credits it came from. */
  restored: minor,
  /** Could not be put back: the credit it came from has expired or was voided meanwhile (never revived). */
  lapsed: minor,
  allocations: z.array(Allocation),
  reversedAt: instant,
});

/** A ledger entry as the balance's history shows it: these fields always, and the fields of its kind (README "Ledger"). */
const HistoryEntry = z.looseObject({ entryId: ref, customerId: ref, kind: z.enum(LEDGER_KINDS), currency, amount: minor, at: instant });

export const BalanceAnswer = z.strictObject({
  customerId: ref,
  asOf: instant,
  /** Courtesy credit only: gift cards are a different product and never mixed in. */
  courtesyCredit: z.strictObject({
    /** Per currency: `available` to spend, `held` by holds not yet captured or released (never available). */
    balances: z.array(
      z.strictObject({
        currency,
        available: minor,
        held: minor,
        nextExpiry: z.optional(z.strictObject({ expiresAt: instant, amount: minor })),
      }),
    ),
    credits: z.array(z.strictObject({ creditId: ref, currency, remaining: minor, expiresAt: instant })),
    /** Holds still holding money, soonest-expiring first; EXPIRED ones are released shortly (by the hold's TTL). */
    holds: z.array(
      z.strictObject({
        holdId: ref,
        orderId: ref,
        currency,
        held: minor,
        captured: minor,
        state: z.enum(HOLD_STATES),
        expiresAt: instant,
      }),
    ),
  }),
  /** The ledger, newest first, one page. */
  history: z.array(HistoryEntry),
  /** Pass as `cursor` for the next page; absent on the last. */
  nextCursor: z.optional(z.string()),
});

export const VoidAnswer = z.strictObject({
  voidId: ref,
  customerId: ref,
  creditId: ref,
  currency,
  /** The unspent rest removed from the credit (0 if nothing was left). */
  voided: minor,
  /** Its part of each active hold, taken out of the hold (the hold shrinks; a capture beyond it is CAPTURE_EXCEEDS_HOLD). */
  fromHolds: z.array(z.strictObject({ holdId: ref, orderId: ref, amount: minor })),
  voidedAt: instant,
  /** True when the credit was voided before and this is that void's answer again. */
  replayed: z.boolean(),
});

export const EraseAnswer = z.strictObject({
  customerId: ref,
  erasedAt: instant,
  /** Items changed by this call (0 when erased before: erasure is idempotent). */
  itemsErased: count,
});

const signed = z.number().check(z.int());
const ReportRow = z.strictObject({
  currency,
  day: dayText,
  opening: signed,
  ...(Object.fromEntries(REPORT_COLUMNS.map((c) => [c, minor])) as Record<(typeof REPORT_COLUMNS)[number], typeof minor>),
  closing: signed,
});

/** One report column checked: its all-time sum in the day totals, the same recomputed from the ledger entries. */
const ColumnCheck = z.strictObject({ totals: signed, entries: signed, difference: signed });

export const FinanceAnswer = z.union([
  z.strictObject({ operation: z.literal('report'), from: dayText, to: dayText, rows: z.array(ReportRow) }),
  /** `format: 'csv'`: the rows as one CSV text, amounts in minor units. */
  z.strictObject({ operation: z.literal('report'), from: dayText, to: dayText, csv: z.string() }),
  z.strictObject({
    operation: z.literal('reconcile'),
    at: instant,
    /** Every difference is 0. */
    balanced: z.boolean(),
    lines: z.array(
      z.strictObject({
        currency,
        ledger: signed,
        credits: signed,
        difference: signed,
        /** Each report column: the day totals against the ledger entries. */
        columns: z.strictObject(
          Object.fromEntries(REPORT_COLUMNS.map((c) => [c, ColumnCheck])) as Record<(typeof REPORT_COLUMNS)[number], typeof ColumnCheck>,
        ),
      }),
    ),
  }),
]);

const decided = { pendingId: ref, customerId: ref, complaintId: ref, decidedAt: instant };
/** How a pending grant was decided (also `details.decision` of GRANT_ALREADY_DECIDED). */
export const ApprovalDecisionAnswer = z.union([
  z.strictObject({ decision: z.literal('APPROVED'), ...decided, creditId: ref, expiresAt: instant }),
  z.strictObject({
    decision: z.literal('DECLINED'),
    ...decided,
    reason: z.enum(['DECLINED', 'EXPIRED']),
    /** True when it was declined before and this is that decline's answer again. */
    replayed: z.boolean(),
  }),
]);

export const PendingGrantsAnswer = z.strictObject({
  customerId: ref,
  pending: z.array(
    z.strictObject({
      pendingId: ref,
      complaintId: ref,
      currency,
      amount: minor,
      validityDays: count,
      requestedAt: instant,
      decideBy: instant,
      reasonCode: z.optional(reasonCode),
      issuedBy: z.optional(ref),
    }),
  ),
});

/** The approval function answers a decision (approve, decline) or the customer's pending grants (pending). */
export const ApprovalAnswer = z.union([ApprovalDecisionAnswer, PendingGrantsAnswer]);

/** A refusal or failure: a stable code to branch on, whether retrying with the same key can succeed, details by code. */
export const ErrorBody = z.strictObject({
  code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  retryable: z.boolean(),
  details: z.optional(z.record(z.string(), z.unknown())),
});

/** An answer as its use case builds it (read-only: nothing downstream changes an answer). */
export type AnswerOf<S extends z.ZodMiniType> = DeepReadonly<z.output<S>>;
type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** A synchronous function's whole answer as the contract states it: its body with `ok: true`, or `ok: false` and an error. */
export function answer(body: z.ZodMiniType): z.ZodMiniType {
  return z.union([withOk(body), z.strictObject({ ok: z.literal(false), error: ErrorBody })]);
}

/** The body with `ok: true` added (to each option of a union). */
function withOk(body: z.ZodMiniType): z.ZodMiniType {
  const def = body._zod.def as { type: string; options?: z.ZodMiniType[] };
  if (def.type === 'union' && def.options) return z.union(def.options.map(withOk));
  if (def.type !== 'object') throw new Error(`an answer is an object or a union of objects, not ${def.type}`);
  return z.extend(body as z.ZodMiniObject, { ok: z.literal(true) });
}
