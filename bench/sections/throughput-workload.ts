/**
 * Section 3's tally: one workload run in slices (see throughput.ts), accumulated into its ops, errors, latency
 * quantiles, CPU per op of this process and of the DynamoDB Local JVM, and ops/s per slice.
 */
import type { LocalDynamo } from '../lib/dynamo-local';
import { quantile, type runPool } from '../lib/stats';

export interface Workload {
  name: string;
  ops: number;
  errors: number;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Per completed op: CPU ms of this node process and of the DynamoDB Local JVM. */
  clientCpuMsPerOp: number;
  serverCpuMsPerOp?: number;
  /** ops/s of each slice, in order (shows drift). */
  slicePerSecond: number[];
  conflicts?: number;
  firstError?: string;
}

/** One workload's slices, added up: ops, errors, time, latencies, CPU of client and server, per-slice rates. */
export class Accumulator {
  ops = 0;
  errors = 0;
  elapsedMs = 0;
  latencies: number[] = [];
  clientCpuMs = 0;
  serverCpuMs: number | undefined = 0;
  slices: number[] = [];
  firstError: unknown;
  constructor(readonly name: string) {}

  async slice(local: LocalDynamo, run: () => Promise<Awaited<ReturnType<typeof runPool>>>): Promise<void> {
    const cpu0 = process.cpuUsage();
    const srv0 = local.cpuMs();
    const r = await run();
    const cpu = process.cpuUsage(cpu0);
    const srv1 = local.cpuMs();
    this.ops += r.ops;
    this.errors += r.errors;
    this.elapsedMs += r.elapsedMs;
    this.latencies.push(...r.latenciesMs);
    this.clientCpuMs += (cpu.user + cpu.system) / 1000;
    this.serverCpuMs =
      srv0 === undefined || srv1 === undefined || this.serverCpuMs === undefined ? undefined : this.serverCpuMs + (srv1 - srv0);
    this.slices.push((r.ops / r.elapsedMs) * 1000);
    this.firstError ??= r.firstError;
  }

  result(extra: Partial<Workload> = {}): Workload {
    return {
      name: this.name,
      ops: this.ops,
      errors: this.errors,
      elapsedMs: this.elapsedMs,
      perSecond: (this.ops / this.elapsedMs) * 1000,
      p50Ms: quantile(this.latencies, 0.5),
      p99Ms: quantile(this.latencies, 0.99),
      clientCpuMsPerOp: this.clientCpuMs / this.ops,
      serverCpuMsPerOp: this.serverCpuMs === undefined ? undefined : this.serverCpuMs / this.ops,
      slicePerSecond: this.slices.map((x) => Math.round(x)),
      firstError: this.firstError ? String((this.firstError as Error).message ?? this.firstError) : undefined,
      ...extra,
    };
  }
}
