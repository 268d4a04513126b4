/**
 * The two emails decide on the credit as the table holds it now: nothing is sent about an erased or voided credit,
 * and the address used is the stored one (not an older stream image).
 */
import { sendCreditIssued, sendExpiryReminder, type NotifyDeps } from '../../lambdas/app/notify';
import type { ReminderNoticeRecord } from '../../lambdas/app/ports';
import type { Credit, StoredCredit } from '../../lambdas/domain/credit';
import { credit as granted, NOW } from './adapters/fixtures';
import type { NoticeKind } from '../../lambdas/domain/notice';

class Fake {
  credit: StoredCredit | undefined;
  notices: Array<{ kind: NoticeKind; notice: ReminderNoticeRecord }> = [];
  sent: Array<{ to: string; subject: string }> = [];
  constructor(credit: StoredCredit | undefined) {
    this.credit = credit;
  }
  deps(): NotifyDeps {
    return {
      store: {
        getCredit: async () => this.credit,
        hasNotice: async (_c, _id, kind) => this.notices.some((n) => n.kind === kind),
        putNotice: async (kind, notice) => {
          this.notices.push({ kind, notice });
          return true;
        },
      },
      mailer: {
        send: async (m) => {
          this.sent.push({ to: m.to, subject: m.subject });
          return { messageId: `m-${this.sent.length}` };
        },
      },
      clock: { now: () => NOW },
      timeZone: 'Europe/Berlin',
    };
  }
}

const { email: _e, locale: _l, reason: _r, ...kept } = granted;
const erased: StoredCredit = { ...kept, erasedAt: NOW.toISOString() };
const voided: Credit = { ...granted, remaining: 0, voided: { voidId: 'v-1', voidedAt: NOW.toISOString(), amount: 2500 } };

describe('issued email', () => {
  test('sent to the stored address, once, recorded', async () => {
    const f = new Fake({ ...granted, email: 'now@example.com' });
    expect(await sendCreditIssued(granted, f.deps())).toBe('SENT');
    expect(f.sent.map((m) => m.to)).toEqual(['now@example.com']);
    expect(f.notices).toEqual([
      { kind: 'ISSUED', notice: expect.objectContaining({ creditId: granted.creditId, remaining: 2500, messageId: 'm-1' }) },
    ]);
    expect(await sendCreditIssued(granted, f.deps())).toBe('ALREADY_SENT');
    expect(f.sent).toHaveLength(1);
  });
  test.each([
    ['erased since the grant', erased, 'SKIPPED_ERASED'],
    ['voided since the grant', voided, 'SKIPPED_VOIDED'],
    ['gone (expired and removed)', undefined, 'SKIPPED_GONE'],
  ] as const)('%s → %s, no email, nothing recorded', async (_what, current, outcome) => {
    const f = new Fake(current);
    expect(await sendCreditIssued(granted, f.deps())).toBe(outcome);
    expect(f.sent).toEqual([]);
    expect(f.notices).toEqual([]);
  });
  test('an erased credit from the stream (no address at all) sends nothing either', async () => {
    const f = new Fake(erased);
    expect(await sendCreditIssued(erased, f.deps())).toBe('SKIPPED_ERASED');
    expect(f.sent).toEqual([]);
  });
});

describe('expiry reminder', () => {
  const due = { customerId: granted.customerId, creditId: granted.creditId, expiresAt: granted.expiresAt };
  test('an erased credit with money left → SKIPPED_ERASED, no email', async () => {
    const f = new Fake(erased);
    expect(await sendExpiryReminder(due, f.deps())).toBe('SKIPPED_ERASED');
    expect(f.sent).toEqual([]);
    expect(f.notices).toEqual([]);
  });
  test('a voided credit (nothing left) → SKIPPED_USED_UP', async () => {
    const f = new Fake(voided);
    expect(await sendExpiryReminder(due, f.deps())).toBe('SKIPPED_USED_UP');
    expect(f.sent).toEqual([]);
  });
  test('(control) a plain credit with money left is reminded', async () => {
    const f = new Fake(granted);
    expect(await sendExpiryReminder(due, f.deps())).toBe('SENT');
    expect(f.sent.map((m) => m.to)).toEqual([granted.email]);
  });
});
