/**
 * Reading an object-valued setting from untrusted input (a CDK context value or an environment variable): absent,
 * a JSON string or an object already parsed. Pure. Each setting then checks its own entries.
 */

export type JsonObjectSetting =
  | { readonly kind: 'absent' }
  | { readonly kind: 'object'; readonly entries: [string, unknown][] }
  | { readonly kind: 'invalid'; readonly problem: string };

/** `undefined`, `null` and `''` are absent; a string must parse as JSON; the value must be a plain object (`what` names its shape in the problem). */
export function readJsonObjectSetting(raw: unknown, what: string): JsonObjectSetting {
  if (raw === undefined || raw === null || raw === '') return { kind: 'absent' };
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { kind: 'invalid', problem: 'not valid JSON' };
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { kind: 'invalid', problem: `must be an object of ${what}` };
  return { kind: 'object', entries: Object.entries(value) };
}
