import type { FinanceRequest } from '../contracts';
import type { AnswerOf, FinanceAnswer } from '../contracts/answers';
import { CreditError } from '../domain/errors';
import {
  addMovement,
  buildReport,
  daysBetween,
  MAX_REPORT_DAYS,
  movementOf,
  reconcile,
  reportCsv,
  type ReportColumn,
} from '../domain/finance';
import type { Clock } from '../shared/clock';
import type { ReportStore } from './ports';

/** The report function's answer (its contract: lambdas/contracts/answers.ts). */
export type FinanceResponse = AnswerOf<typeof FinanceAnswer>;

/**
 * Finance: the liability report over days (from the day totals the aggregator keeps), and the reconciliation of the
 * closing liability with what remains on the credits and of each column with the ledger entries. The reconciliation
 * is exact once the table's stream is drained (entries not aggregated yet show as a difference).
 */
export async function finance(req: FinanceRequest, deps: { store: ReportStore; clock: Clock }): Promise<FinanceResponse> {
  if (req.operation === 'reconcile') {
    const at = deps.clock.now().toISOString();
    // Remaining first: an entry aggregated in between can only make the ledger side newer, never older.
    const remaining = await deps.store.remainingOnCredits();
    const entries: Record<string, Record<ReportColumn, number>> = {};
    await deps.store.forEachLedgerEntry((entry) => addMovement(entries, movementOf(entry)));
    const totals = await deps.store.dayTotals('9999-12-31');
    return { operation: 'reconcile', at, ...reconcile(totals, entries, remaining) };
  }
  const { from, to } = req;
  const days = daysBetween(from, to);
  if (days < 1 || days > MAX_REPORT_DAYS) {
    throw new CreditError('INVALID_INPUT', `invalid input: to must be on or after from, at most ${MAX_REPORT_DAYS} days in all`, {
      issues: [{ path: 'to', problem: `on or after from, at most ${MAX_REPORT_DAYS} days` }],
    });
  }
  const rows = buildReport(await deps.store.dayTotals(to), from, to);
  return req.format === 'csv' ? { operation: 'report', from, to, csv: reportCsv(rows) } : { operation: 'report', from, to, rows };
}
