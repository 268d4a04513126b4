import { CAPS, type CustomerUsage, type DayUsage, type GrantRefusal } from '../../domain/caps';
import { DAY_MS } from '../../domain/credit';
import type { Versioned } from '../../app/ports';
import type { ShardCharge } from '../../domain/issuer-day';
import type { TransactItems } from './client';
import type { Fields, RawItem } from './fields';
import { GRANT_SK, GRANT_USAGE_SK, ITEM, keys } from './layout';
import { epochSeconds } from './ttl';

/** Item codecs of the issuance controls: a complaint's refusal record and the cap counters (customer, issuer/day shard). */

/** How long an issuer's day bucket is kept after its day (a grant never reads an earlier day's bucket). */
const ISSUER_DAY_RETENTION_MS = 2 * DAY_MS;

export function refusalItem(refusal: GrantRefusal, requestHash: string): RawItem {
  return { pk: keys.complaint(refusal.complaintId), sk: GRANT_SK, type: ITEM.REFUSAL, ...refusal, requestHash };
}

export function decodeRefusal(f: Fields): { refusal: GrantRefusal; requestHash: string } {
  const issuedBy = f.optStr('issuedBy');
  return {
    refusal: {
      complaintId: f.str('complaintId'),
      customerId: f.str('customerId'),
      currency: f.str('currency'),
      amount: f.int('amount'),
      cap: f.oneOf('cap', CAPS),
      limit: f.int('limit'),
      used: f.int('used'),
      refusedAt: f.str('refusedAt'),
      ...(issuedBy !== undefined ? { issuedBy } : {}),
    },
    requestHash: f.str('requestHash'),
  };
}

export function grantUsageItem(customerId: string, usage: Versioned<CustomerUsage>): RawItem {
  return {
    pk: keys.customer(customerId),
    sk: GRANT_USAGE_SK,
    type: ITEM.GRANT_USAGE,
    customerId,
    days: usage.value,
    version: usage.version,
  };
}

/** The issuer's unsharded day counter of before the shards: no longer written, still read (and decoded). */
export function issuerUsageItem(issuedBy: string, usage: Versioned<DayUsage>): RawItem {
  return {
    pk: keys.issuer(issuedBy),
    sk: keys.issuerDay(usage.value.day),
    type: ITEM.ISSUER_USAGE,
    issuedBy,
    ...usage.value,
    version: usage.version,
    ttl: issuerDayTtl(usage.value.day),
  };
}

const issuerDayTtl = (day: string) => epochSeconds(Date.parse(`${day}T00:00:00.000Z`) + ISSUER_DAY_RETENTION_MS);

/** Every attribute an issuer shard's update names (several are reserved words in expressions). */
export const ISSUER_SHARD_NAMES = Object.fromEntries(
  ['type', 'issuedBy', 'shard', 'day', 'currency', 'ttl', 'amount', 'count'].map((name) => [`#${name}`, name]),
);

/**
 * One shard of an issuer's day in one currency (`amount`, `count`) takes a grant's part, or gives a declined grant's
 * part back, by an atomic ADD conditioned on its bound: an add leaves at most the shard's slice, a give-back at least 0.
 */
export function issuerShardUpdate(table: string, issuedBy: string, c: ShardCharge): NonNullable<TransactItems[number]['Update']> {
  const bound = c.amount > 0 ? { ':most': (c.slice ?? 0) - c.amount } : { ':least': -c.amount };
  return {
    TableName: table,
    Key: { pk: keys.issuerShard(issuedBy, c.shard), sk: keys.issuerShardDay(c.usage.day, c.currency) },
    UpdateExpression:
      'SET #type = :type, #issuedBy = :issuedBy, #shard = :shard, #day = :day, #currency = :currency, #ttl = :ttl ADD #amount :amount, #count :grants',
    ConditionExpression: c.amount > 0 ? 'attribute_not_exists(#amount) OR #amount <= :most' : '#amount >= :least',
    ExpressionAttributeNames: ISSUER_SHARD_NAMES,
    ExpressionAttributeValues: {
      ':type': ITEM.ISSUER_USAGE,
      ':issuedBy': issuedBy,
      ':shard': c.shard,
      ':day': c.usage.day,
      ':currency': c.currency,
      ':ttl': issuerDayTtl(c.usage.day),
      ':amount': c.amount,
      ':grants': c.grants,
      ...bound,
    },
  };
}

const dayUsage = (f: Fields): DayUsage => ({ day: f.str('day'), count: f.int('count'), amounts: f.intMap('amounts') });

export function decodeGrantUsage(f: Fields): { customerId: string; usage: Versioned<CustomerUsage> } {
  return { customerId: f.str('customerId'), usage: { value: f.list('days', dayUsage), version: f.int('version') } };
}

/** The unsharded counter, or one shard's bucket in one currency (no version: shards are written by conditional ADDs). */
export function decodeIssuerUsage(f: Fields): { issuedBy: string; shard?: number; usage: Versioned<DayUsage> } {
  const shard = f.optInt('shard');
  if (shard === undefined) return { issuedBy: f.str('issuedBy'), usage: { value: dayUsage(f), version: f.int('version') } };
  const value = { day: f.str('day'), count: f.int('count'), amounts: { [f.str('currency')]: f.int('amount') } };
  return { issuedBy: f.str('issuedBy'), shard, usage: { value, version: 0 } };
}
