import type { DeclineReasonCode } from '../../lambdas/domain/approval';
import type { ReportColumn } from '../../lambdas/domain/finance';

/** What the console server says about itself (operation `session`): its target, who may invoke what, whether a mailbox exists. */
export interface Session {
  readonly target: { readonly kind: 'local' | 'aws'; readonly label: string };
  /** Function → the configured roles that may invoke it, from the stack's catalogue (`ops`, `approver`, …). */
  readonly invokers: Readonly<Record<string, readonly string[]>>;
  readonly mailbox: boolean;
  readonly declineReasonCodes: readonly DeclineReasonCode[];
  readonly reportColumns: readonly ReportColumn[];
}
