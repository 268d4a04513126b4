/**
 * The approvers' commands of `npm run cli` (approval above a threshold, issue 11.2): list a customer's pending
 * grants, approve or decline one. Each is one call of the typed client (an Invoke of the `approval` function), as
 * the approvers' role would make it.
 */
import { parseArgs } from 'node:util';
import type { CourtesyCreditsClient } from '../client/src';
import { DECLINE_REASON_CODES, type DeclineReasonCode } from '../lambdas/domain/approval';

export const APPROVAL_COMMANDS = ['pending', 'approve', 'decline'] as const;
export type ApprovalCommand = (typeof APPROVAL_COMMANDS)[number];

export const isApprovalCommand = (command: string | undefined): command is ApprovalCommand =>
  (APPROVAL_COMMANDS as readonly string[]).includes(command ?? '');

export const APPROVAL_HELP = `  pending --customer ID                 approvers: the customer's grants waiting for approval (above the threshold)
  approve --customer ID (--pending ID | --complaint ID) --approver ID
                                      approvers: the pending grant becomes a credit (never by its issuer)
  decline --customer ID (--pending ID | --complaint ID) --approver ID [--reason-code NOT_JUSTIFIED|AMOUNT_TOO_HIGH|DUPLICATE|SUSPECTED_FRAUD|OTHER]`;

/** Run one approval command against the running service. */
export async function approvalCli(command: ApprovalCommand, args: string[], client: CourtesyCreditsClient): Promise<void> {
  const { values: o } = parseArgs({
    args,
    options: {
      customer: { type: 'string' },
      pending: { type: 'string' },
      complaint: { type: 'string' },
      approver: { type: 'string' },
      'reason-code': { type: 'string' },
    },
    allowPositionals: false,
  });
  if (!o.customer) throw new Error('--customer is required');
  const customerId = o.customer;
  const ref = () => {
    if (!o.approver) throw new Error('--approver is required');
    return {
      customerId,
      ...(o.pending ? { pendingId: o.pending } : {}),
      ...(o.complaint ? { complaintId: o.complaint } : {}),
      approverId: o.approver,
    };
  };
  const answer =
    command === 'pending'
      ? await client.pendingGrants(customerId)
      : command === 'approve'
        ? await client.approve(ref())
        : await client.decline({ ...ref(), ...reasonCodeOf(o['reason-code']) });
  console.log(JSON.stringify(answer, null, 2));
}

/** `--reason-code`: one of the decline codes (absent: none). */
function reasonCodeOf(code: string | undefined): { reasonCode?: DeclineReasonCode } {
  if (code === undefined) return {};
  const known = DECLINE_REASON_CODES.find((c) => c === code);
  if (!known) throw new Error(`--reason-code must be one of ${DECLINE_REASON_CODES.join(', ')}`);
  return { reasonCode: known };
}
