import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoCreditStore, keys } from '../../lambdas/adapters/dynamodb';
import { PREFIX } from '../../lambdas/adapters/dynamodb/layout';
import { placeHold } from '../../lambdas/app/hold';
import { redeemCredits } from '../../lambdas/app/redeem';
import { REDEEM_RETRY, type RetryPolicy } from '../../lambdas/shared/retry';
import { SCENARIOS, STRATEGIES, type HotScenario } from './hot-scenarios';
import { systemClock } from '../../lambdas/shared/clock';
import { newId } from '../../lambdas/shared/ids';
import { CreditError } from '../../lambdas/domain/errors';
import { DEFAULT_TXN_WINDOW_MS } from '../../local/ddb-strict-settings';
import type { LocalDynamo } from '../lib/dynamo-local';
import { grantMany, redeemDeps, redeemRequest, uid } from '../lib/fixtures';
import { nowMs, quantile } from '../lib/stats';
import { fmt, renderTable, verdict } from '../lib/table';

/**
 * Section 4: one hot customer. `credits` credits of `creditAmount` each, then `requests` spends of `requestAmount`
 * each — every `holdEvery`-th one a hold, the others redeems — all started at once (Promise.all: every one is in flight
 * together), through the real use cases with the service's spend policy (REDEEM_RETRY: optimistic, then the spend
 * queue). Counted: requests applied (partly), answered "nothing left", refused (CONCURRENT_MODIFICATION), conflicts
 * (the use cases' onConflict), latency p50/p99/max. Then the table is read back: Σ remaining + Σ applied must equal
 * Σ granted, no credit below zero, and the REDEEMED + HELD ledger entries must add up to what callers were told.
 *
 * Scenarios: COVERED at 40 and at 100 in flight (the balance covers every request: none may be refused; at 100 the
 * p99 must stay within 2 s) and CONTENDED (100 × 3.00 on 100.00: more asked than there is; must end with partial and
 * "nothing left" answers, not refusals). `--strategies` also runs the spend queue without group commit and the backoff-only policy.
 * Through the strict layer (local/ddb-strict.ts, on unless DDB_STRICT=0) every scenario runs with a transaction
 * window of 0, the default (AWS's transaction latency) and twice the default.
 */

export interface HotResult {
  scenario: HotScenario;
  strategy: string;
  /** The strict layer's transaction window for this run; undefined without the layer. */
  txnWindowMs?: number;
  granted: number;
  applied: number;
  appliedRequests: number;
  partialRequests: number;
  zeroRequests: number;
  failedRequests: number;
  failureCodes: Record<string, number>;
  conflictsRetried: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  wallMs: number;
  overdraft: number;
  remainingAfter: number;
  minRemaining: number;
  ledgerSpent: number;
  tableConsistent: boolean;
  /** Time from start to CONCURRENT_MODIFICATION of each refused request. */
  refusedMs: number[];
}

export interface HotSection {
  /** The service's policy, per scenario (the verdicts). */
  runs: HotResult[];
  /** Every strategy on every scenario (only with --strategies). */
  strategies: HotResult[];
}

/** Unmeasured bursts before the scenarios (the 100-covered one, with the service's policy). */
const HOT_WARMUP_BURSTS = 3;

export async function runHotCustomer(
  local: LocalDynamo,
  table: string,
  allStrategies: boolean,
  progress: (m: string) => void,
): Promise<HotSection> {
  const runs: HotResult[] = [];
  const strategies: HotResult[] = [];
  const layer = local.strict;
  const windows = layer ? [0, DEFAULT_TXN_WINDOW_MS, 2 * DEFAULT_TXN_WINDOW_MS] : [undefined];
  const restore = layer?.settings.txnWindowMs;
  // Warm-up, discarded (as section 3 does): DynamoDB Local's JVM compiles its hot paths during the first bursts, and
  // a section run on its own would otherwise measure that JIT, which DynamoDB does not have.
  for (let i = 0; i < HOT_WARMUP_BURSTS; i++) {
    progress(`hot customer: warm-up burst ${i + 1}/${HOT_WARMUP_BURSTS} (discarded)`);
    await runHotScenario(local, table, SCENARIOS[1]!, STRATEGIES[0]!);
  }
  try {
    for (const w of windows) {
      if (w !== undefined) layer?.setTxnWindowMs(w);
      for (const s of allStrategies ? STRATEGIES : STRATEGIES.slice(0, 1)) {
        for (const scenario of SCENARIOS) {
          progress(`hot customer: ${s.name}: ${scenario.name}${w === undefined ? '' : `, transaction window ${w} ms`}`);
          const r = { ...(await runHotScenario(local, table, scenario, s)), ...(w === undefined ? {} : { txnWindowMs: w }) };
          if (s.retry === REDEEM_RETRY) runs.push(r);
          if (allStrategies) strategies.push(r);
        }
      }
    }
  } finally {
    if (restore !== undefined) layer?.setTxnWindowMs(restore);
  }
  return { runs, strategies };
}

export async function runHotScenario(
  local: LocalDynamo,
  table: string,
  opts: HotScenario,
  strategy: { name: string; retry: RetryPolicy },
): Promise<HotResult> {
  const doc = local.newDocumentClient();
  const store = new DynamoCreditStore(doc, table);
  const customerId = uid('hot');
  await grantMany(
    store,
    customerId,
    Array.from({ length: opts.credits }, () => opts.creditAmount),
  );
  const granted = opts.credits * opts.creditAmount;

  let conflicts = 0;
  const onConflict = () => conflicts++;
  const spend = async (i: number): Promise<number> => {
    const req = redeemRequest(customerId, opts.requestAmount);
    if (opts.holdEvery && i % opts.holdEvery === opts.holdEvery - 1) {
      const r = await placeHold(req, { store, clock: systemClock, newId, retry: strategy.retry, onConflict });
      return r.response.held;
    }
    const r = await redeemCredits(req, { ...redeemDeps(store, onConflict), retry: strategy.retry });
    return r.response.applied;
  };
  const start = nowMs();
  const outcomes = await Promise.all(
    Array.from({ length: opts.requests }, async (_, i) => {
      const t0 = nowMs();
      try {
        const applied = await spend(i);
        return { ms: nowMs() - t0, applied, code: undefined as string | undefined };
      } catch (error) {
        if (!(error instanceof CreditError)) throw error;
        return { ms: nowMs() - t0, applied: 0, code: error.code as string };
      }
    }),
  );
  const wallMs = nowMs() - start;

  const q = async (prefix: string) =>
    (
      await doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':p': prefix },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];
  const credits = await q(PREFIX.CREDIT);
  const ledger = await q(PREFIX.LEDGER);
  const remainingAfter = credits.reduce((s, c) => s + (c.remaining as number), 0);
  const minRemaining = Math.min(...credits.map((c) => c.remaining as number));
  const ledgerSpent = ledger.filter((e) => e.kind === 'REDEEMED' || e.kind === 'HELD').reduce((s, e) => s + (e.amount as number), 0);
  const applied = outcomes.reduce((s, o) => s + o.applied, 0);
  const failureCodes: Record<string, number> = {};
  for (const o of outcomes) if (o.code) failureCodes[o.code] = (failureCodes[o.code] ?? 0) + 1;
  const lat = outcomes.map((o) => o.ms);
  doc.destroy();
  return {
    scenario: opts,
    strategy: strategy.name,
    granted,
    applied,
    appliedRequests: outcomes.filter((o) => o.applied > 0).length,
    partialRequests: outcomes.filter((o) => o.applied > 0 && o.applied < opts.requestAmount).length,
    zeroRequests: outcomes.filter((o) => !o.code && o.applied === 0).length,
    failedRequests: outcomes.filter((o) => o.code).length,
    failureCodes,
    conflictsRetried: conflicts,
    p50Ms: quantile(lat, 0.5),
    p99Ms: quantile(lat, 0.99),
    maxMs: Math.max(...lat),
    wallMs,
    overdraft: Math.max(0, applied - granted),
    remainingAfter,
    minRemaining,
    ledgerSpent,
    tableConsistent: remainingAfter + applied === granted && minRemaining >= 0 && ledgerSpent === applied,
    refusedMs: outcomes.filter((o) => o.code === 'CONCURRENT_MODIFICATION').map((o) => o.ms),
  };
}

/** The verdicts of one run: refusals and p99 within the scenario's targets, no overdraft, the table adds up. */
export function hotVerdicts(r: HotResult): Array<{ what: string; target: string; actual: string; pass: boolean }> {
  const s = r.scenario;
  const out = [
    {
      what: `${windowed(r)}: overdraft / table adds up`,
      target: '0 / yes',
      actual: `${r.overdraft} / ${r.tableConsistent ? 'yes' : 'no'}`,
      pass: r.overdraft === 0 && r.tableConsistent,
    },
  ];
  if (s.maxRefused !== undefined)
    out.push({
      what: `${windowed(r)}: refused`,
      target: `<= ${s.maxRefused}`,
      actual: String(r.failedRequests),
      pass: r.failedRequests <= s.maxRefused,
    });
  if (s.maxP99Ms !== undefined)
    out.push({ what: `${windowed(r)}: latency p99 ms`, target: `<= ${s.maxP99Ms}`, actual: fmt(r.p99Ms, 0), pass: r.p99Ms <= s.maxP99Ms });
  return out;
}

const money = (minor: number) => `${fmt(minor / 100)} EUR`;
const windowed = (r: HotResult) => (r.txnWindowMs === undefined ? r.scenario.name : `${r.scenario.name}, txn window ${r.txnWindowMs} ms`);

export function renderHot(h: HotSection): string {
  const rows: Array<Array<string | number>> = [];
  for (const r of h.runs) {
    const s = r.scenario;
    rows.push([
      windowed(r),
      `${s.requests} x ${money(s.requestAmount)} (1 in ${s.holdEvery} a hold) on ${money(r.granted)}`,
      `${r.appliedRequests} (${r.partialRequests})`,
      r.zeroRequests,
      r.failedRequests,
      money(r.applied),
      `${fmt(r.p50Ms, 0)} / ${fmt(r.p99Ms, 0)} / ${fmt(r.maxMs, 0)}`,
      r.conflictsRetried,
      hotVerdicts(r)
        .map((v) => `${v.what.split(': ')[1]} ${v.actual} (${v.target}) ${verdict(v.pass)}`)
        .join('; '),
    ]);
  }
  const main = renderTable(
    '4. Hot customer: concurrent spends (redeem + hold) on one customer',
    [
      { header: 'scenario', align: 'left' },
      { header: 'requests', align: 'left' },
      { header: 'applied (partly)' },
      { header: 'nothing left' },
      { header: 'refused' },
      { header: 'money applied' },
      { header: 'p50 / p99 / max ms' },
      { header: 'conflicts' },
      { header: 'verdicts', align: 'left' },
    ],
    rows,
    [
      `service policy: optimistic first, then the customer's spend queue with group commit (lambdas/app/spend.ts, group-commit.ts); budget ${REDEEM_RETRY.maxElapsedMs} ms.`,
      'table check per run: Σ remaining + Σ applied = Σ granted, no credit below 0, REDEEMED + HELD entries = Σ applied.',
    ],
  );
  if (!h.strategies.length) return main;
  const cmp = renderTable(
    '4b. Strategies compared (same scenarios, same run)',
    [
      { header: 'strategy', align: 'left' },
      { header: 'scenario', align: 'left' },
      { header: 'applied (partly)' },
      { header: 'nothing left' },
      { header: 'refused' },
      { header: 'p50 / p99 / max ms' },
      { header: 'wall ms' },
      { header: 'conflicts' },
      { header: 'overdraft / adds up' },
    ],
    h.strategies.map((r) => [
      r.strategy,
      windowed(r),
      `${r.appliedRequests} (${r.partialRequests})`,
      r.zeroRequests,
      r.failedRequests,
      `${fmt(r.p50Ms, 0)} / ${fmt(r.p99Ms, 0)} / ${fmt(r.maxMs, 0)}`,
      fmt(r.wallMs, 0),
      r.conflictsRetried,
      `${r.overdraft} / ${r.tableConsistent ? 'yes' : 'no'}`,
    ]),
    [],
  );
  return `${main}\n\n${cmp}`;
}
