/**
 * The checked-in schemas (schemas/) compiled by a standard JSON Schema validator (Ajv, draft-04): what the contract
 * tests hold events, requests and answers against. One place that knows which file is whose.
 */
import Ajv from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import { checkedInSchemaFiles, readSchemaFile } from '../../infra/schemas';

export class ContractSchemas {
  private readonly ajv = new Ajv({ allErrors: true, strict: true, formats: { 'date-time': true } });
  private readonly compiled = new Map<string, ValidateFunction>();
  readonly files = checkedInSchemaFiles();

  /** Compile every schema file (throws on one Ajv refuses). */
  compileAll(): void {
    for (const f of this.files) this.validator(f);
  }

  private validator(file: string): ValidateFunction | undefined {
    if (!this.files.includes(file)) return undefined;
    let v = this.compiled.get(file);
    if (!v) {
      v = this.ajv.compile(readSchemaFile(file));
      this.compiled.set(file, v);
    }
    return v;
  }

  /** Problems of `value` against `file` (empty: valid); a missing file is itself a problem. */
  problems(file: string, value: unknown): string[] {
    const v = this.validator(file);
    if (!v) return [`no schema schemas/${file}`];
    if (v(value)) return [];
    return (v.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }

  event(envelope: { readonly 'detail-type': string }): string[] {
    return this.problems(`events/${envelope['detail-type']}.json`, envelope);
  }

  request(operation: string, payload: unknown): string[] {
    return this.problems(`operations/${operation}.request.json`, payload);
  }

  answer(operation: string, body: unknown): string[] {
    return this.problems(`operations/${operation}.answer.json`, body);
  }
}
