/**
 * The layout of customer emails: content blocks, and how they become the HTML part (inline styles, escaped) and the
 * plain-text part. Pure. What the blocks say is decided in render.ts.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes & < > " ' so the result is safe in HTML text and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

/** A piece of content in both renderings. `html` is always already escaped. */
export interface Piece {
  readonly text: string;
  readonly html: string;
}

export type Block =
  | { type: 'heading'; content: Piece }
  | { type: 'paragraph'; content: Piece }
  | { type: 'subheading'; content: Piece }
  | { type: 'facts'; rows: ReadonlyArray<{ label: Piece; value: Piece; multiline?: boolean }> }
  | { type: 'list'; items: readonly Piece[] }
  | { type: 'signature'; lines: readonly Piece[] }
  | { type: 'footer'; content: Piece };

const STYLE = {
  body: 'margin:0;padding:24px 0;background-color:#f4f4f5;',
  card:
    'max-width:600px;margin:0 auto;padding:32px;background-color:#ffffff;' +
    'font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2937;',
  heading: 'margin:0 0 24px;font-size:22px;line-height:1.3;color:#111827;',
  subheading: 'margin:24px 0 8px;font-size:17px;color:#111827;',
  paragraph: 'margin:0 0 16px;',
  facts: 'width:100%;margin:0 0 16px;border-collapse:collapse;',
  factLabel:
    'padding:8px 12px 8px 0;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top;font-weight:normal;color:#6b7280;white-space:nowrap;',
  factValue: 'padding:8px 0;border-bottom:1px solid #e5e7eb;vertical-align:top;font-weight:bold;',
  factValueMultiline: 'padding:8px 0;border-bottom:1px solid #e5e7eb;vertical-align:top;white-space:pre-line;',
  list: 'margin:0 0 16px;padding-left:20px;',
  listItem: 'margin:0 0 4px;',
  signature: 'margin:24px 0 0;',
  footer: 'margin:32px 0 0;font-size:12px;color:#6b7280;',
} as const;

function blockToHtml(block: Block): string {
  switch (block.type) {
    case 'heading':
      return `<h1 style="${STYLE.heading}">${block.content.html}</h1>`;
    case 'subheading':
      return `<h2 style="${STYLE.subheading}">${block.content.html}</h2>`;
    case 'paragraph':
      return `<p style="${STYLE.paragraph}">${block.content.html}</p>`;
    case 'facts':
      return [
        `<table role="presentation" style="${STYLE.facts}">`,
        ...block.rows.map(
          (r) =>
            `<tr><th scope="row" style="${STYLE.factLabel}">${r.label.html}</th>` +
            `<td style="${r.multiline ? STYLE.factValueMultiline : STYLE.factValue}">${r.value.html}</td></tr>`,
        ),
        '</table>',
      ].join('\n');
    case 'list':
      return [`<ul style="${STYLE.list}">`, ...block.items.map((i) => `<li style="${STYLE.listItem}">${i.html}</li>`), '</ul>'].join('\n');
    case 'signature':
      return `<p style="${STYLE.signature}">${block.lines.map((l) => l.html).join('<br>')}</p>`;
    case 'footer':
      return `<p style="${STYLE.footer}">${block.content.html}</p>`;
  }
}

export function toHtml(tag: string, subject: Piece, blocks: readonly Block[]): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(tag)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${subject.html}</title>`,
    '</head>',
    `<body style="${STYLE.body}">`,
    `<div style="${STYLE.card}">`,
    ...blocks.map(blockToHtml),
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function blockToText(block: Block): string {
  switch (block.type) {
    case 'heading':
    case 'subheading':
    case 'paragraph':
    case 'footer':
      return block.content.text;
    case 'facts':
      return block.rows.map((r) => `${r.label.text}: ${r.value.text}`).join('\n');
    case 'list':
      return block.items.map((i) => `- ${i.text}`).join('\n');
    case 'signature':
      return block.lines.map((l) => l.text).join('\n');
  }
}

export function toText(blocks: readonly Block[]): string {
  // A subheading sits directly above its paragraph or list; everything else is separated by a blank line.
  let out = '';
  blocks.forEach((block, i) => {
    if (i > 0) out += blocks[i - 1]!.type === 'subheading' ? '\n' : '\n\n';
    out += blockToText(block);
  });
  return `${out}\n`;
}
