// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { creditCovers, type EligibleCategory, type PurchaseCategory } from './eligibility';

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
  /** The line's category; undefined: a request without a purchase, payable by any credit (the contract before lines). */
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
export function maxCover(credits: readonly CoverCredit[], lines: readonly CoverLine[], cap = Number.POSITIVE_INFINITY, maxCredits = Number.POSITIVE_INFINITY): Cover {
  if (stryMutAct_9fa48("293")) {
    {}
  } else {
    stryCov_9fa48("293");
    const covers = credits.map(stryMutAct_9fa48("294") ? () => undefined : (stryCov_9fa48("294"), c => lines.map(stryMutAct_9fa48("295") ? () => undefined : (stryCov_9fa48("295"), l => stryMutAct_9fa48("298") ? l.category === undefined && creditCovers(c.categories, l.category) : stryMutAct_9fa48("297") ? false : stryMutAct_9fa48("296") ? true : (stryCov_9fa48("296", "297", "298"), (stryMutAct_9fa48("300") ? l.category !== undefined : stryMutAct_9fa48("299") ? false : (stryCov_9fa48("299", "300"), l.category === undefined)) || creditCovers(c.categories, l.category))))));
    const flow = credits.map(stryMutAct_9fa48("301") ? () => undefined : (stryCov_9fa48("301"), () => lines.map(stryMutAct_9fa48("302") ? () => undefined : (stryCov_9fa48("302"), () => 0))));
    const lineFree = lines.map(stryMutAct_9fa48("303") ? () => undefined : (stryCov_9fa48("303"), l => l.amount));
    const perCredit = credits.map(stryMutAct_9fa48("304") ? () => undefined : (stryCov_9fa48("304"), () => 0));
    let total = 0;
    let touched = 0;
    for (let k = 0; stryMutAct_9fa48("306") ? k < credits.length && total < cap || touched < maxCredits : stryMutAct_9fa48("305") ? false : (stryCov_9fa48("305", "306"), (stryMutAct_9fa48("308") ? k < credits.length || total < cap : stryMutAct_9fa48("307") ? true : (stryCov_9fa48("307", "308"), (stryMutAct_9fa48("311") ? k >= credits.length : stryMutAct_9fa48("310") ? k <= credits.length : stryMutAct_9fa48("309") ? true : (stryCov_9fa48("309", "310", "311"), k < credits.length)) && (stryMutAct_9fa48("314") ? total >= cap : stryMutAct_9fa48("313") ? total <= cap : stryMutAct_9fa48("312") ? true : (stryCov_9fa48("312", "313", "314"), total < cap)))) && (stryMutAct_9fa48("317") ? touched >= maxCredits : stryMutAct_9fa48("316") ? touched <= maxCredits : stryMutAct_9fa48("315") ? true : (stryCov_9fa48("315", "316", "317"), touched < maxCredits))); stryMutAct_9fa48("318") ? k-- : (stryCov_9fa48("318"), k++)) {
      if (stryMutAct_9fa48("319")) {
        {}
      } else {
        stryCov_9fa48("319");
        while (stryMutAct_9fa48("321") ? perCredit[k]! < credits[k]!.remaining || total < cap : stryMutAct_9fa48("320") ? false : (stryCov_9fa48("320", "321"), (stryMutAct_9fa48("324") ? perCredit[k]! >= credits[k]!.remaining : stryMutAct_9fa48("323") ? perCredit[k]! <= credits[k]!.remaining : stryMutAct_9fa48("322") ? true : (stryCov_9fa48("322", "323", "324"), perCredit[k]! < credits[k]!.remaining)) && (stryMutAct_9fa48("327") ? total >= cap : stryMutAct_9fa48("326") ? total <= cap : stryMutAct_9fa48("325") ? true : (stryCov_9fa48("325", "326", "327"), total < cap)))) {
          if (stryMutAct_9fa48("328")) {
            {}
          } else {
            stryCov_9fa48("328");
            const path = augmentingPath(k, covers, flow, lineFree);
            if (stryMutAct_9fa48("331") ? false : stryMutAct_9fa48("330") ? true : stryMutAct_9fa48("329") ? path : (stryCov_9fa48("329", "330", "331"), !path)) break;
            // path: line j0 (taken by k), then pairs (credit i, line j) where credit i moves from the previous line to j.
            const last = path[stryMutAct_9fa48("332") ? path.length + 1 : (stryCov_9fa48("332"), path.length - 1)]!.line;
            let delta = stryMutAct_9fa48("333") ? Math.max(credits[k]!.remaining - perCredit[k]!, cap - total, lineFree[last]!) : (stryCov_9fa48("333"), Math.min(stryMutAct_9fa48("334") ? credits[k]!.remaining + perCredit[k]! : (stryCov_9fa48("334"), credits[k]!.remaining - perCredit[k]!), stryMutAct_9fa48("335") ? cap + total : (stryCov_9fa48("335"), cap - total), lineFree[last]!));
            for (let s = 1; stryMutAct_9fa48("338") ? s >= path.length : stryMutAct_9fa48("337") ? s <= path.length : stryMutAct_9fa48("336") ? false : (stryCov_9fa48("336", "337", "338"), s < path.length); stryMutAct_9fa48("339") ? s-- : (stryCov_9fa48("339"), s++)) delta = stryMutAct_9fa48("340") ? Math.max(delta, flow[path[s]!.credit]![path[s - 1]!.line]!) : (stryCov_9fa48("340"), Math.min(delta, flow[path[s]!.credit]![path[stryMutAct_9fa48("341") ? s + 1 : (stryCov_9fa48("341"), s - 1)]!.line]!));
            stryMutAct_9fa48("342") ? flow[k]![path[0]!.line]! -= delta : (stryCov_9fa48("342"), flow[k]![path[0]!.line]! += delta);
            for (let s = 1; stryMutAct_9fa48("345") ? s >= path.length : stryMutAct_9fa48("344") ? s <= path.length : stryMutAct_9fa48("343") ? false : (stryCov_9fa48("343", "344", "345"), s < path.length); stryMutAct_9fa48("346") ? s-- : (stryCov_9fa48("346"), s++)) {
              if (stryMutAct_9fa48("347")) {
                {}
              } else {
                stryCov_9fa48("347");
                const {
                  credit,
                  line
                } = path[s]!;
                stryMutAct_9fa48("348") ? flow[credit]![path[s - 1]!.line]! += delta : (stryCov_9fa48("348"), flow[credit]![path[stryMutAct_9fa48("349") ? s + 1 : (stryCov_9fa48("349"), s - 1)]!.line]! -= delta);
                stryMutAct_9fa48("350") ? flow[credit]![line]! -= delta : (stryCov_9fa48("350"), flow[credit]![line]! += delta);
              }
            }
            stryMutAct_9fa48("351") ? lineFree[last]! += delta : (stryCov_9fa48("351"), lineFree[last]! -= delta);
            stryMutAct_9fa48("352") ? perCredit[k]! -= delta : (stryCov_9fa48("352"), perCredit[k]! += delta);
            stryMutAct_9fa48("353") ? total -= delta : (stryCov_9fa48("353"), total += delta);
          }
        }
        if (stryMutAct_9fa48("357") ? perCredit[k]! <= 0 : stryMutAct_9fa48("356") ? perCredit[k]! >= 0 : stryMutAct_9fa48("355") ? false : stryMutAct_9fa48("354") ? true : (stryCov_9fa48("354", "355", "356", "357"), perCredit[k]! > 0)) stryMutAct_9fa48("358") ? touched-- : (stryCov_9fa48("358"), touched++);
      }
    }
    return stryMutAct_9fa48("359") ? {} : (stryCov_9fa48("359"), {
      perCredit,
      perLine: lines.map(stryMutAct_9fa48("360") ? () => undefined : (stryCov_9fa48("360"), (l, j) => stryMutAct_9fa48("361") ? l.amount + lineFree[j]! : (stryCov_9fa48("361"), l.amount - lineFree[j]!))),
      total
    });
  }
}
type Step = {
  credit: number;
  line: number;
};

/** Shortest residual path from credit `k` to a line with room left (breadth first), or undefined. */
function augmentingPath(k: number, covers: boolean[][], flow: number[][], lineFree: number[]): Step[] | undefined {
  if (stryMutAct_9fa48("362")) {
    {}
  } else {
    stryCov_9fa48("362");
    const lineParent = new Map<number, number>(); // line -> credit that reached it
    const creditParent = new Map<number, number>(stryMutAct_9fa48("363") ? [] : (stryCov_9fa48("363"), [stryMutAct_9fa48("364") ? [] : (stryCov_9fa48("364"), [k, stryMutAct_9fa48("365") ? +1 : (stryCov_9fa48("365"), -1)])])); // credit -> line it was reached through
    const queue = stryMutAct_9fa48("366") ? [] : (stryCov_9fa48("366"), [k]);
    while (stryMutAct_9fa48("369") ? queue.length <= 0 : stryMutAct_9fa48("368") ? queue.length >= 0 : stryMutAct_9fa48("367") ? false : (stryCov_9fa48("367", "368", "369"), queue.length > 0)) {
      if (stryMutAct_9fa48("370")) {
        {}
      } else {
        stryCov_9fa48("370");
        const i = queue.shift()!;
        for (let j = 0; stryMutAct_9fa48("373") ? j >= lineFree.length : stryMutAct_9fa48("372") ? j <= lineFree.length : stryMutAct_9fa48("371") ? false : (stryCov_9fa48("371", "372", "373"), j < lineFree.length); stryMutAct_9fa48("374") ? j-- : (stryCov_9fa48("374"), j++)) {
          if (stryMutAct_9fa48("375")) {
            {}
          } else {
            stryCov_9fa48("375");
            if (stryMutAct_9fa48("378") ? !covers[i]![j] && lineParent.has(j) : stryMutAct_9fa48("377") ? false : stryMutAct_9fa48("376") ? true : (stryCov_9fa48("376", "377", "378"), (stryMutAct_9fa48("379") ? covers[i]![j] : (stryCov_9fa48("379"), !covers[i]![j])) || lineParent.has(j))) continue;
            lineParent.set(j, i);
            if (stryMutAct_9fa48("383") ? lineFree[j]! <= 0 : stryMutAct_9fa48("382") ? lineFree[j]! >= 0 : stryMutAct_9fa48("381") ? false : stryMutAct_9fa48("380") ? true : (stryCov_9fa48("380", "381", "382", "383"), lineFree[j]! > 0)) return unwind(j, lineParent, creditParent);
            for (let other = 0; stryMutAct_9fa48("386") ? other >= flow.length : stryMutAct_9fa48("385") ? other <= flow.length : stryMutAct_9fa48("384") ? false : (stryCov_9fa48("384", "385", "386"), other < flow.length); stryMutAct_9fa48("387") ? other-- : (stryCov_9fa48("387"), other++)) {
              if (stryMutAct_9fa48("388")) {
                {}
              } else {
                stryCov_9fa48("388");
                if (stryMutAct_9fa48("391") ? flow[other]![j]! > 0 || !creditParent.has(other) : stryMutAct_9fa48("390") ? false : stryMutAct_9fa48("389") ? true : (stryCov_9fa48("389", "390", "391"), (stryMutAct_9fa48("394") ? flow[other]![j]! <= 0 : stryMutAct_9fa48("393") ? flow[other]![j]! >= 0 : stryMutAct_9fa48("392") ? true : (stryCov_9fa48("392", "393", "394"), flow[other]![j]! > 0)) && (stryMutAct_9fa48("395") ? creditParent.has(other) : (stryCov_9fa48("395"), !creditParent.has(other))))) {
                  if (stryMutAct_9fa48("396")) {
                    {}
                  } else {
                    stryCov_9fa48("396");
                    creditParent.set(other, j);
                    queue.push(other);
                  }
                }
              }
            }
          }
        }
      }
    }
    return undefined;
  }
}
function unwind(end: number, lineParent: Map<number, number>, creditParent: Map<number, number>): Step[] {
  if (stryMutAct_9fa48("397")) {
    {}
  } else {
    stryCov_9fa48("397");
    const steps: Step[] = stryMutAct_9fa48("398") ? ["Stryker was here"] : (stryCov_9fa48("398"), []);
    let line = end;
    if (stryMutAct_9fa48("399")) {
      for (; false;) {
        const credit = lineParent.get(line)!;
        steps.unshift({
          credit,
          line
        });
        const from = creditParent.get(credit)!;
        if (from === -1) return steps;
        line = from;
      }
    } else {
      stryCov_9fa48("399");
      for (;;) {
        if (stryMutAct_9fa48("400")) {
          {}
        } else {
          stryCov_9fa48("400");
          const credit = lineParent.get(line)!;
          steps.unshift(stryMutAct_9fa48("401") ? {} : (stryCov_9fa48("401"), {
            credit,
            line
          }));
          const from = creditParent.get(credit)!;
          if (stryMutAct_9fa48("404") ? from !== -1 : stryMutAct_9fa48("403") ? false : stryMutAct_9fa48("402") ? true : (stryCov_9fa48("402", "403", "404"), from === (stryMutAct_9fa48("405") ? +1 : (stryCov_9fa48("405"), -1)))) return steps;
          line = from;
        }
      }
    }
  }
}