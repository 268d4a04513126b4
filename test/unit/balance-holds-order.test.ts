/**
 * The balance's list of holds (issue 10): soonest-expiring first, holds of the same expiry by hold id, whatever order
 * the store lists them in (DynamoDB answers by sort key, i.e. by hold id, not by expiry).
 */
import { getBalance } from '../../lambdas/app/balance';
import type { BalanceStore } from '../../lambdas/app/ports';
import { newHold, type Hold } from '../../lambdas/domain/hold';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const HOUR = 3600;

const hold = (holdId: string, lifetimeSeconds: number): Hold =>
  newHold({
    holdId,
    customerId: 'c-1',
    orderId: `o-${holdId}`,
    currency: 'EUR',
    allocations: [{ creditId: 'cr-1', amount: 100, expiresAt: '2026-06-01T00:00:00.000Z' }],
    now: NOW,
    lifetimeSeconds,
  });

const storeListing = (holds: Hold[]): BalanceStore => ({
  listSpendableCredits: async () => [],
  history: async () => ({ entries: [] }),
  listHolds: async () => holds,
});

const listed = async (holds: Hold[]) =>
  (await getBalance({ customerId: 'c-1' }, { store: storeListing(holds), clock: { now: () => NOW } })).courtesyCredit.holds.map(
    (h) => h.holdId,
  );

describe('balance: the order of holds', () => {
  it('soonest-expiring first, whatever order the store lists them in', async () => {
    const h1 = hold('01H1', 5 * HOUR);
    const h2 = hold('01H2', 1 * HOUR);
    const h3 = hold('01H3', 3 * HOUR);
    const h4 = hold('01H4', 2 * HOUR);
    expect(await listed([h1, h2, h3, h4])).toEqual(['01H2', '01H4', '01H3', '01H1']);
    expect(await listed([h2, h4, h3, h1])).toEqual(['01H2', '01H4', '01H3', '01H1']);
    expect(await listed([h1, h3, h4, h2])).toEqual(['01H2', '01H4', '01H3', '01H1']);
  });

  it('holds expiring at the same instant: by hold id (placement order), either way round', async () => {
    const a = hold('01HA', HOUR);
    const b = hold('01HB', HOUR);
    const c = hold('01HC', HOUR);
    expect(await listed([a, b, c])).toEqual(['01HA', '01HB', '01HC']);
    expect(await listed([c, b, a])).toEqual(['01HA', '01HB', '01HC']);
    expect(await listed([b, c, a])).toEqual(['01HA', '01HB', '01HC']);
    expect(await listed([b, a])).toEqual(['01HA', '01HB']);
  });
});
