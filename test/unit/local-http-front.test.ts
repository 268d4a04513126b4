/** The runtime's HTTP front answers protocol errors as AWS does: 4xx with `{ __type, message }`, never 500. */
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { Activity } from '../../local/activity';
import { EventBuses } from '../../local/eventbridge';
import { createHttpFront } from '../../local/http-front';
import { Queues } from '../../local/sqs';
import type { TemplateModel } from '../../local/template-model';

let server: http.Server;
let url: string;
let offset = 0;

beforeAll(async () => {
  const model = { buses: [{ logicalId: 'B', name: 'bus', arn: 'x' }], rules: [], queues: [] } as unknown as TemplateModel;
  const activity = new Activity();
  server = createHttpFront({
    functions: { byName: () => ({}) } as never,
    buses: new EventBuses(model, {} as never, activity, () => {}),
    queues: new Queues(
      [],
      activity,
      () => 0,
      () => {},
      () => url,
    ),
    health: () => ({ ok: true }),
    buckets: () => ({}),
    clock: { get: () => offset, set: (ms) => (offset = ms) },
    log: () => {},
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const post = async (path: string, body: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: (await res.json()) as any };
};
const putEvents = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' };

it('clock: bad JSON or a non-number offset is a 400 in the AWS shape; a good one sets the offset', async () => {
  expect(await post('/_local/clock', '{oops')).toMatchObject({
    status: 400,
    body: { __type: 'SerializationException', message: expect.any(String) },
  });
  expect(await post('/_local/clock', '[1]')).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
  expect(await post('/_local/clock', '{"offsetMs":"1"}')).toMatchObject({ status: 400, body: { __type: 'ValidationException' } });
  expect(await post('/_local/clock', '{"offsetMs":5}')).toMatchObject({ status: 200, body: { offsetMs: 5 } });
});

it('PutEvents: request errors are 400 with __type and the x-amzn-ErrorType header', async () => {
  for (const body of [
    '{bad',
    '{"Entries":[null]}',
    '{"Entries":[{"EventBusName":5,"Source":"s","DetailType":"d","Detail":"{}"}]}',
    '{"Entries":[]}',
  ]) {
    const r = await post('/', body, putEvents);
    expect(r.status).toBe(400);
    expect(['SerializationException', 'ValidationException']).toContain(r.body.__type);
    expect(r.type).toBe(r.body.__type);
  }
});

it('an operation that is not emulated is a 400 UnknownOperationException', async () => {
  expect(await post('/', '{}', { ...putEvents, 'x-amz-target': 'AWSEvents.ListRules' })).toMatchObject({
    status: 400,
    body: { __type: 'UnknownOperationException' },
  });
});

it('a client reusing a keep-alive connection after 6 s idle is answered, not hung up (issue 20.10)', async () => {
  // The SDK's agent closes an idle connection 1 s before the server's `Keep-Alive: timeout` hint (Node's server
  // closes it 1 s after), unless its event loop is busy then: this agent is that client (it ignores the hint), and
  // the busy wait is the busy loop.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  agent.keepSocketAlive = () => true;
  const health = () =>
    new Promise<{ status: number; keepAlive: string | undefined }>((resolve, reject) =>
      http
        .get(`${url}/_local/health`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, keepAlive: res.headers['keep-alive'] as string | undefined }));
        })
        .on('error', reject),
    );
  try {
    expect(await health()).toEqual({ status: 200, keepAlive: undefined }); // no hint a client would count down from
    const idleSince = Date.now();
    while (Date.now() - idleSince < 6_100); // past Node's default keepAliveTimeout (5 s, closed at 6), before the loop turns
    expect(await health()).toMatchObject({ status: 200 });
  } finally {
    agent.destroy();
  }
}, 20_000);
