import { decideGrant, type GrantRequest } from '../../lambdas/domain/credit';

/**
 * Which addresses a grant accepts, through decideGrant (issue 15: the 254-character cap was never the deciding check and
 * the pattern's anchors were removable). Only cases every sensible validator agrees on: the address is otherwise
 * plainly valid, so the length or the stray character alone decides.
 */
const NOW = new Date('2026-03-01T00:00:00.000Z');
const grant = (email: string): GrantRequest => ({
  complaintId: 'C-1',
  customerId: 'cust-1',
  email,
  locale: 'de',
  amount: 2500,
  currency: 'EUR',
  validityDays: 90,
  reason: 'late',
});
const verdict = (email: string): 'accepted' | string => {
  try {
    decideGrant(grant(email), NOW, 'cr-1');
    return 'accepted';
  } catch (e) {
    return (e as { code?: string }).code ?? 'not a CreditError';
  }
};

/** A 64-character local part at a domain of labels of at most 63 characters, `length` characters in all. */
function addressOfLength(length: number): string {
  const local = 'a'.repeat(64);
  const domainLength = length - local.length - 1;
  const labels: string[] = [];
  let left = domainLength;
  for (const letter of 'bcdefgh') {
    if (left <= 0) break;
    const size = Math.min(63, left === 64 ? 62 : left); // never leave a single dot with nothing after it
    labels.push(letter.repeat(size));
    left -= size + 1;
  }
  const address = `${local}@${labels.join('.')}`;
  if (address.length !== length) throw new Error(`built ${address.length} characters, wanted ${length}`);
  return address;
}

describe('email address length (RFC 5321: at most 254 characters)', () => {
  it('accepts an address of exactly 254 characters', () => {
    expect(verdict(addressOfLength(254))).toBe('accepted');
  });

  it.each([255, 256, 300])('refuses an otherwise valid address of %i characters as INVALID_EMAIL', (length) => {
    expect(verdict(addressOfLength(length))).toBe('INVALID_EMAIL');
  });

  it('accepts a 64-character local part and refuses a 65-character one', () => {
    expect(verdict(`${'a'.repeat(64)}@example.de`)).toBe('accepted');
    expect(verdict(`${'a'.repeat(65)}@example.de`)).toBe('INVALID_EMAIL');
  });
});

describe('email address: the whole value must be the address', () => {
  it('accepts the plain address', () => {
    expect(verdict('kunde@example.de')).toBe('accepted');
  });

  it.each([
    'kunde@example.de trailing',
    'kunde@example.de>',
    'kunde@example.de,other@example.de',
    'kunde@example.de\nBcc: x@example.de',
    'kunde@example.de.',
  ])('refuses trailing garbage: %j', (email) => {
    expect(verdict(email)).toBe('INVALID_EMAIL');
  });

  it.each(['<kunde@example.de', 'Kunde <kunde@example.de', 'a b@example.de', '@kunde@example.de', ' x,kunde@example.de'])(
    'refuses leading garbage: %j',
    (email) => {
      expect(verdict(email)).toBe('INVALID_EMAIL');
    },
  );
});

describe('email address: domain labels', () => {
  it.each(['kunde@shop.x.com', 'kunde@x.example.de', 'k@mail-1.example.de'])('accepts short and hyphenated labels: %s', (email) => {
    expect(verdict(email)).toBe('accepted');
  });
});
