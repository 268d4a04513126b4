/**
 * Section 1's scenarios: each operation the capacity section measures, run once against a fresh customer, with
 * the least DynamoDB work it could do computed by the formulas at the top of capacity.ts from the sizes of the
 * items it left in the table (read back unmetered).
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type DynamoCreditStore, keys } from '../../lambdas/adapters/dynamodb';
import { CREDIT_RANGE_END, GRANT_SK, GRANT_USAGE_SK, PREFIX } from '../../lambdas/adapters/dynamodb/layout';
import { redeemCredits } from '../../lambdas/app/redeem';
import { reverseRedemption } from '../../lambdas/app/reverse';
import { recordCreditExpiry } from '../../lambdas/app/expire';
import { sendCreditIssued, sendExpiryReminder } from '../../lambdas/app/notify';
import { getBalance } from '../../lambdas/app/balance';
import { systemClock } from '../../lambdas/shared/clock';
import { newId } from '../../lambdas/shared/ids';
import { getReadUnits, itemSize, queryReadUnits, transactWriteUnits, writeUnits, type Units } from '../../local/ddb-capacity';
import type { OperationCost } from '../lib/meter';
import { complaint, grantMany, grantOk, RecordingMailer, redeemDeps, redeemRequest, uid } from '../lib/fixtures';
import { NOTICE } from '../../lambdas/domain/notice';

/** Round trips a redemption may take (the section's target). */
export const REDEEM_ROUND_TRIPS = 2;

/** One run of a scenario: what the operation cost, and the least it could have cost. */
export type Sample = { actual: OperationCost; minimum: Units & { roundTrips: number } };

export interface Scenario {
  operation: string;
  roundTripTarget?: number;
  note?: string;
  once: () => Promise<Sample>;
}

export interface ScenarioContext {
  /** Unmetered client: fixtures' sizes and look-ups. */
  raw: DynamoDBDocumentClient;
  table: string;
  /** The store under measurement (its client is metered). */
  store: DynamoCreditStore;
  /** Run `fn` under the meter and return its value and cost. */
  measure: <T>(fn: () => Promise<T>) => Promise<{ value: T; cost: OperationCost }>;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function capacityScenarios({ raw, table, store, measure }: ScenarioContext): Scenario[] {
  const size = async (pk: string, sk: string) =>
    itemSize((await raw.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item);
  const spendableSizes = async (customerId: string) => {
    const out = await raw.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        FilterExpression: 'remaining > :zero',
        ExpressionAttributeValues: {
          ':pk': keys.customer(customerId),
          ':from': `${PREFIX.CREDIT}${new Date().toISOString()}`,
          ':to': CREDIT_RANGE_END,
          ':zero': 0,
        },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => itemSize(i));
  };

  return [
    {
      operation: 'grant',
      once: async () => {
        const customerId = uid('cap-g');
        const detail = complaint(customerId, 2500);
        const { value, cost } = await measure(() => grantOk(detail, store));
        const pk = keys.customer(customerId);
        const credit = await store.getCredit(customerId, value.creditId, value.expiresAt!);
        const sizes = [
          await size(keys.complaint(detail.complaintId), GRANT_SK),
          await size(pk, keys.credit(credit!.expiresAt, credit!.creditId)),
          await size(pk, keys.ledger(value.creditId)),
          await size(pk, keys.reminder(value.creditId)),
          await size(pk, GRANT_USAGE_SK),
        ];
        // The caps' counters: one consistent read of the customer's usage item (absent before the first grant), then the transaction.
        return { actual: cost, minimum: { roundTrips: 2, rcu: 1, wcu: sum(sizes.map(transactWriteUnits)) } };
      },
    },
    ...[
      { operation: 'redeem, 1 credit', credits: [5000, 5000, 5000], amount: 1200, usedUp: 0 },
      { operation: 'redeem, 5 credits', credits: [1000, 1000, 1000, 1000, 1000, 1000], amount: 4500, usedUp: 0 },
      { operation: 'redeem, 1 credit, 10 used-up in range', credits: [5000, 5000, 5000], amount: 1200, usedUp: 10 },
    ].map((s) => ({
      operation: s.operation,
      roundTripTarget: REDEEM_ROUND_TRIPS,
      note: s.usedUp ? "used-up credits stay in the Query's key range until they expire: read and filtered out, still billed" : undefined,
      once: async (): Promise<Sample> => {
        const customerId = uid('cap-r');
        if (s.usedUp) {
          // credits that expire before the live ones, spent to zero (fixtures, unmetered)
          const spent = await grantMany(
            store,
            customerId,
            Array.from({ length: s.usedUp }, () => 700),
          );
          void spent;
          await redeemCredits(redeemRequest(customerId, 700 * s.usedUp), redeemDeps(store));
        }
        const creditIds = await grantMany(store, customerId, s.credits);
        void creditIds;
        const spendable = await spendableSizes(customerId);
        const req = redeemRequest(customerId, s.amount);
        const { value, cost } = await measure(() => redeemCredits(req, redeemDeps(store)));
        const pk = keys.customer(customerId);
        const r = value.response;
        const creditSizes = await Promise.all(r.allocations.map((a) => size(pk, keys.credit(a.expiresAt, a.creditId))));
        const wcu =
          sum(creditSizes.map(transactWriteUnits)) +
          transactWriteUnits(await size(pk, keys.ledger(r.redemptionId!))) +
          transactWriteUnits(await size(pk, keys.redeemKey(req.idempotencyKey)));
        return { actual: cost, minimum: { roundTrips: 2, rcu: queryReadUnits(sum(spendable), true), wcu } };
      },
    })),
    {
      operation: 'reversal, 5 credits',
      once: async () => {
        const customerId = uid('cap-v');
        await grantMany(store, customerId, [1000, 1000, 1000, 1000, 1000, 1000]);
        const redeemed = await redeemCredits(redeemRequest(customerId, 4500), redeemDeps(store));
        const redemptionId = redeemed.response.redemptionId!;
        const { value, cost } = await measure(() =>
          reverseRedemption({ customerId, redemptionId, reason: 'order cancelled' }, { store, clock: systemClock, newId }),
        );
        const pk = keys.customer(customerId);
        const redemptionBytes = await size(pk, keys.ledger(redemptionId));
        const creditSizes = await Promise.all(value.allocations.map((a) => size(pk, keys.credit(a.expiresAt, a.creditId))));
        const rcu = getReadUnits(redemptionBytes, true) + queryReadUnits(sum(creditSizes), true);
        const wcu =
          transactWriteUnits(redemptionBytes) +
          transactWriteUnits(await size(pk, keys.ledger(value.reversalId))) +
          sum(creditSizes.map(transactWriteUnits));
        return { actual: cost, minimum: { roundTrips: 3, rcu, wcu } };
      },
    },
    {
      operation: 'expiry (recordCreditExpiry)',
      once: async () => {
        const customerId = uid('cap-e');
        const g = await grantOk(complaint(customerId, 1500), store);
        const credit = (await store.getCredit(customerId, g.creditId, g.expiresAt!))!;
        const { value, cost } = await measure(() => recordCreditExpiry(credit, { store }));
        if (value !== 'RECORDED') throw new Error(`expiry fixture: expected RECORDED, got ${value}`);
        const ledger = await raw.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
            FilterExpression: 'kind = :k',
            ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':l': PREFIX.LEDGER, ':k': 'EXPIRED' },
          }),
        );
        return { actual: cost, minimum: { roundTrips: 1, rcu: 0, wcu: writeUnits(itemSize(ledger.Items?.[0])) } };
      },
    },
    {
      operation: 'reminder (sendExpiryReminder)',
      once: async () => {
        const customerId = uid('cap-m');
        const g = await grantOk(complaint(customerId, 1500), store);
        const mailer = new RecordingMailer();
        const { value, cost } = await measure(() =>
          sendExpiryReminder(
            { customerId, creditId: g.creditId, expiresAt: g.expiresAt! },
            { store, mailer, clock: systemClock, timeZone: 'Europe/Berlin' },
          ),
        );
        if (value !== 'SENT' || mailer.sent.length !== 1) throw new Error(`reminder fixture: expected SENT, got ${value}`);
        const pk = keys.customer(customerId);
        const creditBytes = await size(pk, keys.credit(g.expiresAt!, g.creditId));
        const noticeBytes = await size(pk, keys.notice(g.creditId, NOTICE.REMINDER));
        return { actual: cost, minimum: { roundTrips: 2, rcu: 1 + getReadUnits(creditBytes, true), wcu: writeUnits(noticeBytes) } };
      },
    },
    {
      operation: 'issued email (sendCreditIssued)',
      once: async () => {
        const customerId = uid('cap-i');
        const g = await grantOk(complaint(customerId, 1500), store);
        const credit = (await store.getCredit(customerId, g.creditId, g.expiresAt!))!;
        const mailer = new RecordingMailer();
        const { value, cost } = await measure(() =>
          sendCreditIssued(credit, { store, mailer, clock: systemClock, timeZone: 'Europe/Berlin' }),
        );
        if (value !== 'SENT') throw new Error(`issued fixture: expected SENT, got ${value}`);
        const pk = keys.customer(customerId);
        const noticeBytes = await size(pk, keys.notice(g.creditId, NOTICE.ISSUED));
        const creditBytes = await size(pk, keys.credit(g.expiresAt!, g.creditId));
        // The notice check and the credit re-read (erased or voided since?) go together, then the notice is written.
        return { actual: cost, minimum: { roundTrips: 2, rcu: 1 + getReadUnits(creditBytes, true), wcu: writeUnits(noticeBytes) } };
      },
    },
    {
      operation: 'balance (3 credits, 6 entries)',
      once: async () => {
        const customerId = uid('cap-b');
        await grantMany(store, customerId, [3000, 2000, 1000]);
        await redeemCredits(redeemRequest(customerId, 2500), redeemDeps(store));
        await redeemCredits(redeemRequest(customerId, 500), redeemDeps(store));
        await redeemCredits(redeemRequest(customerId, 700), redeemDeps(store));
        const spendable = await spendableSizes(customerId);
        const { value, cost } = await measure(() => getBalance({ customerId, limit: 20 }, { store, clock: systemClock }));
        const page = await raw.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
            ExpressionAttributeValues: { ':pk': keys.customer(customerId), ':l': PREFIX.LEDGER },
            ScanIndexForward: false,
            Limit: 20,
          }),
        );
        if (value.history.length !== (page.Items ?? []).length) throw new Error('balance fixture: history length differs');
        const rcu = queryReadUnits(sum(spendable), true) + queryReadUnits(sum((page.Items ?? []).map((i) => itemSize(i))), false);
        return { actual: cost, minimum: { roundTrips: 2, rcu, wcu: 0 } };
      },
    },
  ];
}
