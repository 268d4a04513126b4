/**
 * The strict DynamoDB layer: an HTTP proxy in front of DynamoDB Local that adds what DynamoDB Local lacks and the
 * design depends on — transaction conflicts and per-partition throughput limits (rules: ddb-strict-rules.ts; what a
 * request touches: ddb-strict-requests.ts; batch reads: ddb-strict-batch.ts; the side towards DynamoDB Local:
 * ddb-strict-upstream.ts).
 * Every client (functions, tests, bench, CLI) talks to it as to DynamoDB; it forwards the request unchanged and
 * answers refusals with AWS's own error shapes, so the SDK parses them exactly as it parses AWS's.
 *
 * A transaction holds its items from arrival until at least `txnWindowMs` later (AWS's transaction latency, see
 * DEFAULT_TXN_WINDOW_MS), even when DynamoDB Local answers sooner. Single writes hold their item while they run.
 *
 * Switches (environment): DDB_STRICT=0 turns the layer off (on by default); DDB_STRICT_TXN_MS the window;
 * DDB_STRICT_PARTITION_WCU / DDB_STRICT_PARTITION_RCU the partition ceilings; DDB_STRICT_DELAY_MS a random delay
 * before every request (a loaded machine). Tests reach POST /_strict/induce
 * ({ TableName, Key, count }: the next `count` writes of that item meet a phantom transaction; the answer's
 * `before` is how many were still unmet) and GET /_strict.
 */
import http from 'node:http';
import type net from 'node:net';
import { getReadUnits, queryReadUnits, wireItemSize } from './ddb-capacity';
import { meterBatchGet } from './ddb-strict-batch';
import { InFlight, PartitionMeter, charge, strictErrors, type Holder } from './ddb-strict-rules';
import type { StrictSettings } from './ddb-strict-settings';
import { ItemSizes, itemId, partitionId, touch, transactGetActions, transactWriteActions, type Touch } from './ddb-strict-requests';
import { HOST } from './service-ports';
import { json, parsed, readBody, UnknownTable, Upstream, type Reply } from './ddb-strict-upstream';

/** What the layer refused so far (benchmarks and tests read it at GET /_strict). */
export interface StrictStats {
  transactionsCancelled: number;
  writesConflicted: number;
  throttled: number;
  forwarded: number;
}

export interface StrictDynamo {
  readonly endpoint: string;
  readonly port: number;
  readonly upstream: string;
  readonly settings: StrictSettings;
  /** Change the transaction window from now on (benchmarks compare windows on one instance). */
  setTxnWindowMs(ms: number): void;
  stats(): StrictStats;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Start the layer on `port` (0: any free port) in front of DynamoDB Local at `upstream`. */
export async function startStrictDynamo(upstream: string, settings: StrictSettings, port = 0): Promise<StrictDynamo> {
  let windowMs = settings.txnWindowMs;
  const inFlight = new InFlight();
  const meter = new PartitionMeter(settings.limits);
  const sizes = new ItemSizes();
  const stats: StrictStats = { transactionsCancelled: 0, writesConflicted: 0, throttled: 0, forwarded: 0 };
  const up = new Upstream(upstream);
  const schemaOf = (req: http.IncomingMessage, table: string) => up.schemaOf(req, table);

  const forward = async (req: http.IncomingMessage, body: Buffer): Promise<Reply> => {
    stats.forwarded++;
    if (settings.delayMs) await sleep(Math.random() * settings.delayMs);
    return up.send(req.headers, req.url ?? '/', body);
  };

  /** Hold `holder`'s items for the request and at least `holdMs`, then release them. */
  const held = async (holder: Holder, holdMs: number, run: () => Promise<Reply>): Promise<Reply> => {
    const release = inFlight.hold(holder);
    const started = performance.now();
    try {
      const reply = await run();
      const left = holdMs - (performance.now() - started);
      if (left > 0) await sleep(left);
      return reply;
    } finally {
      release();
    }
  };

  const touches = async (req: http.IncomingMessage, actions: Array<{ table: string; action: Record<string, any> }>, write: boolean) =>
    Promise.all(actions.map(async ({ table, action }) => touch(await schemaOf(req, table), table, action, write)));

  const transactWrite = async (req: http.IncomingMessage, raw: Buffer, body: any): Promise<Reply> => {
    const ts = await touches(req, transactWriteActions(body), true);
    const meeting = inFlight.meet(
      'transactWrite',
      ts.map((t) => t.item),
    );
    if (meeting.conflict) {
      stats.transactionsCancelled++;
      return json(400, strictErrors.cancelled(meeting.positions.map((c) => (c ? 'TransactionConflict' : 'None'))));
    }
    const charges = new Map<string, number>();
    for (const t of ts) charge(charges, t.partition, sizes.units(t, true));
    const short = meter.takeWrites(charges);
    if (short !== undefined) {
      stats.throttled++;
      return json(400, strictErrors.cancelled(ts.map((t) => (t.partition === short ? 'ThrottlingError' : 'None'))));
    }
    const reply = await held({ kind: 'transactWrite', items: ts.map((t) => t.item) }, windowMs, () => forward(req, raw));
    if (reply.status === 200) for (const t of ts) remember(t);
    return reply;
  };

  const remember = (t: Touch) => {
    if (t.newItem || t.values) sizes.set(t.item, sizes.after(t));
  };

  const transactGet = async (req: http.IncomingMessage, raw: Buffer, body: any): Promise<Reply> => {
    const ts = await touches(req, transactGetActions(body), false);
    const items = ts.map((t) => t.item);
    const meeting = inFlight.meet('transactGet', items);
    if (meeting.conflict) {
      stats.transactionsCancelled++;
      return json(400, strictErrors.cancelled(meeting.positions.map((c) => (c ? 'TransactionConflict' : 'None'))));
    }
    const overwritten = new Set<string>();
    const reply = await held({ kind: 'transactGet', items, overwritten }, windowMs, () => forward(req, raw));
    if (overwritten.size > 0) {
      stats.transactionsCancelled++;
      return json(400, strictErrors.cancelled(items.map((i) => (overwritten.has(i) ? 'TransactionConflict' : 'None'))));
    }
    if (reply.status !== 200) return reply;
    const out = parsed(reply);
    const reads = new Map<string, number>();
    ts.forEach((t, i) => {
      const bytes = wireItemSize(out?.Responses?.[i]?.Item);
      sizes.set(t.item, bytes);
      charge(reads, t.partition, 2 * getReadUnits(bytes, true));
    });
    return readCharged(reads, ts[0]?.table ?? '', reply);
  };

  const singleWrite = async (req: http.IncomingMessage, raw: Buffer, body: any): Promise<Reply> => {
    const table = body?.TableName as string;
    const t = touch(await schemaOf(req, table), table, body, true);
    if (inFlight.meet('write', [t.item]).conflict) {
      stats.writesConflicted++;
      return json(400, strictErrors.conflict());
    }
    if (meter.takeWrites(new Map([[t.partition, sizes.units(t, false)]])) !== undefined) {
      stats.throttled++;
      return json(400, strictErrors.throttled(table, 'Write'));
    }
    const reply = await held({ kind: 'write', items: [t.item] }, 0, () => forward(req, raw));
    if (reply.status === 200) remember(t);
    return reply;
  };

  /** Refuse a read whose partition's balance was already spent; otherwise charge it and pass the answer on. */
  const readCharged = (reads: Map<string, number>, table: string, reply: Reply): Reply => {
    if (meter.readRefused(reads.keys()) !== undefined) {
      stats.throttled++;
      return json(400, strictErrors.throttled(table, 'Read'));
    }
    meter.chargeReads(reads);
    return reply;
  };

  const read = async (op: string, req: http.IncomingMessage, raw: Buffer, body: any): Promise<Reply> => {
    const reply = await forward(req, raw);
    if (reply.status !== 200) return reply;
    const table = body?.TableName as string;
    const schema = await schemaOf(req, table);
    const consistent = body?.ConsistentRead === true;
    const out = parsed(reply);
    const reads = new Map<string, number>();
    if (op === 'GetItem') {
      const bytes = wireItemSize(out?.Item);
      if (out?.Item) sizes.set(itemId(table, schema, body.Key), bytes);
      charge(reads, partitionId(table, schema, body.Key), getReadUnits(bytes, consistent));
    } else {
      // Query: one partition per answer; sized by what it returned (a filter's discarded items are not seen here)
      const items: Array<Record<string, any>> = out?.Items ?? [];
      if (items.length === 0) return reply;
      const bytes = items.reduce((sum, i) => sum + wireItemSize(i), 0);
      charge(reads, partitionId(table, schema, items[0]!, body.IndexName), queryReadUnits(bytes, consistent));
    }
    return readCharged(reads, table, reply);
  };

  const batchGet = async (req: http.IncomingMessage, raw: Buffer, body: any): Promise<Reply> => {
    const reply = await forward(req, raw);
    if (reply.status !== 200) return reply;
    const tables = Object.keys(body?.RequestItems ?? {});
    const schemas = new Map(await Promise.all(tables.map(async (t) => [t, await schemaOf(req, t)] as const)));
    const metered = meterBatchGet(body, parsed(reply), schemas, meter);
    if (metered.kind === 'throttled') {
      stats.throttled++;
      return json(400, strictErrors.throttled(metered.table, 'Read'));
    }
    for (const [item, bytes] of metered.sizes) sizes.set(item, bytes);
    if (metered.held === 0) return reply;
    stats.throttled++;
    return json(200, metered.out);
  };

  const control = async (req: http.IncomingMessage, raw: Buffer): Promise<Reply> => {
    if (req.method === 'GET')
      return json(200, {
        upstream,
        settings: { ...settings, txnWindowMs: windowMs },
        stats,
        inFlightItems: inFlight.size,
        induced: inFlight.pendingInduced(),
      });
    const body = JSON.parse(raw.toString('utf8') || '{}');
    const table = body.TableName as string;
    const item = itemId(table, await schemaOf(req, table), body.Key);
    const before = inFlight.pendingInduced()[item] ?? 0;
    inFlight.induce(item, Number(body.count ?? 1));
    return json(200, { before });
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    let reply: Reply;
    const raw = await readBody(req);
    try {
      if (req.url?.startsWith('/_strict')) reply = await control(req, raw).catch((e) => json(400, { message: String(e) }));
      else {
        const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
        const body = op === '' ? undefined : JSON.parse(raw.toString('utf8') || '{}');
        if (op === 'TransactWriteItems') reply = await transactWrite(req, raw, body);
        else if (op === 'TransactGetItems') reply = await transactGet(req, raw, body);
        else if (op === 'PutItem' || op === 'UpdateItem' || op === 'DeleteItem') reply = await singleWrite(req, raw, body);
        else if (op === 'GetItem' || op === 'Query') reply = await read(op, req, raw, body);
        else if (op === 'BatchGetItem') reply = await batchGet(req, raw, body);
        else {
          if (op === 'DeleteTable' || op === 'CreateTable') up.forgetSchemas();
          reply = await forward(req, raw);
        }
      }
    } catch (e) {
      // a table DynamoDB Local does not know, or a malformed body: DynamoDB Local gives its own answer
      if (e instanceof UnknownTable || e instanceof SyntaxError) reply = await forward(req, raw).catch(() => unavailable(e));
      else reply = unavailable(e);
    }
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.body.length) }).end(reply.body);
  };

  const unavailable = (e: unknown): Reply =>
    json(500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: `strict layer: ${(e as Error).message}` });

  const server = http.createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  const actual = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `http://${HOST}:${actual}`,
    port: actual,
    upstream,
    get settings() {
      return { ...settings, txnWindowMs: windowMs };
    },
    setTxnWindowMs: (ms) => {
      windowMs = ms;
    },
    stats: () => ({ ...stats }),
    stop: async () => {
      for (const s of sockets) s.destroy();
      up.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
