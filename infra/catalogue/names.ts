/** The service's function names: the one list the catalogue's entries (infra/functions.ts) are keyed by. */

/** The payment flow's operations on a customer's credits (issue 10: hold, capture, release, refund). */
export const PAYMENT_FLOW_FUNCTIONS = ['hold', 'capture', 'release', 'refund'] as const;
export type PaymentFlowFunction = (typeof PAYMENT_FLOW_FUNCTIONS)[number];

/**
 * Every function, in the order the stack creates them. Adding one: its name here and its entry in
 * catalogue/asynchronous.ts or catalogue/synchronous.ts.
 */
export const FUNCTION_NAMES = [
  'grant',
  'redeem',
  'reverse',
  'balance',
  'route',
  'expire',
  'notify',
  'publish',
  'void',
  'erase',
  'report',
  'aggregate',
  ...PAYMENT_FLOW_FUNCTIONS,
  // Approval above a threshold (issue 11.2)
  'approval',
  'declineExpired',
  'releaseExpired',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export function isFunctionName(value: string): value is FunctionName {
  return (FUNCTION_NAMES as readonly string[]).includes(value);
}
