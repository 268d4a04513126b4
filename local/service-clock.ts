/**
 * The service clock the CLI shifts through the runtime's `/_local/clock` (`npm run cli -- clock --days=N`): an
 * offset from real time, applied to every handler of this process. TTL stays DynamoDB Local's, on real time.
 */
import { offsetClock, setClock, systemClock } from '../lambdas/shared/clock';

export interface ShiftableClock {
  get(): number;
  set(offsetMs: number): void;
}

export function shiftableServiceClock(): ShiftableClock {
  let offsetMs = 0;
  return {
    get: () => offsetMs,
    set: (ms) => {
      offsetMs = ms;
      setClock(ms === 0 ? systemClock : offsetClock(ms));
    },
  };
}
