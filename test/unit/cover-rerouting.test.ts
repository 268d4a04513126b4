/**
 * The allocator when a later credit can pay only by moving an earlier credit to another line (a re-routing path):
 * it moves no more than the earlier credit actually paid there, and no credit ever pays a line it may not pay for.
 * Pinned with cases small enough to check by hand (the brute-force property test in cover.test.ts rarely builds one).
 */
import { allocate } from '../../lambdas/domain/allocation';
import { maxCover, type CoverCredit, type CoverLine } from '../../lambdas/domain/cover';

describe('maxCover: re-routing an earlier credit to make room', () => {
  // `any` is spent first and may pay both lines; `goods` may pay physical goods only.
  const any: CoverCredit = { remaining: 3 };
  const goods: CoverCredit = { remaining: 10, categories: ['PHYSICAL_GOODS'] };
  const lines: CoverLine[] = [
    { category: 'PHYSICAL_GOODS', amount: 5 },
    { category: 'SERVICES', amount: 100 },
  ];

  it('moves the earlier credit to the line only it may pay, and only as much as it paid: 3 + 5 = 8, not more', () => {
    // `any` first lands on the goods line (3); `goods` fills the goods line's rest (2), then `any` is moved to the
    // services line so `goods` can pay the whole goods line (5). Nothing more is possible: `goods` may pay 5 at most.
    expect(maxCover([any, goods], lines)).toEqual({ perCredit: [3, 5], perLine: [5, 3], total: 8 });
  });

  it('a third credit that may pay the full goods line only gets nothing once it is covered', () => {
    const more: CoverCredit = { remaining: 10, categories: ['PHYSICAL_GOODS'] };
    expect(maxCover([any, goods, more], lines)).toEqual({ perCredit: [3, 5, 0], perLine: [5, 3], total: 8 });
  });

  it('never pays more from a credit than the lines it may pay for hold, whatever is asked', () => {
    for (const cap of [4, 6, 8, 50]) {
      const cover = maxCover([any, goods], lines, cap);
      expect(cover.total).toBe(Math.min(cap, 8));
      expect(cover.perCredit[1]).toBeLessThanOrEqual(5);
      expect(cover.perLine[0]).toBeLessThanOrEqual(5);
      expect(cover.perCredit.reduce((s, x) => s + x, 0)).toBe(cover.total);
      expect(cover.perLine.reduce((s, x) => s + x, 0)).toBe(cover.total);
    }
  });
});

describe('allocate with purchase lines: the same case as a customer meets it', () => {
  const NOW = new Date('2026-03-01T10:00:00.000Z');
  it('a narrowed credit pays the goods line, the general credit the service; 8 applied of 105, per line and per credit', () => {
    const plan = allocate(
      [
        { creditId: 'general', currency: 'EUR', remaining: 3, expiresAt: '2026-03-05T00:00:00.000Z' },
        { creditId: 'goods', currency: 'EUR', remaining: 10, expiresAt: '2026-04-01T00:00:00.000Z', categories: ['PHYSICAL_GOODS'] },
      ],
      105,
      'EUR',
      NOW,
      Number.POSITIVE_INFINITY,
      [
        { lineId: 'shoes', category: 'PHYSICAL_GOODS', amount: 5 },
        { lineId: 'repair', category: 'SERVICES', amount: 100 },
      ],
    );
    expect(plan.applied).toBe(8);
    expect(plan.allocations).toEqual([
      { creditId: 'general', amount: 3, expiresAt: '2026-03-05T00:00:00.000Z' },
      { creditId: 'goods', amount: 5, expiresAt: '2026-04-01T00:00:00.000Z' },
    ]);
    expect(plan.lines).toEqual([
      { lineId: 'shoes', category: 'PHYSICAL_GOODS', amount: 5, applied: 5 },
      { lineId: 'repair', category: 'SERVICES', amount: 100, applied: 3 },
    ]);
  });
});
