import fc from 'fast-check';
import { maxCover, type CoverCredit, type CoverLine } from '../../lambdas/domain/cover';
import { ELIGIBLE_CATEGORIES, PURCHASE_CATEGORIES, creditCovers } from '../../lambdas/domain/eligibility';

/**
 * The allocator against a brute-force model: every integer allocation of small random cases is enumerated; the
 * allocator must apply the maximum any allocation applies, and of those maxima take from the credits (in spend
 * order) the lexicographically greatest amounts (soonest-expiring first).
 */
function bruteForce(credits: readonly CoverCredit[], lines: readonly CoverLine[], cap: number) {
  const pairs: Array<[number, number]> = [];
  credits.forEach((c, i) => {
    lines.forEach((l, j) => {
      // a line without a category (a spend that does not say what it buys) only from a credit not narrowed
      if (l.category === undefined ? c.categories === undefined : creditCovers(c.categories, l.category)) pairs.push([i, j]);
    });
  });
  const creditLeft = credits.map((c) => c.remaining);
  const lineLeft = lines.map((l) => l.amount);
  const used = credits.map(() => 0);
  let best = { total: -1, perCredit: [] as number[] };
  const better = (total: number, perCredit: number[]) => {
    if (total !== best.total) return total > best.total;
    for (let i = 0; i < perCredit.length; i++) if (perCredit[i] !== best.perCredit[i]) return perCredit[i]! > best.perCredit[i]!;
    return false;
  };
  const walk = (p: number, total: number) => {
    if (p === pairs.length) {
      if (better(total, used)) best = { total, perCredit: [...used] };
      return;
    }
    const [i, j] = pairs[p]!;
    const most = Math.min(creditLeft[i]!, lineLeft[j]!, cap - total);
    for (let x = 0; x <= most; x++) {
      creditLeft[i]! -= x;
      lineLeft[j]! -= x;
      used[i]! += x;
      walk(p + 1, total + x);
      creditLeft[i]! += x;
      lineLeft[j]! += x;
      used[i]! -= x;
    }
  };
  walk(0, 0);
  return best;
}

const categoriesArb = fc.option(fc.subarray([...ELIGIBLE_CATEGORIES], { minLength: 1 }), { nil: undefined });
const creditArb: fc.Arbitrary<CoverCredit> = fc
  .record({ remaining: fc.integer({ min: 0, max: 3 }), categories: categoriesArb })
  .map(({ remaining, categories }) => (categories ? { remaining, categories } : { remaining }));
// Few categories, so restrictions overlap and re-routing between lines is needed often.
const lineArb: fc.Arbitrary<CoverLine> = fc.record({
  category: fc.constantFrom('PHYSICAL_GOODS', 'DIGITAL_CONTENT', 'SERVICES', 'GIFT_CARD', 'PHYSICAL_GOODS'),
  amount: fc.integer({ min: 1, max: 3 }),
});

describe('maxCover against a brute-force model', () => {
  it('applies the maximum, and among maxima uses soonest-expiring credits first', () => {
    fc.assert(
      fc.property(
        fc.array(creditArb, { minLength: 1, maxLength: 3 }),
        fc.array(lineArb, { minLength: 1, maxLength: 3 }),
        fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
        (credits, lines, cap) => {
          const model = bruteForce(credits, lines, cap ?? Number.POSITIVE_INFINITY);
          const cover = maxCover(credits, lines, cap);
          expect(cover.total).toBe(model.total);
          expect(cover.perCredit).toEqual(model.perCredit);
          // The per-line answer adds up, respects each line's price and pays nothing on a never-eligible line.
          expect(cover.perLine.reduce((a, b) => a + b, 0)).toBe(cover.total);
          lines.forEach((l, j) => {
            expect(cover.perLine[j]).toBeLessThanOrEqual(l.amount);
            if (l.category === 'GIFT_CARD') expect(cover.perLine[j]).toBe(0);
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('re-routes an earlier credit to make room where a greedy by restrictiveness gets stuck', () => {
    // Credit 0 (soonest) may pay for anything, credit 1 only for DIGITAL_CONTENT. Taking credit 0 for the digital
    // line first would leave credit 1 with nothing it may pay; the maximum moves credit 0 to the physical line.
    const credits: CoverCredit[] = [{ remaining: 5 }, { remaining: 5, categories: ['DIGITAL_CONTENT'] }];
    const lines: CoverLine[] = [
      { category: 'DIGITAL_CONTENT', amount: 5 },
      { category: 'PHYSICAL_GOODS', amount: 5 },
    ];
    expect(maxCover(credits, lines)).toEqual({ perCredit: [5, 5], perLine: [5, 5], total: 10 });
  });

  it('re-routes through a chain of credits', () => {
    const credits: CoverCredit[] = [
      { remaining: 2, categories: ['PHYSICAL_GOODS', 'DIGITAL_CONTENT'] },
      { remaining: 2, categories: ['DIGITAL_CONTENT', 'SERVICES'] },
      { remaining: 2, categories: ['PHYSICAL_GOODS'] },
    ];
    const lines: CoverLine[] = [
      { category: 'PHYSICAL_GOODS', amount: 2 },
      { category: 'DIGITAL_CONTENT', amount: 2 },
      { category: 'SERVICES', amount: 2 },
    ];
    expect(maxCover(credits, lines)).toEqual({ perCredit: [2, 2, 2], perLine: [2, 2, 2], total: 6 });
  });

  it('re-routes a credit that was re-routed before (its new line is remembered)', () => {
    // A (soonest) takes L1; B needs L1, so A moves to L2; C needs L2, so A moves on to L3.
    const credits: CoverCredit[] = [
      { remaining: 1 },
      { remaining: 1, categories: ['PHYSICAL_GOODS'] },
      { remaining: 1, categories: ['DIGITAL_CONTENT'] },
    ];
    const lines: CoverLine[] = [
      { category: 'PHYSICAL_GOODS', amount: 1 },
      { category: 'DIGITAL_CONTENT', amount: 1 },
      { category: 'SERVICES', amount: 1 },
    ];
    expect(maxCover(credits, lines)).toEqual({ perCredit: [1, 1, 1], perLine: [1, 1, 1], total: 3 });
  });

  it('stops at the cap and at maxCredits credits', () => {
    const credits: CoverCredit[] = [{ remaining: 3 }, { remaining: 3 }, { remaining: 3 }];
    expect(maxCover(credits, [{ amount: 100 }], 4)).toEqual({ perCredit: [3, 1, 0], perLine: [4], total: 4 });
    expect(maxCover(credits, [{ amount: 100 }], Number.POSITIVE_INFINITY, 2)).toEqual({ perCredit: [3, 3, 0], perLine: [6], total: 6 });
    // A credit that pays nothing does not count towards maxCredits.
    const narrowed: CoverCredit[] = [{ remaining: 3, categories: ['SERVICES'] }, { remaining: 3 }, { remaining: 3 }];
    expect(maxCover(narrowed, [{ category: 'PHYSICAL_GOODS', amount: 100 }], Number.POSITIVE_INFINITY, 1).perCredit).toEqual([0, 3, 0]);
  });

  it('every purchase category is either eligible or never eligible, and never-eligible ones are covered by no credit', () => {
    for (const category of PURCHASE_CATEGORIES) {
      const eligible = (ELIGIBLE_CATEGORIES as readonly string[]).includes(category);
      expect(creditCovers(undefined, category)).toBe(eligible);
      expect(creditCovers([...ELIGIBLE_CATEGORIES], category)).toBe(eligible);
    }
    expect(creditCovers(['SERVICES'], 'PHYSICAL_GOODS')).toBe(false);
    expect(creditCovers(['SERVICES'], 'SERVICES')).toBe(true);
  });

  it('a spend that does not say what it buys is paid only by credits not narrowed to categories', () => {
    const credits: CoverCredit[] = [
      { remaining: 3, categories: ['SERVICES'] },
      { remaining: 2 },
      { remaining: 4, categories: [...ELIGIBLE_CATEGORIES] },
    ];
    expect(maxCover(credits, [{ amount: 10 }])).toEqual({ perCredit: [0, 2, 0], perLine: [2], total: 2 });
    expect(maxCover(credits, [{ category: 'SERVICES', amount: 10 }]).perCredit).toEqual([3, 2, 4]);
  });
});
