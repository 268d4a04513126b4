/**
 * An issuer's day counters in memory (the issuer part of the GrantUsage port, lambdas/app/ports.ts), with the
 * adapter's semantics: `shardCount` shards (1 unless a test wants more), the grant's own shard by its id, every
 * shard without one; each shard written only at the version read. `days` is keyed `issuedBy#day` for shard 0 and
 * `issuedBy#day#shard` for the others, so single-shard tests read one bucket per issuer and day.
 */
import type { DayUsage } from '../../../lambdas/domain/caps';
import type { GrantUsage, UsageUpdate, Versioned } from '../../../lambdas/app/ports';
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
        const stored = this.days.get(this.key(issuedBy, day, shard));
        return { shard, usage: stored?.value, version: stored?.version ?? 0 };
      }),
    };
  }

  /** Whether every shard the update writes is still at the version it was read at. */
  at(usage: UsageUpdate): boolean {
    const issuer = usage.issuer;
    return (
      !issuer || issuer.shards.every((s) => (this.days.get(this.key(issuer.issuedBy, s.value.day, s.shard))?.version ?? 0) === s.version)
    );
  }

  apply(usage: UsageUpdate): void {
    const issuer = usage.issuer;
    for (const s of issuer?.shards ?? [])
      this.days.set(this.key(issuer!.issuedBy, s.value.day, s.shard), { value: s.value, version: s.version + 1 });
  }
}
