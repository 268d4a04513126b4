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
import type { CaptureRequest } from '../contracts';
import { CreditError } from '../domain/errors';
import { heldAmount, planCapture } from '../domain/hold';
import { capturedEntry, releasedEntry } from '../domain/ledger';
import { planRestore } from '../domain/restore';
import type { Clock } from '../shared/clock';
import { fingerprint } from '../shared/ids';
import { CONFLICT_RETRY, pauseAfterConflict, type RetryPolicy } from '../shared/retry';
import type { CaptureResponse, CaptureStore, KeyedRecord, ReleaseWrite } from './payment-ports';
import { replayOrRefuse } from './keyed';
export interface CaptureDeps {
  store: CaptureStore;
  clock: Clock;
  newId: (at: Date) => string;
  retry?: RetryPolicy;
}

/**
 * Capture part of a hold (one per shipment), idempotent by `captureKey`: the held money becomes spent, taken from the
 * soonest-expiring held credits first. Succeeds within the hold's lifetime even if a held credit expired meanwhile
 * (the authorization stands). `final` releases the rest in the same transaction (to live credits; the part of
 * expired ones lapses).
 */
export async function captureHold(req: CaptureRequest, deps: CaptureDeps): Promise<{
  response: CaptureResponse;
  replayed: boolean;
}> {
  if (stryMutAct_9fa48("0")) {
    {}
  } else {
    stryCov_9fa48("0");
    const retry = stryMutAct_9fa48("1") ? deps.retry && CONFLICT_RETRY : (stryCov_9fa48("1"), deps.retry ?? CONFLICT_RETRY);
    const final = stryMutAct_9fa48("2") ? req.final && false : (stryCov_9fa48("2"), req.final ?? (stryMutAct_9fa48("3") ? true : (stryCov_9fa48("3"), false)));
    const requestHash = fingerprint(stryMutAct_9fa48("4") ? {} : (stryCov_9fa48("4"), {
      customerId: req.customerId,
      holdId: req.holdId,
      amount: req.amount,
      final
    }));
    const reused = stryMutAct_9fa48("5") ? () => undefined : (stryCov_9fa48("5"), (() => {
      const reused = () => new CreditError(stryMutAct_9fa48("6") ? "" : (stryCov_9fa48("6"), 'IDEMPOTENCY_KEY_REUSED'), stryMutAct_9fa48("7") ? "" : (stryCov_9fa48("7"), 'captureKey was used before for a different capture request'), stryMutAct_9fa48("8") ? {} : (stryCov_9fa48("8"), {
        captureKey: req.captureKey
      }));
      return reused;
    })());
    // Read first: a retry of a capture that closed the hold must replay, not meet HOLD_NOT_ACTIVE.
    const earlier = await deps.store.getKeyedRecord(req.customerId, stryMutAct_9fa48("9") ? "" : (stryCov_9fa48("9"), 'CAPTURE'), req.captureKey);
    if (stryMutAct_9fa48("11") ? false : stryMutAct_9fa48("10") ? true : (stryCov_9fa48("10", "11"), earlier)) return replayOrRefuse(earlier as KeyedRecord<CaptureResponse>, requestHash, reused);
    for (let attempt = 0; stryMutAct_9fa48("14") ? attempt >= retry.attempts : stryMutAct_9fa48("13") ? attempt <= retry.attempts : stryMutAct_9fa48("12") ? false : (stryCov_9fa48("12", "13", "14"), attempt < retry.attempts); stryMutAct_9fa48("15") ? attempt-- : (stryCov_9fa48("15"), attempt++)) {
      if (stryMutAct_9fa48("16")) {
        {}
      } else {
        stryCov_9fa48("16");
        const now = deps.clock.now();
        const hold = await deps.store.getHold(req.customerId, req.holdId);
        if (stryMutAct_9fa48("19") ? false : stryMutAct_9fa48("18") ? true : stryMutAct_9fa48("17") ? hold : (stryCov_9fa48("17", "18", "19"), !hold)) throw new CreditError(stryMutAct_9fa48("20") ? "" : (stryCov_9fa48("20"), 'HOLD_NOT_FOUND'), stryMutAct_9fa48("21") ? `` : (stryCov_9fa48("21"), `no hold ${req.holdId} for this customer`), stryMutAct_9fa48("22") ? {} : (stryCov_9fa48("22"), {
          holdId: req.holdId
        }));
        const plan = planCapture(hold, req.amount, final, now);
        const at = now.toISOString();
        let release: ReleaseWrite | undefined;
        if (stryMutAct_9fa48("26") ? plan.released.length <= 0 : stryMutAct_9fa48("25") ? plan.released.length >= 0 : stryMutAct_9fa48("24") ? false : stryMutAct_9fa48("23") ? true : (stryCov_9fa48("23", "24", "25", "26"), plan.released.length > 0)) {
          if (stryMutAct_9fa48("27")) {
            {}
          } else {
            stryCov_9fa48("27");
            const stored = new Map((await deps.store.listStoredCredits(req.customerId)).map(stryMutAct_9fa48("28") ? () => undefined : (stryCov_9fa48("28"), c => stryMutAct_9fa48("29") ? [] : (stryCov_9fa48("29"), [c.creditId, c]))));
            const {
              restore,
              lapsed
            } = planRestore(plan.released, stored, now);
            const restored = restore.map(stryMutAct_9fa48("30") ? () => undefined : (stryCov_9fa48("30"), ({
              creditId,
              amount,
              expiresAt
            }) => stryMutAct_9fa48("31") ? {} : (stryCov_9fa48("31"), {
              creditId,
              amount,
              expiresAt
            })));
            release = stryMutAct_9fa48("32") ? {} : (stryCov_9fa48("32"), {
              entry: releasedEntry(stryMutAct_9fa48("33") ? {} : (stryCov_9fa48("33"), {
                releaseId: deps.newId(now),
                hold,
                reason: stryMutAct_9fa48("34") ? "" : (stryCov_9fa48("34"), 'FINAL_CAPTURE'),
                restored,
                lapsed,
                at
              })),
              restore
            });
          }
        }
        const capture = capturedEntry(stryMutAct_9fa48("35") ? {} : (stryCov_9fa48("35"), {
          captureId: deps.newId(now),
          hold,
          taken: plan.taken,
          final,
          at
        }));
        const response: CaptureResponse = stryMutAct_9fa48("36") ? {} : (stryCov_9fa48("36"), {
          captureId: capture.entryId,
          holdId: hold.holdId,
          customerId: hold.customerId,
          orderId: hold.orderId,
          currency: hold.currency,
          captured: capture.amount,
          allocations: capture.allocations,
          stillHeld: heldAmount(plan.next),
          released: stryMutAct_9fa48("37") ? {} : (stryCov_9fa48("37"), {
            restored: stryMutAct_9fa48("38") ? release?.entry.amount && 0 : (stryCov_9fa48("38"), (stryMutAct_9fa48("39") ? release.entry.amount : (stryCov_9fa48("39"), release?.entry.amount)) ?? 0),
            lapsed: stryMutAct_9fa48("40") ? release?.entry.lapsed && 0 : (stryCov_9fa48("40"), (stryMutAct_9fa48("41") ? release.entry.lapsed : (stryCov_9fa48("41"), release?.entry.lapsed)) ?? 0)
          }),
          holdStatus: plan.next.status,
          capturedAt: at
        });
        const result = await deps.store.commitCapture(stryMutAct_9fa48("42") ? {} : (stryCov_9fa48("42"), {
          before: hold,
          after: plan.next,
          capture,
          release,
          captureKey: req.captureKey,
          record: stryMutAct_9fa48("43") ? {} : (stryCov_9fa48("43"), {
            requestHash,
            response
          }),
          now
        }));
        if (stryMutAct_9fa48("46") ? result.kind !== 'committed' : stryMutAct_9fa48("45") ? false : stryMutAct_9fa48("44") ? true : (stryCov_9fa48("44", "45", "46"), result.kind === (stryMutAct_9fa48("47") ? "" : (stryCov_9fa48("47"), 'committed')))) return stryMutAct_9fa48("48") ? {} : (stryCov_9fa48("48"), {
          response,
          replayed: stryMutAct_9fa48("49") ? true : (stryCov_9fa48("49"), false)
        });
        if (stryMutAct_9fa48("52") ? result.kind === 'duplicate' || result.existing : stryMutAct_9fa48("51") ? false : stryMutAct_9fa48("50") ? true : (stryCov_9fa48("50", "51", "52"), (stryMutAct_9fa48("54") ? result.kind !== 'duplicate' : stryMutAct_9fa48("53") ? true : (stryCov_9fa48("53", "54"), result.kind === (stryMutAct_9fa48("55") ? "" : (stryCov_9fa48("55"), 'duplicate')))) && result.existing)) return replayOrRefuse(result.existing, requestHash, reused);
        await pauseAfterConflict(attempt, retry, stryMutAct_9fa48("58") ? result.kind === 'duplicate' && result.stale : stryMutAct_9fa48("57") ? false : stryMutAct_9fa48("56") ? true : (stryCov_9fa48("56", "57", "58"), (stryMutAct_9fa48("60") ? result.kind !== 'duplicate' : stryMutAct_9fa48("59") ? false : (stryCov_9fa48("59", "60"), result.kind === (stryMutAct_9fa48("61") ? "" : (stryCov_9fa48("61"), 'duplicate')))) || result.stale));
      }
    }
    throw new CreditError(stryMutAct_9fa48("62") ? "" : (stryCov_9fa48("62"), 'CONCURRENT_MODIFICATION'), stryMutAct_9fa48("63") ? "" : (stryCov_9fa48("63"), 'too many concurrent changes to this hold; retry with the same captureKey'));
  }
}