import type { SpendableCredit } from '../../domain/allocation';
import type { Credit, StoredCredit } from '../../domain/credit';
import { ELIGIBLE_CATEGORIES } from '../../domain/eligibility';
import type { GrantedEntry } from '../../domain/credit-entries';
import type { GrantRefusal } from '../../domain/caps';
import type { IssuerDay } from '../../domain/issuer-day';
import type { CommitOutcome, ComplaintOutcome, GrantRecord, GrantUsage, SpendTurn, UsageUpdate, Versioned } from '../../app/ports';
import type { Table, TransactItems } from './client';
import { creditItem, decodeAs, decodeItem, grantKeyItem, ledgerItem, reminderItem } from './codec';
import { fields, StoredItemError, type Fields, type RawItem } from './fields';
import { grantUsageItem, issuerShardUpdate, refusalItem } from './issuance-codec';
import { pendingGrantItem, pendingKeyItem } from './approval-codec';
import type { PendingGrant } from '../../domain/approval';
import { CREDIT_RANGE_END, GRANT_SK, GRANT_USAGE_SK, ISSUER_SHARDS, PREFIX, keys, shardOfId } from './layout';

/** Credit items: the grant transaction and the reads of a customer's credits. */
export class Credits {
  constructor(private readonly table: Table) {}

  /**
   * One transaction: grant key (the guard: a complaint is handled once), credit, ledger entry, reminder, and the cap
   * counters, each Put only if still at the version the caps were checked against.
   */
  async grant(input: {
    credit: Credit;
    ledger: GrantedEntry;
    remindAt?: Date;
    requestHash: string;
    usage: UsageUpdate;
  }): Promise<CommitOutcome<ComplaintOutcome>> {
    const { credit, ledger, remindAt, requestHash, usage } = input;
    const grant: GrantRecord = { complaintId: credit.complaintId, customerId: credit.customerId, creditId: credit.creditId, requestHash };
    const t = this.table;
    const items = [
      t.putNew(grantKeyItem(grant, credit.grantedAt), true),
      ...creditWrites(t, credit, ledger, remindAt),
      ...usageWrites(t, usage),
    ];
    return t.transact(items, 0, (old) => this.complaintOutcome(credit.complaintId, old));
  }

  /** The pending grant instead of the credit (approval above a threshold): its key, the pending item and the counters. */
  async requestApproval(input: {
    pending: PendingGrant;
    requestHash: string;
    usage: UsageUpdate;
  }): Promise<CommitOutcome<ComplaintOutcome>> {
    const { pending, requestHash, usage } = input;
    const t = this.table;
    const key = { complaintId: pending.complaintId, customerId: pending.customerId, pendingId: pending.pendingId, requestHash };
    const items = [t.putNew(pendingKeyItem(key, pending.requestedAt), true), t.putNew(pendingGrantItem(pending)), ...usageWrites(t, usage)];
    return t.transact(items, 0, (old) => this.complaintOutcome(pending.complaintId, old));
  }

  /** The refusal under the complaint's key, if nothing is there yet. */
  async refuse(refusal: GrantRefusal, requestHash: string): Promise<CommitOutcome<ComplaintOutcome>> {
    const t = this.table;
    const items = [t.putNew(refusalItem(refusal, requestHash), true)];
    return t.transact(items, 0, (old) => this.complaintOutcome(refusal.complaintId, old));
  }

  async readUsage(customerId: string, issuedBy: string | undefined, day: string, currency: string, grantId?: string): Promise<GrantUsage> {
    const [customer, issuer] = await Promise.all([
      this.table.get(keys.customer(customerId), GRANT_USAGE_SK),
      issuedBy === undefined ? undefined : this.readIssuerDay(issuedBy, day, currency, grantId),
    ]);
    return {
      customer: customer ? decodeAs(customer, 'grantUsage').usage : { value: [], version: 0 },
      ...(issuer ? { issuer } : {}),
    };
  }

  /**
   * The issuer's day in `currency`: the shard of `grantId` (every shard without it), and the unsharded counter of
   * before — in one BatchGetItem per 100 keys, not a GetItem each (every shard is 129 items).
   */
  private async readIssuerDay(issuedBy: string, day: string, currency: string, grantId?: string): Promise<IssuerDay> {
    const wanted = grantId === undefined ? Array.from({ length: ISSUER_SHARDS }, (_, i) => i) : [shardOfId(grantId, ISSUER_SHARDS)];
    const [unsharded, ...shards] = await this.table.getMany([
      { pk: keys.issuer(issuedBy), sk: keys.issuerDay(day) },
      ...wanted.map((shard) => ({ pk: keys.issuerShard(issuedBy, shard), sk: keys.issuerShardDay(day, currency) })),
    ]);
    return {
      shardCount: ISSUER_SHARDS,
      shards: wanted.map((shard, i) => {
        const item = shards[i];
        return { shard, usage: item ? decodeAs(item, 'issuerUsage').usage.value : undefined };
      }),
      ...(unsharded ? { unsharded: decodeAs(unsharded, 'issuerUsage').usage.value } : {}),
    };
  }

  async complaintOutcome(complaintId: string, old?: RawItem): Promise<ComplaintOutcome | undefined> {
    const item = old ?? (await this.table.get(keys.complaint(complaintId), GRANT_SK));
    if (!item) return undefined;
    const stored = decodeItem(item);
    if (stored.kind === 'grantKey') return { kind: 'granted', grant: stored.grant };
    if (stored.kind === 'refusal') return { kind: 'refused', refusal: stored.refusal, requestHash: stored.requestHash };
    if (stored.kind === 'pendingKey') return { kind: 'pending', key: stored.key };
    throw new StoredItemError(`${complaintId}: the complaint key holds a ${stored.kind} item`);
  }

  async listSpendableCredits(customerId: string, now: Date): Promise<SpendableCredit[]> {
    // The sort key starts with the expiry, so expired credits are skipped by the key condition itself,
    // whether or not TTL has deleted them yet.
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      FilterExpression: 'remaining > :zero',
      ExpressionAttributeValues: {
        ':pk': keys.customer(customerId),
        ':from': `${PREFIX.CREDIT}${now.toISOString()}`,
        ':to': CREDIT_RANGE_END,
        ':zero': 0,
      },
      ProjectionExpression: 'creditId, currency, remaining, expiresAt, categories',
      ConsistentRead: true,
    });
    return items.map((item) => spendable(fields(item, PROJECTED)));
  }

  async listStoredCredits(customerId: string): Promise<Array<SpendableCredit & { amount: number; voided: boolean }>> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :credit)',
      ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':credit': PREFIX.CREDIT },
      ProjectionExpression: 'creditId, currency, remaining, expiresAt, categories, amount, voided',
      ConsistentRead: true,
    });
    return items.map((item) => {
      const f = fields(item, PROJECTED);
      return { ...spendable(f), amount: f.int('amount'), voided: item.voided !== undefined };
    });
  }

  async getCredit(customerId: string, creditId: string, expiresAt: string): Promise<StoredCredit | undefined> {
    const item = await this.table.get(keys.customer(customerId), keys.credit(expiresAt, creditId));
    return item ? decodeAs(item, 'credit').credit : undefined;
  }
}

/** The credit's own writes, the same for a direct grant and an approval: credit, GRANTED entry, reminder. */
export function creditWrites(t: Table, credit: StoredCredit, ledger: GrantedEntry, remindAt: Date | undefined): TransactItems {
  return [
    t.putNew(creditItem(credit)),
    t.putNew(ledgerItem(ledger)),
    ...(remindAt ? [{ Put: { TableName: t.name, Item: reminderItem(credit, remindAt) } }] : []),
  ];
}

/** The cap counters: the customer's Put only if still at the version read, the issuer's shards added to within their bounds. */
export function usageWrites(t: Table, usage: UsageUpdate): TransactItems {
  return [
    putAtVersion(t, grantUsageItem(usage.customerId, next(usage.customer)), usage.customer.version),
    ...(usage.issuer?.shards ?? []).map((c) => ({ Update: issuerShardUpdate(t.name, usage.issuer!.issuedBy, c) })),
  ];
}

/** Put `item` only if the stored one is still at `version` (0: only if there is none). */
function putAtVersion(t: Table, item: RawItem, version: number): TransactItems[number] {
  if (version === 0) return t.putNew(item);
  return { Put: { TableName: t.name, Item: item, ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': version } } };
}

const PROJECTED = 'credit item (projected read)';
const next = <T>(v: Versioned<T>): Versioned<T> => ({ value: v.value, version: v.version + 1 });
const spendable = (f: Fields): SpendableCredit => {
  const categories = f.optOneOfList('categories', ELIGIBLE_CATEGORIES);
  return {
    creditId: f.str('creditId'),
    currency: f.str('currency'),
    remaining: f.int('remaining'),
    expiresAt: f.str('expiresAt'),
    ...(categories ? { categories } : {}),
  };
};
