import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { CreditError } from '../domain/errors';
import { REASON_CODES } from '../domain/reason-code';
import { ELIGIBLE_CATEGORIES, MAX_PURCHASE_LINES, PURCHASE_CATEGORIES } from '../domain/eligibility';
import { isDay } from '../domain/finance';
import { DECLINE_REASON_CODES } from '../domain/approval';
import { actor, currencyCode, id, text } from './fields';

/**
 * The service's public contracts: shapes only. Business ranges (amount, validity, currency, email) are
 * checked by the domain so that each gets its own error code; here anything malformed is INVALID_INPUT.
 * Objects are strict: unknown fields are rejected, so a typo never silently drops data.
 */
// zod/mini keeps every function bundle small (cold start); the English messages are loaded explicitly.
z.config(en());

export const ComplaintResolvedDetail = z.strictObject({
  complaintId: id,
  customerId: id,
  email: z.string().check(z.trim(), z.minLength(3), z.maxLength(254)),
  locale: z.string().check(z.trim(), z.minLength(2), z.maxLength(35)),
  amount: z.number(),
  currency: currencyCode,
  validityDays: z.number(),
  reason: text(500),
  /** Optional closed code for the reason: the only reason that CreditGranted carries (the free text never leaves). */
  reasonCode: z.optional(z.enum(REASON_CODES)),
  /** Optional narrowing of the credit to purchase categories (eligible ones only); absent: every eligible category. */
  categories: z.optional(z.array(z.enum(ELIGIBLE_CATEGORIES)).check(z.minLength(1), z.maxLength(ELIGIBLE_CATEGORIES.length))),
  /** Who issued the grant (an agent or system id): the per-issuer daily cap counts by it. */
  issuedBy: z.optional(actor),
});
export type ComplaintResolvedDetail = z.infer<typeof ComplaintResolvedDetail>;
export const COMPLAINT_RESOLVED = 'ComplaintResolved';

/** What a spend request buys: its lines, each with a category (docs/contracts.md "Eligibility") and its price in minor units. */
export const Purchase = z.strictObject({
  lines: z
    .array(z.strictObject({ lineId: id, category: z.enum(PURCHASE_CATEGORIES), amount: z.number() }))
    .check(z.minLength(1), z.maxLength(MAX_PURCHASE_LINES)),
});
export type Purchase = z.infer<typeof Purchase>;

/** What a spend (a redemption, or a hold for later capture) asks for: an amount for an order, once per idempotency key. */
const spendRequest = {
  customerId: id,
  orderId: id,
  amount: z.number(),
  currency: currencyCode,
  idempotencyKey: id,
  /** Optional: without it every credit pays for anything (the contract before eligibility). */
  purchase: z.optional(Purchase),
};

export const RedeemRequest = z.strictObject(spendRequest);
export type RedeemRequest = z.infer<typeof RedeemRequest>;

// --- The payment flow (issue 10) ---------------------------------------------------------------------------------

export const HoldRequest = z.strictObject({
  ...spendRequest,
  /** How long the hold stands unless captured or released (default 7 days, at most 30). */
  lifetimeSeconds: z.optional(z.number()),
});
export type HoldRequest = z.infer<typeof HoldRequest>;

export const CaptureRequest = z.strictObject({
  customerId: id,
  holdId: id,
  amount: z.number(),
  captureKey: id,
  /** Let go of what the hold still holds after this capture. */
  final: z.optional(z.boolean()),
});
export type CaptureRequest = z.infer<typeof CaptureRequest>;

export const ReleaseRequest = z.strictObject({ customerId: id, holdId: id });
export type ReleaseRequest = z.infer<typeof ReleaseRequest>;

/** A refund names exactly one of the redemption or the capture it gives money back for. */
export const RefundRequest = z
  .strictObject({
    customerId: id,
    redemptionId: z.optional(id),
    captureId: z.optional(id),
    amount: z.number(),
    /** Optional guard: if given, must equal the currency of the redemption or capture. */
    currency: z.optional(currencyCode),
    refundKey: id,
    reason: z.optional(text(500)),
  })
  .check(
    z.refine(
      (r) => (r.redemptionId === undefined) !== (r.captureId === undefined),
      'exactly one of redemptionId and captureId is required',
    ),
  );
export type RefundRequest = z.infer<typeof RefundRequest>;

export const ReverseRequest = z.strictObject({
  customerId: id,
  redemptionId: id,
  /** Optional guard: if given, must equal the redemption's currency. */
  currency: z.optional(currencyCode),
  reason: z.optional(text(500)),
});
export type ReverseRequest = z.infer<typeof ReverseRequest>;

export const BalanceRequest = z.strictObject({
  customerId: id,
  /** History page size (newest first). */
  limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(100))),
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});
export type BalanceRequest = z.infer<typeof BalanceRequest>;

export const VoidRequest = z.strictObject({
  customerId: id,
  creditId: id,
  /** Why (free text for the audit trail: stored with the VOIDED entry, never published). */
  reason: text(500),
  /** Optional caller key: a second void of the credit under another key is CREDIT_ALREADY_VOIDED, not a replay. */
  voidKey: z.optional(id),
});
export type VoidRequest = z.infer<typeof VoidRequest>;

export const EraseRequest = z.strictObject({ customerId: id });
export type EraseRequest = z.infer<typeof EraseRequest>;

/** A UTC calendar day, YYYY-MM-DD (a real date). */
const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD'), z.refine(isDay, 'not a calendar day'));

/** The finance function: a report over days, or the reconciliation of the liability with the credits. */
export const FinanceRequest = z.discriminatedUnion('operation', [
  z.strictObject({
    operation: z.literal('report'),
    from: day,
    to: day,
    /** `csv`: the rows as one CSV text (amounts in minor units); default `json`. */
    format: z.optional(z.enum(['json', 'csv'])),
  }),
  z.strictObject({ operation: z.literal('reconcile') }),
]);
export type FinanceRequest = z.infer<typeof FinanceRequest>;

// --- Approval above a threshold (issue 11.2) ----------------------------------------------------------------------

/** A pending grant, by its id or by its complaint's (exactly one), always with its customer; and who decides. */
const pendingRef = { customerId: id, pendingId: z.optional(id), complaintId: z.optional(id), approverId: actor };

/** The approver's function: approve or decline a pending grant, or list a customer's pending grants. */
export const ApprovalRequest = z
  .discriminatedUnion('operation', [
    z.strictObject({ operation: z.literal('approve'), ...pendingRef }),
    z.strictObject({
      operation: z.literal('decline'),
      ...pendingRef,
      /** Optional closed code for why (published with GrantDeclined; no free text). */
      reasonCode: z.optional(z.enum(DECLINE_REASON_CODES)),
    }),
    z.strictObject({ operation: z.literal('pending'), customerId: id }),
  ])
  .check(
    z.refine(
      (r) => r.operation === 'pending' || (r.pendingId === undefined) !== (r.complaintId === undefined),
      'exactly one of pendingId and complaintId is required',
    ),
  );
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

/** Parse or throw INVALID_INPUT naming every offending field (never echoing values: they may be personal data). */
export function parseContract<T extends z.ZodMiniType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', problem: i.message }));
  throw new CreditError('INVALID_INPUT', `invalid input: ${issues.map((i) => `${i.path}: ${i.problem}`).join('; ')}`, { issues });
}

/** Results of the synchronous invocations: business errors are returned, not thrown, so callers branch on `error.code`. */
export type Result<T> = ({ ok: true } & T) | { ok: false; error: import('../domain/errors').ErrorBody };
