/**
 * Section 2, second table: the same functions bundled and started three other ways, to weigh where the AWS SDK
 * comes from and what `--enable-source-maps` costs. Defines the variants and renders their table; the
 * measurement itself is in coldstart.ts (same processes, same rounds, same bare-handler baselines).
 */
import { fmt, renderTable } from '../lib/table';

/** A way of bundling and starting a function: where the SDK comes from, and the child's NODE_OPTIONS. */
export interface Variant {
  key: VariantKey;
  label: string;
  /** esbuild `external`: the CDK's list, or nothing (the SDK goes into the bundle). */
  sdk: 'external' | 'bundled';
  /** NODE_OPTIONS of the child that requires the bundle. */
  nodeOptions: string;
}

export type VariantKey = 'external' | 'bundled' | 'external+maps' | 'bundled+maps';

export const VARIANTS: readonly Variant[] = [
  { key: 'external', label: 'SDK external (runtime)', sdk: 'external', nodeOptions: '' },
  { key: 'bundled', label: 'SDK bundled', sdk: 'bundled', nodeOptions: '' },
  { key: 'external+maps', label: 'SDK external, --enable-source-maps', sdk: 'external', nodeOptions: '--enable-source-maps' },
  { key: 'bundled+maps', label: 'SDK bundled, --enable-source-maps', sdk: 'bundled', nodeOptions: '--enable-source-maps' },
];

export interface VariantCell {
  bundleBytes: number;
  mapBytes: number;
  initMs: number[];
  initMedianMs: number;
  /** init median / a bare handler with the same SDK clients external (from node_modules), no NODE_OPTIONS: one denominator for every variant. */
  ratio: number;
}

export interface VariantRow {
  name: string;
  cells: Record<VariantKey, VariantCell>;
}

export function renderVariants(rows: VariantRow[], runs: number): string {
  const kb = (b: number) => fmt(b / 1024, 1);
  const cols = VARIANTS.flatMap((v) => [{ header: `${v.key} KB` }, { header: `${v.key} ms` }, { header: `×bare` }]);
  const body = rows.map((r) => [
    r.name,
    ...VARIANTS.flatMap((v) => [kb(r.cells[v.key].bundleBytes), fmt(r.cells[v.key].initMedianMs, 1), fmt(r.cells[v.key].ratio)]),
  ]);
  const range = (k: VariantKey, f: (c: VariantCell) => number, d: number) => {
    const xs = rows.map((r) => f(r.cells[k]));
    return `${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)}`;
  };
  const notes = [
    ...VARIANTS.map(
      (v) =>
        `${v.key}: ${v.label}; bundle ${range(v.key, (c) => c.bundleBytes / 1024, 1)} KB (map ${range(v.key, (c) => c.mapBytes / 1024, 1)} KB), init ${range(v.key, (c) => c.initMedianMs, 1)} ms, ${range(v.key, (c) => c.ratio, 2)}× bare`,
    ),
    `median over ${runs} processes each; ×bare = init / a bare handler importing the same SDK clients from node_modules (as from the Lambda runtime), no NODE_OPTIONS, so every column shares one denominator.`,
    'bundled variants run without NODE_PATH: nothing outside the bundle can be resolved.',
  ];
  return renderTable(
    '2b. Cold start: where the AWS SDK comes from, and --enable-source-maps',
    [{ header: 'function', align: 'left' }, ...cols],
    body,
    notes,
  );
}
