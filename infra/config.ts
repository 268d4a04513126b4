import type { IConstruct } from 'constructs';
import { DEFAULT_CAP_POLICY, parseCapPolicy, type CapPolicy } from '../lambdas/domain/caps';
import { DEFAULT_APPROVAL_POLICY, MAX_APPROVAL_TIMEOUT_HOURS, parseApprovalThresholds } from '../lambdas/domain/approval';
import { DEFAULT_GRANT_POLICY, isValidEmail } from '../lambdas/domain/credit';
import { DEFAULT_HOLD_POLICY } from '../lambdas/domain/hold';
import { placeholderProblems } from './deploy-checks';
import { describe, publisherList, ROLE_ARN, sourceList } from './config-lists';
import { DEFAULT_STAGE, STAGE_PATTERN } from './names';
import { LANDING_ZONE_KEYS, parseLandingZone, type LandingZoneSettings } from './options/settings';

/**
 * Deployment settings, read from CDK context (cdk.json "context", or `cdk synth -c key=value`).
 * Values given with `-c` arrive as strings: numbers are parsed, and the list accepts JSON
 * (`-c 'courtesy:complaintEventSources=["a","b"]'`) or a comma-separated string.
 */
export interface CourtesyConfig extends LandingZoneSettings {
  /** Deployment stage: names the stack (CourtesyCredits-<stage>) and the bus (courtesy-credits-<stage>), see infra/names.ts. */
  readonly stage: string;
  /** From address of every email; must belong to `sesIdentity`. */
  readonly senderEmail: string;
  /** The verified SES identity (domain or address) the function may send as. */
  readonly sesIdentity: string;
  /** EventBridge `source` values accepted for ComplaintResolved events. */
  readonly complaintEventSources: readonly string[];
  /** Role of the payment flow: may invoke redeem, reverse and balance. */
  readonly paymentFlowRoleArn: string;
  /** Role of the account service: may invoke balance. */
  readonly accountServiceRoleArn: string;
  /** The reminder email goes out this many days before a credit expires. */
  readonly reminderDaysBeforeExpiry: number;
  /** IANA time zone dates in emails are shown in. */
  readonly emailTimeZone: string;
  /** Largest single grant in whole units of its currency. */
  readonly maxGrantMajorUnits: number;
  /**
   * Optional SES configuration set used for every send. When absent the stack creates one; either way the stack adds
   * a CloudWatch event destination to it, which the bounce and complaint alarms read (infra/constructs/email-events.ts).
   */
  readonly sesConfigurationSetName?: string;
  /** A hold's lifetime when the request names none (the payment flow, issue 10). */
  readonly holdDefaultLifetimeSeconds: number;
  /** The longest lifetime a hold may ask for; at most the domain's 30 days. */
  readonly holdMaxLifetimeSeconds: number;
  /**
   * Who may publish ComplaintResolved with the complaint sources (the bus policy, infra/security/bus-policy.ts): IAM
   * roles, or whole accounts whose own IAM decides. Same or other account.
   */
  readonly complaintPublisherPrincipals: readonly PublisherPrincipal[];
  /**
   * Optional break-glass role: besides the function roles, the only principal the table policy lets read or write
   * items (infra/security/table-policy.ts). Not a `…RoleArn` field: it is no invoker of any function.
   */
  readonly breakGlassRole?: string;
  /** Optional existing SNS topic every alarm notifies; when absent the stack creates one (infra/monitoring.ts). */
  readonly alarmTopicArn?: string;
  /** Optional address subscribed to the topic the stack creates (not allowed together with `alarmTopicArn`). */
  readonly alarmEmail?: string;
  /** Issuance caps (lambdas/domain/caps.ts): the domain's defaults overridden by the settings given. */
  readonly grantCaps: CapPolicy;
  /** Role of operations: may invoke void. Absent: nobody may. */
  readonly opsRoleArn?: string;
  /** Role of the privacy team: may invoke erase. Absent: nobody may. */
  readonly privacyRoleArn?: string;
  /** Role of finance: may invoke report. Absent: nobody may. */
  readonly financeRoleArn?: string;
  /**
   * Approval above a threshold (lambdas/domain/approval.ts): per currency, the largest grant in whole units made
   * without an approver. Default: none, so no grant ever waits.
   */
  readonly approvalThreshold: Readonly<Record<string, number>>;
  /** Hours an approver has before a pending grant is declined automatically (default 72). */
  readonly approvalTimeoutHours: number;
  /** Role of the approvers: may invoke approval (approve, decline, list). Absent: nobody may. */
  readonly approverRoleArn?: string;
}

/** A complaint publisher: one IAM role (the preferred form), or an account that delegates to its own principals. */
export type PublisherPrincipal =
  | { readonly kind: 'role'; readonly arn: string; readonly account: string }
  | { readonly kind: 'account'; readonly account: string };

export const CONTEXT_KEYS = {
  stage: 'courtesy:stage',
  senderEmail: 'courtesy:senderEmail',
  sesIdentity: 'courtesy:sesIdentity',
  complaintEventSources: 'courtesy:complaintEventSources',
  paymentFlowRoleArn: 'courtesy:paymentFlowRoleArn',
  accountServiceRoleArn: 'courtesy:accountServiceRoleArn',
  reminderDaysBeforeExpiry: 'courtesy:reminderDaysBeforeExpiry',
  emailTimeZone: 'courtesy:emailTimeZone',
  maxGrantMajorUnits: 'courtesy:maxGrantMajorUnits',
  sesConfigurationSetName: 'courtesy:sesConfigurationSet',
  holdDefaultLifetimeSeconds: 'courtesy:holdDefaultLifetimeSeconds',
  holdMaxLifetimeSeconds: 'courtesy:holdMaxLifetimeSeconds',
  complaintPublisherPrincipals: 'courtesy:complaintPublisherPrincipals',
  breakGlassRole: 'courtesy:breakGlassRoleArn',
  // Encryption key, log retention and VPC placement: infra/options/settings.ts.
  ...LANDING_ZONE_KEYS,
  alarmTopicArn: 'courtesy:alarmTopicArn',
  alarmEmail: 'courtesy:alarmEmail',
  grantCaps: 'courtesy:grantCaps',
  opsRoleArn: 'courtesy:opsRoleArn',
  privacyRoleArn: 'courtesy:privacyRoleArn',
  financeRoleArn: 'courtesy:financeRoleArn',
  approvalThreshold: 'courtesy:approvalThreshold',
  approvalTimeoutHours: 'courtesy:approvalTimeoutHours',
  approverRoleArn: 'courtesy:approverRoleArn',
} as const satisfies { readonly [K in keyof CourtesyConfig]-?: `courtesy:${string}` };

/**
 * Set to true by `npm run deploy` only: the CDK CLI runs the app the same way for synth, diff and deploy and does not
 * tell it which command runs, so deploy-only checks (no placeholders, explicit stage) need this flag. Not a setting
 * of the service: it is not part of CourtesyConfig.
 */
export const DEPLOY_CONTEXT_KEY = 'courtesy:deploy';

/** Values used when a setting is absent; the grant limits are the domain's own defaults. */
export const DEFAULTS = {
  stage: DEFAULT_STAGE,
  reminderDaysBeforeExpiry: DEFAULT_GRANT_POLICY.reminderDaysBeforeExpiry,
  maxGrantMajorUnits: DEFAULT_GRANT_POLICY.maxMajorUnits,
  holdDefaultLifetimeSeconds: DEFAULT_HOLD_POLICY.defaultLifetimeSeconds,
  holdMaxLifetimeSeconds: DEFAULT_HOLD_POLICY.maxLifetimeSeconds,
  approvalTimeoutHours: DEFAULT_APPROVAL_POLICY.timeoutHours,
} as const;

export class ConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    readonly phase: 'synth' | 'deploy' = 'synth',
  ) {
    super(
      `${phase === 'deploy' ? 'Refusing to deploy' : 'Invalid'} courtesy-credits configuration ` +
        `(CDK context, see cdk.json "context" or -c key=value):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const CONFIGURATION_SET = /^[A-Za-z0-9_-]{1,64}$/;
/** SNS topic ARN: region, 12-digit account, topic name of 1-256 letters, digits, "-" or "_" (".fifo" is not for alarms). */
const TOPIC_ARN = /^arn:aws(?:-[a-z]+)*:sns:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/**
 * Reads and validates the configuration from a construct's context; throws ConfigError listing every problem.
 * When `courtesy:deploy` is true (npm run deploy), placeholder values and a missing stage are problems too.
 */
export function loadConfig(scope: IConstruct): CourtesyConfig {
  const all = scope.node.getAllContext();
  const known = new Set<string>([...Object.values(CONTEXT_KEYS), DEPLOY_CONTEXT_KEY]);
  const unknown = Object.keys(all).filter((k) => k.startsWith('courtesy:') && !known.has(k));
  const get = (key: string) => scope.node.tryGetContext(key);
  const deploy = get(DEPLOY_CONTEXT_KEY);
  if (deploy !== undefined && deploy !== true && deploy !== 'true' && deploy !== false && deploy !== 'false') {
    throw new ConfigError([`${DEPLOY_CONTEXT_KEY}: must be true or false, got ${describe(deploy)}`]);
  }
  const config = parseConfig(get, unknown);
  if (deploy === true || deploy === 'true') {
    const problems = deployProblems(config, get);
    if (problems.length > 0) throw new ConfigError(problems, 'deploy');
  }
  return config;
}

/** What `npm run deploy` refuses beyond parseConfig: placeholders from cdk.json and an implicit stage. */
export function deployProblems(config: CourtesyConfig, get: (key: string) => unknown): string[] {
  const problems: string[] = [];
  const stage = get(CONTEXT_KEYS.stage);
  if (stage === undefined || stage === null || stage === '') {
    problems.push(`${CONTEXT_KEYS.stage}: required for deploy (e.g. -c ${CONTEXT_KEYS.stage}=prod); it names the stack and the bus`);
  }
  return [...problems, ...placeholderProblems(config, CONTEXT_KEYS)];
}

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
  const complaintEventSources = sourceList(CONTEXT_KEYS.complaintEventSources, get(CONTEXT_KEYS.complaintEventSources), problems);
  const complaintPublisherPrincipals = publisherList(
    CONTEXT_KEYS.complaintPublisherPrincipals,
    get(CONTEXT_KEYS.complaintPublisherPrincipals),
    problems,
  );
  const breakGlassRole = str(CONTEXT_KEYS.breakGlassRole, false);
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
    ...(sesConfigurationSetName !== undefined ? { sesConfigurationSetName } : {}),
    holdDefaultLifetimeSeconds,
    holdMaxLifetimeSeconds,
    complaintPublisherPrincipals,
    ...(breakGlassRole !== undefined ? { breakGlassRole } : {}),
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
