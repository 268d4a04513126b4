/** Fixed-width text tables for the terminal. */

export type Verdict = 'PASS' | 'MISS' | '-';

export const verdict = (ok: boolean | undefined): Verdict => (ok === undefined ? '-' : ok ? 'PASS' : 'MISS');

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export function renderTable(title: string, columns: Column[], rows: Array<Array<string | number>>, notes: string[] = []): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = columns.map((col, i) => Math.max(col.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const pad = (s: string, i: number) => ((columns[i]!.align ?? 'right') === 'left' ? s.padEnd(widths[i]!) : s.padStart(widths[i]!));
  const line = (r: string[]) =>
    r
      .map((c, i) => pad(c, i))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [title, '='.repeat(Math.max(title.length, rule.length)), line(columns.map((c) => c.header)), rule, ...cells.map(line)];
  for (const n of notes) out.push(`  ${n}`);
  return out.join('\n');
}

export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toString() : 'n/a');
export const fmtUsd = (n: number) => (Number.isFinite(n) ? `$${n < 10 ? n.toFixed(3) : n.toFixed(2)}` : 'n/a');
