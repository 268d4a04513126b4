/**
 * The console's HTTP server: serves the page (bundled from console/page/ by esbuild at start, nothing written to
 * disk) and its operations (POST /api/<operation>, console/api.ts), on 127.0.0.1 only. Every API call must carry
 * this run's session token (in the page, never in a cookie), come from the console's own origin and name it as Host:
 * another site open in the same browser can neither send an operation (CSRF) nor read an answer (DNS rebinding).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { BadRequest, isOperation, runOperation } from './api';
import type { Backend } from './backend';

export const HOST = '127.0.0.1';
const PAGE_DIR = path.join(__dirname, 'page');
const MAX_BODY_BYTES = 64 * 1024;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export interface ConsoleServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** The page's script: console/page/main.ts and what it imports (the domain's money rules included), as one ES module. */
async function bundlePage(): Promise<string> {
  const out = await build({
    entryPoints: [path.join(PAGE_DIR, 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

export async function startConsole(opts: { backend: Backend; port?: number }): Promise<ConsoleServer> {
  const token = randomBytes(32).toString('base64url');
  const script = await bundlePage();
  const style = fs.readFileSync(path.join(PAGE_DIR, 'style.css'), 'utf8');
  const html = fs.readFileSync(path.join(PAGE_DIR, 'index.html'), 'utf8').replace('%TOKEN%', token);
  let origin = '';

  const send = (res: http.ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': `${type}; charset=utf-8` });
    res.end(body);
  };
  const json = (res: http.ServerResponse, status: number, value: unknown) => send(res, status, 'application/json', JSON.stringify(value));

  const sameToken = (given: string | undefined) => {
    const a = Buffer.from(given ?? '');
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server = http.createServer(async (req, res) => {
    try {
      // DNS rebinding: a page of another name resolving to 127.0.0.1 would send its own name as Host.
      if (req.headers.host !== new URL(origin).host) return send(res, 421, 'text/plain', 'wrong Host');
      const url = new URL(req.url ?? '/', origin);
      if (req.method === 'GET') {
        if (url.pathname === '/') return send(res, 200, 'text/html', html);
        if (url.pathname === '/app.js') return send(res, 200, 'text/javascript', script);
        if (url.pathname === '/style.css') return send(res, 200, 'text/css', style);
        return send(res, 404, 'text/plain', 'not found');
      }
      const op = /^\/api\/([a-z]+)$/.exec(url.pathname)?.[1];
      if (req.method !== 'POST' || !op || !isOperation(op)) return send(res, 404, 'text/plain', 'not found');
      if (req.headers.origin !== origin) return json(res, 403, { error: 'cross-origin request refused' });
      if (!sameToken(req.headers['x-console-token'] as string | undefined))
        return json(res, 403, { error: 'missing or wrong session token' });
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return json(res, 415, { error: 'JSON expected' });
      const body = await readBody(req);
      return json(res, 200, await runOperation(opts.backend, op, body));
    } catch (e) {
      if (e instanceof BadRequest) return json(res, 400, { error: e.message });
      process.stderr.write(`console: ${(e as Error).stack ?? e}\n`);
      return json(res, 500, { error: 'internal error (see the console server output)' });
    }
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, HOST, resolve));
  origin = `http://${HOST}:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest('request too large');
    chunks.push(chunk as Buffer);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new BadRequest('body is not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new BadRequest('body must be a JSON object');
  return value as Record<string, unknown>;
}
