import { decodeItem, DynamoCreditStore, ITEM, keys } from '../../lambdas/adapters/dynamodb';
import { grantCredit } from '../../lambdas/app/grant';
import { redeemCredits } from '../../lambdas/app/redeem';
import { sendCreditIssued } from '../../lambdas/app/notify';
import { eventForStoredItem } from '../../lambdas/app/publish';
import type { Credit } from '../../lambdas/domain/credit';
import { systemClock } from '../../lambdas/shared/clock';
import { FUNCTIONS, type FunctionName } from '../../infra/functions';
import { ASSUMED_REMOTE_MS, PRICES } from '../prices';
import { renderTopology } from './topology';
import type { LocalDynamo } from '../lib/dynamo-local';
import { complaint, grantDeps, grantOk, RecordingMailer, redeemDeps, redeemRequest, uid } from '../lib/fixtures';
import { median, nowMs, quantile } from '../lib/stats';
import { fmt, fmtUsd, renderTable } from '../lib/table';
import type { CapacityResult } from './capacity';

/**
 * Section 5: USD per million grants and per million redeems, from
 *  - the capacity units measured in section 1 (grant; redeem touching 1 credit; the "credit issued" email's notice),
 *  - a Lambda duration per invocation: the use case timed in-process, sequentially, against DynamoDB Local (a proxy:
 *    no Lambda runtime, no network to a real DynamoDB endpoint, no logging/metrics middleware), plus an ASSUMED
 *    latency for the SES and EventBridge calls that the bench does not make,
 *  - each function's configured memory (infra/functions.ts), arm64,
 *  - the list prices in bench/prices.ts.
 *
 * What one grant sets off: the grant invocation (EventBridge rule → grant function); the table stream → notify
 * (1 invocation, 1 SES email, a marker read and a notice write) and → publish (the GRANTED ledger entry:
 * 1 invocation, 1 PutEvents). One redeem: the redeem invocation; the REDEEMED ledger entry → publish
 * (1 invocation, 1 PutEvents). Stream invocations are counted one per record (worst case: batching lowers it).
 * Reading streams from Lambda and event filtering cost nothing.
 */

export interface CostLine {
  item: string;
  quantity: string;
  usdPerMillion: number;
}

export interface CostResult {
  durationsMs: Record<'grant' | 'redeem' | 'notifyIssued' | 'publish', { median: number; p90: number; samples: number }>;
  billedMs: Record<'grant' | 'redeem' | 'route' | 'notify' | 'publish', number>;
  grant: { lines: CostLine[]; total: number };
  redeem: { lines: CostLine[]; total: number };
  prices: typeof PRICES;
  assumedRemoteMs: typeof ASSUMED_REMOTE_MS;
}

function lambdaLine(fn: FunctionName, billedMs: number, label: string): CostLine {
  const mem = FUNCTIONS[fn].memorySize;
  const perInvocation = PRICES.lambda.requestPerMillion / 1e6 + PRICES.lambda.arm64GbSecond * (mem / 1024) * (billedMs / 1000);
  return { item: `Lambda ${fn} (${label})`, quantity: `1 x ${billedMs} ms @ ${mem} MB`, usdPerMillion: perInvocation * 1e6 };
}

export async function runCost(local: LocalDynamo, table: string, capacity: CapacityResult, samples: number): Promise<CostResult> {
  const doc = local.newDocumentClient();
  const store = new DynamoCreditStore(doc, table);
  const time = async (fn: () => Promise<unknown>) => {
    const t0 = nowMs();
    await fn();
    return nowMs() - t0;
  };
  const stats = (xs: number[]) => ({ median: median(xs), p90: quantile(xs, 0.9), samples: xs.length });

  // Warm this process's code paths first (the first calls pay for module and connection set-up).
  for (let i = 0; i < 5; i++) await grantCredit(complaint(uid('cost-w'), 1000), grantDeps(store));

  const grantMs: number[] = [];
  const granted: Array<{ customerId: string; creditId: string; expiresAt: string }> = [];
  for (let i = 0; i < samples; i++) {
    const customerId = uid('cost');
    let out!: Awaited<ReturnType<typeof grantOk>>;
    grantMs.push(await time(async () => (out = await grantOk(complaint(customerId, 5000), store))));
    granted.push({ customerId, creditId: out.creditId, expiresAt: out.expiresAt! });
  }
  const redeemMs: number[] = [];
  for (const g of granted) redeemMs.push(await time(() => redeemCredits(redeemRequest(g.customerId, 1000), redeemDeps(store))));
  const notifyMs: number[] = [];
  const mailer = new RecordingMailer();
  for (const g of granted) {
    const credit = (await store.getCredit(g.customerId, g.creditId, g.expiresAt)) as Credit;
    notifyMs.push(await time(() => sendCreditIssued(credit, { store, mailer, clock: systemClock, timeZone: 'Europe/Berlin' })));
  }
  // publish: decoding the stream image and mapping it to an event (the PutEvents call itself is assumed, above)
  const sampleItem = {
    pk: keys.customer('x'),
    sk: keys.ledger('01J'),
    type: ITEM.LEDGER,
    entryId: '01J',
    customerId: 'x',
    kind: 'REDEEMED',
    currency: 'EUR',
    amount: 1000,
    at: new Date().toISOString(),
    orderId: 'o',
    allocations: [],
    status: 'APPLIED',
  };
  const publishMs: number[] = [];
  for (let i = 0; i < samples; i++) {
    publishMs.push(await time(async () => void eventForStoredItem(decodeItem(sampleItem))));
  }
  doc.destroy();

  const durationsMs = { grant: stats(grantMs), redeem: stats(redeemMs), notifyIssued: stats(notifyMs), publish: stats(publishMs) };
  const billed = (ms: number) => Math.max(1, Math.ceil(ms / PRICES.lambda.billingGranularityMs) * PRICES.lambda.billingGranularityMs);
  const billedMs = {
    grant: billed(durationsMs.grant.median),
    redeem: billed(durationsMs.redeem.median),
    notify: billed(durationsMs.notifyIssued.median + ASSUMED_REMOTE_MS.sesSendEmail),
    publish: billed(durationsMs.publish.median + ASSUMED_REMOTE_MS.eventBridgePutEvents),
    route: billed(ASSUMED_REMOTE_MS.sqsSendMessageBatch),
  };

  const row = (op: string) => {
    const r = capacity.rows.find((x) => x.operation === op);
    if (!r) throw new Error(`cost model needs section 1's "${op}" row`);
    return r.actual.computed;
  };
  const ddb = (label: string, u: { rcu: number; wcu: number }): CostLine[] => [
    { item: `DynamoDB writes (${label})`, quantity: `${u.wcu} WRU`, usdPerMillion: u.wcu * PRICES.dynamodb.writeRequestUnitPerMillion },
    ...(u.rcu
      ? [{ item: `DynamoDB reads (${label})`, quantity: `${u.rcu} RRU`, usdPerMillion: u.rcu * PRICES.dynamodb.readRequestUnitPerMillion }]
      : []),
  ];
  // Each table change a worker consumes passes the router and one work queue: one SendMessageBatch, one
  // ReceiveMessage, one DeleteMessageBatch per record when nothing is batched (the worst case, as below).
  const routed = (what: string): CostLine[] => [
    lambdaLine('route', billedMs.route, `stream: ${what}`),
    {
      item: `SQS requests (${what}: send, receive, delete)`,
      quantity: '3 requests',
      usdPerMillion: 3 * PRICES.sqs.standardRequestPerMillion,
    },
  ];
  const publishLines: CostLine[] = [
    ...routed('ledger entry'),
    lambdaLine('publish', billedMs.publish, 'PublishQueue: ledger entry'),
    { item: 'EventBridge PutEvents', quantity: '1 event', usdPerMillion: PRICES.eventbridge.putEventsPerMillion },
  ];
  const grantLines: CostLine[] = [
    lambdaLine('grant', billedMs.grant, 'EventBridge rule'),
    ...ddb('grant', row('grant')),
    ...routed('new credit'),
    lambdaLine('notify', billedMs.notify, 'NotifyQueue: new credit'),
    ...ddb('issued-email marker', row('issued email (sendCreditIssued)')),
    { item: 'SES email (credit issued)', quantity: '1 email', usdPerMillion: (PRICES.ses.emailPer1000 / 1000) * 1e6 },
    ...publishLines,
  ];
  const redeemLines: CostLine[] = [
    lambdaLine('redeem', billedMs.redeem, 'sync invoke'),
    ...ddb('redeem', row('redeem, 1 credit')),
    ...publishLines,
  ];
  const total = (ls: CostLine[]) => ls.reduce((s, l) => s + l.usdPerMillion, 0);
  return {
    durationsMs,
    billedMs,
    grant: { lines: grantLines, total: total(grantLines) },
    redeem: { lines: redeemLines, total: total(redeemLines) },
    prices: PRICES,
    assumedRemoteMs: ASSUMED_REMOTE_MS,
  };
}

export function renderCost(r: CostResult): string {
  const rows: Array<Array<string | number>> = [];
  for (const [name, part] of [
    ['per million grants', r.grant],
    ['per million redeems', r.redeem],
  ] as const) {
    for (const l of part.lines)
      rows.push([name, l.item, l.quantity, fmtUsd(l.usdPerMillion), `${fmt((l.usdPerMillion / part.total) * 100, 0)}%`]);
    rows.push([name, 'TOTAL', '', fmtUsd(part.total), '100%']);
  }
  const d = r.durationsMs;
  return `${renderTable(
    `5. Cost model (${r.prices.region} on-demand list prices recorded ${r.prices.recorded}, bench/prices.ts; verify before relying)`,
    [
      { header: 'scenario', align: 'left' },
      { header: 'item', align: 'left' },
      { header: 'per operation', align: 'left' },
      { header: 'USD / million' },
      { header: 'share' },
    ],
    rows,
    [
      `Lambda duration = use case timed in-process against DynamoDB Local (median of ${d.grant.samples}): grant ${fmt(d.grant.median, 1)} ms, redeem ${fmt(d.redeem.median, 1)} ms,`,
      `issued email ${fmt(d.notifyIssued.median, 1)} ms + ${r.assumedRemoteMs.sesSendEmail} ms assumed SES call, publish ${fmt(d.publish.median, 3)} ms + ${r.assumedRemoteMs.eventBridgePutEvents} ms assumed PutEvents call;`,
      `router: ${r.assumedRemoteMs.sqsSendMessageBatch} ms assumed SendMessageBatch call per invocation;`,
      'a proxy only: no Lambda runtime, no middy/Powertools, Local instead of the DynamoDB endpoint. Stream and queue invocations counted one per record (batching lowers them).',
      'No target: this table is for budgeting. Capacity units are the computed (AWS-rule) figures of section 1.',
    ],
  )}\n\n${renderTopology()}`;
}
