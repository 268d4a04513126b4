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
import { spendOrder, type Allocation } from './allocation';
import { DAY_MS } from './credit';
import type { LineApplication } from './eligibility';
import { CreditError } from './errors';
import { isMinorUnits } from './money';

/**
 * Holds (authorizations) on a customer's credits and the rules for capturing and releasing them. Pure.
 * A hold debits the credits' `remaining` when placed and tracks per credit what it still holds, so held money is
 * available to no other redeem or hold, and a credit's expiry (which lapses `remaining`) never counts it as unused.
 */

export interface HoldPolicy {
  /** Lifetime when the request names none (7 days). */
  readonly defaultLifetimeSeconds: number;
  readonly minLifetimeSeconds: number;
  /** Longest lifetime a request may ask for (30 days). */
  readonly maxLifetimeSeconds: number;
}
export const DEFAULT_HOLD_POLICY: HoldPolicy = stryMutAct_9fa48("452") ? {} : (stryCov_9fa48("452"), {
  defaultLifetimeSeconds: stryMutAct_9fa48("453") ? 7 * DAY_MS * 1000 : (stryCov_9fa48("453"), (stryMutAct_9fa48("454") ? 7 / DAY_MS : (stryCov_9fa48("454"), 7 * DAY_MS)) / 1000),
  minLifetimeSeconds: 60,
  maxLifetimeSeconds: stryMutAct_9fa48("455") ? 30 * DAY_MS * 1000 : (stryCov_9fa48("455"), (stryMutAct_9fa48("456") ? 30 / DAY_MS : (stryCov_9fa48("456"), 30 * DAY_MS)) / 1000)
});

/** The hold's lifetime in seconds: the request's, within the policy's range, or the default. */
export function holdLifetimeSeconds(requested: number | undefined, policy: HoldPolicy = DEFAULT_HOLD_POLICY): number {
  if (stryMutAct_9fa48("457")) {
    {}
  } else {
    stryCov_9fa48("457");
    if (stryMutAct_9fa48("460") ? requested !== undefined : stryMutAct_9fa48("459") ? false : stryMutAct_9fa48("458") ? true : (stryCov_9fa48("458", "459", "460"), requested === undefined)) return policy.defaultLifetimeSeconds;
    if (stryMutAct_9fa48("463") ? (!Number.isInteger(requested) || requested < policy.minLifetimeSeconds) && requested > policy.maxLifetimeSeconds : stryMutAct_9fa48("462") ? false : stryMutAct_9fa48("461") ? true : (stryCov_9fa48("461", "462", "463"), (stryMutAct_9fa48("465") ? !Number.isInteger(requested) && requested < policy.minLifetimeSeconds : stryMutAct_9fa48("464") ? false : (stryCov_9fa48("464", "465"), (stryMutAct_9fa48("466") ? Number.isInteger(requested) : (stryCov_9fa48("466"), !Number.isInteger(requested))) || (stryMutAct_9fa48("469") ? requested >= policy.minLifetimeSeconds : stryMutAct_9fa48("468") ? requested <= policy.minLifetimeSeconds : stryMutAct_9fa48("467") ? false : (stryCov_9fa48("467", "468", "469"), requested < policy.minLifetimeSeconds)))) || (stryMutAct_9fa48("472") ? requested <= policy.maxLifetimeSeconds : stryMutAct_9fa48("471") ? requested >= policy.maxLifetimeSeconds : stryMutAct_9fa48("470") ? false : (stryCov_9fa48("470", "471", "472"), requested > policy.maxLifetimeSeconds)))) {
      if (stryMutAct_9fa48("473")) {
        {}
      } else {
        stryCov_9fa48("473");
        throw new CreditError(stryMutAct_9fa48("474") ? "" : (stryCov_9fa48("474"), 'HOLD_LIFETIME_OUT_OF_RANGE'), stryMutAct_9fa48("475") ? `` : (stryCov_9fa48("475"), `lifetimeSeconds must be a whole number from ${policy.minLifetimeSeconds} to ${policy.maxLifetimeSeconds}, got ${requested}`), stryMutAct_9fa48("476") ? {} : (stryCov_9fa48("476"), {
          lifetimeSeconds: requested,
          min: policy.minLifetimeSeconds,
          max: policy.maxLifetimeSeconds
        }));
      }
    }
    return requested;
  }
}

/** What a hold took from one credit (`amount`) and how much of that it still holds (`held`). */
export interface HeldAllocation extends Allocation {
  readonly held: number;
}

/** ACTIVE until captured in full or finally (CAPTURED) or released explicitly (RELEASED); past its lifetime it is EXPIRED. */
export type HoldStatus = 'ACTIVE' | 'CAPTURED' | 'RELEASED';
export type HoldState = HoldStatus | 'EXPIRED';
export interface Hold {
  readonly holdId: string;
  readonly customerId: string;
  readonly orderId: string;
  readonly currency: string;
  /** Held when placed. */
  readonly amount: number;
  /** Captured so far. */
  readonly captured: number;
  readonly allocations: readonly HeldAllocation[];
  readonly lines?: readonly LineApplication[];
  readonly status: HoldStatus;
  readonly placedAt: string;
  readonly expiresAt: string;
  /** Bumped by every change: the optimistic-concurrency check of captures and releases. */
  readonly version: number;
}

/** Still held: placed less captured less released. */
export function heldAmount(hold: Pick<Hold, 'allocations'>): number {
  if (stryMutAct_9fa48("477")) {
    {}
  } else {
    stryCov_9fa48("477");
    return hold.allocations.reduce(stryMutAct_9fa48("478") ? () => undefined : (stryCov_9fa48("478"), (sum, a) => stryMutAct_9fa48("479") ? sum - a.held : (stryCov_9fa48("479"), sum + a.held)), 0);
  }
}
export function holdState(hold: Pick<Hold, 'status' | 'expiresAt'>, now: Date): HoldState {
  if (stryMutAct_9fa48("480")) {
    {}
  } else {
    stryCov_9fa48("480");
    if (stryMutAct_9fa48("483") ? hold.status === 'ACTIVE' || Date.parse(hold.expiresAt) <= now.getTime() : stryMutAct_9fa48("482") ? false : stryMutAct_9fa48("481") ? true : (stryCov_9fa48("481", "482", "483"), (stryMutAct_9fa48("485") ? hold.status !== 'ACTIVE' : stryMutAct_9fa48("484") ? true : (stryCov_9fa48("484", "485"), hold.status === (stryMutAct_9fa48("486") ? "" : (stryCov_9fa48("486"), 'ACTIVE')))) && (stryMutAct_9fa48("489") ? Date.parse(hold.expiresAt) > now.getTime() : stryMutAct_9fa48("488") ? Date.parse(hold.expiresAt) < now.getTime() : stryMutAct_9fa48("487") ? true : (stryCov_9fa48("487", "488", "489"), Date.parse(hold.expiresAt) <= now.getTime())))) return stryMutAct_9fa48("490") ? "" : (stryCov_9fa48("490"), 'EXPIRED');
    return hold.status;
  }
}
export function assertHoldActive(hold: Hold, now: Date): void {
  if (stryMutAct_9fa48("491")) {
    {}
  } else {
    stryCov_9fa48("491");
    const state = holdState(hold, now);
    if (stryMutAct_9fa48("494") ? state === 'ACTIVE' : stryMutAct_9fa48("493") ? false : stryMutAct_9fa48("492") ? true : (stryCov_9fa48("492", "493", "494"), state !== (stryMutAct_9fa48("495") ? "" : (stryCov_9fa48("495"), 'ACTIVE')))) {
      if (stryMutAct_9fa48("496")) {
        {}
      } else {
        stryCov_9fa48("496");
        throw new CreditError(stryMutAct_9fa48("497") ? "" : (stryCov_9fa48("497"), 'HOLD_NOT_ACTIVE'), stryMutAct_9fa48("498") ? `` : (stryCov_9fa48("498"), `hold ${hold.holdId} is ${state}, not ACTIVE`), stryMutAct_9fa48("499") ? {} : (stryCov_9fa48("499"), {
          holdId: hold.holdId,
          status: state
        }));
      }
    }
  }
}

/** A new hold of `allocations` (each fully held), ACTIVE for `lifetimeSeconds` from `now`. */
export function newHold(input: {
  holdId: string;
  customerId: string;
  orderId: string;
  currency: string;
  allocations: readonly Allocation[];
  lines?: readonly LineApplication[];
  now: Date;
  lifetimeSeconds: number;
}): Hold {
  if (stryMutAct_9fa48("500")) {
    {}
  } else {
    stryCov_9fa48("500");
    const {
      holdId,
      customerId,
      orderId,
      currency,
      allocations,
      lines,
      now,
      lifetimeSeconds
    } = input;
    return stryMutAct_9fa48("501") ? {} : (stryCov_9fa48("501"), {
      holdId,
      customerId,
      orderId,
      currency,
      amount: allocations.reduce(stryMutAct_9fa48("502") ? () => undefined : (stryCov_9fa48("502"), (sum, a) => stryMutAct_9fa48("503") ? sum - a.amount : (stryCov_9fa48("503"), sum + a.amount)), 0),
      captured: 0,
      allocations: allocations.map(stryMutAct_9fa48("504") ? () => undefined : (stryCov_9fa48("504"), a => stryMutAct_9fa48("505") ? {} : (stryCov_9fa48("505"), {
        ...a,
        held: a.amount
      }))),
      ...(lines ? stryMutAct_9fa48("506") ? {} : (stryCov_9fa48("506"), {
        lines
      }) : {}),
      status: stryMutAct_9fa48("507") ? "" : (stryCov_9fa48("507"), 'ACTIVE'),
      placedAt: now.toISOString(),
      expiresAt: new Date(stryMutAct_9fa48("508") ? now.getTime() - lifetimeSeconds * 1000 : (stryCov_9fa48("508"), now.getTime() + (stryMutAct_9fa48("509") ? lifetimeSeconds / 1000 : (stryCov_9fa48("509"), lifetimeSeconds * 1000)))).toISOString(),
      version: 0
    });
  }
}
export interface CapturePlan {
  /** Per credit, what this capture takes (soonest-expiring credits first). */
  readonly taken: Allocation[];
  /** Per credit, what a final capture lets go of (empty otherwise). */
  readonly released: Allocation[];
  /** The hold after the capture. */
  readonly next: Hold;
}

/**
 * Capture `amount` of an ACTIVE hold (it stands even if a held credit's own expiry passed meanwhile): at most what
 * is still held (CAPTURE_EXCEEDS_HOLD). `final` lets go of the rest; a capture of everything held closes the hold too.
 */
export function planCapture(hold: Hold, amount: number, final: boolean, now: Date): CapturePlan {
  if (stryMutAct_9fa48("510")) {
    {}
  } else {
    stryCov_9fa48("510");
    assertHoldActive(hold, now);
    if (stryMutAct_9fa48("513") ? !isMinorUnits(amount) && amount <= 0 : stryMutAct_9fa48("512") ? false : stryMutAct_9fa48("511") ? true : (stryCov_9fa48("511", "512", "513"), (stryMutAct_9fa48("514") ? isMinorUnits(amount) : (stryCov_9fa48("514"), !isMinorUnits(amount))) || (stryMutAct_9fa48("517") ? amount > 0 : stryMutAct_9fa48("516") ? amount < 0 : stryMutAct_9fa48("515") ? false : (stryCov_9fa48("515", "516", "517"), amount <= 0)))) {
      if (stryMutAct_9fa48("518")) {
        {}
      } else {
        stryCov_9fa48("518");
        throw new CreditError(stryMutAct_9fa48("519") ? "" : (stryCov_9fa48("519"), 'AMOUNT_OUT_OF_RANGE'), stryMutAct_9fa48("520") ? `` : (stryCov_9fa48("520"), `amount must be a positive whole number of ${hold.currency} minor units, got ${amount}`), stryMutAct_9fa48("521") ? {} : (stryCov_9fa48("521"), {
          amount,
          currency: hold.currency
        }));
      }
    }
    const held = heldAmount(hold);
    if (stryMutAct_9fa48("525") ? amount <= held : stryMutAct_9fa48("524") ? amount >= held : stryMutAct_9fa48("523") ? false : stryMutAct_9fa48("522") ? true : (stryCov_9fa48("522", "523", "524", "525"), amount > held)) {
      if (stryMutAct_9fa48("526")) {
        {}
      } else {
        stryCov_9fa48("526");
        throw new CreditError(stryMutAct_9fa48("527") ? "" : (stryCov_9fa48("527"), 'CAPTURE_EXCEEDS_HOLD'), stryMutAct_9fa48("528") ? `` : (stryCov_9fa48("528"), `hold ${hold.holdId} holds ${held}, less than the ${amount} asked for`), stryMutAct_9fa48("529") ? {} : (stryCov_9fa48("529"), {
          holdId: hold.holdId,
          held,
          requested: amount
        }));
      }
    }
    const taken: Allocation[] = stryMutAct_9fa48("530") ? ["Stryker was here"] : (stryCov_9fa48("530"), []);
    const released: Allocation[] = stryMutAct_9fa48("531") ? ["Stryker was here"] : (stryCov_9fa48("531"), []);
    let open = amount;
    const after = new Map<string, number>();
    for (const a of stryMutAct_9fa48("532") ? [...hold.allocations] : (stryCov_9fa48("532"), (stryMutAct_9fa48("533") ? [] : (stryCov_9fa48("533"), [...hold.allocations])).sort(spendOrder))) {
      if (stryMutAct_9fa48("534")) {
        {}
      } else {
        stryCov_9fa48("534");
        const take = stryMutAct_9fa48("535") ? Math.max(open, a.held) : (stryCov_9fa48("535"), Math.min(open, a.held));
        stryMutAct_9fa48("536") ? open += take : (stryCov_9fa48("536"), open -= take);
        if (stryMutAct_9fa48("540") ? take <= 0 : stryMutAct_9fa48("539") ? take >= 0 : stryMutAct_9fa48("538") ? false : stryMutAct_9fa48("537") ? true : (stryCov_9fa48("537", "538", "539", "540"), take > 0)) taken.push(stryMutAct_9fa48("541") ? {} : (stryCov_9fa48("541"), {
          creditId: a.creditId,
          amount: take,
          expiresAt: a.expiresAt
        }));
        const rest = stryMutAct_9fa48("542") ? a.held + take : (stryCov_9fa48("542"), a.held - take);
        if (stryMutAct_9fa48("545") ? final || rest > 0 : stryMutAct_9fa48("544") ? false : stryMutAct_9fa48("543") ? true : (stryCov_9fa48("543", "544", "545"), final && (stryMutAct_9fa48("548") ? rest <= 0 : stryMutAct_9fa48("547") ? rest >= 0 : stryMutAct_9fa48("546") ? true : (stryCov_9fa48("546", "547", "548"), rest > 0)))) released.push(stryMutAct_9fa48("549") ? {} : (stryCov_9fa48("549"), {
          creditId: a.creditId,
          amount: rest,
          expiresAt: a.expiresAt
        }));
        after.set(a.creditId, final ? 0 : rest);
      }
    }
    const closed = stryMutAct_9fa48("552") ? final && amount === held : stryMutAct_9fa48("551") ? false : stryMutAct_9fa48("550") ? true : (stryCov_9fa48("550", "551", "552"), final || (stryMutAct_9fa48("554") ? amount !== held : stryMutAct_9fa48("553") ? false : (stryCov_9fa48("553", "554"), amount === held)));
    const next: Hold = stryMutAct_9fa48("555") ? {} : (stryCov_9fa48("555"), {
      ...hold,
      captured: stryMutAct_9fa48("556") ? hold.captured - amount : (stryCov_9fa48("556"), hold.captured + amount),
      allocations: hold.allocations.map(stryMutAct_9fa48("557") ? () => undefined : (stryCov_9fa48("557"), a => stryMutAct_9fa48("558") ? {} : (stryCov_9fa48("558"), {
        ...a,
        held: after.get(a.creditId)!
      }))),
      status: closed ? stryMutAct_9fa48("559") ? "" : (stryCov_9fa48("559"), 'CAPTURED') : stryMutAct_9fa48("560") ? "" : (stryCov_9fa48("560"), 'ACTIVE'),
      version: stryMutAct_9fa48("561") ? hold.version - 1 : (stryCov_9fa48("561"), hold.version + 1)
    });
    return stryMutAct_9fa48("562") ? {} : (stryCov_9fa48("562"), {
      taken,
      released,
      next
    });
  }
}

/** Explicit release of an ACTIVE hold: everything still held goes back; the hold is RELEASED. */
export function planRelease(hold: Hold, now: Date): {
  released: Allocation[];
  next: Hold;
} {
  if (stryMutAct_9fa48("563")) {
    {}
  } else {
    stryCov_9fa48("563");
    assertHoldActive(hold, now);
    return stryMutAct_9fa48("564") ? {} : (stryCov_9fa48("564"), {
      released: stillHeld(hold),
      next: stryMutAct_9fa48("565") ? {} : (stryCov_9fa48("565"), {
        ...hold,
        allocations: hold.allocations.map(stryMutAct_9fa48("566") ? () => undefined : (stryCov_9fa48("566"), a => stryMutAct_9fa48("567") ? {} : (stryCov_9fa48("567"), {
          ...a,
          held: 0
        }))),
        status: stryMutAct_9fa48("568") ? "" : (stryCov_9fa48("568"), 'RELEASED'),
        version: stryMutAct_9fa48("569") ? hold.version - 1 : (stryCov_9fa48("569"), hold.version + 1)
      })
    });
  }
}

/** Per credit, what the hold still holds. */
export function stillHeld(hold: Pick<Hold, 'allocations'>): Allocation[] {
  if (stryMutAct_9fa48("570")) {
    {}
  } else {
    stryCov_9fa48("570");
    return stryMutAct_9fa48("571") ? hold.allocations.map(a => ({
      creditId: a.creditId,
      amount: a.held,
      expiresAt: a.expiresAt
    })) : (stryCov_9fa48("571"), hold.allocations.filter(stryMutAct_9fa48("572") ? () => undefined : (stryCov_9fa48("572"), a => stryMutAct_9fa48("576") ? a.held <= 0 : stryMutAct_9fa48("575") ? a.held >= 0 : stryMutAct_9fa48("574") ? false : stryMutAct_9fa48("573") ? true : (stryCov_9fa48("573", "574", "575", "576"), a.held > 0))).map(stryMutAct_9fa48("577") ? () => undefined : (stryCov_9fa48("577"), a => stryMutAct_9fa48("578") ? {} : (stryCov_9fa48("578"), {
      creditId: a.creditId,
      amount: a.held,
      expiresAt: a.expiresAt
    }))));
  }
}