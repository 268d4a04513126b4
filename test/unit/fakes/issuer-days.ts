/**
 * An issuer's day counters in memory (the issuer part of the GrantUsage port, lambdas/app/ports.ts), with the
 * adapter's semantics: `shardCount` shards (1 unless a test wants more), the grant's own shard by its id, every
 * shard without one; each shard added to only within its bound (slice, or 0 for a give-back). `days` is keyed `issuedBy#day` for shard 0 and
 * `issuedBy#day#shard` for the others, so single-shard tests read one bucket per issuer and day.
 */
import type { DayUsage } from '../../../lambdas/domain/caps';
import type { GrantUsage, UsageUpdate, Versioned } from '../../../lambdas/app/ports';
import type { ShardCharge } from '../../../lambdas/domain/issuer-day';
import { shardOfId } from '../../../lambdas/adapters/dynamodb/layout';

export class MemoryIssuerDays {
  constructor(
    readonly days = new Map<string, Versioned<DayUsage>>(),
    readonly shardCount = 1,
  ) {}

  key(issuedBy: string, day: string, shard: number): string {
    return shard === 0 ? `${issuedBy}#${day}` : `${issuedBy}#${day}#${shard}`;
  }

  read(issuedBy: string, day: string, grantId?: string): NonNullable<GrantUsage['issuer']> {
    const wanted = grantId === undefined ? Array.from({ length: this.shardCount }, (_, i) => i) : [shardOfId(grantId, this.shardCount)];
    return {
      shardCount: this.shardCount,
      shards: wanted.map((shard) => {
        return { shard, usage: this.days.get(this.key(issuedBy, day, shard))?.value };
      }),
    };
  }

  /** Whether every shard the update writes stays within its bound (an add within its slice, a give-back at 0 or more). */
  at(usage: UsageUpdate): boolean {
    const issuer = usage.issuer;
    return (issuer?.shards ?? []).every((c) => {
      const held = this.amount(issuer!.issuedBy, c);
      return c.amount > 0 ? held + c.amount <= (c.slice ?? 0) : held >= -c.amount;
    });
  }

  /** Add each charge to its shard (the stored version counts the writes). */
  apply(usage: UsageUpdate): void {
    const issuer = usage.issuer;
    for (const c of issuer?.shards ?? []) {
      const key = this.key(issuer!.issuedBy, c.usage.day, c.shard);
      const stored = this.days.get(key);
      const value = {
        day: c.usage.day,
        count: (stored?.value.count ?? 0) + c.grants,
        amounts: { ...stored?.value.amounts, [c.currency]: this.amount(issuer!.issuedBy, c) + c.amount },
      };
      this.days.set(key, { value, version: (stored?.version ?? 0) + 1 });
    }
  }

  private amount(issuedBy: string, c: ShardCharge): number {
    return this.days.get(this.key(issuedBy, c.usage.day, c.shard))?.value.amounts[c.currency] ?? 0;
  }
}
