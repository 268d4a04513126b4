import fc from 'fast-check';
import { grantCredit } from '../../lambdas/app/grant';
import type { CreditStore } from '../../lambdas/app/credit-store';
import { ComplaintResolvedDetail, parseContract } from '../../lambdas/contracts';
import { DEFAULT_CAP_POLICY } from '../../lambdas/domain/caps';
import { DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { eventForLedgerEntry, eventForReminder } from '../../lambdas/domain/events';
import type { LedgerEntry } from '../../lambdas/domain/ledger';
import { REASON_CODES } from '../../lambdas/domain/reason-code';
import { findAddressLike } from '../../lambdas/domain/email-address';

/**
 * "No event carries an email address", proven for any reason text: reasons full of addresses (ASCII, non-ASCII,
 * IP literals, quoted, obfuscated) go through the contract and the grant use case; every event made from the
 * resulting ledger entry (and from any other entry or reminder carrying that text) holds neither an address nor
 * the reason.
 */
const word = fc.stringMatching(/^[a-zäöüßéçøжд例]{1,10}$/);
const asciiAddress = fc.emailAddress();
const nonAscii = fc.tuple(word, word, fc.constantFrom('de', 'рф', 'jp', 'com')).map(([l, d, t]) => `${l}@${d}.${t}`);
const ipLiteral = fc.tuple(word, fc.ipV4()).map(([l, ip]) => `${l}@[${ip}]`);
const quoted = fc.tuple(word, word).map(([a, b]) => `"${a} ${b}"@example.org`);
const obfuscated = fc
  .tuple(word, word, fc.constantFrom(' (at) ', ' [at] ', ' at ', '＠', '﹫', ' @ ', '%40'), fc.constantFrom(' (dot) ', ' dot ', '.', '。'))
  .map(([l, d, at, dot]) => `${l}${at}${d}${dot}com`);
const address = fc.oneof(asciiAddress, nonAscii, ipLiteral, quoted, obfuscated);
const reason = fc
  .tuple(fc.array(fc.oneof(word, address), { minLength: 1, maxLength: 6 }), address)
  .map(([parts, a]) => `Rückruf erbeten: ${[...parts, a].join(' ')}`.slice(0, 500));

const complaint = (text: string, reasonCode?: string) => ({
  complaintId: 'CMP-2026-0042',
  customerId: 'c-42',
  email: 'kim@example.com',
  locale: 'de-DE',
  amount: 2500,
  currency: 'EUR',
  validityDays: 90,
  reason: text,
  ...(reasonCode ? { reasonCode } : {}),
});

/** The ledger entry the grant use case writes, captured from a fake store that commits. */
async function grantedEntry(detail: ComplaintResolvedDetail): Promise<LedgerEntry> {
  let written: LedgerEntry | undefined;
  const store = {
    readUsage: async () => ({ customer: { value: [], version: 0 } }),
    grant: async (input: { ledger: LedgerEntry }) => {
      written = input.ledger;
      return { kind: 'committed' as const };
    },
  } as unknown as CreditStore;
  await grantCredit(detail, {
    store,
    clock: { now: () => new Date('2026-03-01T10:00:00.000Z') },
    policy: DEFAULT_GRANT_POLICY,
    caps: DEFAULT_CAP_POLICY,
    newId: () => '01JGRANT0000000000000000AA',
  });
  return written!;
}

/** `closedReason`: the event's `reason` is a closed code (HoldReleased's), which must be it; else it has none. */
function expectNoPersonalText(detail: Record<string, unknown>, text: string, closedReason?: string): void {
  const json = JSON.stringify(detail);
  expect(json).not.toMatch(/[@＠﹫]/);
  expect(findAddressLike(json)).toEqual([]);
  expect(json).not.toContain(JSON.stringify(text).slice(1, -1));
  expect(json).not.toContain('Rückruf');
  if (closedReason === undefined) expect(detail).not.toHaveProperty('reason');
  else expect(detail.reason).toBe(closedReason);
}

describe('no event carries an email address or the reason text, for any reason', () => {
  it('CreditGranted from a grant whose reason is full of addresses', async () => {
    await fc.assert(
      fc.asyncProperty(reason, fc.option(fc.constantFrom(...REASON_CODES), { nil: undefined }), async (text, code) => {
        const detail = parseContract(ComplaintResolvedDetail, complaint(text, code));
        const entry = await grantedEntry(detail);
        expect(entry.kind === 'GRANTED' && entry.reason).toBe(detail.reason); // the text is kept in the ledger, where it belongs
        const event = eventForLedgerEntry(entry);
        expectNoPersonalText(event.detail, detail.reason);
        expect(event.detail.complaintId).toBe('CMP-2026-0042');
        expect(event.detail.reasonCode).toBe(code);
      }),
      { numRuns: 300 },
    );
  });

  it('every other event, even from entries that hold such text', () => {
    const alloc = [{ creditId: 'cr-1', amount: 100, expiresAt: '2026-05-30T10:00:00.000Z' }];
    // every kind, the payment flow's included (a refund and a void carry the caller's free-text reason)
    const kinds = ['GRANTED', 'REDEEMED', 'REVERSED', 'EXPIRED', 'VOIDED', 'HELD', 'CAPTURED', 'RELEASED', 'REFUNDED'] as const;
    fc.assert(
      fc.property(reason, fc.constantFrom(...kinds), fc.constantFrom('REDEMPTION', 'CAPTURE'), (text, kind, refundOf) => {
        const entry = {
          entryId: '01JENTRY0000000000000000AA',
          customerId: 'c-42',
          kind,
          currency: 'EUR',
          amount: 100,
          at: '2026-03-01T10:00:00.000Z',
          creditId: 'cr-1',
          complaintId: 'CMP-1',
          expiresAt: '2026-05-30T10:00:00.000Z',
          orderId: 'o-1',
          redemptionId: '01JREDEEM000000000000000AA',
          allocations: alloc,
          // a release's reason is a closed code (EXPLICIT, FINAL_CAPTURE, EXPIRED) and is published; every other is free text
          reason: kind === 'RELEASED' ? 'EXPIRED' : text,
          status: 'APPLIED',
          lapsed: 0,
          holdId: '01JHOLD0000000000000000000',
          holdExpiresAt: '2026-03-08T10:00:00.000Z',
          final: false,
          refundOf,
          captureId: '01JCAPTURE0000000000000000',
        } as unknown as LedgerEntry; // every kind's fields at once, plus free text where none belongs
        expectNoPersonalText(eventForLedgerEntry(entry).detail, text, kind === 'RELEASED' ? 'EXPIRED' : undefined);
        const reminder = {
          customerId: 'c-42',
          creditId: 'cr-1',
          currency: 'EUR',
          remaining: 100,
          expiresAt: '2026-05-30T10:00:00.000Z',
          sentAt: entry.at,
        };
        expectNoPersonalText(eventForReminder({ ...reminder, reason: text } as typeof reminder).detail, text);
      }),
      { numRuns: 300 },
    );
  });

  it('an unknown reason code is refused by the contract', () => {
    expect(() => parseContract(ComplaintResolvedDetail, complaint('Paket beschädigt', 'kim@example.com'))).toThrow(/reasonCode/);
  });
});
