import { CreditError } from '../errors';
import { formatMoney } from '../money';
import { assertPositiveMinorUnits } from '../credit';
import { resolveLocale } from '../locale';
import { TEXTS, type EmailTexts, type Template } from './texts';

/**
 * Customer emails, rendered to a subject, an HTML part and a plain-text part. Pure: no I/O, no clock, no AWS.
 *
 * The message carries no email address on purpose (the sender adds the recipient); nothing outside the fields
 * below ever reaches the content. Every interpolated value is HTML-escaped in the HTML part; the plain-text part
 * carries the same content verbatim.
 */

export type EmailMessage =
  | {
      kind: 'CREDIT_ISSUED';
      locale: string;
      /** Integer minor units. */
      amount: number;
      currency: string;
      /** ISO 8601 instant. */
      expiresAt: string;
      /** Customer-facing free text from the complaint. Untrusted. */
      reason: string;
    }
  | {
      kind: 'EXPIRY_REMINDER';
      locale: string;
      /** Integer minor units. */
      remaining: number;
      currency: string;
      expiresAt: string;
    };

export interface RenderOptions {
  /** IANA time zone the expiry moment is shown in, e.g. "Europe/Berlin". */
  readonly timeZone: string;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

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
interface Piece {
  readonly text: string;
  readonly html: string;
}

const literal = (value: string): Piece => ({ text: value, html: escapeHtml(value) });

// Placeholders for template values in the HTML rendering: NUL never occurs in the catalogue texts and survives escaping.
const SLOT = /\u0000([A-Za-z]+)\u0000/g;

/** Fill a catalogue template: raw values for text; for HTML the template text and each value are escaped separately. */
function fill<P extends string>(template: Template<P>, values: Readonly<Record<P, string>>): Piece {
  const slots = Object.fromEntries(Object.keys(values).map((k) => [k, `\u0000${k}\u0000`])) as Record<P, string>;
  const html = escapeHtml(template(slots)).replace(SLOT, (_, key: string) => escapeHtml((values as Record<string, string>)[key] ?? ''));
  return { text: template(values), html };
}

/** Control characters other than tab and newline have no business in an email body. */
function cleanFreeText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .trim();
}

type Block =
  | { type: 'heading'; content: Piece }
  | { type: 'paragraph'; content: Piece }
  | { type: 'subheading'; content: Piece }
  | { type: 'facts'; rows: ReadonlyArray<{ label: Piece; value: Piece; multiline?: boolean }> }
  | { type: 'list'; items: readonly Piece[] }
  | { type: 'signature'; lines: readonly Piece[] }
  | { type: 'footer'; content: Piece };

interface Formatted {
  readonly tag: string;
  readonly texts: EmailTexts;
  readonly amount: string;
  readonly date: string;
  /** Date, time and time zone of the expiry, e.g. "25. Dezember 2026 um 11:30 Uhr (MEZ)". */
  readonly dateTime: string;
}

function formatFor(locale: string, amount: number, currency: string, expiresAt: string, timeZone: string): Formatted {
  const resolved = resolveLocale(locale);
  // Formatting uses the plain language-script-region: a "-u-ca-…" or "-u-nu-…" extension from the caller must not
  // switch the email to another calendar or digit system.
  const tag = new Intl.Locale(resolved.tag).baseName;
  assertPositiveMinorUnits(amount, currency);
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) throw new CreditError('INVALID_INPUT', 'expiresAt is not a valid timestamp');
  const instant = new Date(at);
  const texts = TEXTS[resolved.language];
  const date = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone }).format(instant);
  const time = new Intl.DateTimeFormat(tag, { timeStyle: 'short', timeZone }).format(instant);
  const zone =
    new Intl.DateTimeFormat(tag, { timeZoneName: 'short', timeZone }).formatToParts(instant).find((p) => p.type === 'timeZoneName')
      ?.value ?? timeZone;
  return {
    tag,
    texts,
    amount: formatMoney({ amount, currency }, tag),
    date,
    dateTime: texts.dateTime({ date, time, zone }),
  };
}

function rules(t: EmailTexts, dateTime: string): Block {
  return {
    type: 'list',
    items: [
      literal(t.ruleAccountBound),
      literal(t.ruleNoCash),
      literal(t.rulePlatformOnly),
      literal(t.rulePartialUse),
      fill(t.ruleLapse, { dateTime }),
    ],
  };
}

function closing(t: EmailTexts): Block[] {
  return [
    { type: 'signature', lines: [literal(t.signOff), literal(t.signature)] },
    { type: 'footer', content: literal(t.footer) },
  ];
}

/** Both emails end alike: how to use the credit, the business rules (with the expiry), sign-off and footer. */
function howToUseAndRules(t: EmailTexts, expiry: string): Block[] {
  return [
    { type: 'subheading', content: literal(t.howToUseHeading) },
    { type: 'paragraph', content: literal(t.howToUse) },
    { type: 'subheading', content: literal(t.rulesHeading) },
    rules(t, expiry),
    ...closing(t),
  ];
}

export function renderEmail(message: EmailMessage, options: RenderOptions): RenderedEmail {
  let subject: Piece;
  let blocks: Block[];
  let tag: string;
  switch (message.kind) {
    case 'CREDIT_ISSUED': {
      const f = formatFor(message.locale, message.amount, message.currency, message.expiresAt, options.timeZone);
      const t = f.texts;
      const reason = cleanFreeText(message.reason);
      tag = f.tag;
      subject = fill(t.issuedSubject, { amount: f.amount });
      blocks = [
        { type: 'heading', content: literal(t.issuedHeading) },
        { type: 'paragraph', content: literal(t.greeting) },
        { type: 'paragraph', content: fill(t.issuedIntro, { amount: f.amount }) },
        {
          type: 'facts',
          rows: [
            { label: literal(t.issuedAmountLabel), value: literal(f.amount) },
            { label: literal(t.validUntilLabel), value: literal(f.dateTime) },
            ...(reason ? [{ label: literal(t.issuedReasonLabel), value: literal(reason), multiline: true }] : []),
          ],
        },
        ...howToUseAndRules(t, f.dateTime),
      ];
      break;
    }
    case 'EXPIRY_REMINDER': {
      const f = formatFor(message.locale, message.remaining, message.currency, message.expiresAt, options.timeZone);
      const t = f.texts;
      tag = f.tag;
      subject = fill(t.reminderSubject, { amount: f.amount, date: f.date });
      blocks = [
        { type: 'heading', content: literal(t.reminderHeading) },
        { type: 'paragraph', content: literal(t.greeting) },
        { type: 'paragraph', content: fill(t.reminderIntro, { amount: f.amount, dateTime: f.dateTime }) },
        {
          type: 'facts',
          rows: [
            { label: literal(t.reminderAmountLabel), value: literal(f.amount) },
            { label: literal(t.validUntilLabel), value: literal(f.dateTime) },
          ],
        },
        { type: 'paragraph', content: literal(t.reminderCallToAction) },
        ...howToUseAndRules(t, f.dateTime),
      ];
      break;
    }
    default: {
      const unknown: never = message;
      throw new CreditError('INVALID_INPUT', `unknown email kind "${String((unknown as { kind?: unknown }).kind)}"`);
    }
  }
  return { subject: subject.text, html: toHtml(tag, subject, blocks), text: toText(blocks) };
}

// ---------------------------------------------------------------------------------------------------------------
// Renderings

const STYLE = {
  body: 'margin:0;padding:24px 0;background-color:#f4f4f5;',
  card:
    'max-width:600px;margin:0 auto;padding:32px;background-color:#ffffff;' +
    'font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2937;',
  heading: 'margin:0 0 24px;font-size:22px;line-height:1.3;color:#111827;',
  subheading: 'margin:24px 0 8px;font-size:17px;color:#111827;',
  paragraph: 'margin:0 0 16px;',
  facts: 'width:100%;margin:0 0 16px;border-collapse:collapse;',
  factLabel: 'padding:8px 12px 8px 0;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top;font-weight:normal;color:#6b7280;white-space:nowrap;',
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

function toHtml(tag: string, subject: Piece, blocks: readonly Block[]): string {
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

function toText(blocks: readonly Block[]): string {
  // A subheading sits directly above its paragraph or list; everything else is separated by a blank line.
  let out = '';
  blocks.forEach((block, i) => {
    if (i > 0) out += blocks[i - 1]!.type === 'subheading' ? '\n' : '\n\n';
    out += blockToText(block);
  });
  return `${out}\n`;
}
