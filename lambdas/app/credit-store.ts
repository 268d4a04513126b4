/** Everything the service stores: every use case's store port in one type, which one DynamoDB table adapter provides. */
import type { PaymentFlowStore } from './payment-ports';
import type {
  AggregateStore,
  ApprovalStore,
  BalanceStore,
  EraseStore,
  ExpiryStore,
  GrantStore,
  NoticeStore,
  RedeemStore,
  ReportStore,
  ReverseStore,
  VoidStore,
} from './ports';

export type CreditStore = GrantStore &
  RedeemStore &
  ReverseStore &
  BalanceStore &
  ExpiryStore &
  NoticeStore &
  VoidStore &
  EraseStore &
  AggregateStore &
  ReportStore &
  PaymentFlowStore &
  ApprovalStore;
