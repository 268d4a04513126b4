import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCreditStore, keys } from '../../lambdas/adapters/dynamodb';
import { CREDIT_RANGE_END, GRANT_SK, GRANT_USAGE_SK, NOTICE, PREFIX } from '../../lambdas/adapters/dynamodb/layout';
import { redeemCredits } from '../../lambdas/app/redeem';
import { reverseRedemption } from '../../lambdas/app/reverse';
import { recordCreditExpiry } from '../../lambdas/app/expire';
import { sendCreditIssued, sendExpiryReminder } from '../../lambdas/app/notify';
import { getBalance } from '../../lambdas/app/balance';
import { systemClock } from '../../lambdas/shared/clock';
import { newId } from '../../lambdas/shared/ids';
import { getReadUnits, itemSize, queryReadUnits, transactWriteUnits, writeUnits, type Units } from '../lib/capacity';
import { CapacityMeter, summarize, type CallRecord, type OperationCost } from '../lib/meter';
import type { LocalDynamo } from '../lib/dynamo-local';
import { complaint, grantMany, grantOk, RecordingMailer, redeemDeps, redeemRequest, uid } from '../lib/fixtures';
import { fmt, renderTable, verdict } from '../lib/table';

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
const REDEEM_ROUND_TRIPS = 2;

export async function runCapacity(local: LocalDynamo, table: string, repeats: number): Promise<CapacityResult> {
  const raw = local.newDocumentClient(); // unmetered: fixtures' sizes and the meter's look-ups
  const doc = local.newDocumentClient();
  const meter = new CapacityMeter(raw, table);
  meter.attach(doc);
  const store = new DynamoCreditStore(doc, table);
  const size = async (pk: string, sk: string) =>
    itemSize((await raw.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item);
  const spendableSizes = async (customerId: string) => {
    const out = await raw.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        FilterExpression: 'remaining > :zero',
        ExpressionAttributeValues: {
          ':pk': keys.customer(customerId),
          ':from': `${PREFIX.CREDIT}${new Date().toISOString()}`,
          ':to': CREDIT_RANGE_END,
          ':zero': 0,
        },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => itemSize(i));
  };
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const allCalls: CallRecord[] = [];
  const measure = async <T>(fn: () => Promise<T>) => {
    const m = await meter.measure(fn);
    allCalls.push(...m.calls);
    return { value: m.value, cost: summarize(m.calls) };
  };

  type Sample = { actual: OperationCost; minimum: Units & { roundTrips: number } };
  const scenarios: Array<{ operation: string; roundTripTarget?: number; note?: string; once: () => Promise<Sample> }> = [
    {
      operation: 'grant',
      once: async () => {
        const customerId = uid('cap-g');
        const detail = complaint(customerId, 2500);
        const { value, cost } = await measure(() => grantOk(detail, store));
        const pk = keys.customer(customerId);
        const credit = await store.getCredit(customerId, value.creditId, value.expiresAt!);
        const sizes = [
          await size(keys.complaint(detail.complaintId), GRANT_SK),
          await size(pk, keys.credit(credit!.expiresAt, credit!.creditId)),
          await size(pk, keys.ledger(value.creditId)),
          await size(pk, keys.reminder(value.creditId)),
          await size(pk, GRANT_USAGE_SK),
        ];
        // The caps' counters: one consistent read of the customer's usage item (absent before the first grant), then the transaction.
        return { actual: cost, minimum: { roundTrips: 2, rcu: 1, wcu: sum(sizes.map(transactWriteUnits)) } };
      },
    },
    ...[
      { operation: 'redeem, 1 credit', credits: [5000, 5000, 5000], amount: 1200, usedUp: 0 },
      { operation: 'redeem, 5 credits', credits: [1000, 1000, 1000, 1000, 1000, 1000], amount: 4500, usedUp: 0 },
      { operation: 'redeem, 1 credit, 10 used-up in range', credits: [5000, 5000, 5000], amount: 1200, usedUp: 10 },
    ].map((s) => ({
      operation: s.operation,
      roundTripTarget: REDEEM_ROUND_TRIPS,
      note: s.usedUp ? "used-up credits stay in the Query's key range until they expire: read and filtered out, still billed" : undefined,
      once: async (): Promise<Sample> => {
        const customerId = uid('cap-r');
        if (s.usedUp) {
          // credits that expire before the live ones, spent to zero (fixtures, unmetered)
          const spent = await grantMany(
            store,
            customerId,
            Array.from({ length: s.usedUp }, () => 700),
          );
          void spent;
          await redeemCredits(redeemRequest(customerId, 700 * s.usedUp), redeemDeps(store));
        }
        const creditIds = await grantMany(store, customerId, s.credits);
        void creditIds;
        const spendable = await spendableSizes(customerId);
        const req = redeemRequest(customerId, s.amount);
        const { value, cost } = await measure(() => redeemCredits(req, redeemDeps(store)));
        const pk = keys.customer(customerId);
        const r = value.response;
        const creditSizes = await Promise.all(r.allocations.map((a) => size(pk, keys.credit(a.expiresAt, a.creditId))));
        const wcu =
          sum(creditSizes.map(transactWriteUnits)) +
          transactWriteUnits(await size(pk, keys.ledger(r.redemptionId!))) +
          transactWriteUnits(await size(pk, keys.redeemKey(req.idempotencyKey)));
        return { actual: cost, minimum: { roundTrips: 2, rcu: queryReadUnits(sum(spendable), true), wcu } };
      },
    })),
    {
      operation: 'reversal, 5 credits',
      once: async () => {
        const customerId = uid('cap-v');
        await grantMany(store, customerId, [1000, 1000, 1000, 1000, 1000, 1000]);
        const redeemed = await redeemCredits(redeemRequest(customerId, 4500), redeemDeps(store));
        const redemptionId = redeemed.response.redemptionId!;
        const { value, cost } = await measure(() =>
          reverseRedemption({ customerId, redemptionId, reason: 'order cancelled' }, { store, clock: systemClock, newId }),
        );
        const pk = keys.customer(customerId);
        const redemptionBytes = await size(pk, keys.ledger(redemptionId));
        const creditSizes = await Promise.all(value.allocations.map((a) => size(pk, keys.credit(a.expiresAt, a.creditId))));
        const rcu = getReadUnits(redemptionBytes, true) + queryReadUnits(sum(creditSizes), true);
        const wcu =
          transactWriteUnits(redemptionBytes) +
          transactWriteUnits(await size(pk, keys.ledger(value.reversalId))) +
          sum(creditSizes.map(transactWriteUnits));
        return { actual: cost, minimum: { roundTrips: 3, rcu, wcu } };
      },
    },
    {
      operation: 'expiry (recordCreditExpiry)',
      once: async () => {
        const customerId = uid('cap-e');
        const g = await grantOk(complaint(customerId, 1500), store);
        const credit = (await store.getCredit(customerId, g.creditId, g.expiresAt!))!;
        const { value, cost } = await measure(() => recordCreditExpiry(credit, { store }));
        if (value !== 'RECORDED') throw new Error(`expiry fixture: expected RECORDED, got ${value}`);
        const ledger = await raw.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
            FilterExpression: 'kind = :k',
            ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':l': PREFIX.LEDGER, ':k': 'EXPIRED' },
          }),
        );
        return { actual: cost, minimum: { roundTrips: 1, rcu: 0, wcu: writeUnits(itemSize(ledger.Items?.[0])) } };
      },
    },
    {
      operation: 'reminder (sendExpiryReminder)',
      once: async () => {
        const customerId = uid('cap-m');
        const g = await grantOk(complaint(customerId, 1500), store);
        const mailer = new RecordingMailer();
        const { value, cost } = await measure(() =>
          sendExpiryReminder(
            { customerId, creditId: g.creditId, expiresAt: g.expiresAt! },
            { store, mailer, clock: systemClock, timeZone: 'Europe/Berlin' },
          ),
        );
        if (value !== 'SENT' || mailer.sent.length !== 1) throw new Error(`reminder fixture: expected SENT, got ${value}`);
        const pk = keys.customer(customerId);
        const creditBytes = await size(pk, keys.credit(g.expiresAt!, g.creditId));
        const noticeBytes = await size(pk, keys.notice(g.creditId, NOTICE.REMINDER));
        return { actual: cost, minimum: { roundTrips: 2, rcu: 1 + getReadUnits(creditBytes, true), wcu: writeUnits(noticeBytes) } };
      },
    },
    {
      operation: 'issued email (sendCreditIssued)',
      once: async () => {
        const customerId = uid('cap-i');
        const g = await grantOk(complaint(customerId, 1500), store);
        const credit = (await store.getCredit(customerId, g.creditId, g.expiresAt!))!;
        const mailer = new RecordingMailer();
        const { value, cost } = await measure(() =>
          sendCreditIssued(credit, { store, mailer, clock: systemClock, timeZone: 'Europe/Berlin' }),
        );
        if (value !== 'SENT') throw new Error(`issued fixture: expected SENT, got ${value}`);
        const pk = keys.customer(customerId);
        const noticeBytes = await size(pk, keys.notice(g.creditId, NOTICE.ISSUED));
        const creditBytes = await size(pk, keys.credit(g.expiresAt!, g.creditId));
        // The notice check and the credit re-read (erased or voided since?) go together, then the notice is written.
        return { actual: cost, minimum: { roundTrips: 2, rcu: 1 + getReadUnits(creditBytes, true), wcu: writeUnits(noticeBytes) } };
      },
    },
    {
      operation: 'balance (3 credits, 6 entries)',
      once: async () => {
        const customerId = uid('cap-b');
        await grantMany(store, customerId, [3000, 2000, 1000]);
        await redeemCredits(redeemRequest(customerId, 2500), redeemDeps(store));
        await redeemCredits(redeemRequest(customerId, 500), redeemDeps(store));
        await redeemCredits(redeemRequest(customerId, 700), redeemDeps(store));
        const spendable = await spendableSizes(customerId);
        const { value, cost } = await measure(() => getBalance({ customerId, limit: 20 }, { store, clock: systemClock }));
        const page = await raw.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
            ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':l': PREFIX.LEDGER },
            ScanIndexForward: false,
            Limit: 20,
          }),
        );
        if (value.history.length !== (page.Items ?? []).length) throw new Error('balance fixture: history length differs');
        const rcu = queryReadUnits(sum(spendable), true) + queryReadUnits(sum((page.Items ?? []).map((i) => itemSize(i))), false);
        return { actual: cost, minimum: { roundTrips: 2, rcu, wcu: 0 } };
      },
    },
  ];

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
