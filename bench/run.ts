/**
 * `npm run bench [-- --quick] [-- --only=1,3] [-- --strategies]` — the service's benchmark (not a test).
 *
 * Starts its own DynamoDB Local (port 8300-8399, in memory, killed at the end), runs the sections, prints one
 * fixed-width table per section to stdout (progress goes to stderr) and writes every raw number to
 * bench/results.json. Every figure is a ratio against a baseline measured in the same run on this machine.
 * Exit code: 0 when the bench ran (a missed target is reported as MISS, not as a failure), 1 on an error.
 *
 *   1  DynamoDB work per operation vs. the theoretical minimum      (bench/sections/capacity.ts)
 *   2  cold start: bundle size, module init vs. a bare handler      (bench/sections/coldstart.ts)
 *   3  throughput vs. raw PutItem at the same concurrency           (bench/sections/throughput.ts)
 *   4  hot customer: 40 and 100 concurrent spends on one customer   (bench/sections/hot.ts; --strategies: compare)
 *   5  cost model: USD per million grants / redeems                 (bench/sections/cost.ts, bench/prices.ts)
 *   6  payment flow: hold → capture → refund work vs. the minimum    (bench/sections/payment-capacity.ts)
 *   7  hot items (issuer day, finance totals, spend queue) under the partition limits (bench/sections/hot-items.ts)
 */
import { renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The SDK warns once per process that it will want Node >= 22 in 2027; that line is noise in a report.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(warning).includes('NodeVersionSupportWarning')) return;
  (emitWarning as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

import { startDynamoLocal, type LocalDynamo } from './lib/dynamo-local';
import { runCapacity, renderCapacity, type CapacityResult } from './sections/capacity';
import { runColdStart, renderColdStart, type ColdStartResult } from './sections/coldstart';
import { runThroughput, renderThroughput, type ThroughputResult } from './sections/throughput';
import { hotVerdicts, runHotCustomer, renderHot, type HotSection } from './sections/hot';
import { runCost, renderCost, type CostResult } from './sections/cost';
import { renderTable } from './lib/table';
import { runPaymentCapacity, renderPaymentCapacity, type PaymentCapacityResult } from './sections/payment-capacity';
import { runHotItems, type HotItemsResult } from './sections/hot-items';
import { hotItemsVerdicts, renderHotItems } from './sections/hot-items-report';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** Section 4 also runs the backoff-only strategies the spend queue replaced (docs/benchmarks.md, section 4). */
const strategies = args.includes('--strategies');
const onlyArg = args.find((a) => a.startsWith('--only'));
const onlyValue = onlyArg?.includes('=') ? onlyArg.split('=')[1] : onlyArg ? args[args.indexOf(onlyArg) + 1] : undefined;
const selected = new Set((onlyValue ?? '1,2,3,4,5,6,7').split(',').map((s) => Number(s.trim())));
if (selected.has(5)) selected.add(1); // the cost model uses section 1's capacity figures
const outFile = path.join(__dirname, 'results.json');

const SETTINGS = quick
  ? { capacityRepeats: 2, coldStartRuns: 20, concurrency: 16, phaseMs: 3_000, warmupMs: 5_000, rounds: 3, costSamples: 10 }
  : { capacityRepeats: 5, coldStartRuns: 30, concurrency: 16, phaseMs: 15_000, warmupMs: 20_000, rounds: 5, costSamples: 40 };

const t0 = Date.now();
const progress = (msg: string) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}\n`);

interface Results {
  timestamp: string;
  mode: 'quick' | 'full';
  settings: typeof SETTINGS;
  machine: Record<string, unknown>;
  sections: {
    capacity?: CapacityResult;
    coldStart?: ColdStartResult;
    throughput?: ThroughputResult;
    hotCustomer?: HotSection;
    cost?: CostResult;
    paymentCapacity?: PaymentCapacityResult;
    hotItems?: HotItemsResult;
  };
  verdicts: Array<{ section: number; what: string; target: string; actual: string; pass: boolean }>;
  errors: Array<{ section: number; message: string }>;
  durationSeconds?: number;
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadAverageAtStart: os.loadavg().map((x) => +x.toFixed(2)),
  };
}

async function main(): Promise<number> {
  const results: Results = {
    timestamp: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    settings: SETTINGS,
    machine: machine(),
    sections: {},
    verdicts: [],
    errors: [],
  };
  const attempt = async (section: number, fn: () => Promise<void>) => {
    if (!selected.has(section)) return;
    try {
      await fn();
    } catch (error) {
      const message = (error as Error)?.stack ?? String(error);
      results.errors.push({ section, message });
      progress(`section ${section} FAILED: ${message}`);
    }
  };

  // Cold start first, while DynamoDB Local (a JVM) is not yet running next to the measured processes.
  await attempt(2, async () => {
    progress(`cold start: bundling the catalogue, ${SETTINGS.coldStartRuns} rounds`);
    results.sections.coldStart = await runColdStart(SETTINGS.coldStartRuns, progress);
  });

  let local: LocalDynamo | undefined;
  const table = 'courtesy-credits-bench';
  try {
    if ([1, 3, 4, 5, 6, 7].some((s) => selected.has(s))) {
      progress('starting DynamoDB Local');
      local = await startDynamoLocal();
      await local.createTable(table);
      progress(`DynamoDB Local on port ${local.port}`);
    }
    await attempt(1, async () => {
      progress('capacity per operation');
      results.sections.capacity = await runCapacity(local!, table, SETTINGS.capacityRepeats);
    });
    await attempt(6, async () => {
      progress('payment flow: capacity per operation');
      results.sections.paymentCapacity = await runPaymentCapacity(local!, table);
    });
    await attempt(5, async () => {
      if (!results.sections.capacity) throw new Error('section 1 did not produce capacity figures');
      progress('cost model: timing use cases');
      results.sections.cost = await runCost(local!, table, results.sections.capacity, SETTINGS.costSamples);
    });
    await attempt(3, async () => {
      results.sections.throughput = await runThroughput(local!, table, SETTINGS, progress);
    });
    await attempt(4, async () => {
      results.sections.hotCustomer = await runHotCustomer(local!, table, strategies, progress);
    });
    await attempt(7, async () => {
      results.sections.hotItems = await runHotItems(local!, table, progress);
    });
  } catch (error) {
    results.errors.push({ section: 0, message: (error as Error)?.stack ?? String(error) });
  } finally {
    results.machine.strictLayer = local?.strict ? { ...local.strict.settings, refused: local.strict.stats() } : 'off (DDB_STRICT=0)';
    if (local) {
      await local.stop();
      progress('DynamoDB Local stopped');
    }
  }

  // Verdicts, in one list.
  const v = results.verdicts;
  const s = results.sections;
  for (const row of s.capacity?.rows ?? []) {
    if (row.roundTripTarget !== undefined)
      v.push({
        section: 1,
        what: `${row.operation}: round trips`,
        target: `<= ${row.roundTripTarget}`,
        actual: String(row.actual.roundTrips),
        pass: !!row.roundTripPass,
      });
    v.push({
      section: 1,
      what: `${row.operation}: capacity / minimum`,
      target: `<= ${s.capacity!.capacityTarget}`,
      actual: row.capacityRatio.toFixed(2),
      pass: row.capacityPass,
    });
  }
  for (const row of s.coldStart?.rows ?? []) {
    v.push({
      section: 2,
      what: `${row.name}: bundle KB (as deployed, SDK inside)`,
      target: `< ${s.coldStart!.bundleTargetKb}`,
      actual: (row.bundleBytes / 1024).toFixed(1),
      pass: row.bundlePass,
    });
    v.push({
      section: 2,
      what: `${row.name}: init ratio`,
      target: `< ${s.coldStart!.initRatioTarget}`,
      actual: row.ratio.toFixed(2),
      pass: row.ratioPass,
    });
  }
  if (s.throughput) {
    for (const w of [s.throughput.grants, s.throughput.redeems])
      v.push({
        section: 3,
        what: `${w.name}: ops/s ratio to PutItem`,
        target: `>= ${s.throughput.target}`,
        actual: w.ratio.toFixed(2),
        pass: w.pass,
      });
  }
  for (const row of s.paymentCapacity?.rows ?? [])
    v.push({
      section: 6,
      what: `${row.operation}: capacity / minimum`,
      target: `<= ${s.paymentCapacity!.capacityTarget}`,
      actual: row.capacityRatio.toFixed(2),
      pass: row.capacityPass,
    });
  for (const r of s.hotCustomer?.runs ?? []) for (const x of hotVerdicts(r)) v.push({ section: 4, ...x });
  if (s.hotItems) for (const x of hotItemsVerdicts(s.hotItems)) v.push({ section: 7, ...x });

  const out: string[] = [];
  if (s.capacity) out.push(renderCapacity(s.capacity));
  if (s.coldStart) out.push(renderColdStart(s.coldStart));
  if (s.throughput) out.push(renderThroughput(s.throughput));
  if (s.hotCustomer) out.push(renderHot(s.hotCustomer));
  if (s.cost) out.push(renderCost(s.cost));
  if (s.paymentCapacity) out.push(renderPaymentCapacity(s.paymentCapacity));
  if (s.hotItems) out.push(renderHotItems(s.hotItems));
  const misses = v.filter((x) => !x.pass);
  out.push(
    renderTable(
      `Summary: ${v.length} targets, ${v.length - misses.length} PASS, ${misses.length} MISS${results.errors.length ? `, ${results.errors.length} section(s) FAILED` : ''}`,
      [
        { header: 'section', align: 'left' },
        { header: 'missed target', align: 'left' },
        { header: 'target', align: 'left' },
        { header: 'actual', align: 'left' },
      ],
      misses.map((m) => [String(m.section), m.what, m.target, m.actual]),
      [
        `mode ${results.mode}; ${String(results.machine.cpus)} CPUs (${String(results.machine.cpuModel)}), node ${process.version}; ${new Date().toISOString()}; raw numbers: bench/results.json`,
        `load average at start ${JSON.stringify(results.machine.loadAverageAtStart)}, at end ${JSON.stringify(os.loadavg().map((x) => +x.toFixed(2)))}; DynamoDB strict layer: ${JSON.stringify(results.machine.strictLayer)}`,
        ...results.errors.map((e) => `ERROR in section ${e.section}: ${e.message.split('\n')[0]}`),
      ],
    ),
  );
  results.durationSeconds = +((Date.now() - t0) / 1000).toFixed(1);
  results.machine.loadAverageAtEnd = os.loadavg().map((x) => +x.toFixed(2));
  process.stdout.write(`${out.join('\n\n')}\n`);
  writeFileSync(`${outFile}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${outFile}.tmp`, outFile);
  progress(`done in ${results.durationSeconds} s; wrote ${path.relative(process.cwd(), outFile)}`);
  return results.errors.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
