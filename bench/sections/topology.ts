/**
 * The table-stream topologies compared (docs/architecture.md "Stream topology"), priced per million stream records that some
 * worker consumes, from bench/prices.ts and the catalogue's memory sizes. Pure arithmetic, no measurement: each
 * option pays its worker invocation; what differs is what sits between the stream and the worker.
 *  (a) three filtered mappings, (b) two mappings, (c) router + SQS (chosen), (d) EventBridge Pipes, one per worker.
 * Two batching cases: one record per invocation/request (worst case) and ten.
 */
import { FUNCTIONS } from '../../infra/functions';
import { renderTable } from '../lib/table';
import { ASSUMED_REMOTE_MS, PRICES } from '../prices';

export interface TopologyOption {
  readonly option: string;
  readonly readersPerShard: number;
  readonly isolation: string;
  /** USD per million consumed records between stream and worker (the worker's own invocation excluded). */
  readonly usdPerMillion: { readonly batch1: number; readonly batch10: number };
}

export function topologyOptions(): TopologyOption[] {
  const route = FUNCTIONS.route;
  const routerUsd = (batch: number) =>
    (PRICES.lambda.requestPerMillion +
      (route.memorySize / 1024) * (ASSUMED_REMOTE_MS.sqsSendMessageBatch / 1000) * 1e6 * PRICES.lambda.arm64GbSecond) /
    batch;
  const sqsUsd = (batch: number) => (3 * PRICES.sqs.standardRequestPerMillion) / batch; // send, receive, delete
  return [
    { option: '(a) three filtered mappings (before)', readersPerShard: 3, isolation: 'full', usdPerMillion: { batch1: 0, batch10: 0 } },
    {
      option: '(b) two mappings: notify + expire/publish',
      readersPerShard: 2,
      isolation: 'none between expiry and publishing',
      usdPerMillion: { batch1: 0, batch10: 0 },
    },
    {
      option: '(c) router + SQS work queues (chosen)',
      readersPerShard: 1,
      isolation: 'full (one queue + DLQ per concern)',
      usdPerMillion: { batch1: routerUsd(1) + sqsUsd(1), batch10: routerUsd(10) + sqsUsd(10) },
    },
    {
      option: '(d) EventBridge Pipes, one per worker',
      readersPerShard: 3,
      isolation: 'full',
      usdPerMillion: { batch1: PRICES.pipes.requestPerMillion, batch10: PRICES.pipes.requestPerMillion / 10 },
    },
  ];
}

export function renderTopology(): string {
  return renderTable(
    'Stream topology: cost per million consumed stream records on top of the worker invocation',
    [
      { header: 'option', align: 'left' },
      { header: 'readers/shard' },
      { header: 'failure isolation', align: 'left' },
      { header: 'USD/M, 1 per batch' },
      { header: 'USD/M, 10 per batch' },
    ],
    topologyOptions().map((o) => [
      o.option,
      o.readersPerShard,
      o.isolation,
      o.usdPerMillion.batch1.toFixed(2),
      o.usdPerMillion.batch10.toFixed(3),
    ]),
    [
      `Router: ${FUNCTIONS.route.memorySize} MB arm64, ${ASSUMED_REMOTE_MS.sqsSendMessageBatch} ms assumed per invocation; SQS ${PRICES.sqs.standardRequestPerMillion} USD/M requests (send, receive, delete per batch).`,
      'Fixed extra of (c): Lambda long-polls each work queue even when idle: assuming 5 pollers with 20 s waits, 648,000 requests = 0.26 USD a month per queue.',
    ],
  );
}
