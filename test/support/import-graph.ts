/**
 * The project's import graph, read from the sources: which module imports which (relative imports only, type-only
 * ones included), its import cycles (strongly connected groups) and the imports that break the layers.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Module (path from the repository root) → the modules it imports. */
export type ImportGraph = Readonly<Record<string, readonly string[]>>;

/** The folders whose modules form the graph. */
export const GRAPH_ROOTS = ['lambdas', 'infra', 'local', 'console', 'client', 'bench'] as const;

const SKIPPED_FOLDERS = new Set(['node_modules', 'cdk.out', 'dist']);

/**
 * Every module specifier of a TypeScript source: `import … from`, `export … from`, `import '…'`, `import('…')`,
 * `require('…')`. Static imports count only at the start of a line, so a comment (JSDoc lines start with `*`) never
 * adds one; comment lines are dropped before looking for the call forms.
 */
export function importSpecifiers(source: string): string[] {
  const code = source
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
    .join('\n');
  const forms = [
    /^(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/gm,
    /^import\s*['"]([^'"]+)['"]/gm,
    /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return forms.flatMap((form) => [...code.matchAll(form)].map((m) => m[1]!));
}

function sourceFiles(root: string, folder: string): string[] {
  const dir = join(root, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : sourceFiles(root, path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The module a relative specifier of `from` names, if it is a source file of the repository. */
function resolveModule(root: string, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = join(dirname(from), specifier).replace(/\.js$/, '');
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  return candidates.find((c) => /\.tsx?$/.test(c) && existsSync(join(root, c)));
}

/** The graph of every module under GRAPH_ROOTS, paths relative to `root` with `/` separators. */
export function importGraph(root: string): ImportGraph {
  const posix = (p: string) => p.split('\\').join('/');
  const graph: Record<string, string[]> = {};
  for (const file of GRAPH_ROOTS.flatMap((folder) => sourceFiles(root, folder))) {
    const imported = importSpecifiers(readFileSync(join(root, file), 'utf8')).flatMap((s) => {
      const target = resolveModule(root, file, s);
      return target ? [posix(relative(root, join(root, target)))] : [];
    });
    graph[posix(file)] = [...new Set(imported)].sort();
  }
  return graph;
}

/** The import cycles: each group of modules that reach each other (Tarjan), members and groups sorted. */
export function importCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph[v] ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || (graph[v] ?? []).includes(v)) groups.push(group.sort());
  };
  for (const v of Object.keys(graph)) if (!index.has(v)) visit(v);
  return groups.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** The layer of a module of lambdas/ (handlers, lambdas/<function>/, compose the others and have none). */
export function layerOf(module: string): 'domain' | 'app' | 'adapters' | 'shared' | undefined {
  const m = /^lambdas\/(domain|app|adapters|shared)\//.exec(module);
  return m ? (m[1] as 'domain' | 'app' | 'adapters' | 'shared') : undefined;
}

/**
 * Imports against the one-way flow handlers → app → domain: app/ never imports adapters/ (they implement its
 * ports), shared/ neither app/ nor adapters/, and domain/ only domain/ and shared/. Each as `importer -> imported`.
 */
export function layerViolations(graph: ImportGraph): string[] {
  const allowed = (from: string, to: string): boolean => {
    switch (layerOf(from)) {
      case 'domain':
        return layerOf(to) === 'domain' || layerOf(to) === 'shared';
      case 'app':
        return layerOf(to) !== 'adapters';
      case 'shared':
        return layerOf(to) !== 'app' && layerOf(to) !== 'adapters';
      default:
        return true;
    }
  };
  return Object.entries(graph).flatMap(([from, imported]) => imported.filter((to) => !allowed(from, to)).map((to) => `${from} -> ${to}`));
}
