import type { SpendableCredit } from '../../domain/allocation';
import { ELIGIBLE_CATEGORIES } from '../../domain/eligibility';
import type { Credit } from '../../domain/credit';
import type { GrantedEntry } from '../../domain/ledger';
import type { CommitOutcome, GrantRecord } from '../../app/ports';
import type { Table } from './client';
import { creditItem, decodeAs, grantKeyItem, ledgerItem, reminderItem } from './codec';
import { fields, type Fields } from './fields';
import { CREDIT_RANGE_END, GRANT_SK, PREFIX, keys } from './layout';

/** Credit items: the grant transaction and the reads of a customer's credits. */
export class Credits {
  constructor(private readonly table: Table) {}

  /** One transaction: grant key (the guard: a complaint is compensated once), credit, ledger entry, reminder. */
  async grant(input: { credit: Credit; ledger: GrantedEntry; remindAt?: Date; requestHash: string }): Promise<CommitOutcome<GrantRecord>> {
    const { credit, ledger, remindAt, requestHash } = input;
    const grant: GrantRecord = { complaintId: credit.complaintId, customerId: credit.customerId, creditId: credit.creditId, requestHash };
    const t = this.table;
    const items = [
      t.putNew(grantKeyItem(grant, credit.grantedAt), true),
      t.putNew(creditItem(credit)),
      t.putNew(ledgerItem(ledger)),
      ...(remindAt ? [{ Put: { TableName: t.name, Item: reminderItem(credit, remindAt) } }] : []),
    ];
    return t.transact(items, 0, async (old) => (old ? decodeAs(old, 'grantKey').grant : this.getGrantRecord(credit.complaintId)));
  }

  private async getGrantRecord(complaintId: string): Promise<GrantRecord | undefined> {
    const item = await this.table.get(keys.complaint(complaintId), GRANT_SK);
    return item ? decodeAs(item, 'grantKey').grant : undefined;
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

  async listStoredCredits(customerId: string): Promise<Array<SpendableCredit & { amount: number }>> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :credit)',
      ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':credit': PREFIX.CREDIT },
      ProjectionExpression: 'creditId, currency, remaining, expiresAt, categories, amount',
      ConsistentRead: true,
    });
    return items.map((item) => {
      const f = fields(item, PROJECTED);
      return { ...spendable(f), amount: f.int('amount') };
    });
  }

  async getCredit(customerId: string, creditId: string, expiresAt: string): Promise<Credit | undefined> {
    const item = await this.table.get(keys.customer(customerId), keys.credit(expiresAt, creditId));
    return item ? decodeAs(item, 'credit').credit : undefined;
  }
}

const PROJECTED = 'credit item (projected read)';
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
