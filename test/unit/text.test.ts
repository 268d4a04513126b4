import fc from 'fast-check';
import { ComplaintResolvedDetail, ReverseRequest, parseContract } from '../../lambdas/contracts';
import { isBlankText, normalizeText } from '../../lambdas/domain/text';
import { thrownCreditError } from '../support/credit-errors';

const refusal = (fn: () => unknown) => thrownCreditError(fn, 'expected a refusal, the input was accepted');

const complaint = {
  complaintId: 'C-1001',
  customerId: 'cust-42',
  email: 'kunde@example.de',
  locale: 'de-DE',
  amount: 2500,
  currency: 'EUR',
  validityDays: 90,
  reason: 'Lieferung verspätet',
};

/** Characters that show nothing: zero-width, bidi controls, BOM, soft hyphen, control characters, Unicode spaces, fillers. */
const INVISIBLES = [
  '\u200B',
  '\u200C',
  '\u200D',
  '\u2060',
  '\uFEFF',
  '\u00AD',
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200E',
  '\u200F',
  '\u061C',
  '\u0000',
  '\u0007',
  '\u001B',
  '\u007F',
  '\u0085',
  '\t',
  '\n',
  '\r',
  '\u00A0',
  '\u2003',
  '\u3000',
  '\u2028',
  '\u2029',
  '\u3164',
  '\u115F',
  '\u2800',
  '\u180E',
];

describe('normalizeText', () => {
  it('composes to NFC', () => {
    expect(normalizeText('bescha\u0308digt')).toBe('besch\u00e4digt');
    expect(normalizeText('Pa\u0308ket')).toBe('P\u00e4ket');
  });

  it('removes zero-width, bidi and control characters and keeps line breaks', () => {
    expect(normalizeText('\u202Eab\u200Bc\u0007\r\nzweite\u2028Zeile\u00A0!')).toBe('abc\nzweite\nZeile !');
  });

  it('keeps ordinary text as it is', () => {
    expect(normalizeText('Paket beschädigt — 2 × zu spät 😀')).toBe('Paket beschädigt — 2 × zu spät 😀');
  });

  it.each(INVISIBLES.map((c) => [`U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, c]))('%s alone is blank', (_, c) => {
    expect(isBlankText(c.repeat(3))).toBe(true);
  });

  it('any mix of invisible characters is blank; one visible letter among them is not', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...INVISIBLES), { maxLength: 20 }), fc.integer({ min: 0, max: 20 }), (chars, at) => {
        expect(isBlankText(chars.join(''))).toBe(true);
        const withLetter = [...chars.slice(0, at), 'x', ...chars.slice(at)].join('');
        expect(isBlankText(withLetter)).toBe(false);
        expect(normalizeText(withLetter).replace(/[ \n]/g, '')).toBe('x');
      }),
    );
  });

  it('is idempotent', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => expect(normalizeText(normalizeText(s))).toBe(normalizeText(s))));
  });
});

describe('contracts refuse blank-looking reasons with INVALID_INPUT naming the field', () => {
  it.each([
    ['zero-width spaces', '\u200B\u200B\u200B'],
    ['control characters', '\u0001\u0002\u0007'],
    ['Unicode spaces', '\u00A0\u2003\u3000'],
    ['bidi controls', '\u202E\u2066\u2069'],
    ['a lone combining mark', ' \u0301 '],
    ['Hangul filler', '\u3164'],
  ])('grant reason of %s', (_, reason) => {
    const e = refusal(() => parseContract(ComplaintResolvedDetail, { ...complaint, reason }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('reason:');
  });

  it('reverse reason of zero-width characters', () => {
    const e = refusal(() => parseContract(ReverseRequest, { customerId: 'c-1', redemptionId: 'r-1', reason: '\u200B\uFEFF' }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('reason:');
  });

  it('stores the normalised form of a reason', () => {
    const parsed = parseContract(ComplaintResolvedDetail, { ...complaint, reason: '\u202EPa\u0308ket\u200B beschädigt ' });
    expect(parsed.reason).toBe('P\u00e4ket beschädigt');
    const reverse = parseContract(ReverseRequest, { customerId: 'c-1', redemptionId: 'r-1', reason: 'storniert\u200D' });
    expect(reverse.reason).toBe('storniert');
  });
});
