import { escapeHtml, renderEmail, type EmailMessage } from '../../lambdas/domain/email/render';
import { TEXTS } from '../../lambdas/domain/email/texts';
import { SUPPORTED_LANGUAGES } from '../../lambdas/domain/locale';
import { CreditError } from '../../lambdas/domain/errors';

const NBSP = '\u00a0';
const BERLIN = { timeZone: 'Europe/Berlin' };
/** ICU separates some parts with (narrow) no-break spaces; compare prose with ordinary spaces. */
const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

// 10:30 UTC = 11:30 in Berlin (CET, winter).
const EXPIRES = '2026-12-25T10:30:00.000Z';

function issued(overrides: Partial<Extract<EmailMessage, { kind: 'CREDIT_ISSUED' }>> = {}): EmailMessage {
  return {
    kind: 'CREDIT_ISSUED',
    locale: 'de-DE',
    amount: 2500,
    currency: 'EUR',
    expiresAt: EXPIRES,
    reason: 'Paket kam beschädigt an',
    ...overrides,
  };
}

function reminder(overrides: Partial<Extract<EmailMessage, { kind: 'EXPIRY_REMINDER' }>> = {}): EmailMessage {
  return { kind: 'EXPIRY_REMINDER', locale: 'de-DE', remaining: 1234, currency: 'EUR', expiresAt: EXPIRES, ...overrides };
}

/** Visible text of the HTML part: tags dropped, the five escapes undone. Good enough for our own simple markup. */
function visibleText(html: string): string {
  const body = html.slice(html.indexOf('<body'));
  return body
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('escapeHtml', () => {
  it('escapes the five significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapes & first so existing entities are not left intact', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });

  it('leaves other text, including umlauts and currency signs, alone', () => {
    expect(escapeHtml('Grüße, 25,00 € – ok')).toBe('Grüße, 25,00 € – ok');
  });
});

describe('renderEmail: credit issued', () => {
  it('German: subject, amount, expiry date and time, reason, usage and rules', () => {
    const { subject, text, html } = renderEmail(issued(), BERLIN);
    expect(subject).toBe(`Ihre Kulanzgutschrift über 25,00${NBSP}€`);
    expect(text).toContain(`Betrag: 25,00${NBSP}€`);
    expect(spaces(text)).toContain('Gültig bis: 25. Dezember 2026 um 11:30 Uhr (MEZ)');
    expect(text).toContain('Anlass: Paket kam beschädigt an');
    expect(text).toContain('an der Kasse automatisch angeboten');
    expect(text).toContain('nicht auf ein anderes Konto übertragbar');
    expect(text).toContain('Auszahlung in bar ist nicht möglich');
    expect(text).toContain('nur auf unserer Plattform eingelöst');
    expect(text).toContain('Guthaben, das bis zum Ende der Gültigkeit nicht eingelöst ist, verfällt.');
    expect(html).toContain('<html lang="de-DE">');
    expect(html).toContain(`25,00${NBSP}€`);
    expect(html).toContain('Paket kam beschädigt an');
  });

  it('English: subject, amount, expiry date and time, reason, usage and rules', () => {
    const { subject, text, html } = renderEmail(issued({ locale: 'en', reason: 'Late delivery' }), BERLIN);
    expect(subject).toBe('Your courtesy credit of €25.00');
    expect(text).toContain('Amount: €25.00');
    expect(spaces(text)).toContain('Valid until: December 25, 2026 at 11:30 AM (GMT+1)');
    expect(text).toContain('Reason: Late delivery');
    expect(text).toContain('offered to you automatically at checkout');
    expect(text).toContain('cannot be transferred to another account');
    expect(text).toContain('cannot be exchanged for cash');
    expect(text).toContain('only be used on our platform');
    expect(text).toContain('Any credit not used by the end of its validity period expires.');
    expect(html).toContain('<html lang="en">');
    expect(text).not.toMatch(/Kulanz|Guthaben/);
  });

  it('JPY has no minor digits', () => {
    expect(renderEmail(issued({ amount: 1500, currency: 'JPY' }), BERLIN).subject).toBe(`Ihre Kulanzgutschrift über 1.500${NBSP}¥`);
    expect(renderEmail(issued({ locale: 'en', amount: 1500, currency: 'JPY' }), BERLIN).subject).toBe('Your courtesy credit of ¥1,500');
  });

  it('KWD has three minor digits', () => {
    expect(renderEmail(issued({ amount: 1234, currency: 'KWD' }), BERLIN).subject).toBe(`Ihre Kulanzgutschrift über 1,234${NBSP}KWD`);
    expect(renderEmail(issued({ locale: 'en', amount: 1234, currency: 'KWD' }), BERLIN).subject).toBe(
      `Your courtesy credit of KWD${NBSP}1.234`,
    );
  });

  it('large amounts are formatted exactly, without float rounding', () => {
    const { subject } = renderEmail(issued({ locale: 'en', amount: 1_000_000, currency: 'EUR' }), BERLIN);
    expect(subject).toBe('Your courtesy credit of €10,000.00');
  });
});

describe('renderEmail: expiry reminder', () => {
  it('German subject and body', () => {
    const { subject, text, html } = renderEmail(reminder(), BERLIN);
    expect(subject).toBe(`Ihr Guthaben von 12,34${NBSP}€ verfällt am 25. Dezember 2026`);
    expect(text).toContain('auf Ihrem Kundenkonto ist noch Guthaben verfügbar, das bald verfällt.');
    expect(spaces(text)).toContain(
      'Sie können es noch bis zum 25. Dezember 2026 um 11:30 Uhr (MEZ) einlösen – bei einem Einkauf oder verteilt auf mehrere.',
    );
    expect(text).toContain(`Verfügbares Guthaben: 12,34${NBSP}€`);
    expect(text).toContain('nicht auf ein anderes Konto übertragbar');
    expect(html).toContain('<html lang="de-DE">');
  });

  it('English subject and body', () => {
    const { subject, text } = renderEmail(reminder({ locale: 'en-US' }), BERLIN);
    expect(subject).toBe('Your credit of €12.34 expires on December 25, 2026');
    expect(text).toContain('Available credit: €12.34');
    expect(spaces(text)).toContain(
      'You can use it until December 25, 2026 at 11:30 AM (GMT+1), on a single purchase or spread over several.',
    );
  });

  it('JPY and KWD', () => {
    expect(renderEmail(reminder({ locale: 'en', remaining: 700, currency: 'JPY' }), BERLIN).subject).toBe(
      'Your credit of ¥700 expires on December 25, 2026',
    );
    expect(renderEmail(reminder({ remaining: 5, currency: 'KWD' }), BERLIN).subject).toBe(
      `Ihr Guthaben von 0,005${NBSP}KWD verfällt am 25. Dezember 2026`,
    );
  });

  it('has no reason line', () => {
    const { text } = renderEmail(reminder(), BERLIN);
    expect(text).not.toContain('Anlass');
  });
});

describe('renderEmail: locale and time zone', () => {
  it('de-AT: German text with Austrian formatting', () => {
    const { subject, text, html } = renderEmail(reminder({ locale: 'de-AT', expiresAt: '2027-01-15T12:00:00Z' }), {
      timeZone: 'Europe/Vienna',
    });
    expect(subject).toBe(`Ihr Guthaben von €${NBSP}12,34 verfällt am 15. Jänner 2027`);
    expect(spaces(text)).toContain('15. Jänner 2027 um 13:00 Uhr (MEZ)');
    expect(html).toContain('<html lang="de-AT">');
  });

  it('de_AT with an underscore is accepted too', () => {
    expect(renderEmail(reminder({ locale: 'de_AT', expiresAt: '2027-01-15T12:00:00Z' }), BERLIN).subject).toContain('Jänner');
  });

  it.each(['xx-YY', 'fr-FR', '!!!', '', '12345678901', 'de-'])('locale %j falls back to English text and English formatting', (locale) => {
    const { subject, html, text } = renderEmail(issued({ locale }), BERLIN);
    expect(subject).toBe('Your courtesy credit of €25.00');
    expect(html).toContain('<html lang="en">');
    expect(spaces(text)).toContain('December 25, 2026 at 11:30 AM');
  });

  it('en-GB keeps English text but British date order', () => {
    const { subject } = renderEmail(reminder({ locale: 'en-GB' }), BERLIN);
    expect(subject).toBe('Your credit of €12.34 expires on 25 December 2026');
  });

  it('the date is the calendar day in the given time zone', () => {
    // 23:30 UTC on the 25th is already the 26th in Berlin, still the 25th in New York.
    const late = '2026-12-25T23:30:00Z';
    expect(renderEmail(reminder({ expiresAt: late }), BERLIN).subject).toContain('26. Dezember 2026');
    expect(renderEmail(reminder({ expiresAt: late }), { timeZone: 'America/New_York' }).subject).toContain('25. Dezember 2026');
    expect(spaces(renderEmail(reminder({ expiresAt: late }), { timeZone: 'UTC' }).text)).toContain('25. Dezember 2026 um 23:30 Uhr (UTC)');
  });

  it('summer time shows the summer zone', () => {
    const { text } = renderEmail(reminder({ expiresAt: '2026-07-01T10:00:00Z' }), BERLIN);
    expect(spaces(text)).toContain('1. Juli 2026 um 12:00 Uhr (MESZ)');
  });

  it('unicode extensions in the locale do not switch calendar or digits', () => {
    const { subject } = renderEmail(reminder({ locale: 'de-DE-u-ca-buddhist-nu-arab' }), BERLIN);
    expect(subject).toBe(`Ihr Guthaben von 12,34${NBSP}€ verfällt am 25. Dezember 2026`);
  });

  it('an unknown time zone is an error, not a silently wrong date', () => {
    expect(() => renderEmail(reminder(), { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});

describe('renderEmail: untrusted reason', () => {
  const evil = `<script>alert("x")</script><img src=x onerror='steal()'> & Co`;

  it('is escaped in the HTML part', () => {
    const { html } = renderEmail(issued({ reason: evil }), BERLIN);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain(`onerror='`);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;steal()&#39;&gt; &amp; Co');
  });

  it('appears literally in the text part', () => {
    const { text } = renderEmail(issued({ reason: evil }), BERLIN);
    expect(text).toContain(`Anlass: ${evil}`);
  });

  it('never reaches the subject', () => {
    expect(renderEmail(issued({ reason: evil }), BERLIN).subject).toBe(`Ihre Kulanzgutschrift über 25,00${NBSP}€`);
  });

  it('placeholder-looking text in the reason is not interpreted', () => {
    const reason = '${amount} {amount} \u0000amount\u0000 %s';
    const { html, text } = renderEmail(issued({ reason }), BERLIN);
    expect(text).toContain('Anlass: ${amount} {amount} amount %s'); // control characters are dropped
    expect(html).toContain('${amount} {amount} amount %s');
  });

  it('keeps line breaks and drops control characters', () => {
    const { text, html } = renderEmail(issued({ reason: '  Zeile 1\r\nZeile 2\u0007  ' }), BERLIN);
    expect(text).toContain('Anlass: Zeile 1\nZeile 2\n');
    expect(html).toContain('Zeile 1\nZeile 2</td>');
    expect(html).toContain('white-space:pre-line');
  });

  it('an empty reason leaves out the reason line', () => {
    expect(renderEmail(issued({ reason: '   ' }), BERLIN).text).not.toContain('Anlass');
  });
});

describe('renderEmail: document shape', () => {
  const cases: Array<[string, EmailMessage]> = [
    ['issued de', issued()],
    ['issued en', issued({ locale: 'en' })],
    ['reminder de', reminder()],
    ['reminder en', reminder({ locale: 'en' })],
  ];

  it.each(cases)('%s: complete HTML document with charset, lang and title', (_, message) => {
    const { html, subject } = renderEmail(message, BERLIN);
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain(`<title>${escapeHtml(subject)}</title>`);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/<style|<link|<script|class=/); // inline styles only
  });

  it.each(cases)('%s: the text part has no markup and the same content as the HTML part', (_, message) => {
    const { html, text } = renderEmail(message, BERLIN);
    expect(text).not.toMatch(/<[a-z/!]/i);
    expect(text).not.toMatch(/&(amp|lt|gt|quot|#39);/);
    const visible = spaces(visibleText(html)).replace(/\s+/g, ' ');
    for (const line of text.split('\n').filter(Boolean)) {
      // "Label: value" in text is a table row in HTML.
      for (const part of line.replace(/^- /, '').split(/: (?=\S)/)) {
        expect(visible).toContain(spaces(part).replace(/\s+/g, ' ').trim());
      }
    }
  });

  it.each(cases)('%s: no email address anywhere, even if one is smuggled into the message', (_, message) => {
    const smuggled = { email: 'kunde@example.com', to: 'kunde@example.com' };
    const withEmail: EmailMessage = { ...message, ...smuggled };
    const { subject, html, text } = renderEmail(withEmail, BERLIN);
    for (const part of [subject, html, text]) {
      expect(part).not.toContain('kunde@example.com');
      expect(part).not.toContain('@');
    }
  });

  it('rejects a non-positive or fractional amount and an unknown currency', () => {
    const codeOf = (m: EmailMessage) => {
      try {
        renderEmail(m, BERLIN);
      } catch (e) {
        return e instanceof CreditError ? e.code : 'OTHER';
      }
      return 'NONE';
    };
    expect(codeOf(issued({ amount: 0 }))).toBe('AMOUNT_OUT_OF_RANGE');
    expect(codeOf(reminder({ remaining: -1 }))).toBe('AMOUNT_OUT_OF_RANGE');
    expect(codeOf(issued({ amount: 12.5 }))).toBe('AMOUNT_OUT_OF_RANGE');
    expect(codeOf(issued({ amount: Number.NaN }))).toBe('AMOUNT_OUT_OF_RANGE');
    expect(codeOf(issued({ currency: 'XYZ' }))).toBe('UNSUPPORTED_CURRENCY');
    expect(codeOf(issued({ expiresAt: 'not a date' }))).toBe('INVALID_INPUT');
  });
});

describe('text catalogue', () => {
  it('every language has the same keys', () => {
    const keys = SUPPORTED_LANGUAGES.map((l) => Object.keys(TEXTS[l]).sort());
    for (const k of keys) expect(k).toEqual(keys[0]);
  });

  it('catalogue texts are plain text: no markup, no @', () => {
    const values = { amount: 'A', date: 'D', time: 'T', zone: 'Z', dateTime: 'DT' };
    for (const language of SUPPORTED_LANGUAGES) {
      for (const entry of Object.values(TEXTS[language])) {
        const s = typeof entry === 'function' ? (entry as (v: typeof values) => string)(values) : entry;
        // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the renderer's placeholder delimiter; no text may hold it
        expect(s).not.toMatch(/[<>&@\u0000]/);
        expect(s.trim()).not.toBe('');
      }
    }
  });
});
