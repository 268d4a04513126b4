/**
 * What `npm run cli` sends for the spends and the payment flow's commands (redeem, hold, capture, release, refund)
 * and for a grant's categories: the request each builds from its parsed options, nothing else (local/cli.ts invokes).
 * The service validates every field; here only the CLI's own syntax (`--line CATEGORY:AMOUNT`, `--categories a,b`)
 * and what the requests' types need (a line's category is one of the purchase categories).
 */
import type { CaptureRequest, HoldRequest, RedeemRequest, RefundRequest, ReleaseRequest } from '../client/src';
import { PURCHASE_CATEGORIES, type PurchaseCategory } from '../lambdas/domain/eligibility';

/** The options these commands read, as node:util parseArgs gives them. */
export interface PaymentOptions {
  readonly customer?: string;
  readonly order?: string;
  readonly amount?: string;
  readonly currency?: string;
  readonly key?: string;
  readonly line?: readonly string[];
  readonly lifetime?: string;
  readonly hold?: string;
  readonly final?: boolean;
  readonly capture?: string;
  readonly redemption?: string;
  readonly reason?: string;
  readonly categories?: string;
}

/** The parseArgs option definitions these commands add to the CLI's. */
export const PAYMENT_OPTIONS = {
  line: { type: 'string', multiple: true },
  lifetime: { type: 'string' },
  hold: { type: 'string' },
  final: { type: 'boolean' },
  capture: { type: 'string' },
  categories: { type: 'string' },
} as const;

export const PAYMENT_HELP = `  redeem  --customer ID --order ID --amount MINOR --currency EUR [--key IDEMPOTENCY_KEY] [--line CATEGORY:MINOR ...]
  hold    --customer ID --order ID --amount MINOR --currency EUR [--key K] [--lifetime SECONDS] [--line CATEGORY:MINOR ...]
                                      reserve credit for an order (payment flow); --line is repeatable: the purchase's lines
  capture --customer ID --hold ID --amount MINOR [--key CAPTURE_KEY] [--final]
                                      take part of a hold; --final lets go of the rest
  release --customer ID --hold ID     let go of what a hold still holds
  refund  --customer ID (--capture ID | --redemption ID) --amount MINOR [--key REFUND_KEY] [--reason TEXT] [--currency EUR]
                                      give part of a capture or redemption back to its credits`;

export const KEYS_HELP =
  'Keys default to one derived from the order (redeem, hold) or to a new one per call (capture, refund: pass --key to retry).';

export const required = (v: string | undefined, name: string): string => {
  if (!v) throw new Error(`--${name} is required`);
  return v;
};

export const number = (v: string | undefined, name: string): number => {
  if (v === undefined) throw new Error(`--${name} is required`);
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
  return n;
};

/** `--line CATEGORY:AMOUNT` (repeatable) → the purchase's lines, numbered 1, 2, … in the order given. */
export function purchaseOf(lines: readonly string[] | undefined) {
  if (!lines || lines.length === 0) return {};
  return {
    purchase: {
      lines: lines.map((spec, i) => {
        const m = /^([A-Z_]+):(-?\d+)$/.exec(spec.trim());
        if (!m) throw new Error(`--line ${JSON.stringify(spec)}: CATEGORY:AMOUNT expected, e.g. PHYSICAL_GOODS:2500`);
        return { lineId: String(i + 1), category: category(m[1]!, spec), amount: Number(m[2]) };
      }),
    },
  };
}

function category(name: string, spec: string): PurchaseCategory {
  const known = PURCHASE_CATEGORIES.find((c) => c === name);
  if (!known) throw new Error(`--line ${JSON.stringify(spec)}: the category is one of ${PURCHASE_CATEGORIES.join(', ')}`);
  return known;
}

/** `--categories a,b` → the grant event's `categories` (absent: every eligible category). */
export function categoriesOf(list: string | undefined) {
  if (list === undefined) return {};
  const categories = list
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (categories.length === 0) throw new Error('--categories: at least one category expected, e.g. PHYSICAL_GOODS,SERVICES');
  return { categories };
}

/** A currency only when the command line names it (refund's is an optional guard, not the EUR default). */
const namedCurrency = (o: PaymentOptions, argv: readonly string[]) =>
  o.currency && argv.some((a) => a === '--currency' || a.startsWith('--currency=')) ? { currency: o.currency } : {};

const freshKey = (what: string, now: () => number) => `cli-${what}-${now().toString(36)}`;

export function redeemRequest(o: PaymentOptions): RedeemRequest {
  const order = required(o.order, 'order');
  return {
    customerId: required(o.customer, 'customer'),
    orderId: order,
    amount: number(o.amount, 'amount'),
    currency: o.currency ?? 'EUR',
    idempotencyKey: o.key ?? `cli-${order}`,
    ...purchaseOf(o.line),
  };
}

export function holdRequest(o: PaymentOptions): HoldRequest {
  const order = required(o.order, 'order');
  return {
    customerId: required(o.customer, 'customer'),
    orderId: order,
    amount: number(o.amount, 'amount'),
    currency: o.currency ?? 'EUR',
    idempotencyKey: o.key ?? `cli-hold-${order}`,
    ...purchaseOf(o.line),
    ...(o.lifetime !== undefined ? { lifetimeSeconds: number(o.lifetime, 'lifetime') } : {}),
  };
}

export function captureRequest(o: PaymentOptions, now: () => number = Date.now): CaptureRequest {
  return {
    customerId: required(o.customer, 'customer'),
    holdId: required(o.hold, 'hold'),
    amount: number(o.amount, 'amount'),
    captureKey: o.key ?? freshKey('capture', now),
    ...(o.final ? { final: true } : {}),
  };
}

export function releaseRequest(o: PaymentOptions): ReleaseRequest {
  return { customerId: required(o.customer, 'customer'), holdId: required(o.hold, 'hold') };
}

export function refundRequest(o: PaymentOptions, argv: readonly string[], now: () => number = Date.now): RefundRequest {
  if ((o.capture === undefined) === (o.redemption === undefined)) throw new Error('refund: exactly one of --capture and --redemption');
  return {
    customerId: required(o.customer, 'customer'),
    ...(o.capture !== undefined ? { captureId: o.capture } : { redemptionId: o.redemption }),
    amount: number(o.amount, 'amount'),
    refundKey: o.key ?? freshKey('refund', now),
    ...namedCurrency(o, argv),
    ...(o.reason ? { reason: o.reason } : {}),
  };
}
