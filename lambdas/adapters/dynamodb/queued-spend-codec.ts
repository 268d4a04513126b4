import * as z from 'zod/mini';
import type { QueuedEntry } from '../../app/group-ports';
import { HoldRequest, RedeemRequest } from '../../contracts';
import { DAY_MS } from '../../domain/credit';
import type { Fields, RawItem } from './fields';
import { ITEM, keys } from './layout';

/**
 * A waiting spend's request under its ticket (group commit, lambdas/app/group-commit.ts), encoded and decoded: the
 * request as the caller sent it (ids, amounts, categories; never an address), checked by its contract when read.
 */

const QueuedSpendJson = z.union([
  z.strictObject({ kind: z.literal('redeem'), request: RedeemRequest, requestHash: z.string() }),
  z.strictObject({ kind: z.literal('hold'), request: HoldRequest, requestHash: z.string(), lifetimeSeconds: z.number() }),
]);

export function decodeQueuedSpend(f: Fields): QueuedEntry & { customerId: string } {
  let json: unknown;
  try {
    json = JSON.parse(f.str('spend'));
  } catch {
    throw f.error('spend is not JSON');
  }
  const spend = QueuedSpendJson.safeParse(json);
  if (!spend.success) throw f.error(`spend is not a queued redeem or hold: ${spend.error.message}`);
  const waitsUntilMs = f.optInt('waitsUntilMs');
  return {
    customerId: f.str('customerId'),
    ticket: f.int('ticket'),
    queuedAtMs: f.int('queuedAtMs'),
    ...(waitsUntilMs === undefined ? {} : { waitsUntilMs }),
    spend: spend.data,
  };
}

export function queuedSpendItem(customerId: string, entry: QueuedEntry, now: Date): RawItem {
  return {
    pk: keys.customer(customerId),
    sk: keys.queuedSpend(entry.ticket),
    type: ITEM.QUEUED_SPEND,
    customerId,
    ticket: entry.ticket,
    queuedAtMs: entry.queuedAtMs,
    ...(entry.waitsUntilMs === undefined ? {} : { waitsUntilMs: entry.waitsUntilMs }),
    spend: JSON.stringify(entry.spend),
    ttl: Math.ceil((now.getTime() + DAY_MS) / 1000),
  };
}
