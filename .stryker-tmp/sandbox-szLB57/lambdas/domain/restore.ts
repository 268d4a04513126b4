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
import type { Allocation } from './allocation';
import { CreditError } from './errors';
import { isMinorUnits } from './money';

/**
 * Money going back onto the credits it came from (a release, a refund, a reversal). Pure. A credit that has expired
 * (or is gone) is never revived: its part lapses. A credit never goes above its granted amount.
 */

/** A stored credit as a restoration needs it. */
export interface StoredCredit {
  readonly creditId: string;
  readonly amount: number;
  readonly expiresAt: string;
}
export type Restoration = Allocation & {
  readonly maxRemainingBefore: number;
};
export interface RestorePlan {
  readonly restore: Restoration[];
  /** The part whose credit has expired (or is gone). */
  readonly lapsed: number;
}
export function isLive(credit: StoredCredit | undefined, now: Date): credit is StoredCredit {
  if (stryMutAct_9fa48("579")) {
    {}
  } else {
    stryCov_9fa48("579");
    return stryMutAct_9fa48("582") ? credit !== undefined || Date.parse(credit.expiresAt) > now.getTime() : stryMutAct_9fa48("581") ? false : stryMutAct_9fa48("580") ? true : (stryCov_9fa48("580", "581", "582"), (stryMutAct_9fa48("584") ? credit === undefined : stryMutAct_9fa48("583") ? true : (stryCov_9fa48("583", "584"), credit !== undefined)) && (stryMutAct_9fa48("587") ? Date.parse(credit.expiresAt) <= now.getTime() : stryMutAct_9fa48("586") ? Date.parse(credit.expiresAt) >= now.getTime() : stryMutAct_9fa48("585") ? true : (stryCov_9fa48("585", "586", "587"), Date.parse(credit.expiresAt) > now.getTime())));
  }
}

/** Put `back` onto its credits: the live ones get it (not above their amount), the rest lapses. */
export function planRestore(back: readonly Allocation[], stored: ReadonlyMap<string, StoredCredit>, now: Date): RestorePlan {
  if (stryMutAct_9fa48("588")) {
    {}
  } else {
    stryCov_9fa48("588");
    const restore: Restoration[] = stryMutAct_9fa48("589") ? ["Stryker was here"] : (stryCov_9fa48("589"), []);
    let lapsed = 0;
    for (const a of back) {
      if (stryMutAct_9fa48("590")) {
        {}
      } else {
        stryCov_9fa48("590");
        const credit = stored.get(a.creditId);
        if (stryMutAct_9fa48("592") ? false : stryMutAct_9fa48("591") ? true : (stryCov_9fa48("591", "592"), isLive(credit, now))) restore.push(stryMutAct_9fa48("593") ? {} : (stryCov_9fa48("593"), {
          ...a,
          maxRemainingBefore: stryMutAct_9fa48("594") ? credit.amount + a.amount : (stryCov_9fa48("594"), credit.amount - a.amount)
        }));else stryMutAct_9fa48("595") ? lapsed -= a.amount : (stryCov_9fa48("595"), lapsed += a.amount);
      }
    }
    return stryMutAct_9fa48("596") ? {} : (stryCov_9fa48("596"), {
      restore,
      lapsed
    });
  }
}

/** How much of a redemption or capture has been refunded so far, per credit. */
export interface RefundProgress {
  readonly refunded: number;
  readonly refundedAllocations: readonly Allocation[];
}
export const NOTHING_REFUNDED: RefundProgress = stryMutAct_9fa48("597") ? {} : (stryCov_9fa48("597"), {
  refunded: 0,
  refundedAllocations: stryMutAct_9fa48("598") ? ["Stryker was here"] : (stryCov_9fa48("598"), [])
});

/** Per credit, what of `taken` has not been refunded yet. */
export function unrefunded(taken: readonly Allocation[], progress: RefundProgress): Allocation[] {
  if (stryMutAct_9fa48("599")) {
    {}
  } else {
    stryCov_9fa48("599");
    const done = new Map(progress.refundedAllocations.map(stryMutAct_9fa48("600") ? () => undefined : (stryCov_9fa48("600"), a => stryMutAct_9fa48("601") ? [] : (stryCov_9fa48("601"), [a.creditId, a.amount]))));
    return stryMutAct_9fa48("602") ? taken.map(a => ({
      ...a,
      amount: a.amount - (done.get(a.creditId) ?? 0)
    })) : (stryCov_9fa48("602"), taken.map(stryMutAct_9fa48("603") ? () => undefined : (stryCov_9fa48("603"), a => stryMutAct_9fa48("604") ? {} : (stryCov_9fa48("604"), {
      ...a,
      amount: stryMutAct_9fa48("605") ? a.amount + (done.get(a.creditId) ?? 0) : (stryCov_9fa48("605"), a.amount - (stryMutAct_9fa48("606") ? done.get(a.creditId) && 0 : (stryCov_9fa48("606"), done.get(a.creditId) ?? 0)))
    }))).filter(stryMutAct_9fa48("607") ? () => undefined : (stryCov_9fa48("607"), a => stryMutAct_9fa48("611") ? a.amount <= 0 : stryMutAct_9fa48("610") ? a.amount >= 0 : stryMutAct_9fa48("609") ? false : stryMutAct_9fa48("608") ? true : (stryCov_9fa48("608", "609", "610", "611"), a.amount > 0))));
  }
}

/**
 * A refund of `amount` of what was taken (`taken`, less earlier refunds): at most what is left
 * (REFUND_EXCEEDS_CAPTURED), back to the credits with the longest remaining validity first; expired ones last.
 * Answers what goes back per credit and the refund progress after it.
 */
export function planRefund(taken: readonly Allocation[], progress: RefundProgress, amount: number, currency: string, targetId: string): {
  back: Allocation[];
  after: RefundProgress;
} {
  if (stryMutAct_9fa48("612")) {
    {}
  } else {
    stryCov_9fa48("612");
    if (stryMutAct_9fa48("615") ? !isMinorUnits(amount) && amount <= 0 : stryMutAct_9fa48("614") ? false : stryMutAct_9fa48("613") ? true : (stryCov_9fa48("613", "614", "615"), (stryMutAct_9fa48("616") ? isMinorUnits(amount) : (stryCov_9fa48("616"), !isMinorUnits(amount))) || (stryMutAct_9fa48("619") ? amount > 0 : stryMutAct_9fa48("618") ? amount < 0 : stryMutAct_9fa48("617") ? false : (stryCov_9fa48("617", "618", "619"), amount <= 0)))) {
      if (stryMutAct_9fa48("620")) {
        {}
      } else {
        stryCov_9fa48("620");
        throw new CreditError(stryMutAct_9fa48("621") ? "" : (stryCov_9fa48("621"), 'AMOUNT_OUT_OF_RANGE'), stryMutAct_9fa48("622") ? `` : (stryCov_9fa48("622"), `amount must be a positive whole number of ${currency} minor units, got ${amount}`), stryMutAct_9fa48("623") ? {} : (stryCov_9fa48("623"), {
          amount,
          currency
        }));
      }
    }
    const open = unrefunded(taken, progress);
    const left = open.reduce(stryMutAct_9fa48("624") ? () => undefined : (stryCov_9fa48("624"), (sum, a) => stryMutAct_9fa48("625") ? sum - a.amount : (stryCov_9fa48("625"), sum + a.amount)), 0);
    if (stryMutAct_9fa48("629") ? amount <= left : stryMutAct_9fa48("628") ? amount >= left : stryMutAct_9fa48("627") ? false : stryMutAct_9fa48("626") ? true : (stryCov_9fa48("626", "627", "628", "629"), amount > left)) {
      if (stryMutAct_9fa48("630")) {
        {}
      } else {
        stryCov_9fa48("630");
        throw new CreditError(stryMutAct_9fa48("631") ? "" : (stryCov_9fa48("631"), 'REFUND_EXCEEDS_CAPTURED'), stryMutAct_9fa48("632") ? `` : (stryCov_9fa48("632"), `only ${left} of ${targetId} is left to refund, less than the ${amount} asked for`), stryMutAct_9fa48("633") ? {} : (stryCov_9fa48("633"), {
          refundOf: targetId,
          left,
          requested: amount
        }));
      }
    }
    // Longest remaining validity first: latest expiry first, then the later credit id.
    const order = stryMutAct_9fa48("634") ? [...open] : (stryCov_9fa48("634"), (stryMutAct_9fa48("635") ? [] : (stryCov_9fa48("635"), [...open])).sort(stryMutAct_9fa48("636") ? () => undefined : (stryCov_9fa48("636"), (a, b) => stryMutAct_9fa48("639") ? Date.parse(b.expiresAt) - Date.parse(a.expiresAt) && (a.creditId < b.creditId ? 1 : -1) : stryMutAct_9fa48("638") ? false : stryMutAct_9fa48("637") ? true : (stryCov_9fa48("637", "638", "639"), (stryMutAct_9fa48("640") ? Date.parse(b.expiresAt) + Date.parse(a.expiresAt) : (stryCov_9fa48("640"), Date.parse(b.expiresAt) - Date.parse(a.expiresAt))) || ((stryMutAct_9fa48("644") ? a.creditId >= b.creditId : stryMutAct_9fa48("643") ? a.creditId <= b.creditId : stryMutAct_9fa48("642") ? false : stryMutAct_9fa48("641") ? true : (stryCov_9fa48("641", "642", "643", "644"), a.creditId < b.creditId)) ? 1 : stryMutAct_9fa48("645") ? +1 : (stryCov_9fa48("645"), -1))))));
    const back: Allocation[] = stryMutAct_9fa48("646") ? ["Stryker was here"] : (stryCov_9fa48("646"), []);
    let rest = amount;
    for (const a of order) {
      if (stryMutAct_9fa48("647")) {
        {}
      } else {
        stryCov_9fa48("647");
        if (stryMutAct_9fa48("650") ? rest !== 0 : stryMutAct_9fa48("649") ? false : stryMutAct_9fa48("648") ? true : (stryCov_9fa48("648", "649", "650"), rest === 0)) break;
        const give = stryMutAct_9fa48("651") ? Math.max(rest, a.amount) : (stryCov_9fa48("651"), Math.min(rest, a.amount));
        back.push(stryMutAct_9fa48("652") ? {} : (stryCov_9fa48("652"), {
          creditId: a.creditId,
          amount: give,
          expiresAt: a.expiresAt
        }));
        stryMutAct_9fa48("653") ? rest += give : (stryCov_9fa48("653"), rest -= give);
      }
    }
    const done = new Map(progress.refundedAllocations.map(stryMutAct_9fa48("654") ? () => undefined : (stryCov_9fa48("654"), a => stryMutAct_9fa48("655") ? [] : (stryCov_9fa48("655"), [a.creditId, a]))));
    for (const b of back) {
      if (stryMutAct_9fa48("656")) {
        {}
      } else {
        stryCov_9fa48("656");
        const before = done.get(b.creditId);
        done.set(b.creditId, stryMutAct_9fa48("657") ? {} : (stryCov_9fa48("657"), {
          ...b,
          amount: stryMutAct_9fa48("658") ? (before?.amount ?? 0) - b.amount : (stryCov_9fa48("658"), (stryMutAct_9fa48("659") ? before?.amount && 0 : (stryCov_9fa48("659"), (stryMutAct_9fa48("660") ? before.amount : (stryCov_9fa48("660"), before?.amount)) ?? 0)) + b.amount)
        }));
      }
    }
    return stryMutAct_9fa48("661") ? {} : (stryCov_9fa48("661"), {
      back,
      after: stryMutAct_9fa48("662") ? {} : (stryCov_9fa48("662"), {
        refunded: stryMutAct_9fa48("663") ? progress.refunded - amount : (stryCov_9fa48("663"), progress.refunded + amount),
        refundedAllocations: stryMutAct_9fa48("664") ? [] : (stryCov_9fa48("664"), [...done.values()])
      })
    });
  }
}