/** Validating raw CDK context values into a CourtesyConfig, every problem listed at once (a ConfigError). */
import { DEFAULT_CAP_POLICY, parseCapPolicy } from '../lambdas/domain/caps';
import { MAX_APPROVAL_TIMEOUT_HOURS, parseApprovalThresholds } from '../lambdas/domain/approval';
import { isValidEmail } from '../lambdas/domain/credit';
import { DEFAULT_HOLD_POLICY } from '../lambdas/domain/hold';
import { describe, publisherList, ROLE_ARN, sourceList } from './config-lists';
import { CONTEXT_KEYS, DEFAULTS, ConfigError, type CourtesyConfig } from './config-schema';
import { STAGE_PATTERN } from './names';
import { parseLandingZone } from './options/settings';

const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const CONFIGURATION_SET = /^[A-Za-z0-9_-]{1,64}$/;
/** SNS topic ARN: region, 12-digit account, topic name of 1-256 letters, digits, "-" or "_" (".fifo" is not for alarms). */
const TOPIC_ARN = /^arn:aws(?:-[a-z]+)*:sns:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/**
 * Validates raw context values. `get` returns the value for a context key (undefined when absent).
 * `unknownKeys` are reported as errors: a misspelt key would otherwise silently fall back to a default.
 */
export function parseConfig(get: (key: string) => unknown, unknownKeys: readonly string[] = []): CourtesyConfig {
  const problems: string[] = unknownKeys.map((k) => `${k}: unknown setting (known: ${Object.values(CONTEXT_KEYS).join(', ')})`);

  const str = (key: string, required: boolean): string | undefined => {
    const v = get(key);
    if (v === undefined || v === null || v === '') {
      if (required) problems.push(`${key}: required, not set`);
      return undefined;
    }
    if (typeof v !== 'string') {
      problems.push(`${key}: must be a string, got ${describe(v)}`);
      return undefined;
    }
    if (v.trim() !== v || v.length === 0) {
      problems.push(`${key}: must not have leading or trailing spaces`);
      return undefined;
    }
    return v;
  };

  const int = (key: string, fallback: number, min: number, max: number): number => {
    const v = get(key);
    if (v === undefined || v === null || v === '') return fallback;
    const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      problems.push(`${key}: must be a whole number from ${min} to ${max}, got ${describe(v)}`);
      return fallback;
    }
    return n;
  };

  const stage = str(CONTEXT_KEYS.stage, false) ?? DEFAULTS.stage;
  const senderEmail = str(CONTEXT_KEYS.senderEmail, true);
  const sesIdentity = str(CONTEXT_KEYS.sesIdentity, true);
  const paymentFlowRoleArn = str(CONTEXT_KEYS.paymentFlowRoleArn, true);
  const accountServiceRoleArn = str(CONTEXT_KEYS.accountServiceRoleArn, true);
  const emailTimeZone = str(CONTEXT_KEYS.emailTimeZone, true);
  const sesConfigurationSetName = str(CONTEXT_KEYS.sesConfigurationSetName, false);
  const alarmTopicArn = str(CONTEXT_KEYS.alarmTopicArn, false);
  const alarmEmail = str(CONTEXT_KEYS.alarmEmail, false);
  const reminderDaysBeforeExpiry = int(CONTEXT_KEYS.reminderDaysBeforeExpiry, DEFAULTS.reminderDaysBeforeExpiry, 1, 364);
  const maxGrantMajorUnits = int(CONTEXT_KEYS.maxGrantMajorUnits, DEFAULTS.maxGrantMajorUnits, 1, 1_000_000_000);
  const sesMaxSendRate = int(CONTEXT_KEYS.sesMaxSendRate, DEFAULTS.sesMaxSendRate, 1, 100_000);
  const complaintEventSources = sourceList(CONTEXT_KEYS.complaintEventSources, get(CONTEXT_KEYS.complaintEventSources), problems);
  const complaintPublisherPrincipals = publisherList(
    CONTEXT_KEYS.complaintPublisherPrincipals,
    get(CONTEXT_KEYS.complaintPublisherPrincipals),
    problems,
  );
  const breakGlassRole = str(CONTEXT_KEYS.breakGlassRole, false);
  const redriveRole = str(CONTEXT_KEYS.redriveRole, false);
  const landingZone = parseLandingZone(get, problems);
  const opsRoleArn = str(CONTEXT_KEYS.opsRoleArn, false);
  const privacyRoleArn = str(CONTEXT_KEYS.privacyRoleArn, false);
  const financeRoleArn = str(CONTEXT_KEYS.financeRoleArn, false);
  const approverRoleArn = str(CONTEXT_KEYS.approverRoleArn, false);
  const approvalTimeoutHours = int(CONTEXT_KEYS.approvalTimeoutHours, DEFAULTS.approvalTimeoutHours, 1, MAX_APPROVAL_TIMEOUT_HOURS);
  const thresholds = parseApprovalThresholds(get(CONTEXT_KEYS.approvalThreshold));
  if ('problems' in thresholds) problems.push(...thresholds.problems.map((p) => `${CONTEXT_KEYS.approvalThreshold}: ${p}`));
  const caps = parseCapPolicy(get(CONTEXT_KEYS.grantCaps));
  if ('problems' in caps) problems.push(...caps.problems.map((p) => `${CONTEXT_KEYS.grantCaps}: ${p}`));
  const { minLifetimeSeconds, maxLifetimeSeconds } = DEFAULT_HOLD_POLICY;
  const holdMaxLifetimeSeconds = int(
    CONTEXT_KEYS.holdMaxLifetimeSeconds,
    DEFAULTS.holdMaxLifetimeSeconds,
    minLifetimeSeconds,
    maxLifetimeSeconds,
  );
  const holdDefaultLifetimeSeconds = int(
    CONTEXT_KEYS.holdDefaultLifetimeSeconds,
    Math.min(DEFAULTS.holdDefaultLifetimeSeconds, holdMaxLifetimeSeconds),
    minLifetimeSeconds,
    maxLifetimeSeconds,
  );
  if (holdDefaultLifetimeSeconds > holdMaxLifetimeSeconds) {
    problems.push(
      `${CONTEXT_KEYS.holdDefaultLifetimeSeconds}: must not exceed ${CONTEXT_KEYS.holdMaxLifetimeSeconds} (${holdMaxLifetimeSeconds}), got ${holdDefaultLifetimeSeconds}`,
    );
  }

  if (!STAGE_PATTERN.test(stage)) {
    problems.push(`${CONTEXT_KEYS.stage}: 1-20 lower-case letters, digits or "-", starting with a letter, got "${stage}"`);
  }
  if (senderEmail !== undefined && !isValidEmail(senderEmail)) {
    problems.push(`${CONTEXT_KEYS.senderEmail}: not a valid email address: "${senderEmail}"`);
  }
  if (sesIdentity !== undefined) {
    const identityIsEmail = sesIdentity.includes('@');
    if (identityIsEmail ? !isValidEmail(sesIdentity) : !DOMAIN.test(sesIdentity)) {
      problems.push(`${CONTEXT_KEYS.sesIdentity}: must be a domain (example.com) or an email address, got "${sesIdentity}"`);
    } else if (senderEmail !== undefined && isValidEmail(senderEmail)) {
      const senderDomain = senderEmail.slice(senderEmail.lastIndexOf('@') + 1).toLowerCase();
      const identity = sesIdentity.toLowerCase();
      const covered = identityIsEmail
        ? senderEmail.toLowerCase() === identity
        : senderDomain === identity || senderDomain.endsWith(`.${identity}`);
      if (!covered) {
        problems.push(
          `${CONTEXT_KEYS.senderEmail}: "${senderEmail}" is not covered by ${CONTEXT_KEYS.sesIdentity} "${sesIdentity}" ` +
            `(SES would refuse to send from it)`,
        );
      }
    }
  }
  for (const [key, arn] of [
    [CONTEXT_KEYS.paymentFlowRoleArn, paymentFlowRoleArn],
    [CONTEXT_KEYS.accountServiceRoleArn, accountServiceRoleArn],
    [CONTEXT_KEYS.breakGlassRole, breakGlassRole],
    [CONTEXT_KEYS.redriveRole, redriveRole],
    [CONTEXT_KEYS.opsRoleArn, opsRoleArn],
    [CONTEXT_KEYS.privacyRoleArn, privacyRoleArn],
    [CONTEXT_KEYS.financeRoleArn, financeRoleArn],
    [CONTEXT_KEYS.approverRoleArn, approverRoleArn],
  ] as const) {
    if (arn !== undefined && !ROLE_ARN.test(arn)) {
      problems.push(`${key}: must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>), got "${arn}"`);
    }
  }
  if (emailTimeZone !== undefined && !isTimeZone(emailTimeZone)) {
    problems.push(`${CONTEXT_KEYS.emailTimeZone}: not an IANA time zone (e.g. Europe/Berlin): "${emailTimeZone}"`);
  }
  if (sesConfigurationSetName !== undefined && !CONFIGURATION_SET.test(sesConfigurationSetName)) {
    problems.push(`${CONTEXT_KEYS.sesConfigurationSetName}: 1-64 letters, digits, "_" or "-", got "${sesConfigurationSetName}"`);
  }

  if (alarmTopicArn !== undefined && !TOPIC_ARN.test(alarmTopicArn)) {
    problems.push(
      `${CONTEXT_KEYS.alarmTopicArn}: must be an SNS topic ARN (arn:aws:sns:<region>:<12-digit account>:<name>), got "${alarmTopicArn}"`,
    );
  }
  if (alarmEmail !== undefined && !isValidEmail(alarmEmail)) {
    problems.push(`${CONTEXT_KEYS.alarmEmail}: not a valid email address: "${alarmEmail}"`);
  }
  if (alarmTopicArn !== undefined && alarmEmail !== undefined) {
    problems.push(
      `${CONTEXT_KEYS.alarmEmail}: only for the topic the stack creates; with ${CONTEXT_KEYS.alarmTopicArn} set, subscribe to that topic where it is managed`,
    );
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    stage,
    senderEmail: senderEmail!,
    sesIdentity: sesIdentity!,
    complaintEventSources,
    paymentFlowRoleArn: paymentFlowRoleArn!,
    accountServiceRoleArn: accountServiceRoleArn!,
    reminderDaysBeforeExpiry,
    emailTimeZone: emailTimeZone!,
    maxGrantMajorUnits,
    sesMaxSendRate,
    ...(sesConfigurationSetName !== undefined ? { sesConfigurationSetName } : {}),
    holdDefaultLifetimeSeconds,
    holdMaxLifetimeSeconds,
    complaintPublisherPrincipals,
    ...(breakGlassRole !== undefined ? { breakGlassRole } : {}),
    ...(redriveRole !== undefined ? { redriveRole } : {}),
    ...landingZone,
    ...(alarmTopicArn !== undefined ? { alarmTopicArn } : {}),
    ...(alarmEmail !== undefined ? { alarmEmail } : {}),
    grantCaps: 'policy' in caps ? caps.policy : DEFAULT_CAP_POLICY,
    ...(opsRoleArn !== undefined ? { opsRoleArn } : {}),
    ...(privacyRoleArn !== undefined ? { privacyRoleArn } : {}),
    ...(financeRoleArn !== undefined ? { financeRoleArn } : {}),
    approvalThreshold: 'thresholds' in thresholds ? thresholds.thresholds : {},
    approvalTimeoutHours,
    ...(approverRoleArn !== undefined ? { approverRoleArn } : {}),
  };
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
