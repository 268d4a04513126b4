import fc from 'fast-check';
import { logger, pseudonymizeEmail, scrubEmails } from '../../lambdas/shared/observability';
import { writtenWhile } from '../support/output';

/** Characters that never belong to an address token in running text (see domain/email-address.ts). */
const NOT_IN_TOKEN = /[\s<>()[\]",;:\\@\uFF20\uFE6B/'|`{}.\u3002\uFF0E\uFF61]/u;
const INVISIBLE = ['\u200B', '\u200D', '\u202E', '\u2066', '\uFEFF', '\u00AD'];

const piece = (max: number) =>
  fc
    .array(fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), fc.constantFrom(...INVISIBLE, 'ä', 'é', 'ж', '例', 'x')), {
      minLength: 1,
      maxLength: max,
    })
    .map((cs) => cs.join(''))
    .filter((s) => s.length > 0 && !NOT_IN_TOKEN.test(s));

const localPart = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,20}(\.[A-Za-z0-9_+-]{1,10})?$/),
  piece(12), // any script, invisible characters included
  fc.stringMatching(/^"[A-Za-z0-9 .@,]{1,20}"$/), // quoted, may hold spaces and even "@"
);
const dot = fc.constantFrom('.', '.', '\u3002', '\uFF0E');
const nameDomain = fc
  .tuple(fc.array(piece(10), { minLength: 1, maxLength: 3 }), fc.oneof(fc.stringMatching(/^[a-z]{2,6}$/), piece(6)), dot)
  .map(([labels, tld, d]) => [...labels, tld].join(d));
const ipLiteral = fc.oneof(
  fc.ipV4().map((ip) => `[${ip}]`),
  fc.ipV6().map((ip) => `[IPv6:${ip}]`),
);
const address = fc
  .tuple(localPart, fc.constantFrom('@', '@', '\uFF20'), fc.oneof(nameDomain, ipLiteral))
  .map(([l, at, d]) => ({ l, at, d, a: `${l}${at}${d}` }));
const before = fc.constantFrom('', ' ', 'to ', '<', '(', '"', ', ', '\n', 'mailto:', 'Illegal address: <', '550 5.1.1 <', 'email=', "'");
const after = fc.constantFrom('', ' ', '>', ')', '.', ',', '"', '\n', '> rejected', '.\n', ': bounced', "'");

describe('the log scrubber replaces every address-like token', () => {
  it('in any string, whatever the script, literal or quoting, and whatever surrounds it', () => {
    fc.assert(
      fc.property(address, before, after, ({ l, at, d, a }, pre, post) => {
        const out = scrubEmails(`${pre}${a}${post}`);
        expect(out).not.toContain(a);
        expect(out).not.toContain(`${l}${at}`);
        expect(out).not.toContain(`${at}${d}`);
        expect(out).toContain('email#');
      }),
      { numRuns: 2000 },
    );
  });

  it('in keys, nested values, arrays, errors, their causes, own fields and stacks', () => {
    fc.assert(
      fc.property(address, ({ a }) => {
        const sesError = Object.assign(new Error(`Illegal address: <${a}>`), {
          Message: `Illegal address: <${a}>`,
          $metadata: { note: a },
          cause: new Error(`upstream said ${a}`),
        });
        const value = { [a]: 1, nested: { deeper: [`x ${a} y`] }, error: sesError, list: [{ e: sesError }] };
        const out = JSON.stringify(scrubEmails(value));
        expect(out).not.toContain(JSON.stringify(a).slice(1, -1));
        expect(out).toMatch(/upstream said ['`]*email#/);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps one pseudonym per address, whatever its case or a quote before it', () => {
    expect(scrubEmails("'Kim@Example.com'")).toBe(`'${pseudonymizeEmail('kim@example.com')}'`);
    expect(scrubEmails('jürgen@bücher.de')).toBe(pseudonymizeEmail('jürgen@bücher.de'));
  });

  it('leaves text without addresses alone', () => {
    for (const s of ['node_modules/@middy/core/index.js', 'price @ 5 EUR', '@aws-sdk/client-sesv2', 'user@localhost', 'a @ b.c']) {
      expect(scrubEmails(s)).toBe(s);
    }
  });

  it('applies to what the Powertools logger writes: message, keys, nested error with cause, stack', () => {
    const addresses = ['jürgen@example.de', 'kim@[192.0.2.1]', '"kim doe"@example.com', 'andré@bücher.de', 'k\u200Bim@exa\u200Bmple.de'];
    const { output: out } = writtenWhile(() => {
      for (const a of addresses) {
        logger.info(`sending to ${a}`, { [a]: true, customer: { email: a }, customerId: 'c-1' });
        logger.error('SES failed', Object.assign(new Error(`MessageRejected: Illegal address <${a}>`), { cause: new Error(a) }));
      }
    });
    expect(out).toContain('c-1');
    expect(out).toContain('MessageRejected');
    for (const a of addresses) {
      expect(out).not.toContain(a);
      expect(out).not.toContain(JSON.stringify(a).slice(1, -1));
    }
    for (const line of out.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});
