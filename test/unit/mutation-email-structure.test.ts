import { renderEmail, type EmailMessage } from '../../lambdas/domain/email/render';
import { formatMoney } from '../../lambdas/domain/money';

/**
 * The shape of both customer emails in every language (issue 15: closing, headings and the HTML skeleton were removable).
 * Structural on purpose: the wording belongs to the text catalogue and may change; what must not change is that the
 * email is a complete HTML document, opens with one heading, shows the formatted amount, lists the rules, ends with a
 * non-empty sign-off and footer, and that the text part carries the same content as the HTML part.
 */
const OPTIONS = { timeZone: 'Europe/Berlin' };
const EXPIRES = '2026-12-25T10:30:00.000Z';
const LOCALES = [
  ['de-DE', 'de-DE'],
  ['en', 'en'],
  ['de-AT', 'de-AT'],
  ['fr-FR', 'en'], // unsupported language: English text, English formatting
] as const;

const messages = (locale: string): Array<[string, EmailMessage, number]> => [
  ['CREDIT_ISSUED', { kind: 'CREDIT_ISSUED', locale, amount: 2500, currency: 'EUR', expiresAt: EXPIRES, reason: 'Paket beschädigt' }, 2500],
  ['EXPIRY_REMINDER', { kind: 'EXPIRY_REMINDER', locale, remaining: 1234, currency: 'EUR', expiresAt: EXPIRES }, 1234],
];

const unescapeHtml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
/** Visible text of an HTML fragment: tags become line breaks, entities undone, blank lines dropped. */
const visible = (fragment: string) =>
  unescapeHtml(fragment.replace(/<br>/g, '\n').replace(/<[^>]+>/g, '\n'))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

interface Element {
  readonly tag: string;
  readonly style: string;
  readonly inner: string;
}
/** Top-level blocks of the email card, in order. Good enough for the renderer's own simple markup. */
function blocks(html: string): Element[] {
  const card = /<body[^>]*>\s*<div[^>]*>([\s\S]*)<\/div>\s*<\/body>/.exec(html)?.[1] ?? '';
  return [...card.matchAll(/<(h1|h2|p|table|ul)\b([^>]*)>([\s\S]*?)<\/\1>/g)].map((m) => ({
    tag: m[1]!,
    style: /style="([^"]*)"/.exec(m[2]!)?.[1] ?? '',
    inner: m[3]!,
  }));
}

describe.each(LOCALES)('email structure, locale %s', (locale, tag) => {
  describe.each(messages(locale))('%s', (_, message, amount) => {
    // Rendered inside each test (not once per describe) so Stryker attributes the coverage to every test.
    const render = () => {
      const { subject, html, text } = renderEmail(message, OPTIONS);
      return {
        subject,
        html,
        text,
        body: blocks(html),
        textLines: text
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      };
    };

    it('is a complete HTML document: doctype, html with lang, head with charset, viewport and title, body', () => {
      const { subject, html, text, body, textLines } = render();
      const skeleton = [
        '<!DOCTYPE html>',
        `<html lang="${tag}">`,
        '<head>',
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<title>',
        '</title>',
        '</head>',
        '<body',
        '<div',
        '</div>',
        '</body>',
        '</html>',
      ];
      let from = 0;
      for (const part of skeleton) {
        const at = html.indexOf(part, from);
        expect({ part, found: at >= 0 }).toEqual({ part, found: true });
        from = at + part.length;
      }
      expect(html.endsWith('</html>\n')).toBe(true);
      expect(unescapeHtml(/<title>([\s\S]*)<\/title>/.exec(html)![1]!)).toBe(subject);
      expect(subject.trim()).not.toBe('');
    });

    it('every element is styled inline with CSS declarations (mail clients drop <style>)', () => {
      const { subject, html, text, body, textLines } = render();
      const styles = [...html.matchAll(/<(\w+)[^>]*?style="([^"]*)"/g)];
      expect(styles.length).toBeGreaterThanOrEqual(body.length + 2); // body and card too
      for (const [, element, style] of styles) {
        expect({ element, style }).toEqual({ element, style: expect.stringMatching(/^([a-z-]+:[^;:]+;)+$/) });
      }
      for (const element of ['h1', 'h2', 'p', 'table', 'ul', 'li', 'th', 'td', 'body', 'div']) {
        for (const m of html.matchAll(new RegExp(`<${element}\\b[^>]*>`, 'g'))) expect(m[0]).toContain('style="');
      }
    });

    it('opens with exactly one non-empty heading, which is also the first line of the text part', () => {
      const { subject, html, text, body, textLines } = render();
      expect(body[0]?.tag).toBe('h1');
      expect(body.filter((b) => b.tag === 'h1')).toHaveLength(1);
      const heading = visible(body[0]!.inner).join(' ');
      expect(heading).not.toBe('');
      expect(textLines[0]).toBe(heading);
    });

    it('has non-empty subheadings, each on its own line in the text part, directly above its content', () => {
      const { subject, html, text, body, textLines } = render();
      const subheadings = body.filter((b) => b.tag === 'h2');
      expect(subheadings.length).toBeGreaterThanOrEqual(2);
      for (const h of subheadings) {
        const line = visible(h.inner).join(' ');
        expect(line).not.toBe('');
        const at = text.indexOf(`\n\n${line}\n`);
        expect(at).toBeGreaterThan(0);
        expect(text[at + line.length + 3]).not.toBe('\n'); // no blank line between a subheading and its content
      }
      expect(body[body.indexOf(subheadings.at(-1)!) + 1]?.tag).toBe('ul'); // the last one introduces the rules
    });

    it('shows the amount formatted for the locale, in the subject and body of both parts', () => {
      const { subject, html, text, body, textLines } = render();
      const formatted = formatMoney({ amount, currency: 'EUR' }, tag);
      expect(subject).toContain(formatted);
      expect(text).toContain(formatted);
      expect(unescapeHtml(html.slice(html.indexOf('<body')))).toContain(formatted);
      const table = body.find((b) => b.tag === 'table');
      expect(table && visible(table.inner)).toContain(formatted);
    });

    it('lists the rules, each a non-empty item that the text part shows as "- item"', () => {
      const { subject, html, text, body, textLines } = render();
      const list = body.find((b) => b.tag === 'ul');
      const items = [...(list?.inner ?? '').matchAll(/<li\b[^>]*>([\s\S]*?)<\/li>/g)].map((m) => visible(m[1]!).join(' '));
      expect(items.length).toBeGreaterThanOrEqual(3);
      for (const item of items) {
        expect(item).not.toBe('');
        expect(textLines).toContain(`- ${item}`);
      }
    });

    it('ends, after the rules, with a non-empty sign-off and a non-empty footer that also end the text part', () => {
      const { subject, html, text, body, textLines } = render();
      const afterRules = body.slice(body.findIndex((b) => b.tag === 'ul') + 1);
      expect(afterRules.map((b) => b.tag)).toEqual(['p', 'p']);
      const [signOff, footer] = afterRules.map((b) => visible(b.inner));
      expect(signOff!.length).toBeGreaterThanOrEqual(2); // greeting line and who signs
      expect(footer!.length).toBeGreaterThanOrEqual(1);
      for (const line of [...signOff!, ...footer!]) expect(line).not.toBe('');
      expect(textLines.slice(-(signOff!.length + footer!.length))).toEqual([...signOff!, ...footer!]);
      expect(afterRules[0]!.inner).toContain('<br>'); // sign-off lines stay on separate lines in HTML
      expect(text.endsWith(`\n\n${footer!.join('\n')}\n`)).toBe(true);
    });

    it('the text part mirrors the HTML part: the same lines in the same order', () => {
      const { subject, html, text, body, textLines } = render();
      const htmlLines = body.flatMap((b) => {
        if (b.tag === 'table') {
          // A row is "label: value" in the text part.
          return [...b.inner.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => visible(row[1]!).join(': '));
        }
        if (b.tag === 'ul') return [...b.inner.matchAll(/<li\b[^>]*>([\s\S]*?)<\/li>/g)].map((m) => `- ${visible(m[1]!).join(' ')}`);
        return visible(b.inner);
      });
      expect(textLines).toEqual(htmlLines);
      expect(text.endsWith('\n')).toBe(true);
      expect(text).not.toMatch(/\n{3}/);
    });
  });
});
