import type { CapPolicy, DayUsage } from './caps';
import { maxMinorUnits } from './money';

/**
 * The issuer's daily cap (ISSUER_AMOUNT_1D) over a sharded counter. One issuer (a system issuer: thousands of grants
 * a second) would otherwise write one item in every grant transaction, and one item takes only so many
 * transactions a second. So an issuer's day is counted in `shardCount` items and each shard owns an equal slice of
 * the cap (the first `limit % shardCount` shards one minor unit more, so the slices add up to the cap exactly). A
 * grant charges its own shard (chosen by its id) while that shard's slice has room; when it has not, the grant
 * reads every shard and spreads its amount over the shards with the most room. Each shard's write is an atomic add
 * conditioned on the shard staying within its slice (no version check: a grant that wrote the shard since the read
 * fails it only if the slice has no room left), so no shard ever passes its slice and the shards together never pass
 * the cap, under any concurrency; and
 * a grant is refused only when every shard was read and the room left in all of them is less than its amount —
 * exactly when the unsharded counter would have refused it — or when the room is spread so thin that the shards
 * with the most room, as many as one transaction can write besides the grant's own items, hold less than its amount
 * (then the day has less than shardCount / maxShards times the amount left). Cost: a grant near the cap reads every
 * shard.
 *
 * The unsharded counter of before (one item per issuer and day) still counts on the day the shards came: its amount
 * is taken off the cap before the cap is sliced. Nothing adds to it any more, so the slices only ever grow.
 */

/** One shard's bucket as read (undefined: not written yet). */
export interface ShardUsage {
  readonly shard: number;
  readonly usage: DayUsage | undefined;
}

/** An issuer's day as read: the grant's own shard first, or every shard; and the unsharded counter of before. */
export interface IssuerDay {
  readonly shardCount: number;
  readonly shards: readonly ShardUsage[];
  readonly unsharded?: DayUsage | undefined;
}

/**
 * What a grant adds to one shard (or a declined grant takes back): `amount` in `currency` and `grants` to its count,
 * on the bucket of `usage.day`. An add must leave the shard within `slice`; a give-back must leave it at 0 or more.
 * Both hold whatever was written since the read: the store makes them the write's condition.
 */
export interface ShardCharge {
  readonly shard: number;
  readonly currency: string;
  readonly amount: number;
  readonly grants: number;
  /** The most the shard may hold in `currency` (an add's bound). */
  readonly slice?: number;
  /** The shard's bucket after the change, as read plus the change. */
  readonly usage: DayUsage;
}

export type IssuerDecision =
  | { readonly kind: 'allowed'; readonly charges: readonly ShardCharge[] }
  | { readonly kind: 'refused'; readonly limit: number; readonly used: number }
  /** The shards read have too little room, but others were not read: read every shard and decide again. */
  | { readonly kind: 'readEveryShard' };

/** Shard `shard`'s slice of `limit` (minor units): the slices of all shards add up to `limit`. */
export function sliceOf(limit: number, shardCount: number, shard: number): number {
  return Math.floor(limit / shardCount) + (shard < limit % shardCount ? 1 : 0);
}

const amountOn = (usage: DayUsage | undefined, today: string, currency: string): number =>
  usage?.day === today ? (usage.amounts[currency] ?? 0) : 0;

/** Today's bucket (a bucket of another day is started over) with `amount` and `grants` more. */
function added(usage: DayUsage | undefined, today: string, currency: string, amount: number, grants: number): DayUsage {
  const current = usage?.day === today ? usage : undefined;
  return {
    day: today,
    count: Math.max(0, (current?.count ?? 0) + grants),
    amounts: { ...current?.amounts, [currency]: Math.max(0, amountOn(current, today, currency) + amount) },
  };
}

/** The issuer's usage today in `currency`: the unsharded counter and the shards read. */
export function usedToday(day: IssuerDay, today: string, currency: string): number {
  return day.shards.reduce((sum, s) => sum + amountOn(s.usage, today, currency), amountOn(day.unsharded, today, currency));
}

/**
 * Charge a grant of `amount` to the issuer's day: its own shard (the first read) while its slice has room, else the
 * shards with the most room, at most `maxShards` of them (one transaction's worth); among equal room the shards after
 * its own come first, so grants spilling at once start at different shards instead of meeting on one. The grant
 * counts once, on the first shard charged.
 */
export function chargeIssuer(
  day: IssuerDay,
  now: Date,
  currency: string,
  amount: number,
  policy: CapPolicy,
  maxShards: number,
): IssuerDecision {
  const today = now.toISOString().slice(0, 10);
  const limit = maxMinorUnits(currency, policy.issuerAmountPerDayMajorUnits);
  const sliced = Math.max(0, limit - amountOn(day.unsharded, today, currency));
  const room = (s: ShardUsage) => Math.max(0, sliceOf(sliced, day.shardCount, s.shard) - amountOn(s.usage, today, currency));
  const [own] = day.shards;
  const after = (s: ShardUsage) => (s.shard - (own?.shard ?? 0) + day.shardCount) % day.shardCount;
  const order = own && room(own) >= amount ? [own] : [...day.shards].sort((a, b) => room(b) - room(a) || after(a) - after(b));
  const complete = new Set(day.shards.map((s) => s.shard)).size >= day.shardCount;
  const used = usedToday(day, today, currency);
  // Every shard read: the total decides too (it matters only if the shard count changed during the day).
  if (complete && used + amount > limit) return { kind: 'refused', limit, used };
  const charges: ShardCharge[] = [];
  let left = amount;
  for (const s of order.slice(0, maxShards)) {
    const part = Math.min(room(s), left);
    if (part === 0) continue;
    const grants = charges.length === 0 ? 1 : 0;
    const slice = sliceOf(sliced, day.shardCount, s.shard);
    charges.push({ shard: s.shard, currency, amount: part, grants, slice, usage: added(s.usage, today, currency, part, grants) });
    left -= part;
    if (left === 0) return { kind: 'allowed', charges };
  }
  return complete ? { kind: 'refused', limit, used } : { kind: 'readEveryShard' };
}

/**
 * A grant that never became a credit gives its room back on the day it was requested: its amount off the shards
 * (every shard read), those holding the most first, one grant off the first that counts any. The unsharded counter
 * of before is not written: a grant counted there and given back the same day leaves its room taken until the day
 * ends (the cap is never passed, only reached earlier).
 */
export function releaseFromIssuer(day: IssuerDay, requestDay: string, currency: string, amount: number): ShardCharge[] {
  const held = (s: ShardUsage) => amountOn(s.usage, requestDay, currency);
  const order = [...day.shards].filter((s) => held(s) > 0).sort((a, b) => held(b) - held(a) || a.shard - b.shard);
  const out: ShardCharge[] = [];
  let left = amount;
  let counted = false;
  for (const s of order) {
    if (left === 0) break;
    const part = Math.min(held(s), left);
    const grants: number = !counted && (s.usage?.count ?? 0) > 0 ? -1 : 0;
    counted ||= grants !== 0;
    out.push({ shard: s.shard, currency, amount: -part, grants, usage: added(s.usage, requestDay, currency, -part, grants) });
    left -= part;
  }
  return out;
}
