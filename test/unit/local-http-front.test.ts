/** The runtime's HTTP front answers protocol errors as AWS does: 4xx with `{ __type, message }`, never 500. */
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
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
