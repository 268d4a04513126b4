/**
 * The deployment settings as a type, their CDK context keys, their defaults and the error that lists what is wrong
 * with them. No parsing here (infra/config-parse.ts) and no CDK construct access (infra/config.ts).
 */
import { DEFAULT_APPROVAL_POLICY } from '../lambdas/domain/approval';
import type { CapPolicy } from '../lambdas/domain/caps';
import { DEFAULT_GRANT_POLICY } from '../lambdas/domain/credit';
import { DEFAULT_HOLD_POLICY } from '../lambdas/domain/hold';
import { DEFAULT_STAGE } from './names';
import type { LandingZoneSettings } from './options/settings';
import { LANDING_ZONE_KEYS } from './options/settings';

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
  /**
   * The SES account's maximum send rate (emails per second, the sending quota of the account and region; SES's default
   * for a production account is 14). The email worker's mapping is bounded by it (infra/constructs/work-queue.ts).
   */
  readonly sesMaxSendRate: number;
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
  /**
   * Optional redrive role: may move the messages of the workers' dead-letter queues back to their work queues (SQS
   * StartMessageMoveTask), which SQS authorizes with the receive and delete rights on the dead-letter queue, so it may
   * read those messages too (infra/security/queue-policy.ts). Absent: only break-glass may.
   */
  readonly redriveRole?: string;
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
  sesMaxSendRate: 'courtesy:sesMaxSendRate',
  holdDefaultLifetimeSeconds: 'courtesy:holdDefaultLifetimeSeconds',
  holdMaxLifetimeSeconds: 'courtesy:holdMaxLifetimeSeconds',
  complaintPublisherPrincipals: 'courtesy:complaintPublisherPrincipals',
  breakGlassRole: 'courtesy:breakGlassRoleArn',
  redriveRole: 'courtesy:redriveRoleArn',
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
  sesMaxSendRate: 14,
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
