/**
 * The contract tests, run by every integration test on the service's own template: the local runtime tells this
 * observer of every invocation and every event a bus accepts, and it holds each against the checked-in schemas
 * (schemas/, Ajv): every event the service publishes, every answer a synchronous function gives, every request a
 * function accepted (answered ok) and every incoming event the service accepted. A mismatch is recorded; the harness
 * fails the test in which it happened (afterEach) or, if later, the file (stop).
 */
import type { EventEnvelope } from '../../local/eventbridge';
import type { InvokeOutcome } from '../../local/lambda';
import type { RuntimeObserver } from '../../local/runtime';
import { INCOMING_EVENTS, OPERATIONS } from '../../lambdas/contracts/operations';
import { EVENT_SOURCE } from '../../lambdas/domain/events';
import { ContractSchemas } from '../support/contract-schemas';

/** One Ajv for the file, every schema compiled before the first test (never in the middle of a timed burst). */
let shared: ContractSchemas | undefined;
function compiled(): ContractSchemas {
  if (!shared) {
    shared = new ContractSchemas();
    shared.compileAll();
  }
  return shared;
}

const isOperation = (fn: string): fn is keyof typeof OPERATIONS => Object.hasOwn(OPERATIONS, fn);
const isIncoming = (e: unknown): e is EventEnvelope =>
  typeof e === 'object' && e !== null && Object.hasOwn(INCOMING_EVENTS, (e as { 'detail-type'?: unknown })['detail-type'] as string);

export class ContractCheck implements RuntimeObserver {
  private readonly schemas = compiled();
  private found: string[] = [];
  /** What was held against a schema, for the record (a check that saw nothing proves nothing). */
  readonly checked = { answers: 0, requests: 0, eventsOut: 0, eventsIn: 0 };

  invoked(fn: string, event: unknown, outcome: InvokeOutcome): void {
    if (!outcome.ok) return; // a crash is no answer (FunctionError): the tests assert on those themselves
    if (isOperation(fn)) {
      this.checked.answers++;
      this.report(`${fn} answer`, this.schemas.answer(fn, outcome.result), outcome.result);
      if ((outcome.result as { ok?: unknown } | null)?.ok === true) {
        this.checked.requests++;
        this.report(`${fn} request (answered ok)`, this.schemas.request(fn, event), event);
      }
    } else if (isIncoming(event)) {
      this.checked.eventsIn++;
      this.report(`${event['detail-type']} accepted by ${fn}`, this.schemas.event(event), event.detail);
    }
  }

  published(envelope: EventEnvelope): void {
    if (envelope.source !== EVENT_SOURCE) return;
    this.checked.eventsOut++;
    this.report(`${envelope['detail-type']} published`, this.schemas.event(envelope), envelope.detail);
  }

  private report(what: string, problems: string[], value: unknown): void {
    if (problems.length > 0) this.found.push(`${what} breaks its schema: ${problems.join('; ')}\n  ${JSON.stringify(value)}`);
  }

  /** The violations found since the last call. */
  take(): string[] {
    const found = this.found;
    this.found = [];
    return found;
  }

  /** Throw if anything broke its schema since the last check. */
  assertKept(): void {
    const found = this.take();
    if (found.length > 0) throw new Error(`contract violations (schemas/, npm run schemas):\n${found.join('\n')}`);
  }
}
