/**
 * Shared bookkeeping of the local runtime's moving parts: cancellable sleeps (so stop() never waits for a
 * retry delay) and a "last activity" clock the idle check uses.
 */
export class Activity {
  lastActivityAt = Date.now();
  stopped = false;
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly listeners = new Set<() => void>();

  mark(): void {
    this.lastActivityAt = Date.now();
    for (const l of this.listeners) l();
  }

  onMark(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** Resolves after `ms`, or at once when the runtime stops. */
  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.sleeps.add(entry);
    });
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.sleeps) {
      clearTimeout(s.timer);
      s.resolve();
    }
    this.sleeps.clear();
  }
}
