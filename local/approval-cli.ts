/**
 * The approvers' commands of `npm run cli` (approval above a threshold, issue 11.2): list a customer's pending
 * grants, approve or decline one. Each is one Invoke of the `approval` function, as the approvers' role would call it.
 */
import { parseArgs } from 'node:util';

export const APPROVAL_COMMANDS = ['pending', 'approve', 'decline'] as const;
export type ApprovalCommand = (typeof APPROVAL_COMMANDS)[number];

export const isApprovalCommand = (command: string | undefined): command is ApprovalCommand =>
  (APPROVAL_COMMANDS as readonly string[]).includes(command ?? '');

export const APPROVAL_HELP = `  pending --customer ID                 approvers: the customer's grants waiting for approval (above the threshold)
  approve --customer ID (--pending ID | --complaint ID) --approver ID
                                      approvers: the pending grant becomes a credit (never by its issuer)
  decline --customer ID (--pending ID | --complaint ID) --approver ID [--reason-code NOT_JUSTIFIED|AMOUNT_TOO_HIGH|DUPLICATE|SUSPECTED_FRAUD|OTHER]`;

/** Run one approval command; `invoke` calls a function of the running service and returns its answer. */
export async function approvalCli(
  command: ApprovalCommand,
  args: string[],
  invoke: (fn: string, payload: unknown) => Promise<unknown>,
): Promise<void> {
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
  const ref = () => {
    if (!o.approver) throw new Error('--approver is required');
    return {
      customerId: o.customer,
      ...(o.pending ? { pendingId: o.pending } : {}),
      ...(o.complaint ? { complaintId: o.complaint } : {}),
      approverId: o.approver,
    };
  };
  const payload =
    command === 'pending'
      ? { operation: 'pending', customerId: o.customer }
      : { operation: command, ...ref(), ...(command === 'decline' && o['reason-code'] ? { reasonCode: o['reason-code'] } : {}) };
  console.log(JSON.stringify(await invoke('approval', payload), null, 2));
}
