import type { ComplaintResolvedDetail } from '../../lambdas/contracts';
import { grantCredit, type GrantDeps } from '../../lambdas/app/grant';
import type { CapPolicy } from '../../lambdas/domain/caps';
import { redeemCredits, type RedeemDeps } from '../../lambdas/app/redeem';
import type { Mailer } from '../../lambdas/app/ports';
import { DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';
import { systemClock } from '../../lambdas/shared/clock';
import { newId } from '../../lambdas/shared/ids';
import type { CreditStore } from '../../lambdas/app/credit-store';

/** Unique per run, so ids never collide with a previous run's items (the table is in memory anyway). */
export const RUN = Date.now().toString(36);
let seq = 0;
export const uid = (prefix: string) => `${prefix}-${RUN}-${(seq++).toString(36)}`;

/** A realistic ComplaintResolved detail: the reason text and address are of typical length. */
export function complaint(customerId: string, amount: number, validityDays = 90, currency = 'EUR'): ComplaintResolvedDetail {
  return {
    complaintId: uid('cmp'),
    customerId,
    email: `kunde.${customerId.slice(-6)}@example.com`,
    locale: 'de-DE',
    amount,
    currency,
    validityDays,
    reason: 'Lieferung kam drei Tage zu spät; Kulanzgutschrift laut Ticket',
  };
}

/** Caps far above anything the bench grants: the counters are read and written (their cost is measured), never binding. */
export const BENCH_CAPS: CapPolicy = {
  customerAmount30dMajorUnits: 1_000_000_000,
  customerAmount365dMajorUnits: 1_000_000_000,
  customerGrants30d: 1_000_000_000,
  customerGrants365d: 1_000_000_000,
  issuerAmountPerDayMajorUnits: 1_000_000_000,
};

export const grantDeps = (store: CreditStore): GrantDeps => ({
  store,
  clock: systemClock,
  policy: DEFAULT_GRANT_POLICY,
  caps: BENCH_CAPS,
  newId,
});

/** Grant and return the new credit (the bench never hits a cap). */
export async function grantOk(detail: ReturnType<typeof complaint>, store: CreditStore) {
  const out = await grantCredit(detail, grantDeps(store));
  if (out.outcome === 'REFUSED') throw new Error(`bench grant refused by ${out.cap}`);
  return out;
}
export const redeemDeps = (store: CreditStore, onConflict?: () => void): RedeemDeps => ({ store, clock: systemClock, newId, onConflict });

/** Grant `amounts.length` credits to one customer; credit i expires after 40 + i days (so the spend order is i). */
export async function grantMany(store: CreditStore, customerId: string, amounts: number[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, amount] of amounts.entries()) {
    const out = await grantOk(complaint(customerId, amount, 40 + i), store);
    ids.push(out.creditId);
  }
  return ids;
}

export function redeemRequest(customerId: string, amount: number, currency = 'EUR') {
  return { customerId, orderId: uid('ord'), amount, currency, idempotencyKey: uid('idem') };
}

export async function redeem(store: CreditStore, customerId: string, amount: number) {
  return redeemCredits(redeemRequest(customerId, amount), redeemDeps(store));
}

/** A mailer that records what would have been sent (SES is not DynamoDB work). */
export class RecordingMailer implements Mailer {
  readonly sent: Array<{ to: string; subject: string }> = [];
  async send(input: { to: string; subject: string }): Promise<{ messageId: string }> {
    this.sent.push({ to: input.to, subject: input.subject });
    return { messageId: `bench-${this.sent.length}` };
  }
}
