/**
 * Jest as StrykerJS runs it (`npm run mutate`): the unit tests only, as one flat project.
 * Unit tests are the ones that pin domain and use-case behaviour quickly; the CDK tests (test/infra) synthesize stacks
 * and integration tests need DynamoDB Local, both far too slow to run per mutant and neither aimed at this code.
 */
const base = require('./jest.config.js');
const unit = base.projects.find((p) => p.displayName === 'unit');

module.exports = {
  ...unit,
  rootDir: __dirname,
  displayName: undefined,
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  testTimeout: base.testTimeout,
};
