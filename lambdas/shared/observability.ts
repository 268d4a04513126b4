import { createHash } from 'node:crypto';
import { Logger, LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Logs are structured JSON (Powertools Logger) and never carry a customer's email address in clear:
 * every string that looks like an address, anywhere in a log line (message, attributes, error messages and stacks),
 * is replaced by a short, stable hash so support can still correlate lines for one customer.
 */
const EMAIL_ANYWHERE = /[A-Za-z0-9._%+\-!#$&'*/=?^`{|}~]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}/g;

export function pseudonymizeEmail(email: string): string {
  return `email#${createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 12)}`;
}

export function scrubEmails<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value === 'string') return value.replace(EMAIL_ANYWHERE, (m) => pseudonymizeEmail(m)) as T;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value as object)) return value;
  seen.add(value as object);
  if (Array.isArray(value)) return value.map((v) => scrubEmails(v, seen)) as T;
  if (value instanceof Error) {
    return { name: value.name, message: scrubEmails(value.message, seen), stack: scrubEmails(value.stack, seen) } as T;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = scrubEmails(v, seen);
  return out as T;
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

export const metrics = new Metrics({ defaultDimensions: {} });
