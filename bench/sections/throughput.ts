import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoCreditStore } from '../../lambdas/adapters/dynamodb';
import { grantCredit } from '../../lambdas/app/grant';
import { redeemCredits } from '../../lambdas/app/redeem';
import type { LocalDynamo } from '../lib/dynamo-local';
import { complaint, grantDeps, redeemDeps, redeemRequest, uid } from '../lib/fixtures';
import { median, runPool } from '../lib/stats';
import { fmt, fmtInt, renderTable, verdict } from '../lib/table';
import { rawFloorTasks } from './throughput-floors';
import { Accumulator, type Workload } from './throughput-workload';

export type { Workload } from './throughput-workload';

/**
 * Section 3: throughput across many customers at a fixed concurrency, as a ratio to raw PutItem throughput
 * against the same DynamoDB Local in the same run at the same concurrency.
 *
 * After a warm-up (JIT of DynamoDB Local and of this process), the three workloads run in interleaved slices —
 * PutItem, grants, redeems, PutItem, grants, redeems, ... — so that drift on the machine (JIT, other tenants of
 * the 2 cores) hits all three alike; each workload's rate is its total completed ops over its total time.
 * Grants go to customer i mod K (K = 2000), redeems take 1.00 from customer i mod (customers granted so far):
 * with 16 in flight and hundreds of customers no two concurrent calls touch the same customer.
 * The use cases run exactly as in Lambda (DynamoCreditStore over the service's Document Client), unmetered.
 * CPU per op: this process (the client: SDK + use case) and the DynamoDB Local JVM (the server), to show where
 * the time goes.
 *
 * The per-workload tally: throughput-workload.ts; the raw (diag) floors: throughput-floors.ts.
 */

export const THROUGHPUT_TARGET = 0.5;
const CUSTOMERS = 2000;

export interface ThroughputResult {
  concurrency: number;
  phaseMs: number;
  rounds: number;
  baseline: Workload;
  /** Diagnostics, no target: the bare DynamoDB calls a grant / a redeem makes, without the service around them. */
  rawGrantFloor: Workload & { ratio: number; pooledRatio: number };
  rawRedeemFloor: Workload & { ratio: number; pooledRatio: number };
  /** The alternative redeem's floor: the Query and one conditional single-item debit (the ledger from the stream). */
  rawSingleDebitFloor: Workload & { ratio: number; pooledRatio: number };
  /** ratio = median over rounds of the per-round ratio to PutItem; pooledRatio = total ops/s ÷ total PutItem ops/s. */
  grants: Workload & { ratio: number; pooledRatio: number; pass: boolean };
  redeems: Workload & { ratio: number; pooledRatio: number; pass: boolean };
  target: number;
}

export async function runThroughput(
  local: LocalDynamo,
  table: string,
  opts: { concurrency: number; phaseMs: number; warmupMs: number; rounds: number },
  progress: (msg: string) => void,
): Promise<ThroughputResult> {
  const doc = local.newDocumentClient();
  const store = new DynamoCreditStore(doc, table);
  const run = uid('tp');
  const sliceMs = opts.phaseMs / opts.rounds;

  // Warm-up: a bit of everything, results discarded.
  progress(`throughput: warm-up ${opts.warmupMs / 1000} s`);
  const warm = uid('tpw');
  await runPool({
    concurrency: opts.concurrency,
    durationMs: opts.warmupMs,
    task: async (i) => {
      if (i % 3 === 0) await doc.send(new PutCommand({ TableName: table, Item: { pk: `PUT#${warm}#${i}`, sk: 'PUT', n: i } }));
      else if (i % 3 === 1) await grantCredit(complaint(`${warm}-${i % 50}`, 100_000), grantDeps(store));
      else await redeemCredits(redeemRequest(`${warm}-${(i - 2) % 50}`, 100), redeemDeps(store)).catch(() => undefined);
    },
  });

  const puts = new Accumulator('PutItem (baseline)');
  const rawTx = new Accumulator('raw TransactWrite, 4 (diag)');
  const rawQtx = new Accumulator('raw Query + TransactWrite, 3 (diag)');
  const rawQup = new Accumulator('raw Query + UpdateItem (diag, alternative)');
  const grants = new Accumulator('grants');
  const redeems = new Accumulator('redeems (1 credit each)');
  let putSeq = 0;
  let grantSeq = 0;
  let redeemSeq = 0;
  let conflicts = 0;
  const customersGranted = () => {
    const n = Math.min(CUSTOMERS, grants.ops);
    if (n < opts.concurrency * 4) throw new Error(`throughput: only ${n} customers got a grant; too few for a redeem slice`);
    return n;
  };
  // One op of each workload.
  const putOne = async () => {
    const i = putSeq++;
    await doc.send(new PutCommand({ TableName: table, Item: { pk: `PUT#${run}#${i}`, sk: 'PUT', type: 'BENCH', n: i } }));
  };
  const grantOne = async () => {
    const i = grantSeq++;
    await grantCredit(complaint(`${run}-c${i % CUSTOMERS}`, 100_000), grantDeps(store));
  };
  const redeemOne = async () => {
    const i = redeemSeq++;
    const out = await redeemCredits(
      redeemRequest(`${run}-c${i % customersGranted()}`, 100),
      redeemDeps(store, () => conflicts++),
    );
    if (out.response.applied !== 100) throw new Error(`redeem applied ${out.response.applied}, expected 100`);
  };
  const { rawGrantOne, rawRedeemOne, rawSingleDebitOne } = rawFloorTasks(doc, table, run, customersGranted);

  // The order rotates each round (round 1 starts with grants: redeems need granted customers), so that no workload
  // always runs at the same point of a round.
  const slices: Array<{ acc: Accumulator; task: () => Promise<void> }> = [
    { acc: puts, task: putOne },
    { acc: grants, task: grantOne },
    { acc: rawTx, task: rawGrantOne },
    { acc: redeems, task: redeemOne },
    { acc: rawQtx, task: rawRedeemOne },
    { acc: rawQup, task: rawSingleDebitOne },
  ];
  for (let round = 0; round < opts.rounds; round++) {
    progress(`throughput: round ${round + 1}/${opts.rounds}`);
    for (let j = 0; j < slices.length; j++) {
      const { acc, task } = slices[(j + round + 1) % slices.length]!;
      await acc.slice(local, () => runPool({ concurrency: opts.concurrency, durationMs: sliceMs, task }));
    }
  }
  doc.destroy();
  const baseline = puts.result();
  const tx = rawTx.result();
  const qtx = rawQtx.result();
  const qup = rawQup.result();
  const g = grants.result();
  const r = redeems.result({ conflicts });
  // The verdict uses the median over rounds of (workload ops/s ÷ PutItem ops/s in the same round): a round disturbed by
  // another tenant of the machine moves both and drops out. The pooled ratio (totals) is kept alongside.
  const ratio = (w: Workload) => median(w.slicePerSecond.map((x, k) => x / baseline.slicePerSecond[k]!));
  return {
    concurrency: opts.concurrency,
    phaseMs: opts.phaseMs,
    rounds: opts.rounds,
    baseline,
    rawGrantFloor: { ...tx, ratio: ratio(tx), pooledRatio: tx.perSecond / baseline.perSecond },
    rawRedeemFloor: { ...qtx, ratio: ratio(qtx), pooledRatio: qtx.perSecond / baseline.perSecond },
    rawSingleDebitFloor: { ...qup, ratio: ratio(qup), pooledRatio: qup.perSecond / baseline.perSecond },
    grants: { ...g, ratio: ratio(g), pooledRatio: g.perSecond / baseline.perSecond, pass: ratio(g) >= THROUGHPUT_TARGET && g.errors === 0 },
    redeems: {
      ...r,
      ratio: ratio(r),
      pooledRatio: r.perSecond / baseline.perSecond,
      pass: ratio(r) >= THROUGHPUT_TARGET && r.errors === 0,
    },
    target: THROUGHPUT_TARGET,
  };
}

export function renderThroughput(r: ThroughputResult): string {
  const line = (w: Workload, ratio?: number, pass?: boolean) => [
    w.name,
    fmtInt(w.ops),
    fmt(w.perSecond, 1),
    fmt(w.p50Ms, 1),
    fmt(w.p99Ms, 1),
    String(w.errors),
    fmt(w.clientCpuMsPerOp, 2),
    w.serverCpuMsPerOp === undefined ? 'n/a' : fmt(w.serverCpuMsPerOp, 2),
    ratio === undefined ? '-' : fmt(ratio),
    ratio === undefined ? '-' : `>= ${r.target}`,
    ratio === undefined ? '-' : verdict(pass),
  ];
  return renderTable(
    `3. Throughput at ${r.concurrency} in flight vs. raw PutItem (${r.rounds} interleaved rounds, ${fmt(r.phaseMs / 1000, 0)} s per workload)`,
    [
      { header: 'workload', align: 'left' },
      { header: 'ops' },
      { header: 'ops/s' },
      { header: 'p50 ms' },
      { header: 'p99 ms' },
      { header: 'errors' },
      { header: 'client CPU ms/op' },
      { header: 'Local CPU ms/op' },
      { header: 'ratio' },
      { header: 'target' },
      { header: 'pass' },
    ],
    [
      line(r.baseline),
      line(r.grants, r.grants.ratio, r.grants.pass),
      line(r.redeems, r.redeems.ratio, r.redeems.pass),
      [...line(r.rawGrantFloor, r.rawGrantFloor.ratio).slice(0, 8), fmt(r.rawGrantFloor.ratio), '-', '-'],
      [...line(r.rawRedeemFloor, r.rawRedeemFloor.ratio).slice(0, 8), fmt(r.rawRedeemFloor.ratio), '-', '-'],
      [...line(r.rawSingleDebitFloor, r.rawSingleDebitFloor.ratio).slice(0, 8), fmt(r.rawSingleDebitFloor.ratio), '-', '-'],
    ],
    [
      `ratio = median over rounds of (ops/s ÷ PutItem ops/s of the same round); pooled: grants ${fmt(r.grants.pooledRatio)}, redeems ${fmt(r.redeems.pooledRatio)}.`,
      `per-round ops/s: PutItem ${r.baseline.slicePerSecond.join(' ')} | grants ${r.grants.slicePerSecond.join(' ')} | redeems ${r.redeems.slicePerSecond.join(' ')}.`,
      `A grant is 1 TransactWriteItems of 4 items; a redeem is 1 Query + 1 TransactWriteItems of 3 items. Redeem conflicts retried: ${r.redeems.conflicts ?? 0}.`,
      '(diag) rows, no target: the same DynamoDB calls a grant / a redeem sends, made raw without the service code: the floor the design itself sets.',
      "(diag, alternative): a redeem that debits with one conditional single-item write and writes its ledger entry from the stream: that design's floor.",
      'On 2 shared cores client and DynamoDB Local compete for CPU: ops/s here tracks total CPU per op (client + Local columns).',
      ...[r.grants, r.redeems].filter((w) => w.firstError).map((w) => `${w.name}: first error: ${w.firstError}`),
    ],
  );
}
