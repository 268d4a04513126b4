import { createHash } from 'node:crypto';
import { Logger, LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { replaceAddressLike } from '../domain/email-address';

/**
 * Logs are structured JSON (Powertools Logger) and never carry a customer's email address in clear:
 * every string that looks like an address, anywhere in a log line (message, attributes, error messages and stacks),
 * is replaced by a short, stable hash so support can still correlate lines for one customer.
 */
// What counts as an address-like token (any script, IP literals, quoted local parts): domain/email-address.ts.

export function pseudonymizeEmail(email: string): string {
  return `email#${createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 12)}`;
}

/** A token quoted as 'kim@…' or `kim@…` keeps its quote and gets the same pseudonym as the bare address. */
function pseudonymizeToken(token: string): string {
  const quote = /^['`]+/.exec(token)?.[0] ?? '';
  return quote + pseudonymizeEmail(token.slice(quote.length));
}

/**
 * A copy of `value` with every address-like token in every string (keys included) pseudonymised. An object met again
 * inside itself becomes "[Circular]"; one shared by two branches is scrubbed in both (never passed through raw).
 */
export function scrubEmails<T>(value: T, ancestors = new Set<object>()): T {
  if (typeof value === 'string') return replaceAddressLike(value, pseudonymizeToken) as T;
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value as object)) return '[Circular]' as T;
  ancestors.add(value as object);
  try {
    if (Array.isArray(value)) return value.map((v) => scrubEmails(v, ancestors)) as T;
    // An Error becomes a plain object: its own fields (an SDK error's Message, $metadata, …), cause, name, message, stack.
    const source = value instanceof Error ? errorFields(value) : (value as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(source)) out[scrubEmails(k, ancestors)] = scrubEmails(v, ancestors);
    return out as T;
  } finally {
    ancestors.delete(value as object);
  }
}

function errorFields(error: Error): Record<string, unknown> {
  const cause = error.cause === undefined ? {} : { cause: error.cause };
  return { ...Object.fromEntries(Object.entries(error)), ...cause, name: error.name, message: error.message, stack: error.stack };
}

/** The standard Powertools layout (same keys), with every value passed through scrubEmails. */
class EmailScrubbingFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base: LogAttributes = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_arn: attributes.lambdaContext?.invokedFunctionArn,
      function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
    };
    return new LogItem({ attributes: scrubEmails(base) }).addAttributes(scrubEmails(additional));
  }
}

export const logger = new Logger({ logFormatter: new EmailScrubbingFormatter() });

/**
 * Metrics report their own warnings through the service logger (JSON, scrubbed), except "No application metrics to
 * publish": a function that had nothing to count (a duplicate, an ignored record) is not worth a warning per call.
 */
const metricsLogger = {
  debug: (...args: unknown[]) => logger.debug(...(args as [string])),
  info: (...args: unknown[]) => logger.info(...(args as [string])),
  warn: (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('No application metrics to publish')) return;
    logger.warn(...(args as [string]));
  },
  error: (...args: unknown[]) => logger.error(...(args as [string])),
};

export const metrics = new Metrics({ defaultDimensions: {}, logger: metricsLogger });

/**
 * X-Ray subsegments per invocation and per AWS SDK call (Powertools Tracer; a no-op outside Lambda). Neither
 * responses nor errors are recorded in traces (POWERTOOLS_TRACER_CAPTURE_ERROR=false, captureResponse: false in the
 * middleware): an SES error or an answer may name an address, and traces are not scrubbed like logs. The SDK
 * clients are captured one by one (tracer.captureAWSv3Client), so global HTTP capture is off.
 */
export const tracer = new Tracer({ captureHTTPsRequests: false });
