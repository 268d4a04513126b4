/**
 * The strict DynamoDB layer's settings (ddb-strict.ts): on unless DDB_STRICT=0; the transaction window
 * (DDB_STRICT_TXN_MS), the per-partition ceilings (DDB_STRICT_PARTITION_WCU / DDB_STRICT_PARTITION_RCU), and a
 * random delay before every request (DDB_STRICT_DELAY_MS, off by default: a loaded machine's DynamoDB Local).
 */
import { AWS_PARTITION_LIMITS, type PartitionLimits } from './ddb-strict-rules';

/**
 * Default window a transaction holds its items: 20 ms. DynamoDB's published latency for a request is "single-digit
 * milliseconds" (Developer Guide, "What is Amazon DynamoDB?"); a transaction is two such rounds through a
 * coordinator, prepare then commit, on every item (Developer Guide, "Capacity management for transactions": two
 * underlying reads or writes per item; USENIX ATC 2023, "Distributed Transactions at Scale in Amazon DynamoDB").
 * Two rounds of at most 10 ms: 20 ms.
 */
export const DEFAULT_TXN_WINDOW_MS = 20;

export interface StrictSettings {
  readonly txnWindowMs: number;
  readonly limits: PartitionLimits;
  /**
   * Every request waits a random 0…delayMs before it is passed on (a transaction holding its items meanwhile), as on
   * a loaded machine whose DynamoDB Local takes seconds a call: to show that no test or design depends on pace.
   */
  readonly delayMs?: number;
}

/** The layer's settings from the environment; undefined when DDB_STRICT=0 turns it off. */
export function strictSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StrictSettings | undefined {
  if (env.DDB_STRICT === '0' || env.DDB_STRICT === 'false') return undefined;
  const num = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${raw}: expected a non-negative number`);
    return n;
  };
  const delayMs = num('DDB_STRICT_DELAY_MS', 0);
  return {
    txnWindowMs: num('DDB_STRICT_TXN_MS', DEFAULT_TXN_WINDOW_MS),
    limits: {
      wcuPerSecond: num('DDB_STRICT_PARTITION_WCU', AWS_PARTITION_LIMITS.wcuPerSecond),
      rcuPerSecond: num('DDB_STRICT_PARTITION_RCU', AWS_PARTITION_LIMITS.rcuPerSecond),
    },
    ...(delayMs > 0 ? { delayMs } : {}),
  };
}
