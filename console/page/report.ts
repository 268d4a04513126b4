/**
 * The finance screen: the report of the `report` function as one chart per currency (liability at each day's close
 * as a line; granted, spent, refunded, breakage and voided per day as bars), the same figures as a table, and the
 * function's own CSV as a download.
 */
import type { ReportColumn, ReportRow } from '../../lambdas/domain/finance';
import { accepted, type Answer, call, field, h, money, needs, table, uid } from './dom';
import type { Session } from './session';

const SVG = 'http://www.w3.org/2000/svg';
const LABEL: Record<ReportColumn, string> = {
  granted: 'granted',
  spent: 'spent',
  refunded: 'refunded',
  expired: 'breakage',
  voided: 'voided',
};
const W = 720;
const H = 260;
const PAD = { left: 96, right: 12, top: 12, bottom: 28 };

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...children: Node[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

/** One currency's days as an SVG: the closing liability as a line over grouped bars of the day's movements. */
function chart(columns: readonly ReportColumn[], currency: string, rows: readonly ReportRow[]): SVGSVGElement {
  const max = Math.max(1, ...rows.flatMap((r) => [r.closing, ...columns.map((c) => r[c])]));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const slot = plotW / rows.length;
  const barW = Math.max(1, (slot * 0.8) / columns.length);
  const titleId = uid('chart-title');
  const last = rows[rows.length - 1]!;
  const title = `${currency}: liability ${money(rows[0]!.opening, currency)} at the opening of ${rows[0]!.day}, ${money(last.closing, currency)} at the close of ${last.day}`;
  const root = svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': titleId, class: 'chart' },
    svg('title', { id: titleId }),
  );
  root.querySelector('title')!.textContent = title;
  for (const v of [0, max / 2, max]) {
    const label = svg('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' });
    label.textContent = money(Math.round(v), currency);
    root.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }), label);
  }
  rows.forEach((r, i) => {
    columns.forEach((c, j) => {
      if (r[c] === 0) return;
      const bar = svg('rect', {
        x: PAD.left + i * slot + slot * 0.1 + j * barW,
        y: y(r[c]),
        width: barW,
        height: y(0) - y(r[c]),
        class: `bar ${c}`,
      });
      bar.append(svg('title', {}));
      bar.firstElementChild!.textContent = `${r.day} ${LABEL[c]} ${money(r[c], currency)}`;
      root.append(bar);
    });
    if (i === 0 || i === rows.length - 1 || i === Math.floor(rows.length / 2)) {
      const day = svg('text', { x: PAD.left + i * slot + slot / 2, y: H - 8, 'text-anchor': 'middle', class: 'tick' });
      day.textContent = r.day;
      root.append(day);
    }
  });
  // A step: the liability is what it closed at over the whole day (no slope between two closings).
  const points = rows.map((r, i) => `${PAD.left + i * slot},${y(r.closing)} ${PAD.left + (i + 1) * slot},${y(r.closing)}`).join(' ');
  root.append(svg('polyline', { points, class: 'liability' }));
  return root;
}

const legend = (columns: readonly ReportColumn[]) =>
  h(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    h('li', {}, h('span', { class: 'swatch liability', 'aria-hidden': 'true' }), 'liability at the close of the day (line)'),
    ...columns.map((c) => h('li', {}, h('span', { class: `swatch ${c}`, 'aria-hidden': 'true' }), `${LABEL[c]} (bar)`)),
  );

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function reportScreen(s: Session): HTMLElement {
  const columns = s.reportColumns;
  const from = h('input', { id: uid('from'), type: 'date', required: true, value: isoDay(Date.now() - 13 * 86_400_000) });
  const to = h('input', { id: uid('to'), type: 'date', required: true, value: isoDay(Date.now()) });
  const messages = h('div', { class: 'messages' });
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  const range = () => ({ from: from.value, to: to.value });
  const show = async () => {
    const answer = accepted(await call<Answer<{ rows: ReportRow[] }>>('report', range()), messages);
    if (!answer) return out.replaceChildren();
    const currencies = [...new Set(answer.rows.map((r) => r.currency))];
    if (!currencies.length) return out.replaceChildren(h('p', {}, 'No movement up to this day.'));
    out.replaceChildren(
      legend(columns),
      ...currencies.flatMap((c) => {
        const rows = answer.rows.filter((r) => r.currency === c);
        return [
          h('h3', {}, c),
          chart(columns, c, rows),
          h(
            'details',
            {},
            h('summary', {}, `The ${c} figures as a table`),
            table(
              `${c} per day`,
              ['Day', 'Opening', ...columns.map((k) => LABEL[k]), 'Closing'],
              rows.map((r) => [r.day, money(r.opening, c), ...columns.map((k) => money(r[k], c)), money(r.closing, c)]),
            ),
          ),
        ];
      }),
    );
  };
  const exportCsv = async () => {
    const answer = accepted(await call<Answer<{ csv: string }>>('report', { ...range(), format: 'csv' }), messages);
    if (!answer) return;
    const link = h('a', {
      href: URL.createObjectURL(new Blob([answer.csv], { type: 'text/csv' })),
      download: `courtesy-report-${from.value}-${to.value}.csv`,
    });
    document.body.append(link);
    link.click();
    link.remove();
  };
  const form = h(
    'form',
    {
      onsubmit: (e) => {
        e.preventDefault();
        void show();
      },
    },
    field('From (UTC day)', from),
    field('To (UTC day, at most 366 days)', to),
    h('button', { type: 'submit' }, 'Show report'),
    h('button', { type: 'button', onclick: () => void exportCsv() }, 'Export CSV'),
  );
  return h(
    'section',
    { 'aria-labelledby': 'report-h' },
    h('h2', { id: 'report-h' }, 'Finance report'),
    needs(s.invokers, 'report'),
    form,
    messages,
    out,
  );
}
