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
import type { ReleaseRequest } from '../contracts';
import type { Allocation } from '../domain/allocation';
import { CreditError } from '../domain/errors';
import { heldAmount, planRelease, stillHeld, type Hold } from '../domain/hold';
import { releasedEntry, type ReleaseReason } from '../domain/ledger';
import { planRestore } from '../domain/restore';
import type { Clock } from '../shared/clock';
import { deterministicId } from '../shared/ids';
import { CONFLICT_RETRY, pauseAfterConflict, type RetryPolicy } from '../shared/retry';
import type { ExpiredHoldStore, ReleaseResponse, ReleaseStore, ReleaseWrite, StoredCredits } from './payment-ports';

/** Releasing held money: explicitly by the payment flow, or when the hold's lifetime passed (its item removed by TTL). */

export interface ReleaseDeps {
  store: ReleaseStore;
  clock: Clock;
  newId: (at: Date) => string;
  retry?: RetryPolicy;
}

/** What held money going back to its credits writes: restorations onto live credits, the rest lapsed. */
async function releaseWrite(store: StoredCredits, hold: Pick<Hold, 'holdId' | 'customerId' | 'currency' | 'orderId'>, back: readonly Allocation[], reason: ReleaseReason, releaseId: string, at: string, now: Date): Promise<ReleaseWrite> {
  if (stryMutAct_9fa48("226")) {
    {}
  } else {
    stryCov_9fa48("226");
    const stored = new Map((await store.listStoredCredits(hold.customerId)).map(stryMutAct_9fa48("227") ? () => undefined : (stryCov_9fa48("227"), c => stryMutAct_9fa48("228") ? [] : (stryCov_9fa48("228"), [c.creditId, c]))));
    const {
      restore,
      lapsed
    } = planRestore(back, stored, now);
    const restored = restore.map(stryMutAct_9fa48("229") ? () => undefined : (stryCov_9fa48("229"), ({
      creditId,
      amount,
      expiresAt
    }) => stryMutAct_9fa48("230") ? {} : (stryCov_9fa48("230"), {
      creditId,
      amount,
      expiresAt
    })));
    return stryMutAct_9fa48("231") ? {} : (stryCov_9fa48("231"), {
      entry: releasedEntry(stryMutAct_9fa48("232") ? {} : (stryCov_9fa48("232"), {
        releaseId,
        hold,
        reason,
        restored,
        lapsed,
        at
      })),
      restore
    });
  }
}

/**
 * Release an ACTIVE hold: what it still holds goes back to its credits (the part of expired credits lapses), and
 * the hold is RELEASED. Releasing again is refused with HOLD_NOT_ACTIVE (its status in the details).
 */
export async function releaseHold(req: ReleaseRequest, deps: ReleaseDeps): Promise<ReleaseResponse> {
  if (stryMutAct_9fa48("233")) {
    {}
  } else {
    stryCov_9fa48("233");
    const retry = stryMutAct_9fa48("234") ? deps.retry && CONFLICT_RETRY : (stryCov_9fa48("234"), deps.retry ?? CONFLICT_RETRY);
    for (let attempt = 0; stryMutAct_9fa48("237") ? attempt >= retry.attempts : stryMutAct_9fa48("236") ? attempt <= retry.attempts : stryMutAct_9fa48("235") ? false : (stryCov_9fa48("235", "236", "237"), attempt < retry.attempts); stryMutAct_9fa48("238") ? attempt-- : (stryCov_9fa48("238"), attempt++)) {
      if (stryMutAct_9fa48("239")) {
        {}
      } else {
        stryCov_9fa48("239");
        const now = deps.clock.now();
        const hold = await deps.store.getHold(req.customerId, req.holdId);
        if (stryMutAct_9fa48("242") ? false : stryMutAct_9fa48("241") ? true : stryMutAct_9fa48("240") ? hold : (stryCov_9fa48("240", "241", "242"), !hold)) throw new CreditError(stryMutAct_9fa48("243") ? "" : (stryCov_9fa48("243"), 'HOLD_NOT_FOUND'), stryMutAct_9fa48("244") ? `` : (stryCov_9fa48("244"), `no hold ${req.holdId} for this customer`), stryMutAct_9fa48("245") ? {} : (stryCov_9fa48("245"), {
          holdId: req.holdId
        }));
        const plan = planRelease(hold, now);
        const at = now.toISOString();
        const release = await releaseWrite(deps.store, hold, plan.released, stryMutAct_9fa48("246") ? "" : (stryCov_9fa48("246"), 'EXPLICIT'), deps.newId(now), at, now);
        const result = await deps.store.commitRelease(stryMutAct_9fa48("247") ? {} : (stryCov_9fa48("247"), {
          before: hold,
          after: plan.next,
          release,
          now
        }));
        if (stryMutAct_9fa48("250") ? result.kind !== 'committed' : stryMutAct_9fa48("249") ? false : stryMutAct_9fa48("248") ? true : (stryCov_9fa48("248", "249", "250"), result.kind === (stryMutAct_9fa48("251") ? "" : (stryCov_9fa48("251"), 'committed')))) {
          if (stryMutAct_9fa48("252")) {
            {}
          } else {
            stryCov_9fa48("252");
            return stryMutAct_9fa48("253") ? {} : (stryCov_9fa48("253"), {
              holdId: hold.holdId,
              customerId: hold.customerId,
              orderId: hold.orderId,
              currency: hold.currency,
              restored: release.entry.amount,
              lapsed: release.entry.lapsed,
              allocations: release.entry.allocations,
              releasedAt: at
            });
          }
        }
        // Changed since read (captured, released, a credit expired): re-read at once and decide again.
        await pauseAfterConflict(attempt, retry, stryMutAct_9fa48("256") ? result.kind === 'duplicate' && result.stale : stryMutAct_9fa48("255") ? false : stryMutAct_9fa48("254") ? true : (stryCov_9fa48("254", "255", "256"), (stryMutAct_9fa48("258") ? result.kind !== 'duplicate' : stryMutAct_9fa48("257") ? false : (stryCov_9fa48("257", "258"), result.kind === (stryMutAct_9fa48("259") ? "" : (stryCov_9fa48("259"), 'duplicate')))) || result.stale));
      }
    }
    throw new CreditError(stryMutAct_9fa48("260") ? "" : (stryCov_9fa48("260"), 'CONCURRENT_MODIFICATION'), stryMutAct_9fa48("261") ? "" : (stryCov_9fa48("261"), 'too many concurrent changes to this hold; retry the release'));
  }
}
export type ExpiredHoldOutcome = 'RELEASED' | 'ALREADY_RELEASED' | 'NOTHING_HELD';

/**
 * A hold's item was removed by TTL after its lifetime passed: what it still held goes back (RELEASED, reason
 * EXPIRED). The entry's id derives from the hold and its time is the hold's expiry, so a redelivered stream record
 * releases nothing twice. A hold captured or released before has nothing left to release.
 */
export async function releaseExpiredHold(hold: Hold, deps: {
  store: ExpiredHoldStore;
  clock: Clock;
  retry?: RetryPolicy;
}): Promise<ExpiredHoldOutcome> {
  if (stryMutAct_9fa48("262")) {
    {}
  } else {
    stryCov_9fa48("262");
    if (stryMutAct_9fa48("265") ? hold.status !== 'ACTIVE' && heldAmount(hold) === 0 : stryMutAct_9fa48("264") ? false : stryMutAct_9fa48("263") ? true : (stryCov_9fa48("263", "264", "265"), (stryMutAct_9fa48("267") ? hold.status === 'ACTIVE' : stryMutAct_9fa48("266") ? false : (stryCov_9fa48("266", "267"), hold.status !== (stryMutAct_9fa48("268") ? "" : (stryCov_9fa48("268"), 'ACTIVE')))) || (stryMutAct_9fa48("270") ? heldAmount(hold) !== 0 : stryMutAct_9fa48("269") ? false : (stryCov_9fa48("269", "270"), heldAmount(hold) === 0)))) return stryMutAct_9fa48("271") ? "" : (stryCov_9fa48("271"), 'NOTHING_HELD');
    const retry = stryMutAct_9fa48("272") ? deps.retry && CONFLICT_RETRY : (stryCov_9fa48("272"), deps.retry ?? CONFLICT_RETRY);
    const releaseId = deterministicId(new Date(hold.expiresAt), stryMutAct_9fa48("273") ? `` : (stryCov_9fa48("273"), `RELEASED#${hold.holdId}`));
    for (let attempt = 0; stryMutAct_9fa48("276") ? attempt >= retry.attempts : stryMutAct_9fa48("275") ? attempt <= retry.attempts : stryMutAct_9fa48("274") ? false : (stryCov_9fa48("274", "275", "276"), attempt < retry.attempts); stryMutAct_9fa48("277") ? attempt-- : (stryCov_9fa48("277"), attempt++)) {
      if (stryMutAct_9fa48("278")) {
        {}
      } else {
        stryCov_9fa48("278");
        const now = deps.clock.now();
        const release = await releaseWrite(deps.store, hold, stillHeld(hold), stryMutAct_9fa48("279") ? "" : (stryCov_9fa48("279"), 'EXPIRED'), releaseId, hold.expiresAt, now);
        const result = await deps.store.commitExpiredRelease(stryMutAct_9fa48("280") ? {} : (stryCov_9fa48("280"), {
          release,
          now
        }));
        if (stryMutAct_9fa48("283") ? result.kind !== 'committed' : stryMutAct_9fa48("282") ? false : stryMutAct_9fa48("281") ? true : (stryCov_9fa48("281", "282", "283"), result.kind === (stryMutAct_9fa48("284") ? "" : (stryCov_9fa48("284"), 'committed')))) return stryMutAct_9fa48("285") ? "" : (stryCov_9fa48("285"), 'RELEASED');
        if (stryMutAct_9fa48("288") ? result.kind !== 'duplicate' : stryMutAct_9fa48("287") ? false : stryMutAct_9fa48("286") ? true : (stryCov_9fa48("286", "287", "288"), result.kind === (stryMutAct_9fa48("289") ? "" : (stryCov_9fa48("289"), 'duplicate')))) return stryMutAct_9fa48("290") ? "" : (stryCov_9fa48("290"), 'ALREADY_RELEASED');
        // A credit expired (or changed) between the read and the write: plan again.
        await pauseAfterConflict(attempt, retry, result.stale);
      }
    }
    throw new CreditError(stryMutAct_9fa48("291") ? "" : (stryCov_9fa48("291"), 'CONCURRENT_MODIFICATION'), stryMutAct_9fa48("292") ? `` : (stryCov_9fa48("292"), `release of expired hold ${hold.holdId} kept conflicting; will be retried`));
  }
}