/**
 * The runtime's HTTP front, speaking the AWS wire protocols the SDK clients use with an endpoint override:
 * EventBridge PutEvents (JSON 1.1, `x-amz-target: AWSEvents.PutEvents`), SQS (JSON 1.0, `AmazonSQS.<Op>`),
 * Lambda Invoke (REST, POST /2015-03-31/functions/{name}/invocations); plus /_local/* for tools (health,
 * events, queues, buckets, clock). Protocol errors answer as AWS does: 4xx with `{ __type, message }`.
 */
import http from 'node:http';
import type { Context } from 'aws-lambda';
import { AwsError, parseJsonBody, validation } from './aws-errors';
import { FunctionNotFound, type Functions } from './functions';
import type { EventBuses } from './eventbridge';
import type { Queues } from './sqs';
import { handleSqsOperation } from './sqs-protocol';

export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface HttpFrontDeps {
  functions: Functions;
  buses: EventBuses;
  queues: Queues;
  health: () => unknown;
  buckets: () => unknown;
  clock?: { get(): number; set(offsetMs: number): void };
  log: (line: string) => void;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_PAYLOAD_BYTES + 1) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(text)), ...headers }).end(text);
}

const asObject = (v: unknown): Record<string, any> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new AwsError(400, 'SerializationException', 'the request body must be a JSON object');
  return v as Record<string, any>;
};

export function createHttpFront(deps: HttpFrontDeps): http.Server {
  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const target = req.headers['x-amz-target'];
    const contentType =
      typeof target === 'string' && target.startsWith('AmazonSQS.')
        ? 'application/x-amz-json-1.0'
        : target
          ? 'application/x-amz-json-1.1'
          : 'application/json';
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      if (req.method === 'GET' && url.pathname === '/_local/health') return sendJson(res, 200, deps.health());
      if (req.method === 'GET' && url.pathname === '/_local/events') return sendJson(res, 200, deps.buses.eventLog);
      if (req.method === 'GET' && url.pathname === '/_local/queues') return sendJson(res, 200, deps.queues.snapshot());
      if (req.method === 'GET' && url.pathname === '/_local/buckets') return sendJson(res, 200, deps.buckets());
      if (url.pathname === '/_local/clock' && deps.clock) {
        if (req.method === 'POST') {
          const body = asObject(parseJsonBody(await readBody(req)));
          if (typeof body.offsetMs !== 'number' || !Number.isFinite(body.offsetMs)) throw validation('body must be {"offsetMs": number}');
          deps.clock.set(body.offsetMs);
          deps.log(`clock offset set to ${body.offsetMs} ms`);
        }
        return sendJson(res, 200, { offsetMs: deps.clock.get(), now: new Date(Date.now() + deps.clock.get()).toISOString() });
      }
      if (req.method === 'POST' && typeof target === 'string' && url.pathname.startsWith('/')) {
        const [service, operation] = target.split('.');
        const input = asObject(parseJsonBody(await readBody(req)));
        if (service === 'AWSEvents' && operation === 'PutEvents')
          return sendJson(res, 200, deps.buses.putEvents(input.Entries), contentType);
        if (service === 'AmazonSQS' && operation) return sendJson(res, 200, handleSqsOperation(deps.queues, operation, input), contentType);
        throw new AwsError(400, 'UnknownOperationException', `${target} is not emulated by the local runtime`);
      }
      const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
      if (req.method === 'POST' && m) return await invoke(req, res, m[1]!);
      sendJson(res, 404, { message: `no route for ${req.method} ${url.pathname}` });
    } catch (e) {
      if (e instanceof FunctionNotFound)
        return sendJson(res, 404, { __type: 'ResourceNotFoundException', Type: 'User', message: e.message }, 'application/json', {
          'x-amzn-ErrorType': 'ResourceNotFoundException',
        });
      if (e instanceof AwsError) {
        const headers: Record<string, string> = { 'x-amzn-ErrorType': e.type };
        if (e.type.startsWith('com.amazonaws.sqs#'))
          headers['x-amzn-query-error'] = `AWS.SimpleQueueService.${e.type.split('#')[1]};Sender`;
        return sendJson(res, e.status, { ...e.body(), Type: 'User' }, contentType, headers);
      }
      deps.log(`http error: ${(e as Error).stack ?? String(e)}`);
      sendJson(res, 500, { __type: 'InternalFailure', message: (e as Error).message }, contentType);
    }
  };

  const invoke = async (req: http.IncomingMessage, res: http.ServerResponse, rawName: string): Promise<void> => {
    const fn = deps.functions.byName(rawName);
    const body = await readBody(req);
    if (body.length > MAX_PAYLOAD_BYTES)
      throw new AwsError(413, 'RequestTooLargeException', 'Request must be smaller than 6291456 bytes for the InvokeFunction operation');
    let payload: unknown = {};
    if (body.length > 0) {
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        throw new AwsError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
      }
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'DryRun') {
      res.writeHead(204).end();
      return;
    }
    if (type === 'Event') {
      const id = deps.functions.invokeAsync(fn, payload);
      res.writeHead(202, { 'x-amzn-RequestId': id }).end();
      return;
    }
    if (type !== 'RequestResponse') throw new AwsError(400, 'InvalidParameterValueException', `invalid invocation type ${type}`);
    let clientContext: Context['clientContext'] | undefined;
    const cc = req.headers['x-amz-client-context'];
    if (typeof cc === 'string' && cc) {
      try {
        clientContext = JSON.parse(Buffer.from(cc, 'base64').toString('utf8'));
      } catch {
        throw new AwsError(400, 'InvalidParameterValueException', 'Client context must be base64-encoded JSON');
      }
    }
    const out = await deps.functions.run(fn, payload, clientContext);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Amz-Executed-Version': '$LATEST',
      'x-amzn-RequestId': out.requestId,
    };
    if (!out.ok) headers['X-Amz-Function-Error'] = 'Unhandled';
    if (req.headers['x-amz-log-type'] === 'Tail') {
      const tail = `START RequestId: ${out.requestId} Version: $LATEST\nEND RequestId: ${out.requestId}\nREPORT RequestId: ${out.requestId}\tDuration: ${out.durationMs} ms\n`;
      headers['X-Amz-Log-Result'] = Buffer.from(tail).toString('base64');
    }
    res.writeHead(200, headers).end(JSON.stringify(out.ok ? out.result : out.error));
  };

  const server = http.createServer((req, res) => void route(req, res));
  // Never close an idle keep-alive connection: the client does. With Node's default (5 s, closed at 6 s) the front
  // closed them itself, and a client reusing one as it closed (the SDK's agent, its event loop too busy to act on the
  // `Keep-Alive: timeout=5` hint at 4 s) got `socket hang up` for a request the front never saw.
  server.keepAliveTimeout = 0;
  return server;
}
