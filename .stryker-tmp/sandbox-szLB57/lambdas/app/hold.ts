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
import type { HoldRequest } from '../contracts';
import { allocate } from '../domain/allocation';
import { assertPositiveMinorUnits } from '../domain/credit';
import { assertPurchase } from '../domain/eligibility';
import { CreditError } from '../domain/errors';
import { DEFAULT_HOLD_POLICY, holdLifetimeSeconds, newHold, type HoldPolicy } from '../domain/hold';
import { heldEntry } from '../domain/ledger';
import type { Clock } from '../shared/clock';
import { fingerprint } from '../shared/ids';
import { REDEEM_RETRY, RetryBudget, type RetryPolicy } from '../shared/retry';
import type { HoldResponse, HoldStore } from './payment-ports';

/** A transaction holds 100 items: the hold, its ledger entry and the key record take three. */
export const MAX_CREDITS_PER_HOLD = 97;
export interface HoldDeps {
  store: HoldStore;
  clock: Clock;
  newId: (at: Date) => string;
  policy?: HoldPolicy;
  retry?: RetryPolicy;
  onConflict?: () => void;
}

/**
 * Reserve up to `amount` of the customer's credits for an order (authorize), allocated like a redemption (eligible
 * credits, the most the purchase allows, soonest-expiring first), partially if short. The held money leaves the
 * credits' `remaining` in the same transaction that writes the hold, its HELD entry and the key record, so no other
 * redeem or hold can spend it; conflicts are retried like redeem's.
 */
export async function placeHold(req: HoldRequest, deps: HoldDeps): Promise<{
  response: HoldResponse;
  replayed: boolean;
}> {
  if (stryMutAct_9fa48("64")) {
    {}
  } else {
    stryCov_9fa48("64");
    assertPositiveMinorUnits(req.amount, req.currency);
    const lines = stryMutAct_9fa48("65") ? req.purchase.lines : (stryCov_9fa48("65"), req.purchase?.lines);
    if (stryMutAct_9fa48("67") ? false : stryMutAct_9fa48("66") ? true : (stryCov_9fa48("66", "67"), lines)) assertPurchase(lines);
    const lifetimeSeconds = holdLifetimeSeconds(req.lifetimeSeconds, stryMutAct_9fa48("68") ? deps.policy && DEFAULT_HOLD_POLICY : (stryCov_9fa48("68"), deps.policy ?? DEFAULT_HOLD_POLICY));
    const requestHash = fingerprint(stryMutAct_9fa48("69") ? {} : (stryCov_9fa48("69"), {
      customerId: req.customerId,
      orderId: req.orderId,
      amount: req.amount,
      currency: req.currency,
      purchase: req.purchase,
      lifetimeSeconds: req.lifetimeSeconds
    }));
    const budget = new RetryBudget(stryMutAct_9fa48("70") ? deps.retry && REDEEM_RETRY : (stryCov_9fa48("70"), deps.retry ?? REDEEM_RETRY));
    for (let attempt = 0; stryMutAct_9fa48("71") ? false : (stryCov_9fa48("71"), budget.allows(attempt)); stryMutAct_9fa48("72") ? attempt-- : (stryCov_9fa48("72"), attempt++)) {
      if (stryMutAct_9fa48("73")) {
        {}
      } else {
        stryCov_9fa48("73");
        const now = deps.clock.now();
        const credits = await deps.store.listSpendableCredits(req.customerId, now);
        const plan = allocate(credits, req.amount, req.currency, now, MAX_CREDITS_PER_HOLD, lines);
        const hold = (stryMutAct_9fa48("77") ? plan.applied <= 0 : stryMutAct_9fa48("76") ? plan.applied >= 0 : stryMutAct_9fa48("75") ? false : stryMutAct_9fa48("74") ? true : (stryCov_9fa48("74", "75", "76", "77"), plan.applied > 0)) ? newHold(stryMutAct_9fa48("78") ? {} : (stryCov_9fa48("78"), {
          holdId: deps.newId(now),
          customerId: req.customerId,
          orderId: req.orderId,
          currency: req.currency,
          allocations: plan.allocations,
          lines: plan.lines,
          now,
          lifetimeSeconds
        })) : undefined;
        const response: HoldResponse = stryMutAct_9fa48("79") ? {} : (stryCov_9fa48("79"), {
          holdId: stryMutAct_9fa48("80") ? hold?.holdId && null : (stryCov_9fa48("80"), (stryMutAct_9fa48("81") ? hold.holdId : (stryCov_9fa48("81"), hold?.holdId)) ?? null),
          customerId: req.customerId,
          orderId: req.orderId,
          currency: req.currency,
          requested: req.amount,
          held: plan.applied,
          allocations: plan.allocations,
          ...(plan.lines ? stryMutAct_9fa48("82") ? {} : (stryCov_9fa48("82"), {
            lines: plan.lines
          }) : {}),
          holdExpiresAt: stryMutAct_9fa48("83") ? hold?.expiresAt && null : (stryCov_9fa48("83"), (stryMutAct_9fa48("84") ? hold.expiresAt : (stryCov_9fa48("84"), hold?.expiresAt)) ?? null),
          remainingBalance: stryMutAct_9fa48("85") ? plan.availableBefore + plan.applied : (stryCov_9fa48("85"), plan.availableBefore - plan.applied),
          heldAt: now.toISOString()
        });
        const result = await deps.store.commitHold(stryMutAct_9fa48("86") ? {} : (stryCov_9fa48("86"), {
          customerId: req.customerId,
          idempotencyKey: req.idempotencyKey,
          record: stryMutAct_9fa48("87") ? {} : (stryCov_9fa48("87"), {
            requestHash,
            response
          }),
          placed: hold ? stryMutAct_9fa48("88") ? {} : (stryCov_9fa48("88"), {
            hold,
            ledger: heldEntry(hold)
          }) : undefined,
          now
        }));
        if (stryMutAct_9fa48("91") ? result.kind !== 'committed' : stryMutAct_9fa48("90") ? false : stryMutAct_9fa48("89") ? true : (stryCov_9fa48("89", "90", "91"), result.kind === (stryMutAct_9fa48("92") ? "" : (stryCov_9fa48("92"), 'committed')))) return stryMutAct_9fa48("93") ? {} : (stryCov_9fa48("93"), {
          response,
          replayed: stryMutAct_9fa48("94") ? true : (stryCov_9fa48("94"), false)
        });
        if (stryMutAct_9fa48("97") ? result.kind === 'duplicate' || result.existing : stryMutAct_9fa48("96") ? false : stryMutAct_9fa48("95") ? true : (stryCov_9fa48("95", "96", "97"), (stryMutAct_9fa48("99") ? result.kind !== 'duplicate' : stryMutAct_9fa48("98") ? true : (stryCov_9fa48("98", "99"), result.kind === (stryMutAct_9fa48("100") ? "" : (stryCov_9fa48("100"), 'duplicate')))) && result.existing)) {
          if (stryMutAct_9fa48("101")) {
            {}
          } else {
            stryCov_9fa48("101");
            if (stryMutAct_9fa48("104") ? result.existing.requestHash === requestHash : stryMutAct_9fa48("103") ? false : stryMutAct_9fa48("102") ? true : (stryCov_9fa48("102", "103", "104"), result.existing.requestHash !== requestHash)) {
              if (stryMutAct_9fa48("105")) {
                {}
              } else {
                stryCov_9fa48("105");
                throw new CreditError(stryMutAct_9fa48("106") ? "" : (stryCov_9fa48("106"), 'IDEMPOTENCY_KEY_REUSED'), stryMutAct_9fa48("107") ? "" : (stryCov_9fa48("107"), 'idempotencyKey was used before for a different hold request'), stryMutAct_9fa48("108") ? {} : (stryCov_9fa48("108"), {
                  idempotencyKey: req.idempotencyKey
                }));
              }
            }
            return stryMutAct_9fa48("109") ? {} : (stryCov_9fa48("109"), {
              response: result.existing.response,
              replayed: stryMutAct_9fa48("110") ? false : (stryCov_9fa48("110"), true)
            });
          }
        }
        stryMutAct_9fa48("111") ? deps.onConflict() : (stryCov_9fa48("111"), deps.onConflict?.());
        await budget.pause(attempt, stryMutAct_9fa48("114") ? result.kind === 'conflict' || result.stale : stryMutAct_9fa48("113") ? false : stryMutAct_9fa48("112") ? true : (stryCov_9fa48("112", "113", "114"), (stryMutAct_9fa48("116") ? result.kind !== 'conflict' : stryMutAct_9fa48("115") ? true : (stryCov_9fa48("115", "116"), result.kind === (stryMutAct_9fa48("117") ? "" : (stryCov_9fa48("117"), 'conflict')))) && result.stale));
      }
    }
    throw new CreditError(stryMutAct_9fa48("118") ? "" : (stryCov_9fa48("118"), 'CONCURRENT_MODIFICATION'), stryMutAct_9fa48("119") ? "" : (stryCov_9fa48("119"), "too many concurrent changes to this customer's credits; retry with the same idempotencyKey"));
  }
}