/**
 * The fault proxy (local/faults.ts) must fail requests the way SES v2 does, so that the real SDK client classifies
 * them as the real service's errors (and retries them, or not, as it would in AWS).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendEmailCommand, SESv2Client, TooManyRequestsException, MessageRejected } from '@aws-sdk/client-sesv2';
import { startFaultProxy, type FaultProxy } from '../support/faults';

let target: http.Server;
let targetUrl: string;
let received: string[] = [];
let proxy: FaultProxy;

beforeAll(async () => {
  target = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      const body = JSON.stringify({ MessageId: `m-${received.length}` });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
    });
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  proxy = await startFaultProxy({ target: targetUrl });
});
afterAll(async () => {
  await proxy.stop();
  await new Promise<void>((r) => target.close(() => r()));
});
beforeEach(() => {
  proxy.up();
  received = [];
});

const client = (maxAttempts: number) =>
  new SESv2Client({
    endpoint: proxy.url,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
  });

const send = (c: SESv2Client, to = 'kim@example.com') =>
  c.send(
    new SendEmailCommand({
      FromEmailAddress: 'no-reply@example.com',
      Destination: { ToAddresses: [to] },
      Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
    }),
  );

test('forwards untouched requests and answers', async () => {
  const out = await send(client(1));
  expect(out.MessageId).toBe('m-1');
  expect(received).toHaveLength(1);
  expect(proxy.log.at(-1)).toMatchObject({ method: 'POST', path: '/v2/email/outbound-emails', status: 200 });
});

test("'throttle' is parsed by the SDK as SES v2 TooManyRequestsException (HTTP 429) and never reaches the target", async () => {
  proxy.failNext(1, 'throttle');
  const err = await send(client(1)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TooManyRequestsException);
  expect((err as TooManyRequestsException).$metadata.httpStatusCode).toBe(429);
  expect((err as Error).message).toBe('Maximum sending rate exceeded.');
  expect(received).toHaveLength(0);
});

test('the SDK retries throttling itself: 2 throttles then success with maxAttempts 3', async () => {
  proxy.failNext(2, 'throttle');
  const out = await send(client(3));
  expect(out.MessageId).toBe('m-1');
  expect(proxy.log.slice(-3).map((l) => l.fault ?? l.status)).toEqual(['throttle', 'throttle', 200]);
  expect(received).toHaveLength(1);
});

test("'outage' is a 503 and 'reset' a dropped connection: both transient for the SDK", async () => {
  proxy.failNext(1, 'outage');
  proxy.failNext(1, 'reset');
  const out = await send(client(3));
  expect(out.MessageId).toBe('m-1');
  expect(proxy.log.slice(-3).map((l) => l.fault ?? l.status)).toEqual(['outage', 'reset', 200]);
  const err = await (async () => {
    proxy.failNext(1, 'outage');
    return send(client(1)).catch((e: unknown) => e);
  })();
  expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(503);
});

test("'reject' is MessageRejected (400), not retried by the SDK; match/message select and word the fault", async () => {
  proxy.failNext(5, 'reject', { match: (r) => r.body.includes('bad@example.com'), message: 'not verified: bad@example.com' });
  expect((await send(client(3), 'good@example.com')).MessageId).toBe('m-1');
  const err = await send(client(3), 'bad@example.com').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MessageRejected);
  expect((err as Error).message).toBe('not verified: bad@example.com');
  expect(proxy.requests((r) => r.body.includes('bad@example.com'))).toHaveLength(1);
});

test('down() fails everything until up()', async () => {
  proxy.down('outage');
  await expect(send(client(2))).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
  proxy.up();
  expect((await send(client(1))).MessageId).toBe('m-1');
});
