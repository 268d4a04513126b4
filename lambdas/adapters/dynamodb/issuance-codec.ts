import { CAPS, type CustomerUsage, type DayUsage, type GrantRefusal } from '../../domain/caps';
import { DAY_MS } from '../../domain/credit';
import type { Versioned } from '../../app/ports';
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

/** One shard of an issuer's day (`shard` undefined: the unsharded counter of before, only ever read now). */
export function issuerUsageItem(issuedBy: string, usage: Versioned<DayUsage>, shard?: number): RawItem {
  return {
    pk: shard === undefined ? keys.issuer(issuedBy) : keys.issuerShard(issuedBy, shard),
    sk: keys.issuerDay(usage.value.day),
    type: ITEM.ISSUER_USAGE,
    issuedBy,
    ...(shard === undefined ? {} : { shard }),
    ...usage.value,
    version: usage.version,
    ttl: epochSeconds(Date.parse(`${usage.value.day}T00:00:00.000Z`) + ISSUER_DAY_RETENTION_MS),
  };
}

const dayUsage = (f: Fields): DayUsage => ({ day: f.str('day'), count: f.int('count'), amounts: f.intMap('amounts') });

export function decodeGrantUsage(f: Fields): { customerId: string; usage: Versioned<CustomerUsage> } {
  return { customerId: f.str('customerId'), usage: { value: f.list('days', dayUsage), version: f.int('version') } };
}

export function decodeIssuerUsage(f: Fields): { issuedBy: string; shard?: number; usage: Versioned<DayUsage> } {
  const shard = f.optInt('shard');
  return {
    issuedBy: f.str('issuedBy'),
    ...(shard === undefined ? {} : { shard }),
    usage: { value: dayUsage(f), version: f.int('version') },
  };
}
