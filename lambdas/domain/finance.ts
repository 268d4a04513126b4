import { DAY_MS } from './credit';
import type { LedgerEntry } from './ledger';

/**
 * Finance report: per currency and UTC day, what the service owes its customers (liability) and how it moved.
 * Pure: each ledger entry is one movement in one column; the store adds movements into day totals (once per entry)
 * and the report is built from those totals.
 *
 *   closing = opening + granted - spent + refunded - expired - voided;   opening(day) = closing(day before)
 *
 * `spent` is money redeemed against orders or held for one (a hold takes it off the credits; its capture moves nothing),
 * `refunded` what reversals, releases and refunds put back on credits, `expired` breakage.
 */
export const REPORT_COLUMNS = ['granted', 'spent', 'refunded', 'expired', 'voided'] as const;
export type ReportColumn = (typeof REPORT_COLUMNS)[number];

export interface Movement {
  readonly currency: string;
  /** YYYY-MM-DD (UTC) of the entry's time. */
  readonly day: string;
  readonly column: ReportColumn;
  readonly amount: number;
}

const COLUMN_OF: { readonly [K in Exclude<LedgerEntry['kind'], 'CAPTURED'>]: ReportColumn } = {
  GRANTED: 'granted',
  REDEEMED: 'spent',
  REVERSED: 'refunded',
  EXPIRED: 'expired',
  VOIDED: 'voided',
  HELD: 'spent',
  RELEASED: 'refunded',
  REFUNDED: 'refunded',
};

/** The movement a ledger entry makes (a capture and a zero amount move nothing; every other entry moves the liability). */
export function movementOf(entry: LedgerEntry): Movement | undefined {
  if (entry.amount === 0 || entry.kind === 'CAPTURED') return undefined;
  return { currency: entry.currency, day: entry.at.slice(0, 10), column: COLUMN_OF[entry.kind], amount: entry.amount };
}

/** One day's movements in one currency (several stored totals of a day — shards — are summed). */
export type DayTotals = { readonly currency: string; readonly day: string } & { readonly [C in ReportColumn]: number };

export type ReportRow = DayTotals & { readonly opening: number; readonly closing: number };

const SIGN: { readonly [C in ReportColumn]: 1 | -1 } = { granted: 1, spent: -1, refunded: 1, expired: -1, voided: -1 };

/** How much a day's movements change the liability. */
export function liabilityChange(t: { readonly [C in ReportColumn]: number }): number {
  return REPORT_COLUMNS.reduce((sum, c) => sum + SIGN[c] * t[c], 0);
}

/** Longest report: a year and a day. */
export const MAX_REPORT_DAYS = 366;

const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS).toISOString().slice(0, 10);
export function isDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const ms = Date.parse(`${s}T00:00:00.000Z`);
  // Date.parse refuses month 13; day 30 of February it rolls into March, so the round trip must give the same day.
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
}

/** Number of days from `from` to `to`, both included (0 if `to` is before `from`). */
export function daysBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(`${to}T00:00:00.000Z`) - Date.parse(`${from}T00:00:00.000Z`)) / DAY_MS) + 1);
}

/**
 * Rows for every currency with any movement up to `to`, for every day from `from` to `to` (days without movement
 * carry the liability over), ordered by currency then day. `totals` must hold every day up to `to` (the opening of
 * `from` is everything before it); days after `to` are ignored.
 */
export function buildReport(totals: readonly DayTotals[], from: string, to: string): ReportRow[] {
  const sums = new Map<string, Map<string, Record<ReportColumn, number>>>();
  for (const t of totals) {
    if (t.day > to) continue;
    const byDay = sums.get(t.currency) ?? new Map<string, Record<ReportColumn, number>>();
    sums.set(t.currency, byDay);
    const sum = byDay.get(t.day) ?? { granted: 0, spent: 0, refunded: 0, expired: 0, voided: 0 };
    for (const c of REPORT_COLUMNS) sum[c] += t[c];
    byDay.set(t.day, sum);
  }
  const rows: ReportRow[] = [];
  for (const [currency, byDay] of [...sums].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let opening = 0;
    for (const [day, sum] of byDay) if (day < from) opening += liabilityChange(sum);
    for (let day = from; day <= to; day = dayAfter(day)) {
      const sum = byDay.get(day) ?? { granted: 0, spent: 0, refunded: 0, expired: 0, voided: 0 };
      const closing = opening + liabilityChange(sum);
      rows.push({ currency, day, opening, ...sum, closing });
      opening = closing;
    }
  }
  return rows;
}

/** The report as CSV (amounts in minor units, one header line). */
export function reportCsv(rows: readonly ReportRow[]): string {
  const header = ['currency', 'day', 'opening', ...REPORT_COLUMNS, 'closing'];
  const lines = rows.map((r) => [r.currency, r.day, r.opening, ...REPORT_COLUMNS.map((c) => r[c]), r.closing].join(','));
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

export interface ReconciliationLine {
  readonly currency: string;
  /** Closing liability from the ledger's aggregates. */
  readonly ledger: number;
  /** Sum of what remains on the stored credits. */
  readonly credits: number;
  readonly difference: number;
}

/** Closing liability per currency against the sum of remaining on credits; `balanced` when every difference is 0. */
export function reconcile(
  liability: Readonly<Record<string, number>>,
  remaining: Readonly<Record<string, number>>,
): { balanced: boolean; lines: ReconciliationLine[] } {
  const currencies = [...new Set([...Object.keys(liability), ...Object.keys(remaining)])].sort();
  const lines = currencies.map((currency) => {
    const ledger = liability[currency] ?? 0;
    const credits = remaining[currency] ?? 0;
    return { currency, ledger, credits, difference: ledger - credits };
  });
  return { balanced: lines.every((l) => l.difference === 0), lines };
}

/** Closing liability per currency over all totals. */
export function totalLiability(totals: readonly DayTotals[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of totals) out[t.currency] = (out[t.currency] ?? 0) + liabilityChange(t);
  return out;
}
