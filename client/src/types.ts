/**
 * The client's types, all from the service's contracts (lambdas/contracts): each operation's request as a caller
 * writes it, its answer body, and the refusals as a union discriminated by `code`. Type-only: nothing of the
 * contracts' runtime (zod) comes along.
 */
import type * as z from 'zod/mini';
import type * as answers from '../../lambdas/contracts/answers';
import type * as requests from '../../lambdas/contracts/index';
import type { ERROR_CODES, ErrorCode } from '../../lambdas/domain/errors';

type In<S extends z.ZodMiniType> = z.input<S>;
type Out<S extends z.ZodMiniType> = z.output<S>;

export type RedeemRequest = In<typeof requests.RedeemRequest>;
export type HoldRequest = In<typeof requests.HoldRequest>;
export type CaptureRequest = In<typeof requests.CaptureRequest>;
export type ReleaseRequest = In<typeof requests.ReleaseRequest>;
export type RefundRequest = In<typeof requests.RefundRequest>;
export type ReverseRequest = In<typeof requests.ReverseRequest>;
export type BalanceRequest = In<typeof requests.BalanceRequest>;
export type VoidRequest = In<typeof requests.VoidRequest>;
export type EraseRequest = In<typeof requests.EraseRequest>;
export type FinanceRequest = In<typeof requests.FinanceRequest>;
export type ReportRequest = Omit<Extract<FinanceRequest, { operation: 'report' }>, 'operation'>;
export type ApprovalRequest = In<typeof requests.ApprovalRequest>;
export type DecisionRequest<O extends 'approve' | 'decline'> = Omit<Extract<ApprovalRequest, { operation: O }>, 'operation'>;

export type Redemption = Out<typeof answers.RedeemAnswer>;
export type Hold = Out<typeof answers.HoldAnswer>;
export type Capture = Out<typeof answers.CaptureAnswer>;
export type Release = Out<typeof answers.ReleaseAnswer>;
export type Refund = Out<typeof answers.RefundAnswer>;
export type Reversal = Out<typeof answers.ReverseAnswer>;
export type Balance = Out<typeof answers.BalanceAnswer>;
export type Void = Out<typeof answers.VoidAnswer>;
export type Erasure = Out<typeof answers.EraseAnswer>;
export type FinanceAnswer = Out<typeof answers.FinanceAnswer>;
export type Report = Exclude<FinanceAnswer, { operation: 'reconcile' }>;
export type Reconciliation = Extract<FinanceAnswer, { operation: 'reconcile' }>;
export type Decision = Out<typeof answers.ApprovalDecisionAnswer>;
export type PendingGrants = Out<typeof answers.PendingGrantsAnswer>;

/** A refusal (or failure) the service answered: one member per stable code, so a `switch (error.code)` narrows it. */
export type Refusal = {
  [C in ErrorCode]: {
    readonly code: C;
    readonly message: string;
    /** CONCURRENT_MODIFICATION and INTERNAL: the client has retried them already (within its bound). */
    readonly retryable: (typeof ERROR_CODES)[C]['retryable'];
    readonly details?: Record<string, unknown>;
  };
}[ErrorCode];
export type { ErrorCode };

/** An operation's answer: its body with `ok: true`, or `ok: false` and the refusal. */
export type Answer<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: Refusal };
