import { REPORT_COLUMNS, type DayTotals } from '../../domain/finance';
import type { Fields } from './fields';

/** Item codecs of the finance aggregates: a day's totals (columns absent until first added count 0) and an applied mark. */

export function decodeDayTotals(f: Fields): DayTotals {
  const totals: Record<string, string | number> = { currency: f.str('currency'), day: f.str('day') };
  for (const c of REPORT_COLUMNS) totals[c] = f.optInt(c) ?? 0;
  return totals as unknown as DayTotals;
}

export function decodeApplied(f: Fields): { entryId: string } {
  return { entryId: f.str('entryId') };
}
