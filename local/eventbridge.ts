/**
 * The EventBridge buses of the template: PutEvents with EventBridge's validation and entry limits, rule
 * matching, and delivery to the rules' function targets (asynchronous invocation, as EventBridge does).
 */
import { randomUUID } from 'node:crypto';
import { arnFor, LOCAL_ACCOUNT, LOCAL_REGION } from './cfn';
import { serialization, validation } from './aws-errors';
import type { Activity } from './activity';
import type { Functions } from './functions';
import type { RuleModel, TemplateModel } from './template-model';

/** The EventBridge event envelope, as targets receive it. */

/** Told of every event a bus accepts (the runtime's observer, see runtime-api.ts). */
export interface PublishObserver {
  published?(envelope: EventEnvelope): void;
}

export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: any;
}

export interface RecordedEvent {
  eventBusName: string;
  event: EventEnvelope;
  /** Names (logical ids) of the rules that matched. */
  matchedRules: string[];
}

export interface PutEventsEntryInput {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  /** Epoch seconds (as the JSON protocol sends it), a Date or an ISO string. */
  Time?: number | string | Date;
}

export interface PutEventsOutput {
  FailedEntryCount: number;
  Entries: Array<{ EventId: string } | { ErrorCode: string; ErrorMessage: string }>;
}

/** EventBridge's PutEvents limits. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

/** Entry size as EventBridge computes it: Time 14 bytes, Source, DetailType, Detail and each Resource in UTF-8 bytes. */
export function entrySize(e: PutEventsEntryInput): number {
  const bytes = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);
  return (
    (e.Time !== undefined ? 14 : 0) +
    bytes(e.Source) +
    bytes(e.DetailType) +
    bytes(e.Detail) +
    (e.Resources ?? []).reduce((n, r) => n + bytes(r), 0)
  );
}

const STRING_FIELDS = ['Source', 'DetailType', 'Detail', 'EventBusName', 'TraceHeader'] as const;

/** Request-level checks: what EventBridge rejects as a whole with 400 (wrong types, entry count, total size). */
function validateRequest(entries: unknown): asserts entries is PutEventsEntryInput[] {
  if (!Array.isArray(entries)) throw serialization('Entries must be a list of entries');
  if (entries.length < 1 || entries.length > PUT_EVENTS_MAX_ENTRIES) {
    throw validation(
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${PUT_EVENTS_MAX_ENTRIES}`,
    );
  }
  entries.forEach((e, i) => {
    if (e === null || typeof e !== 'object' || Array.isArray(e))
      throw serialization(`Entries[${i}] must be a structure, got ${e === null ? 'null' : typeof e}`);
    for (const f of STRING_FIELDS) {
      const v = (e as Record<string, unknown>)[f];
      if (v !== undefined && v !== null && typeof v !== 'string')
        throw serialization(`Entries[${i}].${f} must be a string, got ${typeof v}`);
    }
    const res = (e as PutEventsEntryInput).Resources;
    if (res !== undefined && (!Array.isArray(res) || res.some((r) => typeof r !== 'string')))
      throw serialization(`Entries[${i}].Resources must be a list of strings`);
    const t = (e as PutEventsEntryInput).Time;
    if (t !== undefined && typeof t !== 'number' && typeof t !== 'string' && !(t instanceof Date))
      throw serialization(`Entries[${i}].Time must be a timestamp`);
  });
  const total = entries.reduce((n, e) => n + entrySize(e), 0);
  if (total > PUT_EVENTS_MAX_BYTES)
    throw validation(`Total size of the entries in the request is over the limit (${total} bytes > ${PUT_EVENTS_MAX_BYTES}).`);
}

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function toDate(t: number | string | Date): Date {
  if (t instanceof Date) return t;
  if (typeof t === 'number') return new Date(t * 1000);
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? new Date() : d;
}

export class EventBuses {
  readonly events: EventEnvelope[] = [];
  readonly eventLog: RecordedEvent[] = [];

  constructor(
    private readonly model: TemplateModel,
    private readonly functions: Functions,
    private readonly activity: Activity,
    private readonly log: (line: string) => void,
    private readonly observe?: PublishObserver,
  ) {}

  private busNames(): Set<string> {
    return new Set(['default', ...this.model.buses.map((b) => b.name)]);
  }

  putEvents(entries: unknown): PutEventsOutput {
    validateRequest(entries);
    const buses = this.busNames();
    const out: PutEventsOutput = { FailedEntryCount: 0, Entries: [] };
    for (const entry of entries) {
      const failed = (ErrorCode: string, ErrorMessage: string) => {
        out.FailedEntryCount++;
        out.Entries.push({ ErrorCode, ErrorMessage });
      };
      let bus = entry.EventBusName ?? 'default';
      if (bus.startsWith('arn:')) bus = bus.includes(':event-bus/') ? bus.slice(bus.indexOf(':event-bus/') + 11) : bus;
      if (!buses.has(bus)) {
        failed('ResourceNotFoundException', `Event bus ${bus} does not exist.`);
        continue;
      }
      if (!entry.Source || !entry.DetailType || entry.Detail === undefined || entry.Detail === null) {
        failed('InvalidArgument', 'Parameters Source, DetailType and Detail are required.');
        continue;
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        detail = undefined;
      }
      if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
        failed('MalformedDetail', 'Detail is malformed.');
        continue;
      }
      const envelope = this.accept(bus, {
        source: entry.Source,
        detailType: entry.DetailType,
        detail,
        resources: entry.Resources ?? [],
        ...(entry.Time !== undefined ? { time: toDate(entry.Time) } : {}),
      });
      out.Entries.push({ EventId: envelope.id });
    }
    return out;
  }

  /** Record an event on a bus and deliver it to every matching rule's targets. */
  private accept(
    bus: string,
    e: { source: string; detailType: string; detail: unknown; resources?: string[]; time?: Date },
  ): EventEnvelope {
    const envelope: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': e.detailType,
      source: e.source,
      account: LOCAL_ACCOUNT,
      time: isoSeconds(e.time ?? new Date()),
      region: LOCAL_REGION,
      resources: e.resources ?? [],
      detail: e.detail,
    };
    const matched = this.model.rules.filter((r) => r.enabled && r.busName === bus && r.matcher && r.matcher(envelope));
    this.events.push(envelope);
    this.observe?.published?.(envelope);
    this.eventLog.push({ eventBusName: bus, event: envelope, matchedRules: matched.map((r) => r.logicalId) });
    this.activity.mark();
    this.log(`event ${e.source}/${e.detailType} on ${bus} → ${matched.length ? matched.map((r) => r.logicalId).join(', ') : 'no rule'}`);
    for (const rule of matched) this.deliver(rule, envelope);
    return envelope;
  }

  private deliver(rule: RuleModel, envelope: EventEnvelope): void {
    for (const t of rule.targets) this.functions.invokeAsync(this.functions.byName(t.functionName), envelope);
  }

  /** Fire a rule's targets now with a "Scheduled Event" (for schedule rules), by rule logical id or name. */
  triggerRule(ref: string): EventEnvelope {
    const rule = this.model.rules.find((r) => r.logicalId === ref || r.name === ref);
    if (!rule) throw new Error(`no rule ${ref} in the template (rules: ${this.model.rules.map((r) => r.logicalId).join(', ')})`);
    const envelope: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT,
      time: isoSeconds(new Date()),
      region: LOCAL_REGION,
      resources: [arnFor('AWS::Events::Rule', rule.name)],
      detail: {},
    };
    this.activity.mark();
    this.deliver(rule, envelope);
    return envelope;
  }

  clear(): void {
    this.events.length = 0;
    this.eventLog.length = 0;
  }
}
