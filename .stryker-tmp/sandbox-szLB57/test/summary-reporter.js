/**
 * Prints one plain closing line, "N passed, N failed, N skipped", after jest's own summary, so any CI can read the
 * result without knowing jest's format. For a test file that failed, it first prints the service logs that file
 * produced (kept in .test-logs/ by test/setup/quiet-logs.ts; a passing file's logs are never printed).
 */
// @ts-nocheck

const fs = require('node:fs');
const { logFileFor } = require('./setup/test-logs.js');

/** At most this many lines of a failing file's log are printed (the whole file stays on disk). */
const MAX_LINES = 400;

class SummaryReporter {
  onTestResult(test, result) {
    if (result.numFailingTests === 0 && !result.testExecError) return;
    const file = logFileFor(test.path);
    let lines;
    try {
      lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    } catch {
      return;
    }
    if (lines.length === 0) return;
    const shown = lines.slice(-MAX_LINES);
    process.stderr.write(
      `\nservice logs of the failing ${test.path} (${shown.length} of ${lines.length} lines; all in ${file}):\n${shown.join('\n')}\n`,
    );
  }

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
