/**
 * Where a test file's service logs go: `.test-logs/<path of the test file, "/" → "__">.log` under the repository root.
 * Shared by the jest setup file that writes them (quiet-logs.ts) and the reporter that prints them for a failing file.
 */
// @ts-nocheck

const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const LOG_DIR = path.join(ROOT, '.test-logs');

function logFileFor(testPath) {
  return path.join(LOG_DIR, `${path.relative(ROOT, testPath).replace(/[\\/]/g, '__')}.log`);
}

module.exports = { LOG_DIR, logFileFor };
