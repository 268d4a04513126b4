import { CreditError } from '../errors';
import { formatMoney } from '../money';
import { assertPositiveMinorUnits } from '../credit';
import { resolveLocale } from '../locale';
import { TEXTS, type EmailTexts, type Template } from './texts';
import { normalizeText } from '../text';
import { escapeHtml, toHtml, toText, type Block, type Piece } from './layout';

export { escapeHtml } from './layout';

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

const literal = (value: string): Piece => ({ text: value, html: escapeHtml(value) });

// Placeholders for template values in the HTML rendering: NUL never occurs in the catalogue texts and survives escaping.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL delimits the placeholders on purpose (see above)
const SLOT = /\u0000([A-Za-z]+)\u0000/g;

/** Fill a catalogue template: raw values for text; for HTML the template text and each value are escaped separately. */
function fill<P extends string>(template: Template<P>, values: Readonly<Record<P, string>>): Piece {
  const slots = Object.fromEntries(Object.keys(values).map((k) => [k, `\u0000${k}\u0000`])) as Record<P, string>;
  const html = escapeHtml(template(slots)).replace(SLOT, (_, key: string) => escapeHtml((values as Record<string, string>)[key] ?? ''));
  return { text: template(values), html };
}

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

function rules(t: EmailTexts): Block {
  return {
    type: 'list',
    items: [
      literal(t.ruleAccountBound),
      literal(t.ruleNoCash),
      literal(t.rulePlatformOnly),
      literal(t.rulePartialUse),
      literal(t.ruleLapse),
    ],
  };
}

function closing(t: EmailTexts): Block[] {
  return [
    { type: 'signature', lines: [literal(t.signOff), literal(t.signature)] },
    { type: 'footer', content: literal(t.footer) },
  ];
}

/** Both emails end alike: how to use the credit, the business rules, sign-off and footer. */
function howToUseAndRules(t: EmailTexts): Block[] {
  return [
    { type: 'subheading', content: literal(t.howToUseHeading) },
    { type: 'paragraph', content: literal(t.howToUse) },
    { type: 'subheading', content: literal(t.rulesHeading) },
    rules(t),
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
      const reason = normalizeText(message.reason); // no control or invisible characters in an email body
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
        ...howToUseAndRules(t),
      ];
      break;
    }
    case 'EXPIRY_REMINDER': {
      // The expiry moment is stated once in the body: in the call to action (the subject carries the date too).
      const f = formatFor(message.locale, message.remaining, message.currency, message.expiresAt, options.timeZone);
      const t = f.texts;
      tag = f.tag;
      subject = fill(t.reminderSubject, { amount: f.amount, date: f.date });
      blocks = [
        { type: 'heading', content: literal(t.reminderHeading) },
        { type: 'paragraph', content: literal(t.greeting) },
        { type: 'paragraph', content: literal(t.reminderIntro) },
        { type: 'facts', rows: [{ label: literal(t.reminderAmountLabel), value: literal(f.amount) }] },
        { type: 'paragraph', content: fill(t.reminderCallToAction, { dateTime: f.dateTime }) },
        ...howToUseAndRules(t),
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
