/** Two projects: fast pure tests (with the client package's), and integration tests that share one DynamoDB Local + SES emulator per run. */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
// @middy/core ships ES modules only: let swc turn it into CommonJS for jest.
const transformIgnorePatterns = ['/node_modules/(?!@middy/)'];
// Service logs go to .test-logs/<file>.log, printed by the summary reporter only for a failing file.
const setupFilesAfterEnv = ['<rootDir>/test/setup/quiet-logs.ts'];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/infra/**/*.test.ts', '<rootDir>/client/test/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      setupFilesAfterEnv,
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      setupFilesAfterEnv,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
  testTimeout: 60000,
  // TTL-dependent files first (see the file), and two workers also under CI=true (jest would use one on 2 cores).
  testSequencer: '<rootDir>/test/ttl-first-sequencer.js',
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
