import type { Allocation } from '../../domain/allocation';
import type { Restoration } from '../../domain/restore';
import type { Table, TransactItems } from './client';
import { keys } from './layout';

/**
 * The two conditional writes on a credit inside a transaction, spelled once: a debit (redeem, hold) and a
 * restoration (reversal, release, refund).
 */

/** Take `a.amount`: only if the credit is still there, unexpired and covers it (checked by DynamoDB at commit). */
export function debitCredit(t: Table, customerId: string, a: Allocation, now: Date): TransactItems[number] {
  return {
    Update: {
      TableName: t.name,
      Key: { pk: keys.customer(customerId), sk: keys.credit(a.expiresAt, a.creditId) },
      UpdateExpression: 'SET remaining = remaining - :take',
      ConditionExpression: 'attribute_exists(pk) AND remaining >= :take AND expiresAtMs > :now',
      ExpressionAttributeValues: { ':take': a.amount, ':now': now.getTime() },
    },
  };
}

/** Give `r.amount` back: only into a credit that is still there, unexpired and not voided, and never above its original amount. */
export function restoreCredit(t: Table, customerId: string, r: Restoration, now: Date): TransactItems[number] {
  return {
    Update: {
      TableName: t.name,
      Key: { pk: keys.customer(customerId), sk: keys.credit(r.expiresAt, r.creditId) },
      UpdateExpression: 'SET remaining = remaining + :give',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(voided) AND expiresAtMs > :now AND remaining <= :max',
      ExpressionAttributeValues: { ':give': r.amount, ':now': now.getTime(), ':max': r.maxRemainingBefore },
    },
  };
}
