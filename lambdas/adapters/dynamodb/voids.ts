import type { StoredCredit, VoidRecord } from '../../domain/credit';
import type { VoidedEntry } from '../../domain/credit-entries';
import type { HoldShrink } from '../../domain/void';
import type { CommitOutcome } from '../../app/ports';
import type { Table } from './client';
import { ledgerItem } from './codec';
import { holdUpdate } from './holds';
import { keys } from './layout';

/**
 * The void of a credit: one transaction of the credit's update (the guard), the VOIDED entry, the reminder's deletion,
 * and each active hold it held money in, shrunk (unchanged since read), with that hold's RELEASED entry.
 */
export class Voids {
  constructor(private readonly table: Table) {}

  async commitVoid(input: {
    credit: StoredCredit;
    entry: VoidedEntry;
    record: VoidRecord;
    holds: readonly HoldShrink[];
    now: Date;
  }): Promise<CommitOutcome<never>> {
    const { credit, entry, record, holds, now } = input;
    const t = this.table;
    const pk = keys.customer(credit.customerId);
    const items = [
      {
        Update: {
          TableName: t.name,
          Key: { pk, sk: keys.credit(credit.expiresAt, credit.creditId) },
          UpdateExpression: 'SET remaining = :zero, voided = :voided',
          // Once, before expiry, and only the rest that was read (a redemption in between: re-read, void what is left).
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(voided) AND remaining = :seen AND expiresAtMs > :now',
          ExpressionAttributeValues: { ':zero': 0, ':voided': record, ':seen': credit.remaining, ':now': now.getTime() },
        },
      },
      t.putNew(ledgerItem(entry)),
      // No reminder for a voided credit (a DeleteItem by the service, not TTL: nothing reacts to it).
      { Delete: { TableName: t.name, Key: { pk, sk: keys.reminder(credit.creditId) } } },
      ...holds.flatMap((h) => [holdUpdate(t, h.before, h.after, now), t.putNew(ledgerItem(h.entry))]),
    ];
    return t.transact<never>(items, 0, async () => undefined);
  }
}
