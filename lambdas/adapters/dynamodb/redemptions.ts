import type { Allocation } from '../../domain/allocation';
import type { RedeemedEntry, ReversedEntry } from '../../domain/credit-entries';
import type { CommitOutcome, RedeemRecord, RedeemStore } from '../../app/ports';
import type { Table } from './client';
import { decodeAs, ledgerItem, redeemKeyItem } from './codec';
import { keys } from './layout';
import { debitCredit, restoreCredit } from './credit-writes';

/** Redemptions and their reversal: the conditional debits and restorations, with the redeem idempotency record. */
export class Redemptions {
  constructor(private readonly table: Table) {}

  /**
   * One transaction: each debit (still there, unexpired, covering the take), the ledger entry, the idempotency record
   * (the guard, last).
   */
  commitRedemption: RedeemStore['commitRedemption'] = async (input) => {
    const { customerId, idempotencyKey, record, ledger, now } = input;
    const t = this.table;
    // Never overdraw, never spend an expired credit: checked by DynamoDB at commit time.
    const debits = record.response.allocations.map((a) => debitCredit(t, customerId, a, now));
    const items = [
      ...debits,
      ...(ledger ? [t.putNew(ledgerItem(ledger))] : []),
      t.putNew(redeemKeyItem(customerId, idempotencyKey, record, now), true),
    ];
    return t.transact(items, items.length - 1, async (old) =>
      old ? decodeAs(old, 'redeemKey').record : this.getRedeemRecord(customerId, idempotencyKey),
    );
  };

  async getRedeemRecord(customerId: string, idempotencyKey: string): Promise<RedeemRecord | undefined> {
    const item = await this.table.get(keys.customer(customerId), keys.redeemKey(idempotencyKey));
    return item ? decodeAs(item, 'redeemKey').record : undefined;
  }

  /** One transaction: the redemption's status flip APPLIED -> REVERSED (the guard), the reversal entry, the restorations. */
  async commitReversal(input: {
    redemption: RedeemedEntry;
    reversal: ReversedEntry;
    restore: ReadonlyArray<Allocation & { maxRemainingBefore: number }>;
    now: Date;
  }): Promise<CommitOutcome<never>> {
    const { redemption, reversal, restore, now } = input;
    const t = this.table;
    const pk = keys.customer(redemption.customerId);
    const items = [
      {
        Update: {
          TableName: t.name,
          Key: { pk, sk: keys.ledger(redemption.entryId) },
          UpdateExpression: 'SET #status = :reversed, reversalId = :reversalId, reversedAt = :at',
          // Partial refunds since the read would change what is left to reverse: then the read was stale.
          ConditionExpression: redemption.refunds
            ? '#status = :applied AND refunded = :refunded'
            : '#status = :applied AND attribute_not_exists(refunded)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':reversed': 'REVERSED',
            ':applied': 'APPLIED',
            ':reversalId': reversal.entryId,
            ':at': reversal.at,
            ...(redemption.refunds ? { ':refunded': redemption.refunds.refunded } : {}),
          },
        },
      },
      t.putNew(ledgerItem(reversal)),
      ...restore.map((r) => restoreCredit(t, redemption.customerId, r, now)),
    ];
    return t.transact<never>(items, 0, async () => undefined);
  }
}
