import { DynamoCreditStore } from '../../lambdas/adapters/dynamodb';
import type { Units } from '../../local/ddb-capacity';
import { CapacityMeter, summarize, type CallRecord, type OperationCost } from '../lib/meter';
import type { LocalDynamo } from '../lib/dynamo-local';
import { fmt, renderTable, verdict } from '../lib/table';
import { capacityScenarios, REDEEM_ROUND_TRIPS, type Sample } from './capacity-scenarios';

/**
 * Section 1: DynamoDB work per operation, next to the least work the operation could do.
 *
 * THE MINIMUM, per operation (capacity units by the rules in bench/lib/capacity.ts; sizes are those of the items as
 * the operation leaves them, read back from the table):
 *
 *   grant            1 round trip. The complaint's idempotency record, the credit, its GRANTED ledger entry and its
 *                    reminder item must appear atomically: one TransactWriteItems.
 *                    WCU = Σ over those 4 items of 2 × ceil(size / 1 KB);  RCU = 0
 *   redeem N credits 2 round trips: one strongly consistent Query of the customer's spendable credits (to plan the
 *                    allocation), one transaction debiting N credits + ledger entry + idempotency record.
 *                    RCU = ceil(Σ size of the customer's spendable credits / 4 KB)
 *                    WCU = 2 × (Σ_N ceil(credit / 1 KB) + ceil(ledger / 1 KB) + ceil(idempotency record / 1 KB))
 *   reversal         3 round trips: read the redemption (its allocations name the credits), read the N credits it
 *                    drew on (their state bounds the restore), then one transaction: flip the redemption, append the
 *                    reversal entry, restore N credits.
 *                    RCU = ceil(redemption / 4 KB) + ceil(Σ size of the N restored credits / 4 KB)
 *                    WCU = 2 × (ceil(redemption / 1 KB) + ceil(reversal entry / 1 KB) + Σ_N ceil(credit / 1 KB))
 *   expiry           1 round trip: one conditional PutItem of the EXPIRED ledger entry.  WCU = ceil(entry / 1 KB)
 *   reminder         2 round trips: read the "already reminded?" marker and the credit (one BatchGetItem), then put
 *                    the notice.  RCU = 1 (marker, absent: a miss still costs 1) + ceil(credit / 4 KB);
 *                    WCU = ceil(notice / 1 KB). The email itself goes to a recording mailer (SES is not DynamoDB work).
 *   issued email     2 round trips: read the marker, put the notice.  RCU = 1, WCU = ceil(notice / 1 KB)
 *   balance          2 round trips (parallel): strongly consistent Query of the spendable credits, eventually
 *                    consistent Query of one history page.
 *                    RCU = ceil(Σ spendable credits / 4 KB) + 0.5 × ceil(Σ history page / 4 KB)
 *
 * "capacity ratio" = (actual RCU + actual WCU) / (minimum RCU + minimum WCU), actual computed from item sizes
 * (DynamoDB Local's own figure is shown beside it; see bench/lib/meter.ts for why it is not used for the verdict).
 *
 * The scenarios that implement these formulas are in capacity-scenarios.ts; this module runs them, picks the median
 * run and renders the table.
 */

export interface CapacityRow {
  operation: string;
  /** Figures of the median run (they are deterministic up to a few bytes of id length). */
  actual: OperationCost;
  minimum: Units & { roundTrips: number };
  capacityRatio: number;
  roundTripTarget?: number;
  roundTripPass?: boolean;
  capacityPass: boolean;
  runs: Array<{ actual: OperationCost; minimum: Units & { roundTrips: number } }>;
  note?: string;
}

export interface CapacityResult {
  rows: CapacityRow[];
  localReportsConsumedCapacity: boolean;
  /** Non-transactional calls where DynamoDB Local's figure equals the size-rule figure / all non-transactional calls. */
  localAgreesOnSingleItemCalls: { agree: number; of: number };
  localTransactionReports: Array<{ reportedWcu: number; computedWcu: number; items: number }>;
  capacityTarget: number;
  redeemRoundTripTarget: number;
}

const CAPACITY_TARGET = 1.25;

export async function runCapacity(local: LocalDynamo, table: string, repeats: number): Promise<CapacityResult> {
  const raw = local.newDocumentClient(); // unmetered: fixtures' sizes and the meter's look-ups
  const doc = local.newDocumentClient();
  const meter = new CapacityMeter(raw, table);
  meter.attach(doc);
  const store = new DynamoCreditStore(doc, table);
  const allCalls: CallRecord[] = [];
  const measure = async <T>(fn: () => Promise<T>) => {
    const m = await meter.measure(fn);
    allCalls.push(...m.calls);
    return { value: m.value, cost: summarize(m.calls) };
  };

  const scenarios = capacityScenarios({ raw, table, store, measure });

  const rows: CapacityRow[] = [];
  for (const s of scenarios) {
    const runs: Sample[] = [];
    for (let i = 0; i < repeats; i++) runs.push(await s.once());
    const total = (u: Units) => u.rcu + u.wcu;
    // the run with the median capacity ratio stands for the operation
    const byRatio = [...runs].sort((a, b) => total(a.actual.computed) / total(a.minimum) - total(b.actual.computed) / total(b.minimum));
    const chosen = byRatio[Math.floor((byRatio.length - 1) / 2)]!;
    const capacityRatio = total(chosen.actual.computed) / total(chosen.minimum);
    rows.push({
      operation: s.operation,
      actual: chosen.actual,
      minimum: chosen.minimum,
      capacityRatio,
      roundTripTarget: s.roundTripTarget,
      roundTripPass: s.roundTripTarget === undefined ? undefined : chosen.actual.roundTrips <= s.roundTripTarget,
      capacityPass: capacityRatio <= CAPACITY_TARGET + 1e-9,
      runs,
      note: s.note,
    });
  }

  const single = allCalls.filter((c) => c.command !== 'TransactWriteItemsCommand' && c.ok);
  const agree = single.filter((c) => c.reported && c.reported.rcu === c.computed.rcu && c.reported.wcu === c.computed.wcu).length;
  return {
    rows,
    localReportsConsumedCapacity: allCalls.some((c) => c.reported !== undefined),
    localAgreesOnSingleItemCalls: { agree, of: single.length },
    localTransactionReports: allCalls
      .filter((c) => c.command === 'TransactWriteItemsCommand' && c.ok)
      .slice(0, 12)
      .map((c) => ({ reportedWcu: c.reported?.wcu ?? Number.NaN, computedWcu: c.computed.wcu, items: c.itemBytes.length })),
    capacityTarget: CAPACITY_TARGET,
    redeemRoundTripTarget: REDEEM_ROUND_TRIPS,
  };
}

export function renderCapacity(r: CapacityResult): string {
  const u = (x: number) => (Number.isInteger(x) ? String(x) : fmt(x, 1));
  const rows = r.rows.map((row) => [
    row.operation,
    `${row.actual.roundTrips}/${row.minimum.roundTrips}`,
    row.roundTripTarget === undefined ? '-' : `<= ${row.roundTripTarget}`,
    row.roundTripTarget === undefined ? '-' : verdict(row.roundTripPass),
    `${u(row.actual.computed.rcu)}/${u(row.minimum.rcu)}`,
    `${u(row.actual.computed.wcu)}/${u(row.minimum.wcu)}`,
    `${u(row.actual.reported.rcu + row.actual.reported.wcu)}${row.actual.reportedComplete ? '' : '*'}`,
    fmt(row.capacityRatio),
    `<= ${r.capacityTarget}`,
    verdict(row.capacityPass),
  ]);
  const tx = r.localTransactionReports
    .slice(0, 3)
    .map((t) => `${t.items} items: Local ${t.reportedWcu} WCU vs ${t.computedWcu} by the rules`);
  return renderTable(
    '1. DynamoDB work per operation (actual / theoretical minimum)',
    [
      { header: 'operation', align: 'left' },
      { header: 'trips act/min' },
      { header: 'target' },
      { header: 'pass' },
      { header: 'RCU act/min' },
      { header: 'WCU act/min' },
      { header: 'Local-reported CU' },
      { header: 'capacity ratio' },
      { header: 'target' },
      { header: 'pass' },
    ],
    rows,
    [
      'actual CU = AWS billing rules applied to the items each call touched (sizes read back from the table); minimum = formula in bench/sections/capacity.ts.',
      `DynamoDB Local reports ConsumedCapacity: ${r.localReportsConsumedCapacity ? 'yes' : 'NO'}; it matches the size rules on ${r.localAgreesOnSingleItemCalls.agree} of ${r.localAgreesOnSingleItemCalls.of} single-item/query calls,`,
      `but not on TransactWriteItems (${tx.join('; ')}), so verdicts use the computed figure.`,
      ...r.rows.filter((x) => x.note).map((x) => `${x.operation}: ${x.note}.`),
    ],
  );
}
