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
import type { RefundRequest } from '../contracts';
import { CreditError } from '../domain/errors';
import { refundedEntry, type RefundableEntry } from '../domain/ledger';
import { assertCurrency } from '../domain/money';
import { NOTHING_REFUNDED, planRefund, planRestore } from '../domain/restore';
import type { Clock } from '../shared/clock';
import { fingerprint } from '../shared/ids';
import { CONFLICT_RETRY, pauseAfterConflict, type RetryPolicy } from '../shared/retry';
import { replayOrRefuse } from './keyed';
import type { KeyedRecord, RefundResponse, RefundStore } from './payment-ports';
export interface RefundDeps {
  store: RefundStore;
  clock: Clock;
  newId: (at: Date) => string;
  retry?: RetryPolicy;
}

/**
 * Give back part of a redemption or capture, idempotent by `refundKey`; any number of refunds up to what was taken.
 * The money goes back to the credits it came from, longest remaining validity first; the part whose credit has
 * expired lapses. The refunded entry's progress, the REFUNDED entry, the restorations and the key record are one
 * transaction. A redemption reversed before cannot be refunded (and a reversal gives back only what refunds left).
 */
export async function refundTaken(req: RefundRequest, deps: RefundDeps): Promise<{
  response: RefundResponse;
  replayed: boolean;
}> {
  if (stryMutAct_9fa48("126")) {
    {}
  } else {
    stryCov_9fa48("126");
    if (stryMutAct_9fa48("129") ? req.currency === undefined : stryMutAct_9fa48("128") ? false : stryMutAct_9fa48("127") ? true : (stryCov_9fa48("127", "128", "129"), req.currency !== undefined)) assertCurrency(req.currency);
    const retry = stryMutAct_9fa48("130") ? deps.retry && CONFLICT_RETRY : (stryCov_9fa48("130"), deps.retry ?? CONFLICT_RETRY);
    const targetId = (stryMutAct_9fa48("131") ? req.redemptionId && req.captureId : (stryCov_9fa48("131"), req.redemptionId ?? req.captureId))!;
    const wanted = (stryMutAct_9fa48("134") ? req.redemptionId === undefined : stryMutAct_9fa48("133") ? false : stryMutAct_9fa48("132") ? true : (stryCov_9fa48("132", "133", "134"), req.redemptionId !== undefined)) ? stryMutAct_9fa48("135") ? "" : (stryCov_9fa48("135"), 'REDEEMED') : stryMutAct_9fa48("136") ? "" : (stryCov_9fa48("136"), 'CAPTURED');
    const requestHash = fingerprint(stryMutAct_9fa48("137") ? {} : (stryCov_9fa48("137"), {
      customerId: req.customerId,
      redemptionId: req.redemptionId,
      captureId: req.captureId,
      amount: req.amount,
      currency: req.currency
    }));
    const reused = stryMutAct_9fa48("138") ? () => undefined : (stryCov_9fa48("138"), (() => {
      const reused = () => new CreditError(stryMutAct_9fa48("139") ? "" : (stryCov_9fa48("139"), 'IDEMPOTENCY_KEY_REUSED'), stryMutAct_9fa48("140") ? "" : (stryCov_9fa48("140"), 'refundKey was used before for a different refund request'), stryMutAct_9fa48("141") ? {} : (stryCov_9fa48("141"), {
        refundKey: req.refundKey
      }));
      return reused;
    })());
    // Read first: a retry of the refund that used up the rest must replay, not meet REFUND_EXCEEDS_CAPTURED.
    const earlier = await deps.store.getKeyedRecord(req.customerId, stryMutAct_9fa48("142") ? "" : (stryCov_9fa48("142"), 'REFUND'), req.refundKey);
    if (stryMutAct_9fa48("144") ? false : stryMutAct_9fa48("143") ? true : (stryCov_9fa48("143", "144"), earlier)) return replayOrRefuse(earlier as KeyedRecord<RefundResponse>, requestHash, reused);
    for (let attempt = 0; stryMutAct_9fa48("147") ? attempt >= retry.attempts : stryMutAct_9fa48("146") ? attempt <= retry.attempts : stryMutAct_9fa48("145") ? false : (stryCov_9fa48("145", "146", "147"), attempt < retry.attempts); stryMutAct_9fa48("148") ? attempt-- : (stryCov_9fa48("148"), attempt++)) {
      if (stryMutAct_9fa48("149")) {
        {}
      } else {
        stryCov_9fa48("149");
        const now = deps.clock.now();
        const found = await deps.store.getLedgerEntry(req.customerId, targetId);
        if (stryMutAct_9fa48("152") ? !found && found.kind !== wanted : stryMutAct_9fa48("151") ? false : stryMutAct_9fa48("150") ? true : (stryCov_9fa48("150", "151", "152"), (stryMutAct_9fa48("153") ? found : (stryCov_9fa48("153"), !found)) || (stryMutAct_9fa48("155") ? found.kind === wanted : stryMutAct_9fa48("154") ? false : (stryCov_9fa48("154", "155"), found.kind !== wanted)))) {
          if (stryMutAct_9fa48("156")) {
            {}
          } else {
            stryCov_9fa48("156");
            throw new CreditError(stryMutAct_9fa48("157") ? "" : (stryCov_9fa48("157"), 'REFUND_TARGET_NOT_FOUND'), stryMutAct_9fa48("158") ? `` : (stryCov_9fa48("158"), `no ${(stryMutAct_9fa48("161") ? wanted !== 'REDEEMED' : stryMutAct_9fa48("160") ? false : stryMutAct_9fa48("159") ? true : (stryCov_9fa48("159", "160", "161"), wanted === (stryMutAct_9fa48("162") ? "" : (stryCov_9fa48("162"), 'REDEEMED')))) ? stryMutAct_9fa48("163") ? "" : (stryCov_9fa48("163"), 'redemption') : stryMutAct_9fa48("164") ? "" : (stryCov_9fa48("164"), 'capture')} ${targetId} for this customer`), stryMutAct_9fa48("165") ? {} : (stryCov_9fa48("165"), {
              refundOf: targetId
            }));
          }
        }
        const target = found as RefundableEntry;
        if (stryMutAct_9fa48("168") ? req.currency !== undefined || req.currency !== target.currency : stryMutAct_9fa48("167") ? false : stryMutAct_9fa48("166") ? true : (stryCov_9fa48("166", "167", "168"), (stryMutAct_9fa48("170") ? req.currency === undefined : stryMutAct_9fa48("169") ? true : (stryCov_9fa48("169", "170"), req.currency !== undefined)) && (stryMutAct_9fa48("172") ? req.currency === target.currency : stryMutAct_9fa48("171") ? true : (stryCov_9fa48("171", "172"), req.currency !== target.currency)))) {
          if (stryMutAct_9fa48("173")) {
            {}
          } else {
            stryCov_9fa48("173");
            throw new CreditError(stryMutAct_9fa48("174") ? "" : (stryCov_9fa48("174"), 'CURRENCY_MISMATCH'), stryMutAct_9fa48("175") ? `` : (stryCov_9fa48("175"), `${targetId} is in ${target.currency}, not ${req.currency}`), stryMutAct_9fa48("176") ? {} : (stryCov_9fa48("176"), {
              expected: target.currency,
              got: req.currency
            }));
          }
        }
        if (stryMutAct_9fa48("179") ? target.kind === 'REDEEMED' || target.status === 'REVERSED' : stryMutAct_9fa48("178") ? false : stryMutAct_9fa48("177") ? true : (stryCov_9fa48("177", "178", "179"), (stryMutAct_9fa48("181") ? target.kind !== 'REDEEMED' : stryMutAct_9fa48("180") ? true : (stryCov_9fa48("180", "181"), target.kind === (stryMutAct_9fa48("182") ? "" : (stryCov_9fa48("182"), 'REDEEMED')))) && (stryMutAct_9fa48("184") ? target.status !== 'REVERSED' : stryMutAct_9fa48("183") ? true : (stryCov_9fa48("183", "184"), target.status === (stryMutAct_9fa48("185") ? "" : (stryCov_9fa48("185"), 'REVERSED')))))) {
          if (stryMutAct_9fa48("186")) {
            {}
          } else {
            stryCov_9fa48("186");
            throw new CreditError(stryMutAct_9fa48("187") ? "" : (stryCov_9fa48("187"), 'REDEMPTION_ALREADY_REVERSED'), stryMutAct_9fa48("188") ? `` : (stryCov_9fa48("188"), `redemption ${targetId} was reversed before`), stryMutAct_9fa48("189") ? {} : (stryCov_9fa48("189"), {
              redemptionId: targetId
            }));
          }
        }
        const {
          back,
          after
        } = planRefund(target.allocations, stryMutAct_9fa48("190") ? target.refunds && NOTHING_REFUNDED : (stryCov_9fa48("190"), target.refunds ?? NOTHING_REFUNDED), req.amount, target.currency, targetId);
        const stored = new Map((await deps.store.listStoredCredits(req.customerId)).map(stryMutAct_9fa48("191") ? () => undefined : (stryCov_9fa48("191"), c => stryMutAct_9fa48("192") ? [] : (stryCov_9fa48("192"), [c.creditId, c]))));
        const {
          restore,
          lapsed
        } = planRestore(back, stored, now);
        const at = now.toISOString();
        const refund = refundedEntry(stryMutAct_9fa48("193") ? {} : (stryCov_9fa48("193"), {
          refundId: deps.newId(now),
          of: target,
          restored: restore.map(stryMutAct_9fa48("194") ? () => undefined : (stryCov_9fa48("194"), ({
            creditId,
            amount,
            expiresAt
          }) => stryMutAct_9fa48("195") ? {} : (stryCov_9fa48("195"), {
            creditId,
            amount,
            expiresAt
          }))),
          lapsed,
          at,
          reason: req.reason
        }));
        const response: RefundResponse = stryMutAct_9fa48("196") ? {} : (stryCov_9fa48("196"), {
          refundId: refund.entryId,
          refundOf: refund.refundOf,
          ...((stryMutAct_9fa48("199") ? refund.refundOf !== 'REDEMPTION' : stryMutAct_9fa48("198") ? false : stryMutAct_9fa48("197") ? true : (stryCov_9fa48("197", "198", "199"), refund.refundOf === (stryMutAct_9fa48("200") ? "" : (stryCov_9fa48("200"), 'REDEMPTION')))) ? stryMutAct_9fa48("201") ? {} : (stryCov_9fa48("201"), {
            redemptionId: refund.redemptionId
          }) : stryMutAct_9fa48("202") ? {} : (stryCov_9fa48("202"), {
            captureId: refund.captureId
          })),
          customerId: req.customerId,
          orderId: target.orderId,
          currency: target.currency,
          requested: req.amount,
          restored: refund.amount,
          lapsed,
          allocations: refund.allocations,
          refundable: stryMutAct_9fa48("203") ? target.amount + after.refunded : (stryCov_9fa48("203"), target.amount - after.refunded),
          refundedAt: at
        });
        const result = await deps.store.commitRefund(stryMutAct_9fa48("204") ? {} : (stryCov_9fa48("204"), {
          target,
          progress: after,
          refund,
          restore,
          refundKey: req.refundKey,
          record: stryMutAct_9fa48("205") ? {} : (stryCov_9fa48("205"), {
            requestHash,
            response
          }),
          now
        }));
        if (stryMutAct_9fa48("208") ? result.kind !== 'committed' : stryMutAct_9fa48("207") ? false : stryMutAct_9fa48("206") ? true : (stryCov_9fa48("206", "207", "208"), result.kind === (stryMutAct_9fa48("209") ? "" : (stryCov_9fa48("209"), 'committed')))) return stryMutAct_9fa48("210") ? {} : (stryCov_9fa48("210"), {
          response,
          replayed: stryMutAct_9fa48("211") ? true : (stryCov_9fa48("211"), false)
        });
        if (stryMutAct_9fa48("214") ? result.kind === 'duplicate' || result.existing : stryMutAct_9fa48("213") ? false : stryMutAct_9fa48("212") ? true : (stryCov_9fa48("212", "213", "214"), (stryMutAct_9fa48("216") ? result.kind !== 'duplicate' : stryMutAct_9fa48("215") ? true : (stryCov_9fa48("215", "216"), result.kind === (stryMutAct_9fa48("217") ? "" : (stryCov_9fa48("217"), 'duplicate')))) && result.existing)) return replayOrRefuse(result.existing, requestHash, reused);
        // Refunded, reversed or a credit changed since read: re-read at once.
        await pauseAfterConflict(attempt, retry, stryMutAct_9fa48("220") ? result.kind === 'duplicate' && result.stale : stryMutAct_9fa48("219") ? false : stryMutAct_9fa48("218") ? true : (stryCov_9fa48("218", "219", "220"), (stryMutAct_9fa48("222") ? result.kind !== 'duplicate' : stryMutAct_9fa48("221") ? false : (stryCov_9fa48("221", "222"), result.kind === (stryMutAct_9fa48("223") ? "" : (stryCov_9fa48("223"), 'duplicate')))) || result.stale));
      }
    }
    throw new CreditError(stryMutAct_9fa48("224") ? "" : (stryCov_9fa48("224"), 'CONCURRENT_MODIFICATION'), stryMutAct_9fa48("225") ? "" : (stryCov_9fa48("225"), 'too many concurrent changes to this refund; retry with the same refundKey'));
  }
}