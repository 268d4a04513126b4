/**
 * An in-memory ApprovalStore on top of the grant fake: pending grants, decisions (the guard: one per pending grant),
 * the complaint's key turned into the grant key on approval, and the usage counters checked by version.
 */
import type { ApprovalDecision, PendingGrant } from '../../../lambdas/domain/approval';
import type { StoredCredit } from '../../../lambdas/domain/credit';
import type { GrantedEntry } from '../../../lambdas/domain/credit-entries';
import type {
  ApprovalCommit,
  ApprovalStore,
  CommitOutcome,
  ComplaintOutcome,
  DeclineCommit,
  SpendTurn,
  UsageUpdate,
} from '../../../lambdas/app/ports';
import { FakeStore } from './fakes';

export class FakeApprovalStore extends FakeStore implements ApprovalStore {
  readonly pending = new Map<string, PendingGrant>();
  readonly decisions = new Map<string, ApprovalDecision>();
  /** Called inside each decision's commit, before it applies (to interleave a competing decision). */
  beforeDecision?: () => Promise<void>;

  async requestApproval(input: {
    pending: PendingGrant;
    requestHash: string;
    usage: UsageUpdate;
    turn?: SpendTurn;
  }): Promise<CommitOutcome<ComplaintOutcome>> {
    this.calls.push('requestApproval');
    const { pending, requestHash, usage } = input;
    const earlier = this.complaints.get(pending.complaintId);
    if (earlier) return { kind: 'duplicate', existing: earlier };
    if (!this.usageAt(usage)) return { kind: 'conflict', stale: true };
    this.applyUsage(usage);
    this.complaints.set(pending.complaintId, {
      kind: 'pending',
      key: { complaintId: pending.complaintId, customerId: pending.customerId, pendingId: pending.pendingId, requestHash },
    });
    this.pending.set(pending.pendingId, pending);
    if (input.turn) this.queue.finish(pending.customerId);
    return { kind: 'committed' };
  }

  async getPending(customerId: string, pendingId: string) {
    const p = this.pending.get(pendingId);
    return p?.customerId === customerId ? p : undefined;
  }

  async getDecision(customerId: string, pendingId: string) {
    const d = this.decisions.get(pendingId);
    return d?.customerId === customerId ? d : undefined;
  }

  async getComplaintOutcome(complaintId: string) {
    return this.complaints.get(complaintId);
  }

  async listPending(customerId: string) {
    return [...this.pending.values()].filter((p) => p.customerId === customerId);
  }

  async commitApproval(input: ApprovalCommit): Promise<CommitOutcome<ApprovalDecision>> {
    this.calls.push('commitApproval');
    await this.beforeDecision?.();
    const { pending, decision, credit } = input;
    const earlier = this.decisions.get(pending.pendingId);
    if (earlier) return { kind: 'duplicate', existing: earlier };
    const stillThere = this.pending.get(pending.pendingId);
    if (!stillThere || Date.parse(stillThere.decideBy) <= input.now.getTime()) return { kind: 'conflict', stale: true };
    this.decisions.set(pending.pendingId, decision);
    this.pending.delete(pending.pendingId);
    this.complaints.set(pending.complaintId, {
      kind: 'granted',
      grant: {
        complaintId: pending.complaintId,
        customerId: pending.customerId,
        creditId: credit.creditId,
        requestHash: input.requestHash,
      },
    });
    this.addCredit(credit).addEntry(input.ledger);
    this.reminders.set(credit.creditId, input.remindAt);
    return { kind: 'committed' };
  }

  async commitDecline(input: DeclineCommit): Promise<CommitOutcome<ApprovalDecision>> {
    this.calls.push('commitDecline');
    await this.beforeDecision?.();
    const { decision, deletePending, usage } = input;
    const earlier = this.decisions.get(decision.pendingId);
    if (earlier) return { kind: 'duplicate', existing: earlier };
    if (!this.usageAt(usage)) return { kind: 'conflict', stale: true };
    this.applyUsage(usage);
    this.decisions.set(decision.pendingId, decision);
    if (deletePending) this.pending.delete(decision.pendingId);
    return { kind: 'committed' };
  }

  private usageAt(usage: UsageUpdate): boolean {
    if ((this.usage.get(usage.customerId)?.version ?? 0) !== usage.customer.version) return false;
    return this.issuerDays.at(usage);
  }

  private applyUsage(usage: UsageUpdate): void {
    this.usage.set(usage.customerId, { value: usage.customer.value, version: usage.customer.version + 1 });
    this.issuerDays.apply(usage);
  }
}
