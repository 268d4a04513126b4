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
