/**
 * The back-off waits a use case asks for, recorded: before each test Math.random() is fixed at 0.5 (the jitter's
 * midpoint) and every setTimeout delay is noted; after each test all mocks are restored.
 */

/**
 * Record this block's sleeps. The returned array is emptied before each test. Timers fire after the delay asked
 * (`'as asked'`) or at once (`'at once'`, for tests that only count the waits).
 */
export function recordSleeps(fire: 'as asked' | 'at once' = 'as asked'): number[] {
  const sleeps: number[] = [];
  beforeEach(() => {
    sleeps.length = 0;
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const real = global.setTimeout;
    jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      sleeps.push(ms ?? 0);
      return real(fn, fire === 'at once' ? 0 : ms);
    }) as typeof setTimeout);
  });
  afterEach(() => jest.restoreAllMocks());
  return sleeps;
}
