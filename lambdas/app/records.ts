import type { AnswerOf, HoldAnswer, RedeemAnswer } from '../contracts/answers';

/**
 * The answers a spend stores under its caller's key, the outcome of a store's atomic write and the size of one: the
 * vocabulary the store ports (ports.ts, payment-ports.ts) and the spend plans (spend-plans.ts) share.
 */

/** An answer stored under the caller's idempotency key, with the fingerprint of the request that produced it. */
export interface KeyedRecord<R> {
  readonly requestHash: string;
  readonly response: R;
}

/** The redeem function's answer (its contract: lambdas/contracts/answers.ts). */
export type RedeemResponse = AnswerOf<typeof RedeemAnswer>;

export interface RedeemRecord {
  readonly requestHash: string;
  readonly response: RedeemResponse;
}

export type HoldResponse = AnswerOf<typeof HoldAnswer>;

/** Most items one atomic write of the store holds (a DynamoDB transaction: 100); every per-credit limit derives from it. */
export const TRANSACTION_MAX_ITEMS = 100;

/**
 * `conflict.stale`: a condition failed because the data changed since it was read (re-read and re-plan at once);
 * otherwise another transaction held the items (back off, then retry).
 */
export type CommitOutcome<T> =
  | { kind: 'committed' }
  | { kind: 'duplicate'; existing: T | undefined }
  | { kind: 'conflict'; stale: boolean };
