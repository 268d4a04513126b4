import type { CreditStore } from '../../app/credit-store';
import { tableName } from '../../shared/config';
import { once } from '../../shared/once';
import { tracer } from '../../shared/observability';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, Table } from './client';
import { Credits } from './credits';
import { Ledger } from './history';
import { Notices } from './notices';
import { Redemptions } from './redemptions';
import { PaymentFlow } from './holds';
import { Voids } from './voids';
import { Erasure } from './erasure';
import { Finance } from './finance';
import { Approvals } from './approvals';
import { SpendQueues } from './spend-queue';
import { SpendGroups } from './spend-groups';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The DynamoDB adapter: one table (layout in ./layout.ts) behind the store ports of lambdas/app/ports.ts, each
 * concern in its own module; this one composes them.
 */
export { ITEM, keys } from './layout';
export { createDocumentClient } from './client';
export { decodeItem } from './codec';
export { decodeStreamRecord } from './stream-record';
export { StoredItemError } from './fields';

export class DynamoCreditStore implements CreditStore {
  private readonly credits: Credits;
  private readonly redemptions: Redemptions;
  private readonly ledger: Ledger;
  private readonly notices: Notices;
  private readonly payments: PaymentFlow;
  private readonly voids: Voids;
  private readonly erasure: Erasure;
  private readonly finance: Finance;
  private readonly approvals: Approvals;
  private readonly queues: SpendQueues;
  /** Group commit in the spend queue (redeem and hold under contention). */
  readonly groups: SpendGroups;

  constructor(
    readonly doc: DynamoDBDocumentClient,
    table: string,
  ) {
    const t = new Table(doc, table);
    this.credits = new Credits(t);
    this.redemptions = new Redemptions(t);
    this.ledger = new Ledger(t);
    this.notices = new Notices(t);
    this.payments = new PaymentFlow(t);
    this.voids = new Voids(t);
    this.erasure = new Erasure(t);
    this.finance = new Finance(t);
    this.approvals = new Approvals(t, this.credits);
    this.queues = new SpendQueues(t);
    this.groups = new SpendGroups(t);
  }

  grant: CreditStore['grant'] = (input) => this.credits.grant(input);
  refuse: CreditStore['refuse'] = (refusal, requestHash) => this.credits.refuse(refusal, requestHash);
  readUsage = (customerId: string, issuedBy: string | undefined, day: string, currency: string, grantId?: string) =>
    this.credits.readUsage(customerId, issuedBy, day, currency, grantId);
  listSpendableCredits: CreditStore['listSpendableCredits'] = (customerId, now) => this.credits.listSpendableCredits(customerId, now);
  listStoredCredits: CreditStore['listStoredCredits'] = (customerId) => this.credits.listStoredCredits(customerId);
  getCredit: CreditStore['getCredit'] = (customerId, creditId, expiresAt) => this.credits.getCredit(customerId, creditId, expiresAt);
  commitRedemption: CreditStore['commitRedemption'] = (input) => this.redemptions.commitRedemption(input);
  getRedeemRecord = (customerId: string, idempotencyKey: string) => this.redemptions.getRedeemRecord(customerId, idempotencyKey);
  commitReversal: CreditStore['commitReversal'] = (input) => this.redemptions.commitReversal(input);
  getLedgerEntry: CreditStore['getLedgerEntry'] = (customerId, entryId) => this.ledger.getLedgerEntry(customerId, entryId);
  recordExpiry: CreditStore['recordExpiry'] = (entry) => this.ledger.recordExpiry(entry);
  history: CreditStore['history'] = (customerId, limit, cursor) => this.ledger.history(customerId, limit, cursor);
  hasNotice: CreditStore['hasNotice'] = (customerId, creditId, kind) => this.notices.hasNotice(customerId, creditId, kind);
  putNotice: CreditStore['putNotice'] = (kind, notice, expiresAt) => this.notices.putNotice(kind, notice, expiresAt);
  // the payment flow (issue 10)
  getHold: CreditStore['getHold'] = (customerId, holdId) => this.payments.getHold(customerId, holdId);
  getKeyedRecord: CreditStore['getKeyedRecord'] = (customerId, operation, key) => this.payments.getKeyedRecord(customerId, operation, key);
  commitHold: CreditStore['commitHold'] = (input) => this.payments.commitHold(input);
  commitCapture: CreditStore['commitCapture'] = (input) => this.payments.commitCapture(input);
  commitRelease: CreditStore['commitRelease'] = (input) => this.payments.commitRelease(input);
  commitExpiredRelease: CreditStore['commitExpiredRelease'] = (input) => this.payments.commitExpiredRelease(input);
  commitRefund: CreditStore['commitRefund'] = (input) => this.payments.commitRefund(input);
  listHolds: CreditStore['listHolds'] = (customerId) => this.payments.listHolds(customerId);
  commitVoid: CreditStore['commitVoid'] = (input) => this.voids.commitVoid(input);
  eraseCustomer: CreditStore['eraseCustomer'] = (customerId, erasedAt) => this.erasure.eraseCustomer(customerId, erasedAt);
  applyMovement: CreditStore['applyMovement'] = (entryId, movement) => this.finance.applyMovement(entryId, movement);
  dayTotals: CreditStore['dayTotals'] = (to) => this.finance.dayTotals(to);
  remainingOnCredits: CreditStore['remainingOnCredits'] = () => this.finance.remainingOnCredits();
  forEachLedgerEntry: CreditStore['forEachLedgerEntry'] = (visit) => this.finance.forEachLedgerEntry(visit);
  // Approval above a threshold (issue 11.2)
  requestApproval: CreditStore['requestApproval'] = (input) => this.credits.requestApproval(input);
  getPending: CreditStore['getPending'] = (customerId, pendingId) => this.approvals.getPending(customerId, pendingId);
  getDecision: CreditStore['getDecision'] = (customerId, pendingId) => this.approvals.getDecision(customerId, pendingId);
  getComplaintOutcome: CreditStore['getComplaintOutcome'] = (complaintId) => this.approvals.getComplaintOutcome(complaintId);
  listPending: CreditStore['listPending'] = (customerId) => this.approvals.listPending(customerId);
  commitApproval: CreditStore['commitApproval'] = (input) => this.approvals.commitApproval(input);
  commitDecline: CreditStore['commitDecline'] = (input) => this.approvals.commitDecline(input);
  // the spend queue under contention (issue 10.5)
  takeTicket: CreditStore['takeTicket'] = (customerId, now) => this.queues.takeTicket(customerId, now);
  readQueue: CreditStore['readQueue'] = (customerId) => this.queues.readQueue(customerId);
  finishTurn: CreditStore['finishTurn'] = (customerId, now) => this.queues.finishTurn(customerId, now);
  passStalledTurn: CreditStore['passStalledTurn'] = (customerId, seen, now) => this.queues.passStalledTurn(customerId, seen, now);
}

/** The store for this container, created on first use (a missing TABLE_NAME fails with its name, not at import). */
export const creditStore = once<CreditStore>(
  () => new DynamoCreditStore(createDocumentClient(tracer.captureAWSv3Client(new DynamoDBClient({}))), tableName()),
);
