/**
 * Parses the list settings of infra/config.ts (complaint sources, complaint publishers): each given as a JSON array,
 * a JSON list string (`-c 'key=["a","b"]'`) or a comma-separated string, each entry validated. Problems are appended
 * to `problems`, naming the setting, as parseConfig does for every other setting. Also the checks parseConfig shares
 * with them: the shape of a role ARN, and how a value is shown in a problem.
 */
import type { PublisherPrincipal } from './config-schema';
import { SERVICE_NAME } from './names';

/** IAM role ARN: optional path (segments ending in "/"), then a role name of at most 64 characters; no wildcards. */
export const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/){0,50}[\w+=,.@-]{1,64}$/;
const EVENT_SOURCE = /^[\w.\-/:]{1,256}$/;
const ACCOUNT_ID = /^\d{12}$/;

/** A list setting: a JSON array, a JSON list string or a comma-separated string; undefined after a reported problem. */
function listOf(key: string, raw: unknown, problems: string[], what: string): unknown[] | undefined {
  let list: unknown = raw;
  if (typeof raw === 'string') {
    const s = raw.trim();
    if (s.startsWith('[')) {
      try {
        list = JSON.parse(s);
      } catch {
        problems.push(`${key}: not valid JSON: ${s}`);
        return undefined;
      }
    } else {
      list = s === '' ? [] : s.split(',').map((x) => x.trim());
    }
  }
  if (list === undefined || list === null) {
    problems.push(`${key}: required, not set (a list of ${what})`);
    return undefined;
  }
  if (!Array.isArray(list) || list.length === 0) {
    problems.push(`${key}: must be a non-empty list of ${what}, got ${describe(raw)}`);
    return undefined;
  }
  return list;
}

/** EventBridge `source` values: exact strings, none reserved for AWS or the service's own. */
export function sourceList(key: string, raw: unknown, problems: string[]): string[] {
  const list = listOf(key, raw, problems, 'EventBridge "source" values');
  if (list === undefined) return [];
  const out: string[] = [];
  for (const s of list) {
    if (typeof s !== 'string' || !EVENT_SOURCE.test(s)) {
      problems.push(`${key}: each source must be 1-256 characters of letters, digits, . _ - / :, got ${describe(s)}`);
    } else if (s.startsWith('aws.')) {
      problems.push(`${key}: "${s}" is reserved for AWS services`);
    } else if (s === SERVICE_NAME) {
      problems.push(`${key}: "${s}" is the service's own source (only its publish function may use it)`);
    } else if (out.includes(s)) {
      problems.push(`${key}: "${s}" is listed twice`);
    } else {
      out.push(s);
    }
  }
  return out;
}

/** Complaint publishers: role ARNs or 12-digit account ids, each once. */
export function publisherList(key: string, raw: unknown, problems: string[]): PublisherPrincipal[] {
  const list = listOf(key, raw, problems, 'IAM role ARNs or 12-digit account ids');
  if (list === undefined) return [];
  const out: PublisherPrincipal[] = [];
  for (const p of list) {
    if (typeof p === 'string' && ROLE_ARN.test(p)) {
      if (out.some((o) => o.kind === 'role' && o.arn === p)) problems.push(`${key}: "${p}" is listed twice`);
      else out.push({ kind: 'role', arn: p, account: p.split(':')[4]! });
    } else if (typeof p === 'string' && ACCOUNT_ID.test(p)) {
      if (out.some((o) => o.kind === 'account' && o.account === p)) problems.push(`${key}: "${p}" is listed twice`);
      else out.push({ kind: 'account', account: p });
    } else {
      problems.push(
        `${key}: each entry must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>) or a 12-digit account id, got ${describe(p)}`,
      );
    }
  }
  return out;
}

/** A setting's value as shown in a problem. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return `"${v}"`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
