/**
 * Reads Markdown the way GitHub renders it, as far as the doc tests need: the links of a text (outside code) and the
 * anchors its headings get.
 */

/** Lines outside fenced code blocks, with their 1-based numbers; inline code spans blanked out. */
function proseLines(text: string): { line: number; text: string }[] {
  let fenced = false;
  return text.split('\n').flatMap((raw, i) => {
    if (/^\s*(```|~~~)/.test(raw)) {
      fenced = !fenced;
      return [];
    }
    return fenced ? [] : [{ line: i + 1, text: raw }];
  });
}

/** Inline links and images `[text](target)` outside code; `target` without a title. */
export function linksOf(text: string): { line: number; target: string }[] {
  return proseLines(text).flatMap(({ line, text: t }) =>
    [...t.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => ({ line, target: m[1]! })),
  );
}

/** GitHub's anchor for a heading: lower case, anything but letters, digits, `_`, `-` and spaces dropped, spaces to `-`. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of every heading of a text; a repeated slug gets `-1`, `-2`, … as on GitHub. */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text: t } of proseLines(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(t);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** A command shown in a fenced block: its words (double quotes as a shell reads them) and its trailing `# comment`. */
export interface ShownCommand {
  line: number;
  words: string[];
  comment: string;
}

/** Shell words of a command line without its comment (double-quoted words and `<placeholders>` may hold blanks). */
function shellWords(text: string): { words: string[]; comment: string } {
  const words: string[] = [];
  let word: string | undefined;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') quoted = false;
      else word += c;
    } else if (c === '"') {
      quoted = true;
      word ??= '';
    } else if (c === '<' && word === undefined && text.indexOf('>', i) > i) {
      word = text.slice(i, text.indexOf('>', i) + 1); // a placeholder such as <holdId of o-79> is one word
      i = text.indexOf('>', i);
    } else if (c === '#' && word === undefined) {
      return { words, comment: text.slice(i + 1).trim() };
    } else if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return { words, comment: '' };
}

/**
 * The commands starting with `prefix` in the fenced blocks of the section under `heading` (up to the next heading of
 * its level or higher), a `$ ` prompt removed; a comment-only line right after a command adds to its comment.
 */
export function commandsUnder(text: string, heading: string, prefix: string): ShownCommand[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = /^#+/.exec(heading)![0].length;
  const commands: ShownCommand[] = [];
  let fenced = false;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^\s*```/.test(l)) {
      fenced = !fenced;
      continue;
    }
    if (!fenced) {
      const h = /^(#+)\s/.exec(l);
      if (h && h[1]!.length <= level) break;
      continue;
    }
    const body = l.replace(/^\$ /, '');
    if (body.startsWith(prefix)) commands.push({ line: i + 1, ...shellWords(body) });
    else if (/^#\s/.test(body.trim()) && commands.at(-1)?.line === i) commands.at(-1)!.comment += ` ${body.trim().slice(1).trim()}`;
  }
  return commands;
}
