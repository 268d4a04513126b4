/**
 * Where a partial refund goes when the credits it came from expire at the same instant: to the later credit (the
 * newer grant; ULIDs sort by time) first, whichever order the redemption or capture took them in.
 */
import { NOTHING_REFUNDED, planRefund } from '../../lambdas/domain/restore';

const SAME = '2026-04-01T00:00:00.000Z';
const LATER = '2026-05-01T00:00:00.000Z';

describe('planRefund: credits of the same expiry', () => {
  const older = { creditId: '01CREDIT-A', amount: 300, expiresAt: SAME };
  const newer = { creditId: '01CREDIT-B', amount: 300, expiresAt: SAME };

  it.each([
    ['older first', [older, newer]],
    ['newer first', [newer, older]],
  ])('taken %s: the newer credit gets its part back first', (_, taken) => {
    expect(planRefund(taken, NOTHING_REFUNDED, 400, 'EUR', 'red-1').back).toEqual([
      { creditId: '01CREDIT-B', amount: 300, expiresAt: SAME },
      { creditId: '01CREDIT-A', amount: 100, expiresAt: SAME },
    ]);
  });

  it('three credits, two of them tied behind a later-expiring one: later expiry first, then the newer of the tie', () => {
    const latest = { creditId: '01CREDIT-0', amount: 100, expiresAt: LATER };
    for (const taken of [
      [older, latest, newer],
      [newer, older, latest],
      [latest, older, newer],
    ]) {
      expect(planRefund(taken, NOTHING_REFUNDED, 700, 'EUR', 'red-1').back.map((b) => [b.creditId, b.amount])).toEqual([
        ['01CREDIT-0', 100],
        ['01CREDIT-B', 300],
        ['01CREDIT-A', 300],
      ]);
    }
  });
});
