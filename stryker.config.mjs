// @ts-check
/**
 * Mutation testing (`npm run mutate`, issue 15): how well the unit tests pin the behaviour of the pure domain, the use
 * cases and the pure shared helpers. Not part of `npm test`.
 *
 * Type-invalid mutants: TypeScript 7's native compiler has no compiler API, so @stryker-mutator/typescript-checker
 * (StrykerJS 9.x) cannot run; its TS 7 support needs StrykerJS 10 and Node 22. We accept such mutants as noise: swc
 * strips types, so a mutant that would not compile runs as plain JavaScript and is either killed by a test or, if it
 * survives, reviewed by hand (test/mutation/EQUIVALENT.md lists the ones judged harmless).
 *
 * Narrow a run while working: `npm run mutate -- --mutate lambdas/domain/money.ts`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.stryker.config.js', enableFindRelatedTests: true },
  mutate: [
    'lambdas/domain/**/*.ts',
    'lambdas/app/**/*.ts',
    // Pure shared helpers only; middleware.ts and sqs-stream.ts are middy/Powertools wiring covered by integration tests.
    'lambdas/shared/{clock,config,ids,once,retry,sync,observability}.ts',
    '!lambdas/app/ports.ts',
  ],
  coverageAnalysis: 'perTest',
  // Stryker rewrites the tsconfig's extends/references for its sandbox with the TypeScript compiler API, which TS 7 no
  // longer has (`ts.parseConfigFileTextToJson is not a function`). Our tsconfig has neither and jest (swc) never reads
  // it, so point the option at a file that does not exist: the rewrite is skipped.
  tsconfigFile: 'tsconfig.none.json',
  // 2 cores shared with other work: one test runner. Override with --concurrency 2 on an idle machine.
  concurrency: 1,
  // Re-runs only mutants whose code or covering tests changed since the last run; the file is a local cache (gitignored).
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  ignoreStatic: false,
  timeoutMS: 10000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  // List surviving mutants, not the ~500 tests that cover none of them.
  clearTextReporter: { logTests: false },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
};
