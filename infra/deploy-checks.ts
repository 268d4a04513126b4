/**
 * Recognizes placeholder settings (example accounts, example domains) that must never reach a deployment.
 * cdk.json ships such values so that `cdk synth`, the tests and the local runtime work out of the box; `npm run
 * deploy` refuses them (infra/config.ts loadConfig with `courtesy:deploy=true`), naming each setting.
 */
import type { CourtesyConfig } from './config-schema';

/** Account ids used in documentation and in this repository's examples; no real account has one of them. */
const EXAMPLE_ACCOUNT = /^(?:(\d)\1{11}|123456789012)$/;

/** Domains reserved for documentation and testing (RFC 2606, RFC 6761): mail to them never reaches anyone. */
const EXAMPLE_DOMAIN = /(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost)$/i;

export function isExampleAccount(account: string): boolean {
  return EXAMPLE_ACCOUNT.test(account);
}

export function isExampleDomain(domain: string): boolean {
  return EXAMPLE_DOMAIN.test(domain);
}

/** The account id of an ARN (its fifth field), or undefined. */
const accountOf = (arn: string): string | undefined => arn.split(':')[4];
const domainOf = (addressOrDomain: string): string => addressOrDomain.slice(addressOrDomain.lastIndexOf('@') + 1);

/** One line per placeholder setting, each starting with its context key. */
export function placeholderProblems(config: CourtesyConfig, keys: { readonly [K in keyof CourtesyConfig]-?: string }): string[] {
  const problems: string[] = [];
  for (const setting of [
    'paymentFlowRoleArn',
    'accountServiceRoleArn',
    'opsRoleArn',
    'privacyRoleArn',
    'financeRoleArn',
    'approverRoleArn',
  ] as const) {
    const arn = config[setting];
    if (arn === undefined) continue;
    const account = accountOf(arn);
    if (account !== undefined && isExampleAccount(account)) {
      problems.push(
        `${keys[setting]}: "${arn}" is a placeholder (example account ${account}); ` +
          `give the ARN of the existing role that calls the service`,
      );
    }
  }
  for (const p of config.complaintPublisherPrincipals) {
    if (isExampleAccount(p.account)) {
      problems.push(
        `${keys.complaintPublisherPrincipals}: "${p.kind === 'role' ? p.arn : p.account}" is a placeholder (example account ${p.account}); ` +
          `give the role (or account) that publishes ComplaintResolved`,
      );
    }
  }
  for (const setting of ['breakGlassRole', 'redriveRole'] as const) {
    const arn = config[setting];
    const account = arn !== undefined ? accountOf(arn) : undefined;
    if (account !== undefined && isExampleAccount(account)) {
      problems.push(`${keys[setting]}: "${arn}" is a placeholder (example account ${account}); give an existing role or leave it unset`);
    }
  }
  for (const setting of ['senderEmail', 'sesIdentity'] as const) {
    const domain = domainOf(config[setting]);
    if (isExampleDomain(domain)) {
      problems.push(
        `${keys[setting]}: "${config[setting]}" is a placeholder (reserved example domain ${domain}); ` +
          `give your verified SES ${setting === 'sesIdentity' ? 'identity' : 'sender address'}`,
      );
    }
  }
  return problems;
}
