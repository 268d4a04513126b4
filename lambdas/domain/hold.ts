import { spendOrder, type Allocation } from './allocation';
import { DAY_MS } from './credit';
import type { LineApplication } from './eligibility';
import { CreditError } from './errors';
import { isMinorUnits } from './money';

/**
 * Holds (authorizations) on a customer's credits and the rules for capturing and releasing them. Pure.
 * A hold debits the credits' `remaining` when placed and tracks per credit what it still holds, so held money is
 * available to no other redeem or hold, and a credit's expiry (which lapses `remaining`) never counts it as unused.
 */

export interface HoldPolicy {
  /** Lifetime when the request names none (7 days). */
  readonly defaultLifetimeSeconds: number;
  readonly minLifetimeSeconds: number;
  /** Longest lifetime a request may ask for (30 days). */
  readonly maxLifetimeSeconds: number;
}

export const DEFAULT_HOLD_POLICY: HoldPolicy = {
  defaultLifetimeSeconds: (7 * DAY_MS) / 1000,
  minLifetimeSeconds: 60,
  maxLifetimeSeconds: (30 * DAY_MS) / 1000,
};

/** The hold's lifetime in seconds: the request's, within the policy's range, or the default. */
export function holdLifetimeSeconds(requested: number | undefined, policy: HoldPolicy = DEFAULT_HOLD_POLICY): number {
  if (requested === undefined) return policy.defaultLifetimeSeconds;
  if (!Number.isInteger(requested) || requested < policy.minLifetimeSeconds || requested > policy.maxLifetimeSeconds) {
    throw new CreditError(
      'HOLD_LIFETIME_OUT_OF_RANGE',
      `lifetimeSeconds must be a whole number from ${policy.minLifetimeSeconds} to ${policy.maxLifetimeSeconds}, got ${requested}`,
      { lifetimeSeconds: requested, min: policy.minLifetimeSeconds, max: policy.maxLifetimeSeconds },
    );
  }
  return requested;
}

/** What a hold took from one credit (`amount`) and how much of that it still holds (`held`). */
export interface HeldAllocation extends Allocation {
  readonly held: number;
}

/** ACTIVE until captured in full or finally (CAPTURED) or released explicitly (RELEASED); past its lifetime it is EXPIRED. */
export const HOLD_STATUSES = ['ACTIVE', 'CAPTURED', 'RELEASED'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];
/** What the balance shows of a hold: its status, or EXPIRED once an ACTIVE hold's lifetime has passed. */
export const HOLD_STATES = [...HOLD_STATUSES, 'EXPIRED'] as const;
export type HoldState = (typeof HOLD_STATES)[number];

export interface Hold {
  readonly holdId: string;
  readonly customerId: string;
  readonly orderId: string;
  readonly currency: string;
  /** Held when placed. */
  readonly amount: number;
  /** Captured so far. */
  readonly captured: number;
  readonly allocations: readonly HeldAllocation[];
  readonly lines?: readonly LineApplication[];
  readonly status: HoldStatus;
  readonly placedAt: string;
  readonly expiresAt: string;
  /** Bumped by every change: the optimistic-concurrency check of captures and releases. */
  readonly version: number;
  /** RELEASED by an explicit release: that release's ledger entry (a release asked for again answers from it). */
  readonly releaseId?: string;
}

/** Still held: placed less captured less released. */
export function heldAmount(hold: Pick<Hold, 'allocations'>): number {
  return hold.allocations.reduce((sum, a) => sum + a.held, 0);
}

export function holdState(hold: Pick<Hold, 'status' | 'expiresAt'>, now: Date): HoldState {
  if (hold.status === 'ACTIVE' && Date.parse(hold.expiresAt) <= now.getTime()) return 'EXPIRED';
  return hold.status;
}

export function assertHoldActive(hold: Hold, now: Date): void {
  const state = holdState(hold, now);
  if (state !== 'ACTIVE') {
    throw new CreditError('HOLD_NOT_ACTIVE', `hold ${hold.holdId} is ${state}, not ACTIVE`, { holdId: hold.holdId, status: state });
  }
}

/** A new hold of `allocations` (each fully held), ACTIVE for `lifetimeSeconds` from `now`. */
export function newHold(input: {
  holdId: string;
  customerId: string;
  orderId: string;
  currency: string;
  allocations: readonly Allocation[];
  lines?: readonly LineApplication[];
  now: Date;
  lifetimeSeconds: number;
}): Hold {
  const { holdId, customerId, orderId, currency, allocations, lines, now, lifetimeSeconds } = input;
  return {
    holdId,
    customerId,
    orderId,
    currency,
    amount: allocations.reduce((sum, a) => sum + a.amount, 0),
    captured: 0,
    allocations: allocations.map((a) => ({ ...a, held: a.amount })),
    ...(lines ? { lines } : {}),
    status: 'ACTIVE',
    placedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + lifetimeSeconds * 1000).toISOString(),
    version: 0,
  };
}

export interface CapturePlan {
  /** Per credit, what this capture takes (soonest-expiring credits first). */
  readonly taken: Allocation[];
  /** Per credit, what a final capture lets go of (empty otherwise). */
  readonly released: Allocation[];
  /** The hold after the capture. */
  readonly next: Hold;
}

/**
 * Capture `amount` of an ACTIVE hold (it stands even if a held credit's own expiry passed meanwhile): at most what
 * is still held (CAPTURE_EXCEEDS_HOLD). `final` lets go of the rest; a capture of everything held closes the hold too.
 */
export function planCapture(hold: Hold, amount: number, final: boolean, now: Date): CapturePlan {
  assertHoldActive(hold, now);
  if (!isMinorUnits(amount) || amount <= 0) {
    throw new CreditError('AMOUNT_OUT_OF_RANGE', `amount must be a positive whole number of ${hold.currency} minor units, got ${amount}`, {
      amount,
      currency: hold.currency,
    });
  }
  const held = heldAmount(hold);
  if (amount > held) {
    throw new CreditError('CAPTURE_EXCEEDS_HOLD', `hold ${hold.holdId} holds ${held}, less than the ${amount} asked for`, {
      holdId: hold.holdId,
      held,
      requested: amount,
    });
  }
  const taken: Allocation[] = [];
  const released: Allocation[] = [];
  let open = amount;
  const after = new Map<string, number>();
  for (const a of [...hold.allocations].sort(spendOrder)) {
    const take = Math.min(open, a.held);
    open -= take;
    if (take > 0) taken.push({ creditId: a.creditId, amount: take, expiresAt: a.expiresAt });
    const rest = a.held - take;
    if (final && rest > 0) released.push({ creditId: a.creditId, amount: rest, expiresAt: a.expiresAt });
    after.set(a.creditId, final ? 0 : rest);
  }
  const closed = final || amount === held;
  const next: Hold = {
    ...hold,
    captured: hold.captured + amount,
    allocations: hold.allocations.map((a) => ({ ...a, held: after.get(a.creditId)! })),
    status: closed ? 'CAPTURED' : 'ACTIVE',
    version: hold.version + 1,
  };
  return { taken, released, next };
}

/** Explicit release of an ACTIVE hold: everything still held goes back; the hold is RELEASED, naming the release's entry. */
export function planRelease(hold: Hold, now: Date, releaseId: string): { released: Allocation[]; next: Hold } {
  assertHoldActive(hold, now);
  return {
    released: stillHeld(hold),
    next: {
      ...hold,
      allocations: hold.allocations.map((a) => ({ ...a, held: 0 })),
      status: 'RELEASED',
      version: hold.version + 1,
      releaseId,
    },
  };
}

/** Per credit, what the hold still holds. */
export function stillHeld(hold: Pick<Hold, 'allocations'>): Allocation[] {
  return hold.allocations.filter((a) => a.held > 0).map((a) => ({ creditId: a.creditId, amount: a.held, expiresAt: a.expiresAt }));
}
