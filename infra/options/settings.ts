/**
 * The landing-zone settings (issue 12): encryption key, log retention and VPC placement — their types, defaults and
 * validation. Pure (no CDK imports): infra/config.ts reads them with the other settings, the stack and the guard
 * acknowledgements (infra/guard-acknowledgements.ts) decide by them.
 */

export const LANDING_ZONE_KEYS = {
  kms: 'courtesy:kms',
  logRetentionDays: 'courtesy:logRetentionDays',
  vpc: 'courtesy:vpc',
} as const;

/**
 * Who holds the key that encrypts the table, the failure queues and the log groups at rest.
 * - `aws-managed`: the services' own keys (DynamoDB's AWS-owned key, SSE-SQS, CloudWatch Logs' service encryption);
 * - `customer-managed`: one customer-managed KMS key of the stack (rotated yearly, retained) for all three.
 */
export const KMS_SETTINGS = ['aws-managed', 'customer-managed'] as const;
export type KmsSetting = (typeof KMS_SETTINGS)[number];

/** The retention values CloudWatch Logs accepts (PutRetentionPolicy), in days. "Never expire" is not offered. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/** What control ct-cloudwatch-pr-2 (and a financial audit trail) wants at least. */
export const MIN_AUDIT_LOG_RETENTION_DAYS = 365;

/**
 * Where the functions run:
 * - `none`: Lambda's own network (the functions reach only AWS APIs);
 * - `new-vpc`: private isolated subnets of a VPC the stack creates, with the VPC endpoints the functions need;
 * - `existing-vpc`: the given private subnets of a VPC the landing zone provides, which must already route to
 *   DynamoDB, SES, EventBridge, SQS and X-Ray (its shared endpoints or NAT).
 */
export type VpcSetting =
  | { readonly placement: 'none' }
  | { readonly placement: 'new-vpc' }
  | { readonly placement: 'existing-vpc'; readonly vpcId: string; readonly subnetIds: readonly string[] };

export interface LandingZoneSettings {
  readonly kms: KmsSetting;
  readonly logRetentionDays: LogRetentionDays;
  readonly vpc: VpcSetting;
}

/**
 * Defaults, and why:
 * - kms `aws-managed`: a customer-managed key costs $1 a month plus requests, must outlive the retained table and log
 *   groups (so every stage leaves one behind), and a wrong key-policy edit makes the data unreadable. A landing zone
 *   that requires customer-managed keys (ct-dynamodb-pr-2, ct-cloudwatch-pr-3) sets `customer-managed`.
 * - log retention one year: what ct-cloudwatch-pr-2 wants, and what a financial service keeps for audit.
 * - no VPC: the functions call only AWS APIs; a VPC adds interface-endpoint cost and failure modes for nothing unless
 *   the landing zone requires it (ct-lambda-pr-3).
 */
export const LANDING_ZONE_DEFAULTS: LandingZoneSettings = {
  kms: 'aws-managed',
  logRetentionDays: MIN_AUDIT_LOG_RETENTION_DAYS,
  vpc: { placement: 'none' },
};

const VPC_ID = /^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

/**
 * Validates the three settings; every problem is pushed to `problems` (naming its key) and the default used instead.
 * Values given with `-c` arrive as strings: the retention is parsed, and an existing VPC is given as JSON
 * (`-c 'courtesy:vpc={"vpcId":"vpc-…","subnetIds":["subnet-…","subnet-…"]}'`).
 */
export function parseLandingZone(get: (key: string) => unknown, problems: string[]): LandingZoneSettings {
  return {
    kms: parseKms(get(LANDING_ZONE_KEYS.kms), problems),
    logRetentionDays: parseRetention(get(LANDING_ZONE_KEYS.logRetentionDays), problems),
    vpc: parseVpc(get(LANDING_ZONE_KEYS.vpc), problems),
  };
}

const absent = (v: unknown) => v === undefined || v === null || v === '';

function parseKms(v: unknown, problems: string[]): KmsSetting {
  if (absent(v)) return LANDING_ZONE_DEFAULTS.kms;
  if (typeof v === 'string' && (KMS_SETTINGS as readonly string[]).includes(v)) return v as KmsSetting;
  problems.push(`${LANDING_ZONE_KEYS.kms}: must be one of ${KMS_SETTINGS.join(', ')}, got ${show(v)}`);
  return LANDING_ZONE_DEFAULTS.kms;
}

function parseRetention(v: unknown, problems: string[]): LogRetentionDays {
  if (absent(v)) return LANDING_ZONE_DEFAULTS.logRetentionDays;
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n === 'number' && (LOG_RETENTION_DAYS as readonly number[]).includes(n)) return n as LogRetentionDays;
  problems.push(
    `${LANDING_ZONE_KEYS.logRetentionDays}: must be a retention CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(', ')}), got ${show(v)}`,
  );
  return LANDING_ZONE_DEFAULTS.logRetentionDays;
}

function parseVpc(raw: unknown, problems: string[]): VpcSetting {
  const key = LANDING_ZONE_KEYS.vpc;
  if (absent(raw) || raw === 'none') return LANDING_ZONE_DEFAULTS.vpc;
  if (raw === 'new') return { placement: 'new-vpc' };
  let v: unknown = raw;
  if (typeof raw === 'string' && raw.trim().startsWith('{')) {
    try {
      v = JSON.parse(raw);
    } catch {
      problems.push(`${key}: not valid JSON: ${raw}`);
      return LANDING_ZONE_DEFAULTS.vpc;
    }
  }
  const usage = `"none", "new", or {"vpcId": "vpc-…", "subnetIds": ["subnet-…", …]} (at least two subnets)`;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.push(`${key}: must be ${usage}, got ${show(raw)}`);
    return LANDING_ZONE_DEFAULTS.vpc;
  }
  const { vpcId, subnetIds, ...rest } = v as Record<string, unknown>;
  const found: string[] = [];
  if (Object.keys(rest).length > 0) found.push(`${key}: unknown field(s) ${Object.keys(rest).join(', ')}; expected ${usage}`);
  if (typeof vpcId !== 'string' || !VPC_ID.test(vpcId)) found.push(`${key}: vpcId must be a VPC id (vpc-0123abcd…), got ${show(vpcId)}`);
  if (!Array.isArray(subnetIds) || subnetIds.length < 2 || !subnetIds.every((s) => typeof s === 'string' && SUBNET_ID.test(s))) {
    found.push(
      `${key}: subnetIds must list at least two subnet ids (subnet-0123abcd…, in different Availability Zones), got ${show(subnetIds)}`,
    );
  } else if (new Set(subnetIds).size !== subnetIds.length) {
    found.push(`${key}: subnetIds lists a subnet twice`);
  }
  if (found.length > 0) {
    problems.push(...found);
    return LANDING_ZONE_DEFAULTS.vpc;
  }
  return { placement: 'existing-vpc', vpcId: vpcId as string, subnetIds: [...(subnetIds as string[])] };
}

function show(v: unknown): string {
  if (typeof v === 'string') return `"${v}"`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
