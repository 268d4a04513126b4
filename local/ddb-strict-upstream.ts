/**
 * The strict layer's side towards DynamoDB Local (ddb-strict.ts): requests passed on as they came over a keep-alive
 * agent, answers as raw replies, and each table's key schema, asked once of DynamoDB Local (DescribeTable) per
 * caller's access key and region.
 */
import http from 'node:http';
import type { KeySchema } from './ddb-strict-requests';

export type Reply = { status: number; headers: Record<string, string>; body: Buffer };

/** An answer in DynamoDB's JSON protocol. */
export const json = (status: number, body: unknown): Reply => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: Buffer.from(JSON.stringify(body)),
});

export const readBody = (req: http.IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** A reply's JSON body, or undefined when it has none. */
export function parsed(r: Reply): any {
  try {
    return JSON.parse(r.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A table DynamoDB Local does not describe: the request goes through for DynamoDB Local to answer. */
export class UnknownTable extends Error {}

const ANY_CREDENTIALS = 'AWS4-HMAC-SHA256 Credential=local/20240101/eu-central-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';

export class Upstream {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly target: URL;
  private readonly schemas = new Map<string, Promise<KeySchema>>();

  constructor(upstream: string) {
    this.target = new URL(upstream);
  }

  send(headers: http.OutgoingHttpHeaders, path: string, body: Buffer): Promise<Reply> {
    const target = this.target;
    return new Promise((resolve, reject) => {
      const up = http.request(
        {
          host: target.hostname,
          port: target.port,
          path,
          method: 'POST',
          headers: { ...headers, host: target.host, 'content-length': String(body.length) },
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string' && k !== 'connection') out[k] = v;
            resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
          });
          res.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });
  }

  /**
   * A table's keys, asked of DynamoDB Local with the caller's own credentials: without a shared database DynamoDB
   * Local keeps each access key's and region's tables apart.
   */
  schemaOf(req: http.IncomingMessage, table: string): Promise<KeySchema> {
    // a control request (tests) carries no credentials: any will do for a shared DynamoDB Local
    const auth = String(req.headers.authorization ?? ANY_CREDENTIALS);
    const scope = /Credential=([^/]+\/[^/]+\/([^/]+))/.exec(auth);
    const id = `${scope ? `${scope[1]?.split('/')[0]}/${scope[2]}` : ''} ${table}`;
    let s = this.schemas.get(id);
    if (!s) {
      const headers = {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.DescribeTable',
        authorization: auth,
      };
      s = this.send(headers, '/', Buffer.from(JSON.stringify({ TableName: table }))).then((r) => {
        const t = r.status === 200 ? parsed(r)?.Table : undefined;
        if (!t) throw new UnknownTable(table);
        const hashOf = (ks: Array<{ AttributeName: string; KeyType: string }>) => ks.find((k) => k.KeyType === 'HASH')!.AttributeName;
        const indexHash: Record<string, string> = {};
        for (const i of [...(t.GlobalSecondaryIndexes ?? []), ...(t.LocalSecondaryIndexes ?? [])])
          indexHash[i.IndexName] = hashOf(i.KeySchema);
        return { hash: hashOf(t.KeySchema), range: t.KeySchema.find((k: any) => k.KeyType === 'RANGE')?.AttributeName, indexHash };
      });
      s.catch(() => this.schemas.delete(id));
      this.schemas.set(id, s);
    }
    return s;
  }

  /** A table was created or deleted: its keys are asked again. */
  forgetSchemas(): void {
    this.schemas.clear();
  }

  stop(): void {
    this.agent.destroy();
  }
}
