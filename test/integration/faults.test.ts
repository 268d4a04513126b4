/**
 * Faults: SES throttling and outages (through a fault-injecting proxy in front of the SES emulator), crashes between
 * a committed write and its side effects, and poison records — the service keeps working and loses nothing.
 * DynamoDB Local + the SES emulator; the runtime's retry delays are short (retryDelayMs) so retries run in ms.
 *
 * Accounting for the SES SDK client's own retries (maxAttempts 3 in lambdas/adapters/ses.ts): one notify attempt
 * at a record makes up to 3 HTTP requests; a throttle/outage fails the record only when all 3 fail.
 */
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { startFaultProxy, type FaultProxy, type ProxyLogEntry } from '../../local/faults';
import type { InvokeHook } from '../../local/runtime';
import { newId } from '../../lambdas/shared/ids';
import { ITEM, keys } from '../../lambdas/adapters/dynamodb/layout';
import { emailsTo, startTestRuntime, waitFor, type TestRuntime } from './harness';
import { complaint, has, ServiceClient, unique, type Complaint } from './service-client';

jest.setTimeout(120_000);

const SES_SDK_ATTEMPTS = 3; // lambdas/adapters/ses.ts
const STREAM_RETRIES = 5; // template: MaximumRetryAttempts of every stream mapping
const ASYNC_ATTEMPTS = 3; // template: grant's EventInvokeConfig, 2 retries

let proxy: FaultProxy;
let t: TestRuntime;
let svc: ServiceClient;
let ddb: DynamoDBClient;

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
  t = await startTestRuntime({ sesEndpoint: proxy.url, retryDelayMs: () => 25 });
  svc = new ServiceClient(t);
  ddb = new DynamoDBClient({
    endpoint: process.env.DDB_ENDPOINT,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
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
});
afterEach(async () => {
  proxy.up();
  extra = undefined;
  await t.runtime.idle(30_000);
  invocations = [];
});

/** The event contains `text` as a whole string value (ids are prefixes of one another: cmp-…-1, cmp-…-10). */
const mentions = (inv: Invocation, text: string) => has(inv.event, text);
const invocationsOf = (fn: string, text: string) => invocations.filter((i) => i.fn === fn && mentions(i, text));
const sesRequests = (email: string) => proxy.requests((r) => r.path === '/v2/email/outbound-emails' && r.body.includes(email));
const outcomeOf = (r: ProxyLogEntry) => r.fault ?? r.status;
const queue = (prefix: string): any[] => Object.entries(t.runtime.queues).find(([name]) => name.startsWith(prefix))?.[1] ?? [];
/** Sequence number of the stream record in `event` that mentions `text`. */
const seqOf = (event: any, text: string): string => event.Records.find((r: any) => has(r, text)).dynamodb.SequenceNumber;

async function backlog(fn: string): Promise<number> {
  const health = (await (await fetch(`${t.runtime.url}/_local/health`)).json()) as {
    mappings: Array<{ function: string; backlog: number }>;
  };
  return health.mappings.find((m) => m.function === fn)!.backlog;
}

/**
 * Hold `fn`'s stream mapping on a "plug" record while `write` runs, until `queued` further records wait behind it:
 * they then arrive in ONE batch when `release()` is called. The plug's own invocation runs normally first.
 */
async function plugged(fn: 'notify' | 'publish', write: () => Promise<void>, queued: number): Promise<() => void> {
  const plug = complaint({ locale: 'en' });
  let held = false;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  extra = async (name, event, next) => {
    if (name !== fn || !has(event, plug.customerId)) return next();
    const out = await next();
    held = true;
    await gate;
    return out;
  };
  await svc.putComplaint(plug);
  await waitFor(() => held, 20_000, 20);
  await write();
  await waitFor(async () => (await backlog(fn)) >= 1 + queued, 20_000, 20);
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
  it('throttled for one record of a batch: that record fails (partial batch failure) and is retried; the others are sent at once; every email exactly once', async () => {
    const [a, b, c] = [complaint({ locale: 'en' }), complaint({ locale: 'en' }), complaint({ locale: 'en' })];
    const release = await plugged('notify', () => svc.putComplaints([a, b, c]), 3);
    proxy.failNext(SES_SDK_ATTEMPTS, 'throttle', { match: (r) => r.body.includes(b.email) });
    release();
    await t.runtime.idle(30_000);

    // the batch held all three; it reported exactly b as failed, and the retry started at b and succeeded
    const batches = invocations.filter((i) => i.fn === 'notify' && mentions(i, b.customerId));
    expect(batches).toHaveLength(2);
    const [failed, retried] = batches as [Invocation, Invocation];
    expect(failed.event.Records).toHaveLength(3);
    expect(failed.result).toEqual({ batchItemFailures: [{ itemIdentifier: seqOf(failed.event, b.customerId) }] });
    expect(retried.event.Records[0].dynamodb.SequenceNumber).toBe(seqOf(failed.event, b.customerId));
    expect(retried.result).toEqual({ batchItemFailures: [] });

    // b: the SDK tried 3 times (all throttled), then the stream retry sent it; a and c went out in the first batch
    expect(sesRequests(b.email).map(outcomeOf)).toEqual(['throttle', 'throttle', 'throttle', 200]);
    for (const x of [a, c]) expect(sesRequests(x.email).map(outcomeOf)).toEqual([200]);
    const sentAt = (x: Complaint) => proxy.log.indexOf(sesRequests(x.email).find((r) => r.status === 200)!);
    expect(sentAt(a)).toBeLessThan(sentAt(b));
    expect(sentAt(c)).toBeLessThan(sentAt(b));

    for (const x of [a, b, c]) {
      await expectGrantedOnce(x);
      expect(invocationsOf('grant', x.complaintId)).toHaveLength(1); // the grant is never repeated because of SES
    }
    expect(queue('NotifyStreamFailures')).toEqual([]);
  });

  it('SES down (503) for two attempts at a record: no email, no repeated grant; once it is back: exactly one email', async () => {
    const d = complaint({ locale: 'en' });
    let failedAttempts = 0;
    proxy.down('outage');
    extra = async (fn, event, next) => {
      const out = (await next()) as { batchItemFailures: unknown[] };
      if (fn === 'notify' && has(event, d.customerId) && out.batchItemFailures.length > 0) {
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
    expect(queue('NotifyStreamFailures')).toEqual([]);
  });

  it('dropped connections are retried by the SES client itself: one notify attempt, one email', async () => {
    const e = complaint({ locale: 'en' });
    proxy.failNext(2, 'reset', { match: (r) => r.body.includes(e.email) });
    await svc.grant(e);
    expect(sesRequests(e.email).map(outcomeOf)).toEqual(['reset', 'reset', 200]);
    expect(invocationsOf('notify', e.customerId).map((i) => i.result)).toEqual([{ batchItemFailures: [] }]);
    await expectGrantedOnce(e);
  });

  it("SES refuses a record every time: after the mapping's retries it lands in NotifyStreamFailures, the credit stays; re-driven later it is sent once", async () => {
    const g = complaint({ locale: 'en' });
    proxy.failNext(1 + STREAM_RETRIES, 'reject', { match: (r) => r.body.includes(g.email), message: 'Sending paused for this account.' });
    await svc.grant(g);
    expect(sesRequests(g.email).map(outcomeOf)).toEqual(Array(1 + STREAM_RETRIES).fill('reject')); // not retried by the SDK
    const dlq = queue('NotifyStreamFailures').filter((m) => has(m, g.customerId));
    expect(dlq).toHaveLength(1);
    expect(dlq[0]).toMatchObject({ requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 + STREAM_RETRIES } });
    expect(await emailsTo(g.email)).toEqual([]);
    expect((await svc.balance(g.customerId)).courtesyCredit.balances[0].available).toBe(g.amount); // money is not lost

    // re-drive the discarded records (what an operator does from the queue): now it goes out, once
    expect(await t.runtime.invoke('notify', { Records: dlq[0].records })).toEqual({ batchItemFailures: [] });
    expect(await t.runtime.invoke('notify', { Records: dlq[0].records })).toEqual({ batchItemFailures: [] });
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
  ])('notify crashes %s on its first call → the batch is retried from the stream; exactly one email', async (_name, afterSend) => {
    const c = complaint({ locale: 'en' });
    let calls = 0;
    extra = async (fn, event, next) => {
      if (fn !== 'notify' || !has(event, c.customerId) || ++calls > 1) return next();
      if (afterSend) await next();
      throw new Error('simulated crash (process killed)');
    };
    await svc.grant(c);
    const runs = invocationsOf('notify', c.customerId);
    expect(runs.map((r) => r.error?.message ?? 'ok')).toEqual(['simulated crash (process killed)', 'ok']);
    expect(sesRequests(c.email).map(outcomeOf)).toEqual([200]);
    await expectGrantedOnce(c);
  });
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

  it('a ledger item the publisher cannot turn into an event → PublishStreamFailures after the retries; the rest of the batch is published', async () => {
    const customerId = unique('cust');
    const good1 = ledgerItem(customerId);
    const poison = ledgerItem(customerId, { kind: 'TRANSFERRED' });
    const good2 = ledgerItem(customerId);
    const release = await plugged('publish', () => writeItems([good1, poison, good2]), 3);
    release();
    await t.runtime.idle(30_000);

    const dlq = queue('PublishStreamFailures').filter((m) => has(m, customerId));
    expect(dlq).toHaveLength(1);
    expect(dlq[0].requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 + STREAM_RETRIES });
    // Lambda discards from the checkpoint (the poison record) to the end of the batch; the function reported only the poison one
    const discarded = dlq[0].records.map((r: any) => r.dynamodb.Keys.sk.S);
    expect(discarded).toEqual([poison.sk, good2.sk]);
    expect(dlq[0].responsePayload).toEqual({ batchItemFailures: [{ itemIdentifier: dlq[0].records[0].dynamodb.SequenceNumber }] });
    const failedAttempts = invocations.filter((i) => i.fn === 'publish' && mentions(i, poison.sk as string));
    expect(failedAttempts).toHaveLength(1 + STREAM_RETRIES);
    for (const a of failedAttempts) expect(a.result.batchItemFailures).toHaveLength(1);
    // both good entries were published (records after the poison one are re-delivered with it: same eventId)
    const published = svc.events('CreditGranted', customerId);
    expect(new Set(published.map((e) => e.detail.eventId))).toEqual(new Set([`GRANTED#${good1.entryId}`, `GRANTED#${good2.entryId}`]));
    expect(published.filter((e) => e.detail.eventId === `GRANTED#${good1.entryId}`)).toHaveLength(1);
    expect(t.runtime.events.filter((e) => JSON.stringify(e.detail).includes(poison.entryId as string))).toEqual([]);
  });

  it('a record that crashes the publisher → bisected out of its batch, to PublishStreamFailures; every other record published exactly once', async () => {
    const customerId = unique('cust');
    const [g1, x, g2, g3] = [ledgerItem(customerId), ledgerItem(customerId), ledgerItem(customerId), ledgerItem(customerId)];
    const release = await plugged('publish', () => writeItems([g1, x, g2, g3]), 4);
    extra = async (fn, event, next) => {
      if (fn === 'publish' && has(event, x.sk as string)) throw new Error('simulated crash on a poison record');
      return next();
    };
    release();
    await t.runtime.idle(30_000);

    const dlq = queue('PublishStreamFailures').filter((m) => has(m, customerId));
    expect(dlq).toHaveLength(1);
    expect(dlq[0].records.map((r: any) => r.dynamodb.Keys.sk.S)).toEqual([x.sk]);
    expect(dlq[0].responsePayload).toMatchObject({ errorMessage: 'simulated crash on a poison record' });
    expect(dlq[0].requestContext.approximateInvokeCount).toBe(1 + STREAM_RETRIES);
    const published = svc.events('CreditGranted', customerId).map((e) => e.detail.eventId);
    expect(published.sort()).toEqual([g1, g2, g3].map((g) => `GRANTED#${g.entryId}`).sort());
    // the batch really held all four, and was split until the poison record stood alone
    const sizes = invocationsOf('publish', customerId).map((i) => i.event.Records.length);
    expect(sizes[0]).toBe(4);
    expect(sizes).toContain(1);
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
