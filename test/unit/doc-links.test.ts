/**
 * Every relative link in README.md and docs/**.md leads somewhere: the file (or folder) exists, and an `#anchor`
 * names a heading of the target file, slugged as GitHub slugs it (lower case, punctuation dropped, spaces to
 * hyphens, repeats numbered).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { anchorsOf, linksOf } from '../support/markdown';

const ROOT = resolve(__dirname, '../..');

function markdownFiles(): string[] {
  const docs = join(ROOT, 'docs');
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : name.endsWith('.md') ? [path] : [];
    });
  return [join(ROOT, 'README.md'), ...walk(docs)];
}

const files = markdownFiles();

describe('documentation links', () => {
  it('finds the README and the docs', () => {
    expect(files.map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining(['README.md', 'docs/contracts.md', 'docs/local-runtime.md']),
    );
  });

  it('the README stays a README a newcomer finishes: at most 300 lines, the rest in docs/', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(300);
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s: every relative link and anchor resolves', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const broken = linksOf(text)
      .filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l.target))
      .flatMap(({ line, target }) => {
        const [path = '', anchor] = target.split('#', 2) as [string, string | undefined];
        const targetFile = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
        if (!targetFile.startsWith(ROOT) || !existsSync(targetFile)) return [`line ${line}: ${target}: no such file`];
        if (anchor === undefined || anchor === '') return [];
        if (!targetFile.endsWith('.md')) return [`line ${line}: ${target}: an anchor into a file that is not Markdown`];
        return anchorsOf(readFileSync(targetFile, 'utf8')).has(anchor) ? [] : [`line ${line}: ${target}: no heading with that anchor`];
      });
    expect(broken).toEqual([]);
  });
});
