/**
 * The import graph keeps its shape: no import cycle among the modules of lambdas/, infra/, local/, console/, client/
 * and bench/, and imports flow one way, handlers → app → domain (adapters implement app's ports; handlers compose
 * them all). A failure names the modules: move the type both sides need down to a module both import.
 */
import { resolve } from 'node:path';
import { importCycles, importGraph, importSpecifiers, layerViolations, type ImportGraph } from '../support/import-graph';

const ROOT = resolve(__dirname, '../..');
const graph = importGraph(ROOT);

describe('the import graph', () => {
  test('is read from the sources: every root folder, relative imports resolved to modules', () => {
    expect(Object.keys(graph).length).toBeGreaterThan(200);
    for (const folder of ['lambdas/', 'infra/', 'local/', 'console/', 'client/', 'bench/'])
      expect(Object.keys(graph).some((m) => m.startsWith(folder))).toBe(true);
    expect(graph['lambdas/app/grant.ts']).toEqual(expect.arrayContaining(['lambdas/domain/credit.ts', 'lambdas/app/ports.ts']));
    expect(graph['lambdas/grant/handler.ts']).toEqual(expect.arrayContaining(['lambdas/adapters/dynamodb/index.ts']));
  });

  test('has no import cycle', () => {
    expect(importCycles(graph).map((group) => group.join(' ⇄ '))).toEqual([]);
  });

  test('imports flow one way: app/ never imports adapters/, shared/ neither app/ nor adapters/, domain/ only domain/ and shared/', () => {
    expect(layerViolations(graph)).toEqual([]);
  });
});

describe('the checks find what they look for', () => {
  const planted: ImportGraph = {
    'lambdas/domain/a.ts': ['lambdas/domain/b.ts'],
    'lambdas/domain/b.ts': ['lambdas/domain/a.ts', 'lambdas/domain/money.ts'],
    'lambdas/domain/money.ts': ['lambdas/shared/clock.ts', 'lambdas/contracts/index.ts'],
    'lambdas/shared/clock.ts': ['lambdas/app/ports.ts'],
    'lambdas/app/ports.ts': ['lambdas/adapters/dynamodb/layout.ts', 'lambdas/domain/money.ts', 'lambdas/shared/clock.ts'],
    'lambdas/adapters/dynamodb/layout.ts': ['lambdas/app/ports.ts'],
    'lambdas/approval/handler.ts': ['lambdas/adapters/dynamodb/layout.ts', 'lambdas/app/ports.ts'],
    'infra/self.ts': ['infra/self.ts'],
  };

  test('a cycle of any length, and a module importing itself', () => {
    expect(importCycles(planted)).toEqual([
      ['infra/self.ts'],
      ['lambdas/adapters/dynamodb/layout.ts', 'lambdas/app/ports.ts', 'lambdas/domain/money.ts', 'lambdas/shared/clock.ts'],
      ['lambdas/domain/a.ts', 'lambdas/domain/b.ts'],
    ]);
  });

  test('each import against the layers, and none of a handler (lambdas/approval/ is a handler, not app/)', () => {
    expect(layerViolations(planted)).toEqual([
      'lambdas/domain/money.ts -> lambdas/contracts/index.ts',
      'lambdas/shared/clock.ts -> lambdas/app/ports.ts',
      'lambdas/app/ports.ts -> lambdas/adapters/dynamodb/layout.ts',
    ]);
  });

  test('every import form counts, type-only and multi-line included; comments do not', () => {
    const source = [
      '/**',
      " * import { nothing } from './in-a-comment';",
      ' */',
      "// import { neither } from './commented-out';",
      "import type { A } from './a';",
      'import {',
      '  b,',
      '  type B,',
      "} from '../b';",
      "import './side-effect';",
      "export * from './re-exported';",
      "export { c } from './c';",
      "const lazy = await import('./lazy');",
      "type E = import('./type-query').E;",
      "const required = require('./required');",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual(
      ['./a', '../b', './side-effect', './re-exported', './c', './lazy', './type-query', './required', 'node:fs'].sort(),
    );
  });
});
