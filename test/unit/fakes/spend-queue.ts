/**
 * An in-memory spend queue (the SpendQueue port of lambdas/app/ports.ts) with the adapter's semantics: a ticket is
 * handed out atomically, `serving` moves only from the ticket it is at. Fakes of the spend stores delegate to it and
 * call `advance` when a commit carries a turn. `calls` records what the use case asked of it.
 */
import type { SpendQueue, SpendQueueState, SpendTurn } from '../../../lambdas/app/ports';

export class MemorySpendQueue implements SpendQueue {
  private readonly queues = new Map<string, { issued: number; serving: number }>();
  readonly calls: string[] = [];

  private of(customerId: string) {
    let q = this.queues.get(customerId);
    if (!q) this.queues.set(customerId, (q = { issued: 0, serving: 0 }));
    return q;
  }

  state(customerId: string): { issued: number; serving: number } {
    return { ...this.of(customerId) };
  }

  async takeTicket(customerId: string): Promise<SpendQueueState & SpendTurn> {
    this.calls.push('takeTicket');
    const q = this.of(customerId);
    return { ticket: q.issued++, serving: q.serving };
  }

  async readQueue(customerId: string): Promise<SpendQueueState> {
    this.calls.push('readQueue');
    return { serving: this.of(customerId).serving };
  }

  async passTurn(customerId: string, ticket: number): Promise<boolean> {
    this.calls.push('passTurn');
    return this.advance(customerId, { ticket });
  }

  /** A commit's advance: only if `serving` is still at the turn's ticket. */
  advance(customerId: string, turn: SpendTurn): boolean {
    const q = this.of(customerId);
    if (q.serving !== turn.ticket) return false;
    q.serving = turn.ticket + 1;
    return true;
  }

  /** Whether a commit with this turn (if any) would pass the queue's condition. */
  holds(customerId: string, turn: SpendTurn | undefined): boolean {
    return !turn || this.of(customerId).serving === turn.ticket;
  }
}
