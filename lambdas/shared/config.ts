import { parseCapPolicy, type CapPolicy } from '../domain/caps';
import { DEFAULT_APPROVAL_POLICY, MAX_APPROVAL_TIMEOUT_HOURS, parseApprovalThresholds, type ApprovalPolicy } from '../domain/approval';
import { DEFAULT_GRANT_POLICY, type GrantPolicy } from '../domain/credit';
import { DEFAULT_HOLD_POLICY, type HoldPolicy } from '../domain/hold';

/** Environment settings, read when first needed so a missing one fails loudly with its name. */
export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`environment variable ${name} must be a positive integer, got "${raw}"`);
  return n;
}

export const tableName = (): string => required('TABLE_NAME');
export const eventBusName = (): string => required('EVENT_BUS_NAME');
export const senderEmail = (): string => required('SENDER_EMAIL');
export const sesConfigurationSet = (): string | undefined => process.env.SES_CONFIGURATION_SET || undefined;
export const emailTimeZone = (): string => process.env.EMAIL_TIME_ZONE || 'Europe/Berlin';

export function grantPolicy(): GrantPolicy {
  return {
    ...DEFAULT_GRANT_POLICY,
    reminderDaysBeforeExpiry: positiveInt('REMINDER_DAYS_BEFORE_EXPIRY', DEFAULT_GRANT_POLICY.reminderDaysBeforeExpiry),
    maxMajorUnits: positiveInt('MAX_GRANT_MAJOR_UNITS', DEFAULT_GRANT_POLICY.maxMajorUnits),
  };
}

/** The hold lifetimes the deployment configured (infra/config.ts checks them), else the domain's defaults. */
export function holdPolicy(): HoldPolicy {
  return {
    ...DEFAULT_HOLD_POLICY,
    defaultLifetimeSeconds: positiveInt('HOLD_DEFAULT_LIFETIME_SECONDS', DEFAULT_HOLD_POLICY.defaultLifetimeSeconds),
    maxLifetimeSeconds: positiveInt('HOLD_MAX_LIFETIME_SECONDS', DEFAULT_HOLD_POLICY.maxLifetimeSeconds),
  };
}

/** GRANT_CAPS: JSON of the cap settings that differ from the domain's defaults (absent: the defaults). */
export function capPolicy(): CapPolicy {
  const parsed = parseCapPolicy(process.env.GRANT_CAPS);
  if ('problems' in parsed) throw new Error(`environment variable GRANT_CAPS is invalid: ${parsed.problems.join('; ')}`);
  return parsed.policy;
}

/** APPROVAL_THRESHOLDS (JSON, currency: whole units) and APPROVAL_TIMEOUT_HOURS; absent: no grant waits for approval. */
export function approvalPolicy(): ApprovalPolicy {
  const parsed = parseApprovalThresholds(process.env.APPROVAL_THRESHOLDS);
  if ('problems' in parsed) throw new Error(`environment variable APPROVAL_THRESHOLDS is invalid: ${parsed.problems.join('; ')}`);
  const timeoutHours = positiveInt('APPROVAL_TIMEOUT_HOURS', DEFAULT_APPROVAL_POLICY.timeoutHours);
  if (timeoutHours > MAX_APPROVAL_TIMEOUT_HOURS)
    throw new Error(`environment variable APPROVAL_TIMEOUT_HOURS must be at most ${MAX_APPROVAL_TIMEOUT_HOURS}`);
  return { thresholdsMajorUnits: parsed.thresholds, timeoutHours };
}
