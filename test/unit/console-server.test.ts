/**
 * The console server as a hostile page or a confused caller meets it: loopback only, every operation needs this
 * run's token, the console's own Origin and Host (CSRF, DNS rebinding), and only the fields each operation knows
 * reach the service. An AWS refusal is handed to the page, not swallowed.
 */
import http from 'node:http';
import type { Backend } from '../../console/backend';
import { startConsole, type ConsoleServer } from '../../console/server';

jest.setTimeout(30_000);

const calls: Array<{ fn: string; payload: unknown }> = [];
let answer: () => Promise<unknown> = async () => ({ ok: true });
const backend: Backend = {
  target: { kind: 'local', label: 'test backend' },
  invoke: (fn, payload) => {
    calls.push({ fn, payload });
    return answer();
  },
  sqs: {} as Backend['sqs'],
  queuePrefix: '',
};

let server: ConsoleServer;
let origin: string;
let token: string;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
function request(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: opts.method ?? 'GET',
        headers: { host: url.host, ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
const api = (op: string, body: unknown, headers: Record<string, string> = {}) =>
  request(`/api/${op}`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', 'x-console-token': token, ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  server = await startConsole({ backend });
  origin = new URL(server.url).origin;
  const page = await request('/');
  token = /name="console-token" content="([^"]+)"/.exec(page.body)![1]!;
});
afterAll(() => server?.stop());
beforeEach(() => {
  calls.length = 0;
  answer = async () => ({ ok: true });
});

test('listens on 127.0.0.1 only; the page carries a fresh token and a strict CSP', async () => {
  expect(new URL(server.url).hostname).toBe('127.0.0.1');
  const page = await request('/');
  expect(page.status).toBe(200);
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(page.headers['x-content-type-options']).toBe('nosniff');
  expect((await request('/app.js')).body).toContain('console-token');
  const other = await startConsole({ backend });
  try {
    const otherPage = await (await fetch(other.url)).text();
    expect(otherPage).not.toContain(token);
  } finally {
    await other.stop();
  }
});

test('an operation is refused without the token, with another token, from another origin, or under another Host', async () => {
  const body = { customerId: 'c-1', creditId: 'cr-1', reason: 'duplicate' };
  expect((await api('void', body, { 'x-console-token': '' })).status).toBe(403);
  // Another token: the last character changed (never to itself: the token ends in 'A' one time in 64).
  const other = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
  expect(other).not.toBe(token);
  expect((await api('void', body, { 'x-console-token': other })).status).toBe(403);
  expect((await api('void', body, { origin: 'http://evil.example' })).status).toBe(403);
  expect((await api('void', body, { origin: 'null' })).status).toBe(403);
  // DNS rebinding: evil.example resolving to 127.0.0.1 sends its own name as Host, even for the page itself
  expect((await api('void', body, { host: `evil.example:${new URL(origin).port}` })).status).toBe(421);
  expect((await request('/', { headers: { host: `evil.example:${new URL(origin).port}` } })).status).toBe(421);
  // a form post (no preflight) cannot set the token, and is not JSON
  expect((await api('void', body, { 'content-type': 'text/plain' })).status).toBe(415);
  expect((await request('/api/void', { method: 'GET' })).status).toBe(404);
  expect(calls).toEqual([]);
  expect((await api('void', body)).status).toBe(200);
  expect(calls).toEqual([{ fn: 'void', payload: body }]);
});

test('only the fields an operation knows reach the function; a missing one is refused before any call', async () => {
  await api('void', { customerId: 'c-1', creditId: 'cr-1', reason: 'r', amount: 999, operation: 'x' });
  await api('decide', { operation: 'approve', customerId: 'c-1', pendingId: 'p-1', approverId: 'lead-7', reasonCode: 'OTHER' });
  expect(calls.map((c) => c.payload)).toEqual([
    { customerId: 'c-1', creditId: 'cr-1', reason: 'r' },
    { operation: 'approve', customerId: 'c-1', pendingId: 'p-1', approverId: 'lead-7' },
  ]);
  calls.length = 0;
  const missing = await api('erase', {});
  expect(missing.status).toBe(400);
  expect(JSON.parse(missing.body).error).toBe('customerId is required');
  expect((await api('decide', { operation: 'delete', customerId: 'c', pendingId: 'p', approverId: 'a' })).status).toBe(400);
  expect((await api('nosuch', {})).status).toBe(404);
  expect(calls).toEqual([]);
});

test("an AWS refusal of the call reaches the page as it came (name, message, status); the function's own refusal as its answer", async () => {
  answer = async () => {
    throw Object.assign(new Error('User: arn:aws:sts::1:assumed-role/finance/kim is not authorized to perform: lambda:InvokeFunction'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
  };
  const denied = JSON.parse((await api('erase', { customerId: 'c-1' })).body);
  expect(denied).toEqual({
    kind: 'refused',
    name: 'AccessDeniedException',
    message: expect.stringContaining('lambda:InvokeFunction'),
    status: 403,
  });
  answer = async () => ({ ok: false, error: { code: 'CREDIT_NOT_FOUND', message: 'no such credit' } });
  expect(JSON.parse((await api('void', { customerId: 'c', creditId: 'x', reason: 'r' })).body)).toEqual({
    kind: 'answer',
    answer: { ok: false, error: { code: 'CREDIT_NOT_FOUND', message: 'no such credit' } },
  });
});

test('the session names who may invoke what, from the catalogue', async () => {
  const session = JSON.parse((await api('session', {})).body).answer;
  expect(session.invokers).toMatchObject({ void: ['ops'], erase: ['privacy'], report: ['finance'], approval: ['approver'] });
  expect(session.mailbox).toBe(false);
});
