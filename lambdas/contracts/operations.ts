import type * as z from 'zod/mini';
import {
  ApprovalAnswer,
  BalanceAnswer,
  CaptureAnswer,
  EraseAnswer,
  FinanceAnswer,
  HoldAnswer,
  RedeemAnswer,
  RefundAnswer,
  ReleaseAnswer,
  ReverseAnswer,
  VoidAnswer,
} from './answers';
import {
  ApprovalRequest,
  BalanceRequest,
  CaptureRequest,
  COMPLAINT_RESOLVED,
  ComplaintResolvedDetail,
  EraseRequest,
  FinanceRequest,
  HoldRequest,
  RedeemRequest,
  RefundRequest,
  ReleaseRequest,
  ReverseRequest,
  VoidRequest,
} from './index';

/**
 * The synchronous API by function name (the catalogue's synchronous functions, infra/catalogue/synchronous.ts):
 * each operation's request and answer body. With the incoming event and the events out (events.ts) this is
 * everything schemas/ holds.
 */
export const OPERATIONS = {
  redeem: { request: RedeemRequest, answer: RedeemAnswer },
  reverse: { request: ReverseRequest, answer: ReverseAnswer },
  balance: { request: BalanceRequest, answer: BalanceAnswer },
  hold: { request: HoldRequest, answer: HoldAnswer },
  capture: { request: CaptureRequest, answer: CaptureAnswer },
  release: { request: ReleaseRequest, answer: ReleaseAnswer },
  refund: { request: RefundRequest, answer: RefundAnswer },
  void: { request: VoidRequest, answer: VoidAnswer },
  erase: { request: EraseRequest, answer: EraseAnswer },
  report: { request: FinanceRequest, answer: FinanceAnswer },
  approval: { request: ApprovalRequest, answer: ApprovalAnswer },
} as const satisfies Record<string, { request: z.ZodMiniType; answer: z.ZodMiniType }>;
export type OperationName = keyof typeof OPERATIONS;

/** The events other services put on the bus for this service, by detail-type. */
export const INCOMING_EVENTS = { [COMPLAINT_RESOLVED]: ComplaintResolvedDetail } as const;
