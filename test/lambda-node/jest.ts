/**
 * `npm run test:lambda-node [-- jest args]`: runs jest on the Lambda runtime's Node major (test/lambda-node/node.ts),
 * by default the integration project, so every handler runs under Node 22 against DynamoDB Local and the SES
 * emulator whatever Node the machine has. Exits with jest's code; fails (code 1) if there is no such Node binary.
 */
import { spawnSync } from 'node:child_process';
import { findLambdaNode, LAMBDA_NODE_MAJOR } from './node';

const node = findLambdaNode();
if (!node.found) {
  process.stderr.write(`test:lambda-node: ${node.reason}\n`);
  process.exit(1);
}
const args = process.argv.slice(2);
// npm puts node_modules/.bin first on PATH, and the node-<platform> package installs a `node` there: inside
// `npm test` every step, jest included, already runs on that Node. Running the integration project again on the same
// major proves nothing new, so say so and stop (a direct call with jest arguments still runs).
if (args.length === 0 && Number(process.versions.node.split('.')[0]) === LAMBDA_NODE_MAJOR) {
  process.stderr.write(
    `test:lambda-node: this npm run is already on Node ${process.versions.node} (Lambda runtime nodejs${LAMBDA_NODE_MAJOR}.x): ` +
      'the jest run before covered the integration project on it\n',
  );
  process.exit(0);
}
const jestArgs = args.length > 0 ? args : ['--selectProjects', 'integration'];
process.stderr.write(
  `test:lambda-node: jest ${jestArgs.join(' ')} on Node ${node.version} (${node.source}; Lambda runtime nodejs${LAMBDA_NODE_MAJOR}.x)\n`,
);
const r = spawnSync(node.path, [require.resolve('jest/bin/jest'), ...jestArgs], { stdio: 'inherit' });
if (r.error) throw r.error;
process.exit(r.status ?? 1);
