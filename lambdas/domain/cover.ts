import { creditPaysFor, type EligibleCategory, type PurchaseCategory } from './eligibility';

/**
 * Which credits pay which purchase lines. Pure. The credits × lines network is a max-flow problem (source → credit,
 * capacity its remaining amount; credit → line where the credit may pay for the line's category; line → sink,
 * capacity the line's amount; the whole capped by the amount asked for). Credits are added one at a time in spend
 * order, each pushing as much as augmenting paths allow (re-routing earlier credits between lines, never lowering
 * what an earlier credit pays). After each step the flow is maximal for the credits added so far (a new augmenting
 * path would have existed before), so the result is a maximum flow; and the amounts per credit are the greedy basis
 * of a polymatroid, which is lexicographically greatest in spend order: among all allocations covering the maximum,
 * the soonest-expiring credits are used as much as possible.
 */

export interface CoverCredit {
  readonly remaining: number;
  /** Categories the credit is narrowed to; undefined: every eligible one. */
  readonly categories?: readonly EligibleCategory[];
}

export interface CoverLine {
  /** The line's category; undefined: a request without a purchase, payable by any credit not narrowed to categories. */
  readonly category?: PurchaseCategory;
  readonly amount: number;
}

export interface Cover {
  /** Taken from each credit, in the order given. */
  readonly perCredit: number[];
  /** Paid of each line, in the order given. */
  readonly perLine: number[];
  readonly total: number;
}

/**
 * The maximum cover of `lines` by `credits` (given in spend order), at most `cap` in all, from at most `maxCredits`
 * credits (once that many pay something, later credits are not used: a bound on the transaction's size).
 */
export function maxCover(
  credits: readonly CoverCredit[],
  lines: readonly CoverLine[],
  cap = Number.POSITIVE_INFINITY,
  maxCredits = Number.POSITIVE_INFINITY,
): Cover {
  const covers = credits.map((c) => lines.map((l) => creditPaysFor(c.categories, l.category)));
  const flow = credits.map(() => lines.map(() => 0));
  const lineFree = lines.map((l) => l.amount);
  const perCredit = credits.map(() => 0);
  let total = 0;
  let touched = 0;
  for (let k = 0; k < credits.length && total < cap && touched < maxCredits; k++) {
    while (perCredit[k]! < credits[k]!.remaining && total < cap) {
      const path = augmentingPath(k, covers, flow, lineFree);
      if (!path) break;
      // path: line j0 (taken by k), then pairs (credit i, line j) where credit i moves from the previous line to j.
      const last = path[path.length - 1]!.line;
      let delta = Math.min(credits[k]!.remaining - perCredit[k]!, cap - total, lineFree[last]!);
      for (let s = 1; s < path.length; s++) delta = Math.min(delta, flow[path[s]!.credit]![path[s - 1]!.line]!);
      flow[k]![path[0]!.line]! += delta;
      for (let s = 1; s < path.length; s++) {
        const { credit, line } = path[s]!;
        flow[credit]![path[s - 1]!.line]! -= delta;
        flow[credit]![line]! += delta;
      }
      lineFree[last]! -= delta;
      perCredit[k]! += delta;
      total += delta;
    }
    if (perCredit[k]! > 0) touched++;
  }
  return { perCredit, perLine: lines.map((l, j) => l.amount - lineFree[j]!), total };
}

type Step = { credit: number; line: number };

/** Shortest residual path from credit `k` to a line with room left (breadth first), or undefined. */
function augmentingPath(k: number, covers: boolean[][], flow: number[][], lineFree: number[]): Step[] | undefined {
  const lineParent = new Map<number, number>(); // line -> credit that reached it
  const creditParent = new Map<number, number>([[k, -1]]); // credit -> line it was reached through
  const queue = [k];
  while (queue.length > 0) {
    const i = queue.shift()!;
    for (let j = 0; j < lineFree.length; j++) {
      if (!covers[i]![j] || lineParent.has(j)) continue;
      lineParent.set(j, i);
      if (lineFree[j]! > 0) return unwind(j, lineParent, creditParent);
      for (let other = 0; other < flow.length; other++) {
        if (flow[other]![j]! > 0 && !creditParent.has(other)) {
          creditParent.set(other, j);
          queue.push(other);
        }
      }
    }
  }
  return undefined;
}

function unwind(end: number, lineParent: Map<number, number>, creditParent: Map<number, number>): Step[] {
  const steps: Step[] = [];
  let line = end;
  for (;;) {
    const credit = lineParent.get(line)!;
    steps.unshift({ credit, line });
    const from = creditParent.get(credit)!;
    if (from === -1) return steps;
    line = from;
  }
}
