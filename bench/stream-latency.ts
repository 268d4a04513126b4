/**
 * `npx tsx bench/stream-latency.ts`: latency of the stream topology on the local runtime (docs/architecture.md "Stream
 * topology"): from a ledger entry written to the table to the start of the router (one stream poll) and of the
 * publish worker (plus one SQS hop). Starts its own DynamoDB Local and SES emulator, 20 samples, poll interval
 * 100 ms (npm start's): the numbers are dominated by the local poll intervals, not by AWS's.
 */
import { PutItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { startLocalServices } from '../local/services';
import { startLocalRuntime } from '../local/runtime';
import { synthTemplate } from '../infra/synth';
import { newId } from '../lambdas/shared/ids';

async function main() {
  const services = await startLocalServices({});
  const rt = await startLocalRuntime({
    template: synthTemplate() as Parameters<typeof startLocalRuntime>[0]['template'],
    dynamoEndpoint: services.dynamoEndpoint,
    sesEndpoint: services.sesEndpoint,
    tableName: 'lat',
    port: 0,
  });
  const ddb = new DynamoDBClient({
    endpoint: services.dynamoEndpoint,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const starts = new Map<string, { route?: number; publish?: number }>();
  rt.setInvokeHook(async (fn, event, next) => {
    const s = JSON.stringify(event);
    for (const [id, v] of starts) if (s.includes(id)) if (fn === 'route' || fn === 'publish') v[fn] ??= performance.now();
    return next();
  });
  const route: number[] = [];
  const publish: number[] = [];
  for (let i = 0; i < 20; i++) {
    const id = `lat-${i}-${Date.now()}`;
    const entryId = newId(new Date());
    const v: { route?: number; publish?: number } = {};
    starts.set(id, v);
    const t0 = performance.now();
    await ddb.send(
      new PutItemCommand({
        TableName: 'lat',
        Item: marshall({
          pk: `C#${id}`,
          sk: `LEDGER#${entryId}`,
          type: 'LEDGER',
          entryId,
          customerId: id,
          kind: 'GRANTED',
          currency: 'EUR',
          amount: 100,
          at: new Date().toISOString(),
          creditId: entryId,
          complaintId: `cmp-${id}`,
          reason: 'test',
          expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString(),
        }),
      }),
    );
    await rt.idle(30_000);
    if (v.route) route.push(v.route - t0);
    if (v.publish) publish.push(v.publish - t0);
    starts.delete(id);
  }
  const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!.toFixed(0);
  console.log(
    JSON.stringify({
      samples: route.length,
      routeStartMs: { p50: q(route, 0.5), p90: q(route, 0.9) },
      workerStartMs: { p50: q(publish, 0.5), p90: q(publish, 0.9) },
      pollIntervalMs: 100,
    }),
  );
  await rt.stop();
  ddb.destroy();
  await services.stop();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
