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
import { CreditError } from './errors';
import { isMinorUnits } from './money';

/**
 * What courtesy credit may pay for: the one definition of purchase categories, and of a purchase's lines. Pure.
 * Gift cards, top-ups and anything cash-like are never payable with courtesy credit: it would make the credit
 * transferable and cashable.
 */
export const ELIGIBLE_CATEGORIES = ['PHYSICAL_GOODS', 'DIGITAL_CONTENT', 'MEMBERSHIP_RENEWAL', 'SERVICES'] as const;
export const NEVER_ELIGIBLE_CATEGORIES = ['GIFT_CARD', 'TOP_UP', 'CASH_EQUIVALENT'] as const;
export const PURCHASE_CATEGORIES = [...ELIGIBLE_CATEGORIES, ...NEVER_ELIGIBLE_CATEGORIES] as const;
export type EligibleCategory = (typeof ELIGIBLE_CATEGORIES)[number];
export type PurchaseCategory = (typeof PURCHASE_CATEGORIES)[number];

/** Most lines one spend request may carry. */
export const MAX_PURCHASE_LINES = 50;
export interface PurchaseLine {
  readonly lineId: string;
  readonly category: PurchaseCategory;
  /** The line's price in minor units of the request's currency. */
  readonly amount: number;
}

/** What courtesy credit paid of one line. */
export interface LineApplication extends PurchaseLine {
  readonly applied: number;
}
export function isEligibleCategory(category: string): category is EligibleCategory {
  if (stryMutAct_9fa48("406")) {
    {}
  } else {
    stryCov_9fa48("406");
    return (ELIGIBLE_CATEGORIES as readonly string[]).includes(category);
  }
}

/**
 * Whether a credit narrowed to `categories` (undefined: granted before narrowing existed, or not narrowed: every
 * eligible category) may pay for a line of `category`. A never-eligible category is payable by no credit.
 */
export function creditCovers(categories: readonly EligibleCategory[] | undefined, category: PurchaseCategory): boolean {
  if (stryMutAct_9fa48("407")) {
    {}
  } else {
    stryCov_9fa48("407");
    if (stryMutAct_9fa48("410") ? false : stryMutAct_9fa48("409") ? true : stryMutAct_9fa48("408") ? isEligibleCategory(category) : (stryCov_9fa48("408", "409", "410"), !isEligibleCategory(category))) return stryMutAct_9fa48("411") ? true : (stryCov_9fa48("411"), false);
    return stryMutAct_9fa48("414") ? categories === undefined && categories.includes(category) : stryMutAct_9fa48("413") ? false : stryMutAct_9fa48("412") ? true : (stryCov_9fa48("412", "413", "414"), (stryMutAct_9fa48("416") ? categories !== undefined : stryMutAct_9fa48("415") ? false : (stryCov_9fa48("415", "416"), categories === undefined)) || categories.includes(category));
  }
}

/**
 * A purchase's lines: each a positive whole number of minor units, line ids unique; refused with
 * INELIGIBLE_PURCHASE when no line is of an eligible category (nothing courtesy credit could pay for).
 */
export function assertPurchase(lines: readonly PurchaseLine[]): void {
  if (stryMutAct_9fa48("417")) {
    {}
  } else {
    stryCov_9fa48("417");
    const seen = new Set<string>();
    for (const line of lines) {
      if (stryMutAct_9fa48("418")) {
        {}
      } else {
        stryCov_9fa48("418");
        if (stryMutAct_9fa48("421") ? !isMinorUnits(line.amount) && line.amount <= 0 : stryMutAct_9fa48("420") ? false : stryMutAct_9fa48("419") ? true : (stryCov_9fa48("419", "420", "421"), (stryMutAct_9fa48("422") ? isMinorUnits(line.amount) : (stryCov_9fa48("422"), !isMinorUnits(line.amount))) || (stryMutAct_9fa48("425") ? line.amount > 0 : stryMutAct_9fa48("424") ? line.amount < 0 : stryMutAct_9fa48("423") ? false : (stryCov_9fa48("423", "424", "425"), line.amount <= 0)))) {
          if (stryMutAct_9fa48("426")) {
            {}
          } else {
            stryCov_9fa48("426");
            throw new CreditError(stryMutAct_9fa48("427") ? "" : (stryCov_9fa48("427"), 'AMOUNT_OUT_OF_RANGE'), stryMutAct_9fa48("428") ? `` : (stryCov_9fa48("428"), `purchase line ${line.lineId}: amount must be a positive whole number of minor units, got ${line.amount}`), stryMutAct_9fa48("429") ? {} : (stryCov_9fa48("429"), {
              lineId: line.lineId,
              amount: line.amount
            }));
          }
        }
        if (stryMutAct_9fa48("431") ? false : stryMutAct_9fa48("430") ? true : (stryCov_9fa48("430", "431"), seen.has(line.lineId))) {
          if (stryMutAct_9fa48("432")) {
            {}
          } else {
            stryCov_9fa48("432");
            throw new CreditError(stryMutAct_9fa48("433") ? "" : (stryCov_9fa48("433"), 'INVALID_INPUT'), stryMutAct_9fa48("434") ? `` : (stryCov_9fa48("434"), `invalid input: purchase: line id ${line.lineId} appears twice`), stryMutAct_9fa48("435") ? {} : (stryCov_9fa48("435"), {
              issues: stryMutAct_9fa48("436") ? [] : (stryCov_9fa48("436"), [stryMutAct_9fa48("437") ? {} : (stryCov_9fa48("437"), {
                path: stryMutAct_9fa48("438") ? "" : (stryCov_9fa48("438"), 'purchase'),
                problem: stryMutAct_9fa48("439") ? `` : (stryCov_9fa48("439"), `line id ${line.lineId} appears twice`)
              })])
            }));
          }
        }
        seen.add(line.lineId);
      }
    }
    if (stryMutAct_9fa48("442") ? false : stryMutAct_9fa48("441") ? true : stryMutAct_9fa48("440") ? lines.some(l => isEligibleCategory(l.category)) : (stryCov_9fa48("440", "441", "442"), !(stryMutAct_9fa48("443") ? lines.every(l => isEligibleCategory(l.category)) : (stryCov_9fa48("443"), lines.some(stryMutAct_9fa48("444") ? () => undefined : (stryCov_9fa48("444"), l => isEligibleCategory(l.category))))))) {
      if (stryMutAct_9fa48("445")) {
        {}
      } else {
        stryCov_9fa48("445");
        throw new CreditError(stryMutAct_9fa48("446") ? "" : (stryCov_9fa48("446"), 'INELIGIBLE_PURCHASE'), stryMutAct_9fa48("447") ? `` : (stryCov_9fa48("447"), `no line of this purchase may be paid with courtesy credit (eligible: ${ELIGIBLE_CATEGORIES.join(stryMutAct_9fa48("448") ? "" : (stryCov_9fa48("448"), ', '))})`), stryMutAct_9fa48("449") ? {} : (stryCov_9fa48("449"), {
          categories: stryMutAct_9fa48("450") ? [] : (stryCov_9fa48("450"), [...new Set(lines.map(stryMutAct_9fa48("451") ? () => undefined : (stryCov_9fa48("451"), l => l.category)))])
        }));
      }
    }
  }
}