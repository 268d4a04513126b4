// @ts-nocheck
import fc from 'fast-check';
import { decideGrant } from '../../lambdas/domain/credit';
import { CreditError } from '../../lambdas/domain/errors';
import { findAddressLike, isSendableAddress, toSendableAddress } from '../../lambdas/domain/email-address';

const NOW = new Date('2026-03-01T09:15:30.123Z');
const grant = (email: string) =>
  decideGrant(
    { complaintId: 'C-1', customerId: 'c-1', email, locale: 'de-DE', amount: 2500, currency: 'EUR', validityDays: 90, reason: 'x' },
    NOW,
    'cr-1',
  );

describe('addresses SES v2 cannot send to are refused with INVALID_EMAIL', () => {
  it.each([
    ['non-ASCII local part', 'jürgen@example.de'],
    ['non-ASCII local part (é)', 'andré@example.fr'],
    ['Cyrillic local part', 'иван@example.ru'],
    ['control character', 'kim\u0007@example.de'],
    ['zero-width space in the local part', 'k\u200Bim@example.de'],
    ['zero-width space in the domain', 'kim@exa\u200Bmple.de'],
    ['bidi override', '\u202Ekim@example.de'],
    ['bidi isolate in the domain', 'kim@example.\u2066de'],
    ['soft hyphen', 'kim@exam\u00ADple.de'],
    ['BOM', '\uFEFFkim@example.de'],
    ['leading dot', '.kim@example.de'],
    ['trailing dot in the local part', 'kim.@example.de'],
    ['two dots', 'k..im@example.de'],
    ['IPv4 literal', 'kim@[192.0.2.1]'],
    ['IPv6 literal', 'kim@[IPv6:2001:db8::1]'],
    ['numeric domain', 'kim@192.0.2.1'],
    ['single-letter TLD', 'kim@example.d'],
    ['numeric TLD', 'kim@example.123'],
    ['no dot in the domain', 'kim@localhost'],
    ['quoted local part', '"kim mueller"@example.de'],
    ['two @', 'kim@@example.de'],
    ['display name', 'Kim <kim@example.de>'],
    ['space', 'kim @example.de'],
    ['no-break space', 'kim\u00A0@example.de'],
    ['local part of 65', `${'a'.repeat(65)}@example.de`],
    ['label of 64', `kim@${'a'.repeat(64)}.de`],
    ['255 characters', `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.de`.padEnd(255, 'x')],
    ['domain label starting with a hyphen', 'kim@-example.de'],
    ['domain with a trailing dot', 'kim@example.de.'],
    ['underscore in the domain', 'kim@ex_ample.de'],
  ])('%s: %j', (_, email) => {
    expect(isSendableAddress(email)).toBe(false);
    let error: unknown;
    try {
      grant(email);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CreditError);
    expect((error as CreditError).code).toBe('INVALID_EMAIL');
    expect(JSON.stringify((error as CreditError).toJSON()) + String((error as CreditError).stack)).not.toContain('@');
  });
});

describe('accepted addresses are stored in the ASCII form SES sends to', () => {
  it.each([
    ['kunde@example.de', 'kunde@example.de'],
    ['k.m+kulanz@mail.example.co.uk', 'k.m+kulanz@mail.example.co.uk'],
    ["o'brien!#$%&*/=?^_`{|}~-@example.ie", "o'brien!#$%&*/=?^_`{|}~-@example.ie"],
    ['Kim@Example.DE', 'Kim@example.de'],
    ['kim@müller.de', 'kim@xn--mller-kva.de'],
    ['kim@bücher.example', 'kim@xn--bcher-kva.example'],
    ['kim@例え.jp', 'kim@xn--r8jz45g.jp'],
    ['kim@example.xn--p1ai', 'kim@example.xn--p1ai'],
    ['kim@пример.рф', 'kim@xn--e1afmkfd.xn--p1ai'],
    ['kim@example。de', 'kim@example.de'],
  ])('%j → %j', (email, stored) => {
    expect(toSendableAddress(email)).toBe(stored);
    expect(grant(email).credit.email).toBe(stored);
  });

  it('every accepted address is ASCII, within 254 characters, and accepted again unchanged', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const sendable = toSendableAddress(email);
        if (sendable === undefined) return;
        expect(sendable).toMatch(/^[\x21-\x7e]+$/);
        expect(sendable.length).toBeLessThanOrEqual(254);
        expect(toSendableAddress(sendable)).toBe(sendable);
      }),
    );
  });

  it('the scrubber recognises every address the service accepts', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        if (!isSendableAddress(email)) return;
        expect(findAddressLike(` to ${email}, `)).toEqual([[4, 4 + email.length]]);
      }),
    );
  });
});
