/** Section 7's verdicts and table (bench/sections/hot-items.ts): per hot item and design, the rate needed against the item's ceiling. */
import { fmt, fmtInt, renderTable } from '../lib/table';
import type { HotItemsResult } from './hot-items';

export function hotItemsVerdicts(r: HotItemsResult) {
  return r.lines.map((l) => ({
    what: `${l.item}, ${l.design}: rate needed per item / ceiling`,
    target: `<= 1, none throttled or refused`,
    actual: `${fmt(l.neededPerItem / l.ceilingPerItem)} (${fmt(l.neededPerItem, 1)} / ${fmt(l.ceilingPerItem, 1)} a second), throttled ${l.throttled}, refused ${l.errors}`,
    pass: l.holds,
  }));
}

export function renderHotItems(r: HotItemsResult): string {
  return renderTable(
    `7. Hot items under the partition limits (strict layer: ${r.txnWindowMs} ms transaction window, ${r.partitionWcu} WCU/s a partition)`,
    [
      { header: 'item', align: 'left' },
      { header: 'design', align: 'left' },
      { header: 'production/s' },
      { header: 'needed/s/item' },
      { header: 'ceiling/s/item' },
      { header: 'WCU/write' },
      { header: 'driven/s (items)' },
      { header: 'admitted/s/item' },
      { header: 'conflicted' },
      { header: 'throttled' },
      { header: 'verdict', align: 'left' },
    ],
    r.lines.map((l) => [
      l.item,
      l.design,
      fmtInt(l.productionPerSecond),
      fmt(l.neededPerItem, 1),
      fmt(l.ceilingPerItem, 1),
      l.unitsPerWrite,
      `${fmtInt(l.offeredPerSecond)} (${l.itemsDriven})`,
      fmt(l.committed / (l.elapsedMs / 1000) / l.itemsDriven, 1),
      `${l.conflicted}/${l.sent} (${fmtInt((100 * l.conflicted) / l.sent)} %)`,
      `${l.throttled}${l.errors ? `, ${l.errors} errors` : ''}`,
      l.holds ? 'HOLDS' : 'DOES NOT HOLD',
    ]),
    [
      'first tries only (SDK retries off); a production rate this machine cannot drive is driven on fewer items at the same rate per item',
      `ceiling = min(1000 / window for a transaction, ${r.partitionWcu} / WCU per write); admitted/s/item is what the layer let through, over the whole run`,
      ...r.lines.filter((l) => l.firstError).map((l) => `${l.item}, ${l.design}: first error: ${l.firstError}`),
    ],
  );
}
