/**
 * The template's S3 buckets as on-failure destinations: objects kept in memory and, when a directory is
 * given (npm start: .local/buckets), written to <dir>/<bucket>/<key> so the CLI and an operator can read them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BucketModel } from './template-model';

export class Buckets {
  private readonly objects = new Map<string, Map<string, string>>();

  constructor(
    models: BucketModel[],
    private readonly dir: string | undefined,
    private readonly log: (line: string) => void,
  ) {
    for (const b of models) this.objects.set(b.name, new Map());
  }

  put(bucket: string, key: string, body: string): void {
    const objects = this.objects.get(bucket);
    if (!objects) throw new Error(`no bucket ${bucket} in the template`);
    objects.set(key, body);
    if (this.dir) {
      const file = path.join(this.dir, bucket, ...key.split('/'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, body);
    }
    this.log(`→ bucket ${bucket}: ${key}`);
  }

  /** Objects by bucket, key → body (JSON-parsed). */
  snapshot(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [b, objects] of this.objects) out[b] = Object.fromEntries([...objects].map(([k, v]) => [k, JSON.parse(v)]));
    return out;
  }

  clear(): void {
    for (const objects of this.objects.values()) objects.clear();
  }
}
