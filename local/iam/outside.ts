/**
 * The outside roles a configuration names (payment flow, account service, ops, privacy, finance, approver,
 * break-glass, redrive, complaint publishers) as principals for the IAM engine. Their identity policies live in
 * their own accounts, outside the template: each is taken to be granted everything there, so only this service's
 * resource and key policies limit it (the strongest such caller).
 */
import type { CourtesyConfig } from '../../infra/config-schema';
import { ALLOW_ALL } from './authorizer';
import type { Principal } from './engine';

export type OutsideRole =
  | 'paymentFlow'
  | 'accountService'
  | 'ops'
  | 'privacy'
  | 'finance'
  | 'approver'
  | 'breakGlass'
  | 'redrive'
  | 'complaintPublisher';

/** The configured outside roles by purpose (absent when not configured; the first complaint publisher role). */
export function outsideRoles(config: CourtesyConfig): Partial<Record<OutsideRole, Principal>> {
  const role = (arn: string | undefined): Principal | undefined =>
    arn === undefined ? undefined : { kind: 'role', arn, session: 'outside', policies: ALLOW_ALL };
  const publisher = config.complaintPublisherPrincipals.find((p) => p.kind === 'role');
  const out: Partial<Record<OutsideRole, Principal | undefined>> = {
    paymentFlow: role(config.paymentFlowRoleArn),
    accountService: role(config.accountServiceRoleArn),
    ops: role(config.opsRoleArn),
    privacy: role(config.privacyRoleArn),
    finance: role(config.financeRoleArn),
    approver: role(config.approverRoleArn),
    breakGlass: role(config.breakGlassRole),
    redrive: role(config.redriveRole),
    complaintPublisher: role(publisher?.kind === 'role' ? publisher.arn : undefined),
  };
  return Object.fromEntries(Object.entries(out).filter(([, p]) => p !== undefined)) as Partial<Record<OutsideRole, Principal>>;
}

/** Another role, of `account`, granted everything by its own identity policy (an insider or another account's admin). */
export function someRole(account: string, name = 'someone'): Principal {
  return { kind: 'role', arn: `arn:aws:iam::${account}:role/${name}`, session: 'outside', policies: ALLOW_ALL };
}
