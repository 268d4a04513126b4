/**
 * An in-memory spend queue (the SpendQueue port of lambdas/app/ports.ts) with the adapter's semantics: tickets are
 * handed out in order, `serving` counts finished turns (a turn over, a stalled turn passed only if the count is still
 * the one seen). Fakes of the spend stores take its methods. `calls` records what the use case asked of it.
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

  takeTicket = async (customerId: string): Promise<SpendQueueState & SpendTurn> => {
    this.calls.push('takeTicket');
    const q = this.of(customerId);
    return { ticket: q.issued++, serving: q.serving };
  };

  readQueue = async (customerId: string): Promise<SpendQueueState> => {
    this.calls.push('readQueue');
    return { serving: this.of(customerId).serving };
  };

  finishTurn = async (customerId: string): Promise<void> => {
    this.calls.push('finishTurn');
    this.finish(customerId);
  };

  passStalledTurn = async (customerId: string, seen: number): Promise<boolean> => {
    this.calls.push('passStalledTurn');
    const q = this.of(customerId);
    if (q.serving !== seen) return false;
    q.serving++;
    return true;
  };

  /** Another spend's turn counted finished (a test moving the queue). */
  finish(customerId: string): void {
    this.of(customerId).serving++;
  }
}
