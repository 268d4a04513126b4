import type { BuildOptions } from 'esbuild';
import { LogLevel, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every function is bundled. One set of values, two shapes:
 * - `BUNDLING`: NodejsFunction's BundlingOptions (the CDK turns it into an esbuild command line);
 * - `esbuildOptions()`: the same settings as esbuild's own BuildOptions, so that a benchmark or a local
 *   runtime can produce the same bundle by calling esbuild directly.
 */
export const BUNDLE_SETTINGS = {
  minify: true,
  sourceMap: true,
  /** Maps point at file:line; the sources themselves stay out of the artifact. */
  sourcesContent: false,
  target: 'node22',
  format: 'cjs',
  /**
   * Nothing external: the AWS SDK is bundled, so Lambda runs the SDK version the tests ran (package-lock.json), not
   * whatever version the Node.js 22 runtime ships that day. The bundles grow about 2.5×, yet load faster than with
   * the runtime's SDK (one file instead of hundreds); measured in the benchmark's section 2b, figures in docs/benchmarks.md
   * (Cold start). An empty list, not an omitted one: NodejsFunction's default would leave `@aws-sdk/*`
   * out. SDK fixes then arrive by a dependency bump and a redeploy, no longer with the runtime.
   */
  externalModules: [],
  /** Prefer ES module builds of dependencies so esbuild can tree-shake them. */
  mainFields: ['module', 'main'],
  logLevel: 'warning',
} as const;

/**
 * NODE_OPTIONS of every function. The bundles are minified, so without source maps a stack trace points at column
 * 40 000 of line 1 of index.js; `--enable-source-maps` makes Node map it back to lambdas/…ts:line. The map is read
 * when the bundle loads (a cold-start cost that grows with the map's size) and used only when a stack trace is
 * formatted. Turning source maps off means dropping both `sourceMap` above and this variable (COMMON_ENV in
 * infra/functions.ts); test/infra/catalogue.test.ts keeps the two in step.
 */
export const NODE_OPTIONS = '--enable-source-maps';

export const BUNDLING: BundlingOptions = {
  minify: BUNDLE_SETTINGS.minify,
  sourceMap: BUNDLE_SETTINGS.sourceMap,
  sourcesContent: BUNDLE_SETTINGS.sourcesContent,
  target: BUNDLE_SETTINGS.target,
  format: OutputFormat.CJS,
  externalModules: [...BUNDLE_SETTINGS.externalModules],
  mainFields: [...BUNDLE_SETTINGS.mainFields],
  logLevel: LogLevel.WARNING,
};

/** File name NodejsFunction gives the bundle for the CJS format; the Lambda handler is `index.<export>`. */
export const BUNDLE_FILE = 'index.js';

/** esbuild options without entry and output (as the CDK runs it: `esbuild --bundle --platform=node ...`). */
export const ESBUILD_OPTIONS: Readonly<BuildOptions> = {
  bundle: true,
  platform: 'node',
  minify: BUNDLE_SETTINGS.minify,
  sourcemap: BUNDLE_SETTINGS.sourceMap,
  sourcesContent: BUNDLE_SETTINGS.sourcesContent,
  target: BUNDLE_SETTINGS.target,
  format: BUNDLE_SETTINGS.format,
  external: [...BUNDLE_SETTINGS.externalModules],
  mainFields: [...BUNDLE_SETTINGS.mainFields],
  logLevel: BUNDLE_SETTINGS.logLevel,
};

/** Options for `esbuild.build()` producing the same bundle NodejsFunction produces for `entry`. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    ...ESBUILD_OPTIONS,
    external: [...BUNDLE_SETTINGS.externalModules],
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    entryPoints: [entry],
    outfile,
  };
}
