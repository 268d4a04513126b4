/**
 * The rules the strict DynamoDB layer (ddb-strict.ts) enforces, without any HTTP: which in-flight requests hold
 * which items, which new request meets them, and each partition's throughput balance. Each rule follows AWS's
 * documentation (Developer Guide, "Transaction conflict handling in DynamoDB"; API Reference,
 * TransactionCanceledException and TransactionConflictException; "Key range throughput exceeded (hot
 * partitions)"):
 *
 * - a TransactWriteItems meeting an item of an in-flight TransactWriteItems is cancelled, reason
 *   `TransactionConflict` at that item's position and `None` elsewhere;
 * - a TransactGetItems meeting an item of an in-flight write (TransactWriteItems, PutItem, UpdateItem, DeleteItem)
 *   is cancelled the same way; a write landing on an item of an in-flight TransactGetItems cancels that read;
 * - a PutItem, UpdateItem or DeleteItem meeting an item of an in-flight TransactWriteItems fails with
 *   TransactionConflictException;
 * - per partition key value, at most `wcuPerSecond` write units and `rcuPerSecond` read units a second (AWS: 1,000 and
 *   3,000, in both capacity modes); beyond that the request is throttled.
 */

/** One request that holds items while it runs. */
export interface Holder {
  readonly kind: 'transactWrite' | 'transactGet' | 'write';
  readonly items: readonly string[];
  /** Items a later write took while this TransactGetItems was in flight: it must be answered as cancelled. */
  readonly overwritten?: Set<string>;
}

/** What a new request meets: per item position, whether an in-flight request holds it in a conflicting way. */
export type Meeting = { readonly conflict: false } | { readonly conflict: true; readonly positions: readonly boolean[] };

function conflicts(incoming: Holder['kind'], held: Holder['kind']): boolean {
  if (incoming === 'transactGet') return held !== 'transactGet';
  if (held === 'transactWrite') return true; // a transaction or a single write meeting a write transaction
  return false; // writes are not refused by in-flight reads or single writes (they cancel the read instead)
}

/** The items every in-flight request holds, and the conflict rules between them. */
export class InFlight {
  private readonly holders = new Map<string, Set<Holder>>();
  /** Items a test asked to meet a phantom transaction: the next `n` requests touching them conflict. */
  private readonly induced = new Map<string, number>();

  /** Which of `items` a new request of `kind` may not take now (consumes induced conflicts it meets). */
  meet(kind: Holder['kind'], items: readonly string[]): Meeting {
    const positions = items.map((item) => {
      const n = this.induced.get(item);
      if (n !== undefined && kind !== 'transactGet') {
        if (n <= 1) this.induced.delete(item);
        else this.induced.set(item, n - 1);
        return true;
      }
      for (const h of this.holders.get(item) ?? []) if (conflicts(kind, h.kind)) return true;
      return false;
    });
    return positions.some(Boolean) ? { conflict: true, positions } : { conflict: false };
  }

  /** Register a request that meets no conflict; a write cancels the in-flight reads of its items. */
  hold(holder: Holder): () => void {
    for (const item of holder.items) {
      const set = this.holders.get(item) ?? new Set<Holder>();
      if (holder.kind !== 'transactGet') for (const h of set) h.overwritten?.add(item);
      set.add(holder);
      this.holders.set(item, set);
    }
    return () => {
      for (const item of holder.items) {
        const set = this.holders.get(item);
        set?.delete(holder);
        if (set && set.size === 0) this.holders.delete(item);
      }
    };
  }

  /** The next `count` writes or write transactions touching `item` meet a phantom in-flight transaction. */
  induce(item: string, count: number): void {
    if (count <= 0) this.induced.delete(item);
    else this.induced.set(item, count);
  }

  /** Induced conflicts not yet met, by item. */
  pendingInduced(): Record<string, number> {
    return Object.fromEntries(this.induced);
  }

  get size(): number {
    return this.holders.size;
  }
}

export interface PartitionLimits {
  readonly wcuPerSecond: number;
  readonly rcuPerSecond: number;
}

/** AWS's per-partition ceilings (Developer Guide, "Partitions and data distribution"; hot-partition throttling). */
export const AWS_PARTITION_LIMITS: PartitionLimits = { wcuPerSecond: 1000, rcuPerSecond: 3000 };

interface Bucket {
  balance: number;
  at: number;
}

/**
 * Each partition key value's read and write balance: refills at the limit per second, holds at most one second's
 * worth (no burst beyond the partition ceiling). A write is refused when its units exceed the balance; a read,
 * whose size is known only after it ran, is refused while the balance is spent and charged afterwards.
 */
export class PartitionMeter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: PartitionLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  private bucket(key: string, perSecond: number): Bucket {
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { balance: perSecond, at: t };
      this.buckets.set(key, b);
      if (this.buckets.size > 100_000) this.buckets.clear(); // bounded: idle partitions are full anyway
    }
    b.balance = Math.min(perSecond, b.balance + ((t - b.at) / 1000) * perSecond);
    b.at = t;
    return b;
  }

  /** Take `units` write units from each partition, all or none; false (nothing taken) if any would go short. */
  takeWrites(charges: ReadonlyMap<string, number>): string | undefined {
    const per = this.limits.wcuPerSecond;
    for (const [partition, units] of charges) if (this.bucket(`w ${partition}`, per).balance < units) return partition;
    for (const [partition, units] of charges) this.bucket(`w ${partition}`, per).balance -= units;
    return undefined;
  }

  /** The first of these partitions whose read balance is spent, if any. */
  readRefused(partitions: Iterable<string>): string | undefined {
    for (const p of partitions) if (this.bucket(`r ${p}`, this.limits.rcuPerSecond).balance <= 0) return p;
    return undefined;
  }

  chargeReads(charges: ReadonlyMap<string, number>): void {
    for (const [partition, units] of charges) this.bucket(`r ${partition}`, this.limits.rcuPerSecond).balance -= units;
  }
}

/** Add `units` to `partition` in a charge map. */
export function charge(map: Map<string, number>, partition: string, units: number): void {
  map.set(partition, (map.get(partition) ?? 0) + units);
}

/** The AWS JSON error bodies the layer answers with (status 400, as DynamoDB answers them). */
export const strictErrors = {
  /** TransactionCanceledException: one reason per request item, in request order, exactly as DynamoDB lists them. */
  cancelled(codes: readonly ('None' | 'TransactionConflict' | 'ThrottlingError')[]) {
    const reasons = codes.map((Code) =>
      Code === 'None'
        ? { Code }
        : Code === 'TransactionConflict'
          ? { Code, Message: 'Transaction is ongoing for the item' }
          : {
              Code,
              Message:
                'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly.',
            },
    );
    return {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
      CancellationReasons: reasons,
    };
  },
  conflict() {
    return {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionConflictException',
      message: 'Transaction is ongoing for the item',
    };
  },
  /** Hot-partition throttling: ProvisionedThroughputExceededException with a KeyRangeThroughputExceeded reason. */
  throttled(table: string, operation: 'Read' | 'Write') {
    return {
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message:
        'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
      ThrottlingReasons: [
        { reason: `Table${operation}KeyRangeThroughputExceeded`, resource: `arn:aws:dynamodb:local:000000000000:table/${table}` },
      ],
    };
  },
};
