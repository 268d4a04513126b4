/**
 * The table's layout: key attribute names, item kinds and key builders. Pure constants, no AWS SDK: the adapter,
 * the CDK app (table definition and stream filters), the local runtime, the bench and the tests import them from
 * here, so a kind or key prefix is spelled once.
 *
 * | item        | pk                  | sk                                   | ttl                       |
 * |-------------|---------------------|--------------------------------------|---------------------------|
 * | credit      | C#<customerId>      | CREDIT#<expiresAt ISO>#<creditId>    | expiry (drives CreditExpired) |
 * | reminder    | C#<customerId>      | REMINDER#<creditId>                  | expiry - N days (drives the reminder email) |
 * | ledger      | C#<customerId>      | LEDGER#<entryId ULID>                | none: history is kept     |
 * | redeem key  | C#<customerId>      | IDEM#REDEEM#<idempotencyKey>         | +90 days                  |
 * | notice      | C#<customerId>      | NOTICE#<creditId>#ISSUED|REMINDER    | expiry + 90 days          |
 * | grant key   | COMPLAINT#<id>      | GRANT                                | none                      |
 * | hold        | C#<customerId>      | HOLD#<holdId ULID>                   | hold expiry (drives the auto-release) |
 * | hold/capture/refund key | C#<customerId> | IDEM#HOLD|CAPTURE|REFUND#<key>  | +90 days                  |
 * | refusal     | COMPLAINT#<id>      | GRANT (same key: one outcome per complaint; drives GrantRefused) | none |
 * | grant usage | C#<customerId>      | USAGE#GRANTS (per-day buckets, 365 days) | none                  |
 * | issuer usage| ISSUER#<issuedBy>#<shard 0..127> | USAGE#<YYYY-MM-DD>#<currency> | day + 2 days         |
 * | (before shards) | ISSUER#<issuedBy> | USAGE#<YYYY-MM-DD> (read, still counted; no longer written) | day + 2 days |
 * | day totals  | FIN#<shard 0..127>  | DAY#<YYYY-MM-DD>#<currency>          | none: the finance report  |
 * | applied mark| AGG#<entryId>       | AGG                                  | +30 days (stream redelivery window is 24 h) |
 * | pending grant | C#<customerId>    | PENDING#<pendingId ULID>             | decision deadline (drives the auto-decline; drives GrantPendingApproval) |
 * | pending key | COMPLAINT#<id>      | GRANT (same key: the complaint waits; replaced by the grant key on approval) | none |
 * | decision    | C#<customerId>      | DECISION#<pendingId>                 | none (the guard: one decision per pending grant; drives GrantApproved/GrantDeclined) |
 * | spend queue | C#<customerId>      | QUEUE#SPEND (tickets issued, ticket served; only under contention) | last use + 1 day |
 * | queued spend| C#<customerId>      | QUEUE#SPEND#<ticket, 10 digits> (a waiting spend's request, for group commit) | queued + 1 day |
 */
import type { KeyedOperation } from '../../domain/keyed-operation';
import type { NoticeKind } from '../../domain/notice';

/** Attribute names of the table's keys, TTL and item kind. */
export const ATTR = { PK: 'pk', SK: 'sk', TTL: 'ttl', KIND: 'type', NOTICE: 'notice' } as const;

/** Value of the `type` attribute per item kind. */
export const ITEM = {
  CREDIT: 'CREDIT',
  REMINDER: 'REMINDER',
  LEDGER: 'LEDGER',
  IDEMPOTENCY: 'IDEMPOTENCY',
  NOTICE: 'NOTICE',
  GRANT: 'GRANT_KEY',
  // the payment flow (issue 10)
  HOLD: 'HOLD',
  // Issuance controls (issue 11.1)
  REFUSAL: 'GRANT_REFUSED',
  GRANT_USAGE: 'GRANT_USAGE',
  ISSUER_USAGE: 'ISSUER_USAGE',
  // Finance report (issue 11.4)
  DAY_TOTALS: 'DAY_TOTALS',
  APPLIED: 'AGG_APPLIED',
  // Approval above a threshold (issue 11.2)
  PENDING_GRANT: 'PENDING_GRANT',
  PENDING_KEY: 'GRANT_PENDING_KEY',
  DECISION: 'GRANT_DECISION',
  // Spend queue under contention (issue 10.5)
  SPEND_QUEUE: 'SPEND_QUEUE',
  QUEUED_SPEND: 'QUEUED_SPEND',
} as const;
export type ItemKind = (typeof ITEM)[keyof typeof ITEM];

/**
 * What an item's attributes hold, declared once. PERSONAL: the customer's address, locale and free text (a
 * complaint's, reversal's, refund's or void's reason) — erasure removes exactly these names from every item of the
 * customer, and marks the kinds in ERASURE_MARKED `erasedAt` (they decode without them then). CODE: the closed codes
 * the ledger needs, each stored under a name of its own that never holds free text, so erasure never touches one.
 */
export const PERSONAL_ATTRIBUTES = ['email', 'locale', 'reason'] as const;
export type PersonalAttribute = (typeof PERSONAL_ATTRIBUTES)[number];
export const CODE_ATTRIBUTES = {
  /** A RELEASED entry's EXPLICIT | FINAL_CAPTURE | EXPIRED (items before it held this code as `reason`). */
  RELEASE_REASON: 'releaseReason',
  /** A decline decision's DECLINED | EXPIRED (items before it held this code as `reason`). */
  DECLINE_REASON: 'declineReason',
} as const;
export const ERASED_AT = 'erasedAt';
export const ERASURE_MARKED: readonly ItemKind[] = [ITEM.CREDIT, ITEM.PENDING_GRANT];

/** Sort-key prefixes (a Query by prefix reads one kind). */
export const PREFIX = {
  CREDIT: 'CREDIT#',
  REMINDER: 'REMINDER#',
  LEDGER: 'LEDGER#',
  REDEEM_KEY: 'IDEM#REDEEM#',
  NOTICE: 'NOTICE#',
  // the payment flow (issue 10)
  HOLD: 'HOLD#',
  OPERATION_KEY: 'IDEM#',
  // Approval above a threshold (issue 11.2)
  PENDING: 'PENDING#',
  DECISION: 'DECISION#',
} as const;

/** Sorts after every ISO timestamp: the upper bound of a credit range query. */
export const CREDIT_RANGE_END = `${PREFIX.CREDIT}~`;
export const GRANT_SK = 'GRANT';
export const GRANT_USAGE_SK = 'USAGE#GRANTS';
export const APPLIED_SK = 'AGG';
/** The customer's spend-queue sequencer (issue 10.5); outside every prefix the service queries by. */
export const SPEND_QUEUE_SK = 'QUEUE#SPEND';
/** A waiting spend's request under its ticket (group commit): a Query by this prefix reads the queue's requests in ticket order. */
export const QUEUED_SPEND_PREFIX = `${SPEND_QUEUE_SK}#`;
/**
 * Day totals are spread over this many partitions (by entry id) so that every ledger write of the service landing on
 * one day's totals stays under what one item takes; the report reads all of them. 110 M entries a day are 1,273 a
 * second: over 128 shards 10 a second each at the average, 20 at twice the average — 40 % of the ~50 transactions a
 * second one item takes (32 shards held the average at 80 % but not a peak: bench section 7). Raising it is safe: an
 * entry's shard is its id's hash modulo this, and the report reads shards 0 … FIN_SHARDS - 1, the old ones included.
 */
export const FIN_SHARDS = 128;
/**
 * An issuer's day is counted in this many items, each owning an equal slice of the issuer's daily cap
 * (domain/issuer-day.ts), so that a system issuer's grants (2,000 a second) are not all transactions on one item:
 * one item takes about one transaction per transaction latency (DynamoDB's published single-digit milliseconds,
 * twice for prepare and commit: ~50 a second), so 2,000 a second needs at least 40 shards. 128 leave each shard at
 * ~16 a second, 31 % of that (64 shards, at 63 %, had 2 of 156 grants give up in bench section 7). The price: a grant
 * whose own shard's slice is short reads all 128. Part of the stored layout: changing it during a day lets that day's
 * cap pass by the slices' difference on the shards read alone (a grant reading every shard still checks the total),
 * so change it at a day's start.
 */
export const ISSUER_SHARDS = 128;

/** Stable shard of an id among `count` (FNV-1a). */
export function shardOfId(id: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}

export const keys = {
  customer: (customerId: string) => `C#${customerId}`,
  credit: (expiresAt: string, creditId: string) => `${PREFIX.CREDIT}${expiresAt}#${creditId}`,
  reminder: (creditId: string) => `${PREFIX.REMINDER}${creditId}`,
  ledger: (entryId: string) => `${PREFIX.LEDGER}${entryId}`,
  redeemKey: (key: string) => `${PREFIX.REDEEM_KEY}${key}`,
  notice: (creditId: string, kind: NoticeKind) => `${PREFIX.NOTICE}${creditId}#${kind}`,
  complaint: (complaintId: string) => `COMPLAINT#${complaintId}`,
  hold: (holdId: string) => `${PREFIX.HOLD}${holdId}`,
  operationKey: (operation: KeyedOperation, key: string) => `${PREFIX.OPERATION_KEY}${operation}#${key}`,
  /** The issuer's unsharded day counter of before ISSUER_SHARDS (still read). */
  issuer: (issuedBy: string) => `ISSUER#${issuedBy}`,
  /** Issuer ids are letters, digits and `. _ : -` (contracts), so no issuer's key is another's shard. */
  issuerShard: (issuedBy: string, shard: number) => `ISSUER#${issuedBy}#${shard}`,
  issuerDay: (day: string) => `USAGE#${day}`,
  /** A shard's bucket of one day and currency (a Query by `issuerDay(day)#` reads its currencies). */
  issuerShardDay: (day: string, currency: string) => `USAGE#${day}#${currency}`,
  finShard: (shard: number) => `FIN#${shard}`,
  dayTotals: (day: string, currency: string) => `DAY#${day}#${currency}`,
  applied: (entryId: string) => `AGG#${entryId}`,
  pending: (pendingId: string) => `${PREFIX.PENDING}${pendingId}`,
  decision: (pendingId: string) => `${PREFIX.DECISION}${pendingId}`,
  queuedSpend: (ticket: number) => `${QUEUED_SPEND_PREFIX}${String(ticket).padStart(10, '0')}`,
};

/** Who removes an item whose TTL passed: stream records of those removals carry this `userIdentity`. */
export const TTL_REMOVER = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;
