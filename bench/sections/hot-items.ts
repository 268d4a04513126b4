import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, DynamoCreditStore, keys } from '../../lambdas/adapters/dynamodb';
import { shardOf } from '../../lambdas/adapters/dynamodb/finance';
import { issuerShardUpdate, issuerUsageItem } from '../../lambdas/adapters/dynamodb/issuance-codec';
import type { TransactItems } from '../../lambdas/adapters/dynamodb/client';
import { FIN_SHARDS, GRANT_SK, ISSUER_SHARDS, ITEM, SPEND_QUEUE_SK, shardOfId } from '../../lambdas/adapters/dynamodb/layout';
import { grantCredit } from '../../lambdas/app/grant';
import { itemSize, transactWriteUnits, writeUnits } from '../../local/ddb-capacity';
import type { LocalDynamo } from '../lib/dynamo-local';
import { complaint, grantDeps, uid } from '../lib/fixtures';
import { fmtInt } from '../lib/table';
import { idsOnShards, offer, SECONDS } from './hot-items-offer';

/**
 * Section 7: the service's hot items under DynamoDB's limits, through the strict layer (local/ddb-strict.ts): one
 * item takes one transaction per transaction window (DDB_STRICT_TXN_MS, 20 ms: 50 a second) and one partition key
 * 1,000 write units a second. Each line offers writes at a steady rate for a few seconds, with the SDK's own retries
 * off, and counts what the layer admitted, cancelled (TransactionConflict) and throttled — the first try only (the
 * use cases retry; every refusal here is a retry there). A production rate this 2-core machine cannot drive is
 * scaled down in ratio: the same rate per item on fewer items.
 *
 *   a. issuer-day counter: a system issuer at 2,000 grants a second. Before: every grant transaction writes one
 *      item. Now: ISSUER_SHARDS items (2,000 / ISSUER_SHARDS a second each), driven on 4 of them; and through the
 *      grant use case itself on 2 shards (grant ids chosen on them), where a conflict is a retry and a refusal a grant
 *      that gave up (CONCURRENT_MODIFICATION).
 *   b. finance day totals: 110 M ledger entries a day (1,273 a second) over 32 items (before) at the average and at
 *      twice the average (peak), and over FIN_SHARDS items at the peak, written by the real adapter (applied mark +
 *      ADD to the shard) at the rate each item gets, on 4, 2 and 8 shards.
 *   c. the spend-queue sequencer: per contended spend two single-item ADDs (ticket issued, turn served) on the
 *      customer's QUEUE#SPEND item, at 100 spends a second on one customer (section 4's 100 spends at once).
 *
 * Verdict per line: HOLDS when the rate needed per item is under the item's ceiling (the lower of the transaction
 * window's and the partition's write units over the item's units, sized by local/ddb-capacity.ts) and the run at that
 * rate had nothing throttled or refused; the first-try conflict share says how much retrying that costs.
 */

export interface HotItemLine {
  item: string;
  design: string;
  /** Production rate this line stands for, per second (all items together). */
  productionPerSecond: number;
  /** Rate needed per item at that production rate. */
  neededPerItem: number;
  itemsDriven: number;
  offeredPerSecond: number;
  sent: number;
  committed: number;
  conflicted: number;
  throttled: number;
  errors: number;
  elapsedMs: number;
  /** Write units one write of the hot item takes (transactional: doubled). */
  unitsPerWrite: number;
  /** Most writes a second one item admits: min(1000 / window for a transaction, partition WCU / units). */
  ceilingPerItem: number;
  holds: boolean;
  /** The first error's message (an answer neither admitted, cancelled nor throttled: a grant given up). */
  firstError?: string;
}

export interface HotItemsResult {
  txnWindowMs: number;
  partitionWcu: number;
  lines: HotItemLine[];
}

const ISSUER_RATE = 2_000;
const ENTRIES_PER_DAY = 110_000_000;
const PEAK = 2;
const HOT_SPENDS = 100;

export async function runHotItems(local: LocalDynamo, table: string, progress: (m: string) => void): Promise<HotItemsResult> {
  const settings = local.strict?.settings;
  const txnWindowMs = settings?.txnWindowMs ?? 0;
  const partitionWcu = settings?.limits.wcuPerSecond ?? Number.POSITIVE_INFINITY;
  // the SDK's retries off: the layer's first answer is what is counted
  const raw = new DynamoDBClient({
    endpoint: local.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  const doc: DynamoDBDocumentClient = createDocumentClient(raw);
  const store = new DynamoCreditStore(doc, table);
  const day = new Date().toISOString().slice(0, 10);
  const ceiling = (units: number, transactional: boolean) =>
    Math.min(transactional && txnWindowMs > 0 ? 1000 / txnWindowMs : Number.POSITIVE_INFINITY, partitionWcu / units);
  const lines: HotItemLine[] = [];
  const line = async (
    l: Omit<HotItemLine, 'sent' | 'committed' | 'conflicted' | 'throttled' | 'errors' | 'elapsedMs' | 'ceilingPerItem' | 'holds'>,
    transactional: boolean,
    call: (i: number) => Promise<unknown>,
  ) => {
    progress(`hot items: ${l.item}, ${l.design}: ${fmtInt(l.offeredPerSecond)}/s on ${l.itemsDriven} item(s)`);
    const before = local.strict?.stats().throttled ?? 0;
    const r = await offer(l.offeredPerSecond, call);
    // the adapter answers a throttled transaction as a conflict: the layer's own count tells them apart
    const unseen = Math.max(0, (local.strict?.stats().throttled ?? 0) - before - r.throttled);
    r.conflicted -= Math.min(unseen, r.conflicted);
    r.throttled += unseen;
    const ceilingPerItem = ceiling(l.unitsPerWrite, transactional);
    lines.push({
      ...l,
      ...r,
      errors: r.error,
      ceilingPerItem,
      holds: l.neededPerItem <= ceilingPerItem && r.throttled === 0 && r.error === 0,
    });
  };

  // a. issuer-day counter: a grant's transaction = its complaint key (a new item) + the counter: before, a Put of the
  // one item (at its version: the first try of a grant that read it current); now, the conditional ADD to its shard
  const issuer = uid('system');
  const grantTxn = (counter: NonNullable<TransactItems[number]>) =>
    doc.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: table, Item: { pk: keys.complaint(uid('cmp')), sk: GRANT_SK, type: ITEM.GRANT } } }, counter],
      }),
    );
  const before = issuerUsageItem(issuer, { value: { day, count: 1234, amounts: { EUR: 123_456_789 } }, version: 1234 });
  await line(
    {
      item: 'issuer-day counter',
      design: 'before: one item',
      productionPerSecond: ISSUER_RATE,
      neededPerItem: ISSUER_RATE,
      itemsDriven: 1,
      offeredPerSecond: 120,
      unitsPerWrite: transactWriteUnits(itemSize(before)),
    },
    true,
    () => grantTxn({ Put: { TableName: table, Item: before } }),
  );
  const usage = { day, count: 1, amounts: { EUR: 500 } };
  const shardAdd = (shard: number) => ({
    Update: issuerShardUpdate(table, issuer, { shard, currency: 'EUR', amount: 500, grants: 1, slice: 1e15, usage }),
  });
  await grantTxn(shardAdd(ISSUER_SHARDS - 1));
  const stored = await doc.send(
    new GetCommand({ TableName: table, Key: { pk: keys.issuerShard(issuer, ISSUER_SHARDS - 1), sk: keys.issuerShardDay(day, 'EUR') } }),
  );
  const issuerUnits = transactWriteUnits(itemSize({ ...stored.Item, amount: 123_456_789, count: 1234 }));
  for (const shards of [ISSUER_SHARDS / 2, ISSUER_SHARDS]) {
    const driven = 4;
    await line(
      {
        item: 'issuer-day counter',
        design: `${shards} shards${shards === ISSUER_SHARDS ? ' (ISSUER_SHARDS)' : ''}`,
        productionPerSecond: ISSUER_RATE,
        neededPerItem: ISSUER_RATE / shards,
        itemsDriven: driven,
        offeredPerSecond: (ISSUER_RATE / shards) * driven,
        unitsPerWrite: issuerUnits,
      },
      true,
      (i) => grantTxn(shardAdd(i % driven)),
    );
  }

  // a'. the same rate per shard through the grant use case (read the shard, check the caps, conditional ADD, retried
  // like a grant): every retry is a conflict, a refusal is a grant given up
  const driven = 2;
  // ids for every attempt (a retry takes a new one), on the driven shards only
  const grantIds = idsOnShards(
    (id) => shardOfId(id, ISSUER_SHARDS),
    driven,
    Math.round((ISSUER_RATE / ISSUER_SHARDS) * driven * SECONDS) * 10,
  );
  let attempts = 0;
  const counting: DynamoCreditStore = Object.create(store);
  counting.grant = (input) => {
    attempts++;
    return store.grant(input);
  };
  const systemIssuer = uid('system');
  const grants = { ...grantDeps(counting), newId: (() => grantIds.shift()!) as () => string };
  await line(
    {
      item: 'issuer-day counter',
      design: `${ISSUER_SHARDS} shards, grant use case`,
      productionPerSecond: ISSUER_RATE,
      neededPerItem: ISSUER_RATE / ISSUER_SHARDS,
      itemsDriven: driven,
      offeredPerSecond: (ISSUER_RATE / ISSUER_SHARDS) * driven,
      unitsPerWrite: issuerUnits,
    },
    true,
    async () => {
      const out = await grantCredit({ ...complaint(uid('c'), 500), issuedBy: systemIssuer }, grants);
      if (out.outcome !== 'GRANTED') throw new Error(out.outcome);
    },
  );
  const last = lines.at(-1)!;
  last.conflicted = attempts - last.committed - last.errors;

  // b. finance day totals, through the adapter (the aggregate function's write)
  const perSecond = ENTRIES_PER_DAY / 86_400;
  const totals = { pk: keys.finShard(FIN_SHARDS - 1), sk: keys.dayTotals(day, 'EUR'), type: ITEM.DAY_TOTALS, currency: 'EUR', day };
  const totalsUnits = transactWriteUnits(
    itemSize({ ...totals, granted: 123_456_789_012, spent: 123_456_789_012, refunded: 12_345_678_901 }),
  );
  for (const [shards, factor, driven] of [
    [32, 1, 4],
    [32, PEAK, 2],
    [FIN_SHARDS, PEAK, 8],
  ] as const) {
    const rate = (perSecond * factor) / shards;
    const ids = idsOnShards(shardOf, driven, Math.round(rate * driven * SECONDS) + 1);
    await line(
      {
        item: 'finance day totals',
        design: `${shards} shards${shards === FIN_SHARDS ? ' (FIN_SHARDS)' : ' (before)'}, ${factor === 1 ? 'average' : `peak ${factor}x`}`,
        productionPerSecond: perSecond * factor,
        neededPerItem: rate,
        itemsDriven: driven,
        offeredPerSecond: rate * driven,
        unitsPerWrite: totalsUnits,
      },
      true,
      async (i) => {
        const r = await store.applyMovement(ids[i]!, { day, currency: 'EUR', amounts: { granted: 500 } });
        if (r.kind === 'conflict') throw Object.assign(new Error('conflict'), { name: 'TransactionConflictException' });
      },
    );
  }

  // c. the spend-queue sequencer: ticket and finished turn, single-item ADDs on the customer's item
  const customer = keys.customer(uid('hot'));
  const queueItem = {
    pk: customer,
    sk: SPEND_QUEUE_SK,
    type: ITEM.SPEND_QUEUE,
    customerId: customer,
    issued: 123_456,
    serving: 123_456,
    ttl: 1_800_000_000,
  };
  await line(
    {
      item: 'spend-queue sequencer',
      design: 'one item per customer, 2 ADDs a spend',
      productionPerSecond: 2 * HOT_SPENDS,
      neededPerItem: 2 * HOT_SPENDS,
      itemsDriven: 1,
      offeredPerSecond: 2 * HOT_SPENDS,
      unitsPerWrite: writeUnits(itemSize(queueItem)),
    },
    false,
    (i) =>
      doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: customer, sk: SPEND_QUEUE_SK },
          UpdateExpression: `ADD ${i % 2 ? 'serving' : 'issued'} :one`,
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
  );
  raw.destroy();
  return { txnWindowMs, partitionWcu, lines };
}
