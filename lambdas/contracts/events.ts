import * as z from 'zod/mini';
import { DECLINE_REASON_CODES } from '../domain/approval';
import { CAPS } from '../domain/caps';
import { DETAIL_TYPES, type DetailType } from '../domain/events';
import { RELEASE_REASONS } from '../domain/payment-entries';
import { Allocation, currency, instant, minor, reasonCode, ref } from './published';

/**
 * The `detail` of every event the service publishes (source courtesy-credits), by detail-type: the events' one
 * definition. The domain builds them (domain/events.ts); schemas/ and the stack's schema registry are generated from
 * these; the integration tests validate every event published on the local bus against them. At least once:
 * consumers de-duplicate by `eventId`. No event carries an email address or free text.
 */

/** Every event: a stable id for de-duplication, whose credits, when. */
const envelope = { eventId: ref, customerId: ref, occurredAt: instant };
/** Every money movement: how much of which currency. */
const movement = { ...envelope, currency, amount: minor };
const allocations = z.array(Allocation);
const issuedBy = z.optional(ref);

export const EVENT_DETAILS = {
  [DETAIL_TYPES.GRANTED]: z.strictObject({
    ...movement,
    creditId: ref,
    complaintId: ref,
    expiresAt: instant,
    reasonCode: z.optional(reasonCode),
    issuedBy,
  }),
  [DETAIL_TYPES.REDEEMED]: z.strictObject({ ...movement, redemptionId: ref, orderId: ref, allocations }),
  [DETAIL_TYPES.REVERSED]: z.strictObject({
    ...movement,
    redemptionId: ref,
    orderId: ref,
    /** Put back, per credit. */
    allocations,
    /** Could not be put back: its credit had lapsed. */
    lapsed: minor,
  }),
  [DETAIL_TYPES.EXPIRED]: z.strictObject({ ...movement, creditId: ref, expiresAt: instant }),
  [DETAIL_TYPES.REMINDER_SENT]: z.strictObject({ ...movement, creditId: ref, expiresAt: instant }),
  [DETAIL_TYPES.HELD]: z.strictObject({ ...movement, holdId: ref, orderId: ref, allocations, holdExpiresAt: instant }),
  [DETAIL_TYPES.CAPTURED]: z.strictObject({ ...movement, captureId: ref, holdId: ref, orderId: ref, allocations, final: z.boolean() }),
  [DETAIL_TYPES.RELEASED]: z.strictObject({
    ...movement,
    holdId: ref,
    orderId: ref,
    reason: z.enum(RELEASE_REASONS),
    allocations,
    lapsed: minor,
  }),
  /** Exactly one of `redemptionId` and `captureId`: what the refund gave money back for. */
  [DETAIL_TYPES.REFUNDED]: z.union([
    z.strictObject({ ...movement, refundId: ref, redemptionId: ref, orderId: ref, allocations, lapsed: minor }),
    z.strictObject({ ...movement, refundId: ref, captureId: ref, orderId: ref, allocations, lapsed: minor }),
  ]),
  [DETAIL_TYPES.VOIDED]: z.strictObject({ ...movement, voidId: ref, creditId: ref }),
  [DETAIL_TYPES.GRANT_REFUSED]: z.strictObject({
    ...movement,
    complaintId: ref,
    code: z.literal('GRANT_CAP_EXCEEDED'),
    cap: z.enum(CAPS),
    /** The cap's limit: minor units for an amount cap, grants for a count cap. */
    limit: minor,
    issuedBy,
  }),
  [DETAIL_TYPES.GRANT_PENDING]: z.strictObject({
    ...movement,
    pendingId: ref,
    complaintId: ref,
    decideBy: instant,
    reasonCode: z.optional(reasonCode),
    issuedBy,
  }),
  [DETAIL_TYPES.GRANT_APPROVED]: z.strictObject({
    ...movement,
    pendingId: ref,
    complaintId: ref,
    issuedBy,
    approverId: ref,
    creditId: ref,
    expiresAt: instant,
  }),
  /** `reason` DECLINED: an approver declined it (with `approverId`, maybe a code); EXPIRED: nobody decided in time. */
  [DETAIL_TYPES.GRANT_DECLINED]: z.strictObject({
    ...movement,
    pendingId: ref,
    complaintId: ref,
    issuedBy,
    reason: z.enum(['DECLINED', 'EXPIRED']),
    approverId: z.optional(ref),
    reasonCode: z.optional(z.enum(DECLINE_REASON_CODES)),
  }),
} satisfies Record<DetailType, z.ZodMiniType>;

export type EventDetail<T extends DetailType> = z.output<(typeof EVENT_DETAILS)[T]>;
