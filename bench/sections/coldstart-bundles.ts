/**
 * Section 2's instruments: bundle an entry with exactly the CDK app's esbuild options (infra/bundling.ts) in one
 * SDK mode — what it weighs, which SDK packages it leaves external, its largest inputs — and time require() of a
 * bundle in a fresh `node` process. The method is described at the top of coldstart.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling';

export const REPO = path.resolve(__dirname, '../..');

/** How a bundle treats the AWS SDK: as deployed (infra/bundling.ts), external, or bundled in. */
export type SdkMode = 'deployed' | 'external' | 'bundled';
/** One bundle in the temp dir: its size, its external SDK imports, its largest inputs and how it is run. */
export type Build = {
  key: string;
  file: string;
  bytes: number;
  mapBytes: number;
  sdk: string[];
  top: Array<[string, number]>;
  nodeOptions: string;
  sdkBundled: boolean;
};

function packageOf(input: string): string {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  return m ? m[1]! : input.split('/').slice(0, 2).join('/');
}

const MEASURE_JS = `'use strict';
const file = process.argv[2];
const t0 = process.hrtime.bigint();
const mod = require(file);
const t1 = process.hrtime.bigint();
if (typeof mod.handler !== 'function') { process.stderr.write('no handler export in ' + file); process.exit(2); }
process.stdout.write(JSON.stringify({ ms: Number(t1 - t0) / 1e6 }));
`;

/** Write the script timeInit() runs into the temp dir. */
export function writeMeasureScript(dir: string): void {
  writeFileSync(path.join(dir, 'measure.js'), MEASURE_JS);
}

/** Bundle `entry` as `<dir>/<key>/index.js` with the CDK's options, the SDK treated as `mode` says. */
export async function bundleEntry(dir: string, key: string, entry: string, mode: SdkMode = 'deployed', nodeOptions = ''): Promise<Build> {
  const outfile = path.join(dir, key, 'index.js');
  mkdirSync(path.dirname(outfile), { recursive: true });
  const opts = esbuildOptions(entry, outfile);
  const withoutSdk = (opts.external ?? []).filter((e) => !e.startsWith('@aws-sdk/'));
  const external = mode === 'deployed' ? (opts.external ?? []) : mode === 'bundled' ? withoutSdk : [...withoutSdk, '@aws-sdk/*'];
  const sdkBundled = !external.some((e) => e.startsWith('@aws-sdk/'));
  // nodePaths: the bare handlers' sources are in the temp dir, and bundling the SDK must find it in this repo.
  const result = await build({ ...opts, external, absWorkingDir: REPO, nodePaths: [path.join(REPO, 'node_modules')], metafile: true });
  const out = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (!out) throw new Error(`esbuild produced no entry output for ${entry}`);
  const sdk = [...new Set(out.imports.filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path))].sort();
  const byPkg = new Map<string, number>();
  for (const [input, info] of Object.entries(out.inputs))
    byPkg.set(packageOf(input), (byPkg.get(packageOf(input)) ?? 0) + info.bytesInOutput);
  const top = [...byPkg.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
  const map = `${outfile}.map`;
  return {
    key,
    file: outfile,
    bytes: statSync(outfile).size,
    mapBytes: existsSync(map) ? statSync(map).size : 0,
    sdk,
    top,
    nodeOptions,
    sdkBundled,
  };
}

const ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  NODE_PATH: path.join(REPO, 'node_modules'),
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'courtesy-credits-bench',
  POWERTOOLS_SERVICE_NAME: 'courtesy-credits',
  POWERTOOLS_METRICS_NAMESPACE: 'CourtesyCredits',
  POWERTOOLS_LOG_LEVEL: 'INFO',
};

/** Time require() of one bundle in a fresh `node` process (ms), with the measure script written by writeMeasureScript(). */
export function timeInit(dir: string, b: Build): number {
  // A bundle with the SDK inside gets no NODE_PATH: it must stand alone, as it would on Lambda.
  const { NODE_PATH, ...rest } = ENV;
  const childEnv = { ...(b.sdkBundled ? rest : { ...rest, NODE_PATH }), ...(b.nodeOptions ? { NODE_OPTIONS: b.nodeOptions } : {}) };
  const stdout = execFileSync(process.execPath, [path.join(dir, 'measure.js'), b.file], {
    cwd: dir,
    env: childEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return (JSON.parse(stdout) as { ms: number }).ms;
}
