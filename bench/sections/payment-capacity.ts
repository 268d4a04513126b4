import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoCreditStore, keys } from '../../lambdas/adapters/dynamodb';
import { CREDIT_RANGE_END, PREFIX } from '../../lambdas/adapters/dynamodb/layout';
import { captureHold } from '../../lambdas/app/capture';
import { placeHold } from '../../lambdas/app/hold';
import { refundTaken } from '../../lambdas/app/refund';
import { systemClock } from '../../lambdas/shared/clock';
import { newId } from '../../lambdas/shared/ids';
import { PRICES } from '../prices';
import { getReadUnits, itemSize, queryReadUnits, transactWriteUnits, type Units } from '../../local/ddb-capacity';
import { CapacityMeter, summarize, type OperationCost } from '../lib/meter';
import type { LocalDynamo } from '../lib/dynamo-local';
import { grantMany, redeemRequest, uid } from '../lib/fixtures';
import { fmt, fmtUsd, renderTable, verdict } from '../lib/table';

/**
 * Section 6: the payment flow's DynamoDB work per operation (hold → capture → refund), next to the least work each
 * could do, by the rules of section 1 (bench/lib/capacity.ts; sizes read back from the table):
 *
 *   hold, N credits      2 round trips: strongly consistent Query of the spendable credits, one transaction debiting
 *                        N credits + the hold + its HELD entry + the key record.
 *                        RCU = ceil(Σ spendable credits / 4 KB); WCU = 2 × Σ ceil(item / 1 KB) over those N + 3
 *   capture (partial)    2 round trips: read the hold, one transaction: the hold's update, the CAPTURED entry, the key
 *                        record.  RCU = ceil(hold / 4 KB); WCU = 2 × (hold + entry + key, each ceil(/ 1 KB))
 *   capture (final)      3 round trips: read the hold, read the N credits it releases to (their state bounds the
 *                        restore), one transaction: hold, CAPTURED and RELEASED entries, N restorations, key record.
 *   refund of a capture  3 round trips: read the capture entry, read its N credits, one transaction: the capture's
 *                        refund progress, the REFUNDED entry, N restorations, the key record.
 *
 * "capacity ratio" = (actual RCU + WCU) / (minimum RCU + WCU); target ≤ 1.25 as in section 1 (no round-trip target).
 * Capture and refund read their key record only when about to refuse (a retry after its first call closed the hold
 * replays from it), so a successful one does the minimum's round trips.
 */

const CAPACITY_TARGET = 1.25;

export interface PaymentCapacityRow {
  operation: string;
  actual: OperationCost;
  minimum: Units & { roundTrips: number };
  capacityRatio: number;
  capacityPass: boolean;
}

export interface PaymentCapacityResult {
  rows: PaymentCapacityRow[];
  capacityTarget: number;
  /** DynamoDB on-demand USD per million hold → partial capture → final capture → refund flows (computed units). */
  flowUsdPerMillion: { actual: number; minimum: number };
}

export async function runPaymentCapacity(local: LocalDynamo, table: string): Promise<PaymentCapacityResult> {
  const raw = local.newDocumentClient();
  const doc = local.newDocumentClient();
  const meter = new CapacityMeter(raw, table);
  meter.attach(doc);
  const store = new DynamoCreditStore(doc, table);
  const deps = { store, clock: systemClock, newId };
  const size = async (pk: string, sk: string) =>
    itemSize((await raw.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const measure = async <T>(fn: () => Promise<T>) => {
    const m = await meter.measure(fn);
    return { value: m.value, cost: summarize(m.calls) };
  };
  const releasedEntryBytes = async (customerId: string, holdId: string) => {
    const out = await raw.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
        FilterExpression: 'kind = :k AND holdId = :h',
        ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':l': PREFIX.LEDGER, ':k': 'RELEASED', ':h': holdId },
        ConsistentRead: true,
      }),
    );
    return itemSize(out.Items?.[0]);
  };

  const customerId = uid('cap-p');
  const pk = keys.customer(customerId);
  await grantMany(store, customerId, [1000, 1000, 1000, 1000, 1000, 1000]);
  const spendable = await raw.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': `${PREFIX.CREDIT}${new Date().toISOString()}`, ':to': CREDIT_RANGE_END },
      ConsistentRead: true,
    }),
  );
  const spendableBytes = sum((spendable.Items ?? []).map((i) => itemSize(i)));
  const rows: PaymentCapacityRow[] = [];
  const row = (operation: string, actual: OperationCost, minimum: Units & { roundTrips: number }) => {
    const capacityRatio = (actual.computed.rcu + actual.computed.wcu) / (minimum.rcu + minimum.wcu);
    rows.push({ operation, actual, minimum, capacityRatio, capacityPass: capacityRatio <= CAPACITY_TARGET + 1e-9 });
  };
  const creditBytes = (allocations: ReadonlyArray<{ creditId: string; expiresAt: string }>) =>
    Promise.all(allocations.map((a) => size(pk, keys.credit(a.expiresAt, a.creditId))));

  // hold 45.00 over 5 credits of 10.00 (the sixth stays untouched)
  const holdReq = redeemRequest(customerId, 4500);
  const hold = await measure(() => placeHold(holdReq, deps));
  const h = hold.value.response;
  const holdId = h.holdId!;
  row(`hold, ${h.allocations.length} credits`, hold.cost, {
    roundTrips: 2,
    rcu: queryReadUnits(spendableBytes, true),
    wcu:
      sum((await creditBytes(h.allocations)).map(transactWriteUnits)) +
      transactWriteUnits(await size(pk, keys.hold(holdId))) +
      transactWriteUnits(await size(pk, keys.ledger(holdId))) +
      transactWriteUnits(await size(pk, keys.operationKey('HOLD', holdReq.idempotencyKey))),
  });

  // a partial capture of 15.00
  const partialKey = uid('cap');
  const partial = await measure(() => captureHold({ customerId, holdId, amount: 1500, captureKey: partialKey }, deps));
  const holdBytes = await size(pk, keys.hold(holdId));
  row('capture (partial)', partial.cost, {
    roundTrips: 2,
    rcu: getReadUnits(holdBytes, true),
    wcu:
      transactWriteUnits(holdBytes) +
      transactWriteUnits(await size(pk, keys.ledger(partial.value.response.captureId))) +
      transactWriteUnits(await size(pk, keys.operationKey('CAPTURE', partialKey))),
  });

  // the final capture of 20.00: the remaining 10.00 goes back to its credits
  const finalKey = uid('cap');
  const final = await measure(() => captureHold({ customerId, holdId, amount: 2000, captureKey: finalKey, final: true }, deps));
  const f = final.value.response;
  if (f.released.restored !== 1000 || f.released.lapsed !== 0) throw new Error('payment fixture: the final capture should restore 10.00');
  const releasedTo = h.allocations.slice(-2); // the latest-expiring held credits are released (captures take soonest first)
  const releasedBytes = await creditBytes(releasedTo);
  const finalHoldBytes = await size(pk, keys.hold(holdId));
  row('capture (final, releases the rest)', final.cost, {
    roundTrips: 3,
    rcu: getReadUnits(finalHoldBytes, true) + queryReadUnits(sum(releasedBytes), true),
    wcu:
      transactWriteUnits(finalHoldBytes) +
      transactWriteUnits(await size(pk, keys.ledger(f.captureId))) +
      transactWriteUnits(await releasedEntryBytes(customerId, holdId)) +
      sum(releasedBytes.map(transactWriteUnits)) +
      transactWriteUnits(await size(pk, keys.operationKey('CAPTURE', finalKey))),
  });

  // refund 12.00 of the first capture
  const refundKey = uid('ref');
  const captureId = partial.value.response.captureId;
  const refund = await measure(() => refundTaken({ customerId, captureId, amount: 1200, refundKey, reason: 'returned' }, deps));
  const r = refund.value.response;
  const captureBytes = await size(pk, keys.ledger(captureId));
  const restoredBytes = await creditBytes(r.allocations);
  row(`refund of a capture, ${r.allocations.length} credits`, refund.cost, {
    roundTrips: 3,
    rcu: getReadUnits(captureBytes, true) + queryReadUnits(sum(restoredBytes), true),
    wcu:
      transactWriteUnits(captureBytes) +
      transactWriteUnits(await size(pk, keys.ledger(r.refundId))) +
      sum(restoredBytes.map(transactWriteUnits)) +
      transactWriteUnits(await size(pk, keys.operationKey('REFUND', refundKey))),
  });

  raw.destroy();
  doc.destroy();
  const usd = (u: Units) => u.rcu * PRICES.dynamodb.readRequestUnitPerMillion + u.wcu * PRICES.dynamodb.writeRequestUnitPerMillion;
  const total = (pick: (x: PaymentCapacityRow) => Units) =>
    rows.reduce((a, x) => ({ rcu: a.rcu + pick(x).rcu, wcu: a.wcu + pick(x).wcu }), { rcu: 0, wcu: 0 });
  return {
    rows,
    capacityTarget: CAPACITY_TARGET,
    flowUsdPerMillion: { actual: usd(total((x) => x.actual.computed)), minimum: usd(total((x) => x.minimum)) },
  };
}

export function renderPaymentCapacity(r: PaymentCapacityResult): string {
  const u = (x: number) => (Number.isInteger(x) ? String(x) : fmt(x, 1));
  return renderTable(
    '6. Payment flow: DynamoDB work per operation (actual / theoretical minimum)',
    [
      { header: 'operation', align: 'left' },
      { header: 'trips act/min' },
      { header: 'RCU act/min' },
      { header: 'WCU act/min' },
      { header: 'calls', align: 'left' },
      { header: 'capacity ratio' },
      { header: 'target' },
      { header: 'pass' },
    ],
    r.rows.map((row) => [
      row.operation,
      `${row.actual.roundTrips}/${row.minimum.roundTrips}`,
      `${u(row.actual.computed.rcu)}/${u(row.minimum.rcu)}`,
      `${u(row.actual.computed.wcu)}/${u(row.minimum.wcu)}`,
      row.actual.commands.join(', '),
      fmt(row.capacityRatio),
      `<= ${r.capacityTarget}`,
      verdict(row.capacityPass),
    ]),
    [
      'minimum = formula in bench/sections/payment-capacity.ts; actual = the AWS size rules applied to what each call touched.',
      `DynamoDB on-demand per million whole flows (hold, partial capture, final capture, refund): ${fmtUsd(r.flowUsdPerMillion.actual)} (minimum ${fmtUsd(r.flowUsdPerMillion.minimum)}), ${PRICES.region} list prices of bench/prices.ts.`,
    ],
  );
}
