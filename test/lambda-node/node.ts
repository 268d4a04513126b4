/**
 * Finds a Node.js binary of the Lambda runtime's major version, so tests can run the handlers under the Node the
 * functions run on in AWS (nodejs22.x) although the development machine may run another (Node 20 here).
 *
 * Where it comes from, first match wins:
 * 1. `LAMBDA_NODE` (a path to a node binary), for platforms without a registry package;
 * 2. the npm package `node-<platform>-<arch>` (optionalDependencies in package.json, exact version: the official
 *    Node binary, installed by `npm ci` from the registry, nothing downloaded at test time); published for
 *    linux-x64, linux-arm64 and darwin-x64 (not darwin-arm64: use `LAMBDA_NODE` there);
 * 3. the Node running this process, if it already is that major.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUNDLE_SETTINGS } from '../../infra/bundling';

/** The major version the functions are bundled for (esbuild target `node22`), i.e. the Lambda runtime's. */
export const LAMBDA_NODE_MAJOR = Number(/^node(\d+)$/.exec(BUNDLE_SETTINGS.target)?.[1]);

/** The repository root (this file is test/lambda-node/node.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export type LambdaNode =
  | {
      readonly found: true;
      readonly path: string;
      readonly version: string;
      readonly source: 'LAMBDA_NODE' | 'npm package' | 'current process';
    }
  | { readonly found: false; readonly reason: string };

function versionOf(bin: string): string | undefined {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const majorOf = (version: string) => Number(/^v(\d+)\./.exec(version)?.[1]);

/** Locates the binary and checks it runs and is the Lambda major. */
export function findLambdaNode(): LambdaNode {
  const want = LAMBDA_NODE_MAJOR;
  const fromEnv = process.env.LAMBDA_NODE;
  if (fromEnv) {
    const v = versionOf(fromEnv);
    if (!v) return { found: false, reason: `LAMBDA_NODE=${fromEnv} does not run` };
    if (majorOf(v) !== want) return { found: false, reason: `LAMBDA_NODE=${fromEnv} is ${v}, not Node ${want}` };
    return { found: true, path: fromEnv, version: v, source: 'LAMBDA_NODE' };
  }
  const pkg = `node-${process.platform}-${process.arch}`;
  const bin = path.join(REPO_ROOT, 'node_modules', pkg, 'bin', 'node');
  if (fs.existsSync(bin)) {
    const v = versionOf(bin);
    if (v && majorOf(v) === want) return { found: true, path: bin, version: v, source: 'npm package' };
    return { found: false, reason: `${pkg} is ${v ?? 'not runnable'}, not Node ${want}: run npm ci` };
  }
  if (majorOf(process.version) === want)
    return { found: true, path: process.execPath, version: process.version, source: 'current process' };
  return {
    found: false,
    reason:
      `no Node ${want} binary: the optional package ${pkg} is not installed (not published for this platform, or npm ` +
      `was run with --omit=optional). Set LAMBDA_NODE=/path/to/node${want}.`,
  };
}

/** The binary's path; throws with the reason if there is none. */
export function lambdaNodePath(): string {
  const n = findLambdaNode();
  if (!n.found) throw new Error(n.reason);
  return n.path;
}
