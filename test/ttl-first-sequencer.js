/**
 * Jest test sequencer: the files that wait for DynamoDB Local's TTL sweep run first. The sweeper is one per
 * DynamoDB Local instance and walks every table; once other files have filled their tables with expired items
 * (holds, clock jumps), a sweep can take minutes. Run in band on a fresh clone (no timing cache), jest's default
 * order put these files last and their TTL waits timed out. The hot-customer file runs beside the first of them (which
 * mostly waits for the sweep): its 8 s budget is the design's target on AWS, and beside the payment model's burst on
 * the same DynamoDB Local and strict layer it measured the machine, not the queue. Everything else keeps jest's
 * default order.
 */
const Sequencer = require('@jest/test-sequencer').default;

const TTL_FIRST = [
  'integration/expiry.test.ts',
  'integration/contention.test.ts',
  'integration/hold-expiry.test.ts',
  'integration/approval.test.ts',
  'integration/faults.test.ts',
  'integration/local-runtime.test.ts',
  'integration/readme-tour.test.ts',
];
const rank = (path) => {
  const i = TTL_FIRST.findIndex((suffix) => path.replace(/\\/g, '/').endsWith(suffix));
  return i === -1 ? TTL_FIRST.length : i;
};

class TtlFirstSequencer extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    return [...ordered].sort((a, b) => rank(a.path) - rank(b.path));
  }
}

module.exports = TtlFirstSequencer;
