/**
 * The stream router's routing table, as the stack sets it from the function catalogue (the ROUTES setting): each work
 * queue and the table changes it consumes, read and checked so a bad value fails loudly; and the queues a table stream
 * record goes to.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { required } from '../../shared/config';
import { selects, type ChangeSelector } from './table-changes';

/** One concern's work queue and the changes it consumes. */
export interface Route {
  readonly queueUrl: string;
  readonly consumes: readonly ChangeSelector[];
}

/** The queues whose route consumes the change `record` is. */
export function queuesFor(record: DynamoDBRecord, routes: readonly Route[]): string[] {
  return routes.filter((r) => r.consumes.some((s) => selects(s, record))).map((r) => r.queueUrl);
}

/** Name of the router's setting: the work queues and the table changes each consumes (JSON, set by the stack). */
export const ROUTES_VAR = 'ROUTES';

/** The router's routes (ROUTES): `[{ queueUrl, consumes: ChangeSelector[] }]`, checked so a bad value fails loudly. */
export function routes(): Route[] {
  const raw = required(ROUTES_VAR);
  const bad = (why: string): never => {
    throw new Error(`environment variable ${ROUTES_VAR} is not a list of { queueUrl, consumes }: ${why}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return bad('not JSON');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return bad('not a non-empty list');
  return parsed.map((r: any, i) => {
    if (typeof r?.queueUrl !== 'string' || r.queueUrl === '') bad(`entry ${i} has no queueUrl`);
    if (!Array.isArray(r.consumes) || r.consumes.length === 0) bad(`entry ${i} consumes nothing`);
    for (const s of r.consumes) {
      if ((s?.change !== 'inserted' && s?.change !== 'expired') || typeof s.item !== 'string')
        bad(`entry ${i} has a selector ${JSON.stringify(s)}`);
    }
    return { queueUrl: r.queueUrl, consumes: r.consumes as ChangeSelector[] };
  });
}
