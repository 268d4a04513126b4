/**
 * What the emails MEAN, in both languages: the reminder states the expiry moment once, never suggests the credit is
 * gone after the next purchase (it can be spread over several), and uses plain, idiomatic wording.
 */
import { renderEmail, type EmailMessage } from '../../lambdas/domain/email/render';

const BERLIN = { timeZone: 'Europe/Berlin' };
const EXPIRES = '2026-12-25T10:30:00.000Z';
const DATE = { de: '25. Dezember 2026', en: 'December 25, 2026' } as const;
const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const count = (haystack: string, needle: string) => spaces(haystack).split(needle).length - 1;
const visible = (html: string) => html.slice(html.indexOf('<body')).replace(/<[^>]*>/g, ' ');

const reminder = (locale: string): EmailMessage => ({
  kind: 'EXPIRY_REMINDER',
  locale,
  remaining: 1234,
  currency: 'EUR',
  expiresAt: EXPIRES,
});
const issued = (locale: string): EmailMessage => ({
  kind: 'CREDIT_ISSUED',
  locale,
  amount: 2500,
  currency: 'EUR',
  expiresAt: EXPIRES,
  reason: 'x',
});

describe.each([
  ['de', 'de-DE'],
  ['en', 'en-US'],
] as const)('%s', (lang, locale) => {
  it('the reminder states the expiry date exactly once, in the text part and in the HTML part', () => {
    const { text, html } = renderEmail(reminder(locale), BERLIN);
    expect(count(text, DATE[lang])).toBe(1);
    expect(count(visible(html), DATE[lang])).toBe(1);
  });

  it('the issued email states the expiry date exactly once', () => {
    const { text, html } = renderEmail(issued(locale), BERLIN);
    expect(count(text, DATE[lang])).toBe(1);
    expect(count(visible(html), DATE[lang])).toBe(1);
  });

  it('the reminder states the amount once and allows several purchases', () => {
    const { text } = renderEmail(reminder(locale), BERLIN);
    expect(count(text, lang === 'de' ? '12,34 €' : '€12.34')).toBe(1);
    expect(text).toMatch(lang === 'de' ? /verteilt auf mehrere/ : /spread over several/);
  });
});

describe('wording that misled or read oddly is gone', () => {
  it('German: nothing says the credit is unusable after the next purchase', () => {
    const { text } = renderEmail(reminder('de-DE'), BERLIN);
    expect(text).not.toMatch(/nächsten Einkauf, danach/);
    expect(text).not.toMatch(/danach kann es nicht mehr eingelöst werden/);
  });

  it('English: no "lapses without replacement", no "after that it can no longer be redeemed"', () => {
    for (const message of [reminder('en'), issued('en')]) {
      const { text } = renderEmail(message, BERLIN);
      expect(text).not.toMatch(/lapses|without replacement|no longer be redeemed/);
    }
  });
});
