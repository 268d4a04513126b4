import { DAY_MS } from './credit';
import type { LedgerEntry } from './ledger';

/**
 * Finance report: per currency and UTC day, what the service owes its customers (liability) and how it moved.
 * Pure: each ledger entry moves one or two columns; the store adds movements into day totals (once per entry)
 * and the report is built from those totals.
 *
 *   closing = opening + granted - spent + refunded - expired - voided;   opening(day) = closing(day before)
 *
 * `spent` is money redeemed against orders or held for one (a hold takes it off the credits; its capture moves nothing),
 * `refunded` everything reversals, releases and refunds give back, `expired` breakage: a credit's unused rest at its
 * expiry, and every part given back that lapses because its credit expired or was voided (`lapsed` of a reversal,
 * release or refund: given back, and gone at once, so it is in both `refunded` and `expired`), `voided` what a void
 * removed (a credit's rest, and its part of active holds: a RELEASED entry with reason VOIDED, refunded and voided).
 */
export const REPORT_COLUMNS = ['granted', 'spent', 'refunded', 'expired', 'voided'] as const;
export type ReportColumn = (typeof REPORT_COLUMNS)[number];

/** An amount per report column (absent: 0). */
export type ColumnAmounts = { readonly [C in ReportColumn]?: number };

export interface Movement {
  readonly currency: string;
  /** YYYY-MM-DD (UTC) of the entry's time. */
  readonly day: string;
  /** What the entry adds to each column it moves (never 0). */
  readonly amounts: ColumnAmounts;
}

const noMovement = (): Record<ReportColumn, number> => ({ granted: 0, spent: 0, refunded: 0, expired: 0, voided: 0 });

/** The columns an entry moves (a capture moves held money to spent: nothing). */
function amountsOf(entry: LedgerEntry): ColumnAmounts {
  switch (entry.kind) {
    case 'GRANTED':
      return { granted: entry.amount };
    case 'REDEEMED':
    case 'HELD':
      return { spent: entry.amount };
    case 'RELEASED':
      // What a void took out of a hold is voided money, not breakage.
      if (entry.reason === 'VOIDED') return { refunded: entry.amount + entry.lapsed, voided: entry.lapsed };
      return { refunded: entry.amount + entry.lapsed, expired: entry.lapsed };
    case 'REVERSED':
    case 'REFUNDED':
      return { refunded: entry.amount + entry.lapsed, expired: entry.lapsed };
    case 'EXPIRED':
      return { expired: entry.amount };
    case 'VOIDED':
      return { voided: entry.amount };
    case 'CAPTURED':
      return {};
  }
}

/** The movement a ledger entry makes; undefined when it moves nothing (a capture, a zero amount with nothing lapsed). */
export function movementOf(entry: LedgerEntry): Movement | undefined {
  const amounts = Object.fromEntries(Object.entries(amountsOf(entry)).filter(([, n]) => n !== 0)) as ColumnAmounts;
  if (Object.keys(amounts).length === 0) return undefined;
  return { currency: entry.currency, day: entry.at.slice(0, 10), amounts };
}

/** Every column's sum, per currency, over movements (what the day totals must hold once every entry is aggregated). */
export function addMovement(sums: Record<string, Record<ReportColumn, number>>, movement: Movement | undefined): void {
  if (!movement) return;
  const sum = (sums[movement.currency] ??= noMovement());
  for (const c of REPORT_COLUMNS) sum[c] += movement.amounts[c] ?? 0;
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
    const sum = byDay.get(t.day) ?? noMovement();
    for (const c of REPORT_COLUMNS) sum[c] += t[c];
    byDay.set(t.day, sum);
  }
  const rows: ReportRow[] = [];
  for (const [currency, byDay] of [...sums].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let opening = 0;
    for (const [day, sum] of byDay) if (day < from) opening += liabilityChange(sum);
    for (let day = from; day <= to; day = dayAfter(day)) {
      const sum = byDay.get(day) ?? noMovement();
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

export interface ColumnCheck {
  /** All-time sum of the column in the day totals (what the report shows). */
  readonly totals: number;
  /** The same sum recomputed from every ledger entry. */
  readonly entries: number;
  readonly difference: number;
}

export interface ReconciliationLine {
  readonly currency: string;
  /** Closing liability from the ledger's aggregates. */
  readonly ledger: number;
  /** Sum of what remains on the stored credits. */
  readonly credits: number;
  readonly difference: number;
  /** Each report column: the day totals against the ledger entries (an entry counted twice, or not yet, shows here). */
  readonly columns: { readonly [C in ReportColumn]: ColumnCheck };
}

/**
 * Per currency: the closing liability of the day totals against the sum of remaining on credits, and each column of
 * the day totals against the movements of every ledger entry; `balanced` when every difference is 0.
 */
export function reconcile(
  totals: readonly DayTotals[],
  entries: Readonly<Record<string, Readonly<Record<ReportColumn, number>>>>,
  remaining: Readonly<Record<string, number>>,
): { balanced: boolean; lines: ReconciliationLine[] } {
  const liability = totalLiability(totals);
  const reported: Record<string, Record<ReportColumn, number>> = {};
  for (const t of totals) addMovement(reported, { currency: t.currency, day: t.day, amounts: t });
  const currencies = [...new Set([...Object.keys(liability), ...Object.keys(remaining), ...Object.keys(entries)])].sort();
  const lines = currencies.map((currency) => {
    const ledger = liability[currency] ?? 0;
    const credits = remaining[currency] ?? 0;
    const columns = Object.fromEntries(
      REPORT_COLUMNS.map((c) => {
        const fromTotals = reported[currency]?.[c] ?? 0;
        const fromEntries = entries[currency]?.[c] ?? 0;
        return [c, { totals: fromTotals, entries: fromEntries, difference: fromTotals - fromEntries }];
      }),
    ) as ReconciliationLine['columns'];
    return { currency, ledger, credits, difference: ledger - credits, columns };
  });
  const balanced = lines.every((l) => l.difference === 0 && REPORT_COLUMNS.every((c) => l.columns[c].difference === 0));
  return { balanced, lines };
}

/** Closing liability per currency over all totals. */
export function totalLiability(totals: readonly DayTotals[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of totals) out[t.currency] = (out[t.currency] ?? 0) + liabilityChange(t);
  return out;
}
