/**
 * Faults: SES throttling and outages (through a fault-injecting proxy in front of the SES emulator), crashes between
 * a committed write and its side effects, and poison records — the service keeps working and loses nothing.
 * DynamoDB Local + the SES emulator; the runtime's retry delays and SQS visibility timeouts are scaled down
 * (retryDelayMs, queueDelayMs) so retries run in ms.
 *
 * The stream router forwards every table change to a worker's queue (ExpireQueue, NotifyQueue, PublishQueue); a
 * message a worker fails reappears after the visibility timeout, and after maxReceiveCount receives moves to the
 * queue's dead-letter queue WITH its record, from where it is redriven (StartMessageMoveTask).
 *
 * Accounting for the SES SDK client's own retries (maxAttempts 3 in lambdas/adapters/ses.ts): one notify attempt
 * at a message makes up to 3 HTTP requests; a throttle/outage fails the message only when all 3 fail.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { startFaultProxy, type FaultProxy, type ProxyLogEntry } from '../support/faults';
import type { InvokeHook } from '../../local/runtime';
import { newId } from '../../lambdas/shared/ids';
import { offsetClock, setClock, systemClock } from '../../lambdas/shared/clock';
import { DAY_MS } from '../../lambdas/domain/credit';
import { ITEM, keys } from '../../lambdas/adapters/dynamodb/layout';
import { FUNCTIONS } from '../../infra/functions';
import { REPO_ROOT } from '../../infra/paths';
import { emailsTo, startTestRuntime, TTL_WAIT_MS, waitFor, withParsedBodies, type TestRuntime } from './harness';
import { localDynamoClient } from './service-fixture';
import { complaint, has, ServiceClient, unique, type Complaint } from './service-client';

jest.setTimeout(240_000);
const execFileAsync = promisify(execFile);

const SES_SDK_ATTEMPTS = 3; // lambdas/adapters/ses.ts
const NOTIFY_RECEIVES = FUNCTIONS.notify.trigger.queue.maxReceiveCount; // NotifyQueue's redrive policy
const PUBLISH_RECEIVES = FUNCTIONS.publish.trigger.queue.maxReceiveCount;
const ASYNC_ATTEMPTS = 3; // template: grant's EventInvokeConfig, 2 retries

let proxy: FaultProxy;
let t: TestRuntime;
let svc: ServiceClient;
let ddb: DynamoDBClient;
let sqs: SQSClient;

interface Invocation {
  fn: string;
  event: any;
  result?: any;
  error?: Error;
}
let invocations: Invocation[] = [];
/** Per-test extra behaviour around an invocation (runs inside the recording hook). */
let extra: InvokeHook | undefined;

beforeAll(async () => {
  proxy = await startFaultProxy({ target: process.env.SES_ENDPOINT! });
  // A visibility timeout of s seconds lasts 4·s ms here (NotifyQueue: 6 × 60 s → 1.44 s).
  t = await startTestRuntime({ sesEndpoint: proxy.url, retryDelayMs: () => 25, queueDelayMs: (s) => s * 4 });
  svc = new ServiceClient(t);
  ddb = localDynamoClient();
  sqs = new SQSClient({ endpoint: t.runtime.url, region: 'eu-central-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  t.runtime.setInvokeHook(async (fn, event, next) => {
    const inv: Invocation = { fn, event };
    invocations.push(inv);
    try {
      inv.result = await (extra ? extra(fn, event, next) : next());
      return inv.result;
    } catch (e) {
      inv.error = e as Error;
      throw e;
    }
  });
});
afterAll(async () => {
  await t?.stop();
  await proxy?.stop();
  ddb?.destroy();
  sqs?.destroy();
});
afterEach(async () => {
  proxy.up();
  extra = undefined;
  setClock(systemClock);
  await t.runtime.idle(60_000);
  invocations = [];
});

/** An event with every SQS message body parsed (a worker's message body is the stream record, as JSON). */
const decoded = withParsedBodies;
/** The event contains `text` as a whole string value (ids are prefixes of one another: cmp-…-1, cmp-…-10). */
const mentions = (inv: Invocation, text: string) => has(decoded(inv.event), text);
const invocationsOf = (fn: string, text: string) => invocations.filter((i) => i.fn === fn && mentions(i, text));
const sesRequests = (email: string) => proxy.requests((r) => r.path === '/v2/email/outbound-emails' && r.body.includes(email));
const outcomeOf = (r: ProxyLogEntry) => r.fault ?? r.status;
/** Message bodies (parsed: stream records) of the queue whose logical id starts with `prefix`. */
const queue = (prefix: string): any[] => {
  const hits = Object.entries(t.runtime.queues).filter(([name]) => name.startsWith(prefix));
  expect(hits).toHaveLength(1);
  return hits[0]![1];
};
const queueName = (prefix: string): string => Object.keys(t.runtime.queues).find((name) => name.startsWith(prefix))!;
/** Message id of the SQS record in `event` whose stream record mentions `text`. */
const messageIdOf = (event: any, text: string): string => event.Records.find((r: any) => has(JSON.parse(r.body), text)).messageId;
/** Move every message of a dead-letter queue back to its source queue, as an operator does (SQS StartMessageMoveTask). */
async function redrive(dlqPrefix: string): Promise<void> {
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: `arn:aws:sqs:eu-central-1:000000000000:${queueName(dlqPrefix)}` }));
}

/**
 * Hold `fn`'s queue mapping on a "plug" message while `write` runs, until `queued` further messages wait in its
 * queue: they then arrive in ONE batch when `release()` is called. The plug's own invocation runs normally first.
 */
async function plugged(fn: 'notify' | 'publish', write: () => Promise<void>, queued: number): Promise<() => void> {
  const plug = complaint({ locale: 'en' });
  const prefix = `${fn[0]!.toUpperCase()}${fn.slice(1)}Queue`;
  let held = false;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  extra = async (name, event, next) => {
    if (name !== fn || !has(decoded(event), plug.customerId)) return next();
    const out = await next();
    held = true;
    await gate;
    return out;
  };
  await svc.putComplaint(plug);
  await waitFor(() => held, 20_000, 20);
  await write();
  await waitFor(() => queue(prefix).length >= 1 + queued, 20_000, 20);
  return release;
}

async function expectGrantedOnce(c: Complaint): Promise<void> {
  const items = await svc.items(c.customerId);
  expect(items.filter((i) => i.type === ITEM.CREDIT).map((i) => i.amount)).toEqual([c.amount]);
  expect(items.filter((i) => i.type === ITEM.LEDGER).map((i) => i.kind)).toEqual(['GRANTED']);
  expect(items.filter((i) => i.type === ITEM.NOTICE).map((i) => i.notice)).toEqual(['ISSUED']);
  expect(svc.events('CreditGranted', c.customerId)).toHaveLength(1);
  expect(await emailsTo(c.email)).toHaveLength(1);
}

describe('SES throttling and outage (fault proxy in front of the SES emulator)', () => {
  it('throttled for one message of a batch: that message fails (partial batch failure) and comes again; the others are sent at once; every email exactly once', async () => {
    const [a, b, c] = [complaint({ locale: 'en' }), complaint({ locale: 'en' }), complaint({ locale: 'en' })];
    const release = await plugged('notify', () => svc.putComplaints([a, b, c]), 3);
    proxy.failNext(SES_SDK_ATTEMPTS, 'throttle', { match: (r) => r.body.includes(b.email) });
    release();
    await t.runtime.idle(30_000);

    // the batch held all three; it reported exactly b as failed, and b alone came again after its visibility timeout
    const batches = invocationsOf('notify', b.customerId);
    expect(batches).toHaveLength(2);
    const [failed, retried] = batches as [Invocation, Invocation];
    expect(failed.event.Records).toHaveLength(3);
    expect(failed.result).toEqual({ batchItemFailures: [{ itemIdentifier: messageIdOf(failed.event, b.customerId) }] });
    expect(retried.event.Records.map((r: any) => r.messageId)).toEqual([messageIdOf(failed.event, b.customerId)]);
    expect(retried.event.Records[0].attributes.ApproximateReceiveCount).toBe('2');
    expect(retried.result).toEqual({ batchItemFailures: [] });

    // b: the SDK tried 3 times (all throttled), then the redelivery sent it; a and c went out in the first batch
    expect(sesRequests(b.email).map(outcomeOf)).toEqual(['throttle', 'throttle', 'throttle', 200]);
    for (const x of [a, c]) expect(sesRequests(x.email).map(outcomeOf)).toEqual([200]);
    const sentAt = (x: Complaint) => proxy.log.indexOf(sesRequests(x.email).find((r) => r.status === 200)!);
    expect(sentAt(a)).toBeLessThan(sentAt(b));
    expect(sentAt(c)).toBeLessThan(sentAt(b));

    for (const x of [a, b, c]) {
      await expectGrantedOnce(x);
      expect(invocationsOf('grant', x.complaintId)).toHaveLength(1); // the grant is never repeated because of SES
    }
    expect(queue('NotifyDlq')).toEqual([]);
  });

  it('SES down (503) for two attempts at a message: no email, no repeated grant; once it is back: exactly one email', async () => {
    const d = complaint({ locale: 'en' });
    let failedAttempts = 0;
    proxy.down('outage');
    extra = async (fn, event, next) => {
      const out = (await next()) as { batchItemFailures: unknown[] };
      if (fn === 'notify' && has(decoded(event), d.customerId) && out.batchItemFailures.length > 0) {
        failedAttempts++;
        if (failedAttempts === 2) proxy.up(); // SES recovers after the second failed attempt
      }
      return out;
    };
    await svc.putComplaint(d);
    await t.runtime.idle(30_000);

    expect(failedAttempts).toBe(2);
    expect(sesRequests(d.email).map(outcomeOf)).toEqual([...Array(2 * SES_SDK_ATTEMPTS).fill('outage'), 200]);
    expect(invocationsOf('notify', d.customerId)).toHaveLength(3);
    await expectGrantedOnce(d);
    expect(invocationsOf('grant', d.complaintId)).toHaveLength(1);
    expect(queue('NotifyDlq')).toEqual([]);
  });

  it('dropped connections are retried by the SES client itself: one notify attempt, one email', async () => {
    const e = complaint({ locale: 'en' });
    proxy.failNext(2, 'reset', { match: (r) => r.body.includes(e.email) });
    await svc.grant(e);
    expect(sesRequests(e.email).map(outcomeOf)).toEqual(['reset', 'reset', 200]);
    expect(invocationsOf('notify', e.customerId).map((i) => i.result)).toEqual([{ batchItemFailures: [] }]);
    await expectGrantedOnce(e);
  });

  it('a poison email (SES refuses it every time) ends in NotifyDlq WITH its record; expiry and publishing go on meanwhile; redriven after the fix it is sent exactly once', async () => {
    const g = complaint({ locale: 'en' });
    const other = complaint({ amount: 1200, validityDays: 30 });
    proxy.down('reject', { match: (r) => r.body.includes(g.email), message: 'Sending paused for this account.' });
    await svc.grant(g);
    // another customer's credit, granted 30 days minus 4 s ago: DynamoDB Local's TTL removes it while g's email fails
    const restore = setClock(offsetClock(-30 * DAY_MS + 4000));
    await svc.grant(other);
    restore();

    // g's record: NOTIFY_RECEIVES failed attempts, then it moves to NotifyDlq — the whole stream record, not metadata
    const dead = await waitFor(() => queue('NotifyDlq').find((m) => has(m, g.customerId)), 30_000, 50);
    expect(dead).toMatchObject({
      eventName: 'INSERT',
      dynamodb: { NewImage: { type: { S: ITEM.CREDIT }, customerId: { S: g.customerId } } },
    });
    expect(sesRequests(g.email).map(outcomeOf)).toEqual(Array(NOTIFY_RECEIVES).fill('reject')); // MessageRejected: not retried by the SDK
    expect(invocationsOf('notify', g.customerId)).toHaveLength(NOTIFY_RECEIVES);
    expect(queue('NotifyQueue').filter((m) => has(m, g.customerId))).toEqual([]);

    // isolation: while SES still refuses g, the other credit's expiry is recorded and published, and g's grant was published
    const expired = await waitFor(async () => svc.events('CreditExpired', other.customerId)[0], TTL_WAIT_MS, 250);
    expect(expired.detail).toMatchObject({ amount: 1200, currency: 'EUR' });
    expect((await svc.items(other.customerId)).filter((i) => i.type === ITEM.LEDGER && i.kind === 'EXPIRED')).toHaveLength(1);
    expect(svc.events('CreditGranted', g.customerId)).toHaveLength(1);
    expect(await emailsTo(g.email)).toEqual([]);
    expect((await svc.balance(g.customerId)).courtesyCredit.balances[0].available).toBe(g.amount); // money is not lost
    expect(sesRequests(g.email)).toHaveLength(NOTIFY_RECEIVES); // the dead letter is not retried by itself

    // the fault is fixed; an operator redrives NotifyDlq with the CLI (days later would do: the DLQ keeps messages 14 days)
    proxy.up();
    const { stdout } = await execFileAsync(
      path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
      ['local/cli.ts', 'redrive', '--queue', 'NotifyDlq'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, COURTESY_LOCAL_URL: t.runtime.url, COURTESY_ENDPOINTS: path.join(REPO_ROOT, '.no-endpoints-file') },
      },
    );
    expect(JSON.parse(stdout)).toMatchObject({ sourceArn: expect.stringMatching(/:NotifyDlq[0-9A-F]{8}$/), messagesBefore: 1 });
    await t.runtime.idle(30_000);
    expect(queue('NotifyDlq')).toEqual([]);
    await redrive('NotifyDlq'); // a second redrive of an empty DLQ changes nothing
    await t.runtime.idle(30_000);
    expect(sesRequests(g.email).map(outcomeOf)).toEqual([...Array(NOTIFY_RECEIVES).fill('reject'), 200]);
    await expectGrantedOnce(g);
  });
});

describe('crash between a committed write and its side effects', () => {
  it.each([
    ['after the transaction committed', true],
    ['before the transaction', false],
  ])('grant crashes %s on its first attempt → async retry; one credit, one email, one event', async (_name, afterCommit) => {
    const c = complaint({ locale: 'en' });
    let calls = 0;
    extra = async (fn, event, next) => {
      if (fn !== 'grant' || (event as any)?.detail?.complaintId !== c.complaintId || ++calls > 1) return next();
      if (afterCommit) await next(); // the credit is committed…
      throw new Error('simulated crash (process killed)'); // …and the process dies before anything else happens
    };
    await svc.putComplaint(c);
    await t.runtime.idle(30_000);
    const grants = invocationsOf('grant', c.complaintId);
    expect(grants.map((g) => g.error?.message ?? g.result.outcome)).toEqual([
      'simulated crash (process killed)',
      afterCommit ? 'DUPLICATE' : 'GRANTED',
    ]);
    expect(svc.failures(c.complaintId)).toEqual([]);
    await expectGrantedOnce(c);
  });

  it.each([
    ['before sending', false],
    ['after sending and recording the notice', true],
  ])(
    'notify crashes %s on its first call → the message comes again after its visibility timeout; exactly one email',
    async (_name, afterSend) => {
      const c = complaint({ locale: 'en' });
      let calls = 0;
      extra = async (fn, event, next) => {
        if (fn !== 'notify' || !has(decoded(event), c.customerId) || ++calls > 1) return next();
        if (afterSend) await next();
        throw new Error('simulated crash (process killed)');
      };
      await svc.grant(c);
      const runs = invocationsOf('notify', c.customerId);
      expect(runs.map((r) => r.error?.message ?? 'ok')).toEqual(['simulated crash (process killed)', 'ok']);
      expect(sesRequests(c.email).map(outcomeOf)).toEqual([200]);
      await expectGrantedOnce(c);
    },
  );
});

describe('poison records', () => {
  /** A LEDGER item as the service writes it (GRANTED), for a customer of its own. */
  function ledgerItem(customerId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const entryId = newId(new Date());
    return {
      pk: keys.customer(customerId),
      sk: keys.ledger(entryId),
      type: ITEM.LEDGER,
      entryId,
      customerId,
      kind: 'GRANTED',
      currency: 'EUR',
      amount: 100,
      at: new Date().toISOString(),
      creditId: entryId,
      complaintId: unique('cmp'),
      reason: 'test',
      expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      ...overrides,
    };
  }

  async function writeItems(items: Record<string, unknown>[]): Promise<void> {
    await ddb.send(
      new BatchWriteItemCommand({ RequestItems: { [t.tableName]: items.map((i) => ({ PutRequest: { Item: marshall(i) } })) } }),
    );
  }

  it('a ledger item the publisher cannot turn into an event → PublishDlq (with its record) after maxReceiveCount receives; the rest is published once', async () => {
    const customerId = unique('cust');
    const good1 = ledgerItem(customerId);
    const poison = ledgerItem(customerId, { kind: 'TRANSFERRED' });
    const good2 = ledgerItem(customerId);
    const release = await plugged('publish', () => writeItems([good1, poison, good2]), 3);
    release();
    await t.runtime.idle(30_000);

    // the router forwarded all three (it never decodes an item's content, so a poison item cannot stall the stream)
    const dlq = queue('PublishDlq').filter((m) => has(m, customerId));
    expect(dlq.map((r) => r.dynamodb.Keys.sk.S)).toEqual([poison.sk]);
    expect(dlq[0]).toMatchObject({ eventName: 'INSERT', dynamodb: { NewImage: { kind: { S: 'TRANSFERRED' } } } });
    // the first batch held all three and reported exactly the poison message; it alone came again until it moved
    const attempts = invocationsOf('publish', poison.sk as string);
    expect(attempts).toHaveLength(PUBLISH_RECEIVES);
    expect(attempts[0]!.event.Records).toHaveLength(3);
    for (const a of attempts) expect(a.result.batchItemFailures).toEqual([{ itemIdentifier: messageIdOf(a.event, poison.sk as string) }]);
    const published = svc.events('CreditGranted', customerId);
    expect(published.map((e) => e.detail.eventId).sort()).toEqual([`GRANTED#${good1.entryId}`, `GRANTED#${good2.entryId}`].sort());
    expect(t.runtime.events.filter((e) => JSON.stringify(e.detail).includes(poison.entryId as string))).toEqual([]);
  });

  it('a record that crashes the publisher fails its whole batch (SQS does not bisect): those messages end in PublishDlq; redriven after the fix, every event is published exactly once', async () => {
    const customerId = unique('cust');
    const [g1, x, g2, g3] = [ledgerItem(customerId), ledgerItem(customerId), ledgerItem(customerId), ledgerItem(customerId)];
    const release = await plugged('publish', () => writeItems([g1, x, g2, g3]), 4);
    extra = async (fn, event, next) => {
      if (fn === 'publish' && has(decoded(event), x.sk as string)) throw new Error('simulated crash on a poison record');
      return next();
    };
    release();
    await t.runtime.idle(30_000);

    // the batch really held all four; every attempt with x crashed, so its batch-mates failed with it
    const withX = invocationsOf('publish', x.sk as string);
    expect(withX[0]!.event.Records).toHaveLength(4);
    expect(withX).toHaveLength(PUBLISH_RECEIVES);
    for (const a of withX) expect(a.error?.message).toBe('simulated crash on a poison record');
    const dead = queue('PublishDlq')
      .filter((m) => has(m, customerId))
      .map((r) => r.dynamodb.Keys.sk.S);
    expect(dead).toContain(x.sk);
    expect(new Set(dead).size).toBe(dead.length);
    // nothing was published for a dead record; what was published, was published once
    const eventIds = () => svc.events('CreditGranted', customerId).map((e) => e.detail.eventId as string);
    for (const g of [g1, x, g2, g3])
      expect(eventIds().filter((id) => id === `GRANTED#${g.entryId}`)).toHaveLength(dead.includes(g.sk) ? 0 : 1);

    // crash fixed, the DLQ redriven: every entry published exactly once
    extra = undefined;
    await redrive('PublishDlq');
    await t.runtime.idle(30_000);
    expect(queue('PublishDlq').filter((m) => has(m, customerId))).toEqual([]);
    expect(eventIds().sort()).toEqual([g1, x, g2, g3].map((g) => `GRANTED#${g.entryId}`).sort());
  });

  it('a malformed ComplaintResolved event → GrantFailures after the async retries; the other events of the same PutEvents call are granted', async () => {
    const good1 = complaint({ locale: 'en' });
    const good2 = complaint({ locale: 'en' });
    const marker = unique('poison');
    const malformed = {
      complaintId: marker,
      customerId: { $ne: null },
      amount: [1e9],
      currency: 'EUR',
      validityDays: 'forever',
      note: '<x>',
    };
    await svc.putComplaints([good1, malformed, good2]);
    await t.runtime.idle(30_000);

    const failed = svc.failures(marker) as any[];
    expect(failed).toHaveLength(1);
    expect(failed[0].requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: ASYNC_ATTEMPTS });
    expect(failed[0].requestPayload.detail).toEqual(malformed);
    expect(failed[0].responsePayload.errorType).toBe('INVALID_INPUT');
    expect(failed[0].responsePayload.errorMessage).toContain('customerId: Invalid input: expected string, received object');
    expect(invocationsOf('grant', marker)).toHaveLength(ASYNC_ATTEMPTS);
    for (const g of [good1, good2]) await expectGrantedOnce(g);
  });
});
