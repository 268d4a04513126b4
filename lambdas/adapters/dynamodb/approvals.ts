import type { ApprovalDecision, PendingGrant } from '../../domain/approval';
import type { StoredCredit } from '../../domain/credit';
import type { GrantedEntry } from '../../domain/credit-entries';
import type { ApprovalCommit, ApprovalStore, CommitOutcome, ComplaintOutcome, DeclineCommit, UsageUpdate } from '../../app/ports';
import type { Table } from './client';
import { decisionItem } from './approval-codec';
import { decodeAs, grantKeyItem } from './codec';
import { creditWrites, usageWrites, type Credits } from './credits';
import type { RawItem } from './fields';
import { ITEM, PREFIX, keys } from './layout';

/**
 * Pending grants and their decisions (approval above a threshold). The decision item is the guard of every
 * decision: it is put only if absent, so of an approve, a decline and the auto-decline racing for one pending grant
 * exactly one commits. An approval writes the credit with the same writes as a direct grant (credits.ts).
 */
export class Approvals {
  constructor(
    private readonly table: Table,
    private readonly credits: Credits,
  ) {}

  async getPending(customerId: string, pendingId: string): Promise<PendingGrant | undefined> {
    const item = await this.table.get(keys.customer(customerId), keys.pending(pendingId));
    return item ? decodeAs(item, 'pendingGrant').pending : undefined;
  }

  async getDecision(customerId: string, pendingId: string): Promise<ApprovalDecision | undefined> {
    const item = await this.table.get(keys.customer(customerId), keys.decision(pendingId));
    return item ? decodeAs(item, 'decision').decision : undefined;
  }

  getComplaintOutcome(complaintId: string): Promise<ComplaintOutcome | undefined> {
    return this.credits.complaintOutcome(complaintId);
  }

  async listPending(customerId: string): Promise<PendingGrant[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pending)',
      ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':pending': PREFIX.PENDING },
      ConsistentRead: true,
    });
    return items.map((i) => decodeAs(i, 'pendingGrant').pending).sort((a, b) => (a.requestedAt < b.requestedAt ? -1 : 1));
  }

  readUsage: ApprovalStore['readUsage'] = (customerId, issuedBy, day, currency) =>
    this.credits.readUsage(customerId, issuedBy, day, currency);

  async commitApproval(input: ApprovalCommit): Promise<CommitOutcome<ApprovalDecision>> {
    const { pending, decision, credit, ledger, remindAt, requestHash, now } = input;
    const t = this.table;
    const grant = { complaintId: pending.complaintId, customerId: pending.customerId, creditId: credit.creditId, requestHash };
    const items = [
      t.putNew(decisionItem(decision), true),
      // Still waiting, and before its deadline (DynamoDB's clock decides at commit, not only ours at decision).
      {
        Delete: {
          TableName: t.name,
          Key: { pk: keys.customer(pending.customerId), sk: keys.pending(pending.pendingId) },
          ConditionExpression: 'attribute_exists(pk) AND decideByMs > :now',
          ExpressionAttributeValues: { ':now': now.getTime() },
        },
      },
      // The complaint's key now names the credit: a redelivered ComplaintResolved is a DUPLICATE of it.
      {
        Put: {
          TableName: t.name,
          Item: grantKeyItem(grant, credit.grantedAt),
          ConditionExpression: '#type = :pendingKey AND pendingId = :pendingId',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':pendingKey': ITEM.PENDING_KEY, ':pendingId': pending.pendingId },
        },
      },
      ...creditWrites(t, credit, ledger, remindAt),
    ];
    return t.transact(items, 0, (old) => this.earlierDecision(pending.customerId, pending.pendingId, old));
  }

  async commitDecline(input: DeclineCommit): Promise<CommitOutcome<ApprovalDecision>> {
    const { decision, deletePending, usage } = input;
    const t = this.table;
    const items = [
      t.putNew(decisionItem(decision), true),
      // A DeleteItem by the service, not TTL: the auto-decline does not react to it.
      ...(deletePending
        ? [{ Delete: { TableName: t.name, Key: { pk: keys.customer(decision.customerId), sk: keys.pending(decision.pendingId) } } }]
        : []),
      ...usageWrites(t, usage),
    ];
    return t.transact(items, 0, (old) => this.earlierDecision(decision.customerId, decision.pendingId, old));
  }

  private async earlierDecision(customerId: string, pendingId: string, old: RawItem | undefined): Promise<ApprovalDecision | undefined> {
    if (old) return decodeAs(old, 'decision').decision;
    return this.getDecision(customerId, pendingId);
  }
}
