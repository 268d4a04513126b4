/**
 * A fault-injecting HTTP proxy, for tests: put it between an AWS SDK client and an emulator (e.g. the SES v2
 * emulator) and make chosen requests fail the way the real service fails.
 *
 *   const proxy = await startFaultProxy({ target: process.env.SES_ENDPOINT! });
 *   // point the client (runtime option `sesEndpoint`) at proxy.url
 *   proxy.failNext(3, 'throttle');          // the next 3 requests: HTTP 429 TooManyRequestsException
 *   proxy.failNext(1, 'reject', { match: (r) => r.body.includes('kim@example.com'), message: '…' });
 *   proxy.down('outage'); …; proxy.up();    // every request fails until up()
 *
 * Kinds of fault:
 * - `throttle`: SES v2's TooManyRequestsException — HTTP 429, `x-amzn-ErrorType` header and a JSON body with
 *   `message`, which the SDK's REST-JSON deserializer turns into a `TooManyRequestsException` (a throttling error:
 *   the SDK retries it itself, with the longer throttling backoff);
 * - `outage`: HTTP 503 ServiceUnavailable (a transient error: the SDK retries it);
 * - `reset`: the connection is dropped without any response (ECONNRESET / socket hang up: the SDK retries it);
 * - `reject`: HTTP 400 MessageRejected with `message` (not retryable: the SDK gives up at once).
 * A failed request never reaches the target, so nothing behind the proxy happens twice because of it.
 * Requests that are not failed are forwarded unchanged and their answers returned unchanged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultKind = 'throttle' | 'outage' | 'reset' | 'reject';

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

export interface ProxyLogEntry extends ProxiedRequest {
  readonly at: number;
  /** The fault injected, or undefined when the request was forwarded. */
  readonly fault?: FaultKind;
  /** HTTP status returned to the client (0 for a dropped connection, 502 if the target was unreachable). */
  readonly status: number;
}

export interface FaultOptions {
  /** Only requests this returns true for are failed (and counted); others pass. Default: every request. */
  readonly match?: (req: ProxiedRequest) => boolean;
  /** Error message in the response body (throttle, outage, reject). */
  readonly message?: string;
}

export interface FaultProxy {
  readonly url: string;
  readonly target: string;
  /** Every request seen, in arrival order. */
  readonly log: readonly ProxyLogEntry[];
  /** Fail the next `n` (matching) requests with `kind`. Rules queue up; the oldest with budget left applies first. */
  failNext(n: number, kind: FaultKind, opts?: FaultOptions): void;
  /** Fail every (matching) request with `kind` until `up()`. */
  down(kind?: FaultKind, opts?: FaultOptions): void;
  /** End `down()` and forget every pending `failNext` budget. */
  up(): void;
  /** Requests (so far) that match, e.g. all requests whose body mentions an address. */
  requests(match?: (req: ProxyLogEntry) => boolean): ProxyLogEntry[];
  stop(): Promise<void>;
}

interface Rule {
  kind: FaultKind;
  remaining: number; // Infinity for down()
  opts: FaultOptions;
}

const DEFAULT_MESSAGES: Record<Exclude<FaultKind, 'reset'>, string> = {
  throttle: 'Maximum sending rate exceeded.',
  outage: 'Service Unavailable',
  reject: 'Email address is not verified.',
};

const ERROR_TYPES: Record<Exclude<FaultKind, 'reset'>, { status: number; type: string }> = {
  throttle: { status: 429, type: 'TooManyRequestsException' },
  outage: { status: 503, type: 'ServiceUnavailable' },
  reject: { status: 400, type: 'MessageRejected' },
};

export async function startFaultProxy(opts: { target: string; host?: string; port?: number }): Promise<FaultProxy> {
  const target = new URL(opts.target);
  const rules: Rule[] = [];
  const log: ProxyLogEntry[] = [];

  const pick = (req: ProxiedRequest): Rule | undefined => {
    const rule = rules.find((r) => r.remaining > 0 && (r.opts.match?.(req) ?? true));
    if (rule) rule.remaining--;
    return rule;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const info: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', body: body.toString('utf8') };
      const rule = pick(info);
      if (rule) {
        log.push({ ...info, at: Date.now(), fault: rule.kind, status: rule.kind === 'reset' ? 0 : ERROR_TYPES[rule.kind].status });
        if (rule.kind === 'reset') {
          req.socket.destroy();
          return;
        }
        const { status, type } = ERROR_TYPES[rule.kind];
        const text = JSON.stringify({ message: rule.opts.message ?? DEFAULT_MESSAGES[rule.kind] });
        res.writeHead(status, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(text),
          'x-amzn-ErrorType': `${type}:http://internal.amazon.com/coral/com.amazonaws.sesv2/`,
          'x-amzn-RequestId': `fault-${log.length}`,
        });
        res.end(text);
        return;
      }
      const headers = { ...req.headers, host: target.host };
      const upstream = http.request(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers,
          agent: false,
        },
        (up) => {
          log.push({ ...info, at: Date.now(), status: up.statusCode ?? 0 });
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', (e) => {
        log.push({ ...info, at: Date.now(), status: 502 });
        if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: `fault proxy: target unreachable: ${e.message}` }));
      });
      upstream.end(body);
    });
  });
  // An AWS endpoint keeps an idle connection open far longer than Node's default 5 s. With that default, a pooled
  // socket the proxy closes just as the SDK reuses it fails with "socket hang up" — a retry attempt lost that the
  // tests, which count attempts, did not plan (seen on a loaded machine: reset, reset, then the third attempt lost).
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    target: opts.target,
    log,
    failNext(n, kind, o = {}) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`failNext: n must be a positive whole number, got ${n}`);
      rules.push({ kind, remaining: n, opts: o });
    },
    down(kind = 'outage', o = {}) {
      rules.unshift({ kind, remaining: Infinity, opts: o });
    },
    up() {
      rules.length = 0;
    },
    requests(match) {
      return match ? log.filter(match) : [...log];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        rules.length = 0;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
