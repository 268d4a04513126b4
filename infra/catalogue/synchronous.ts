/**
 * The catalogue's synchronous functions: each invoked (RequestResponse) only by the configured roles it names —
 * the payment flow's spends, the account service's balance, operations, privacy and finance.
 */
import { SPEND_TABLE_ACTIONS, invoked, paymentFlow } from './builders';

export const SYNCHRONOUS_FUNCTIONS = {
  redeem: paymentFlow('redeem', 'Redeems courtesy credits against an order (sync, called by the payment flow)', [], SPEND_TABLE_ACTIONS),
  reverse: paymentFlow('reverse', 'Reverses a redemption, restoring the credits it used (sync, called by the payment flow)'),
  balance: invoked('balance', {
    description: "Returns a customer's spendable balance and history (sync, payment flow, account service, operators)",
    // Operators read it too: on-call before a void, approvers next to a pending grant (the console's customer screen).
    // The answer carries amounts, ids, dates and closed codes, never an address.
    invokers: ['paymentFlowRoleArn', 'accountServiceRoleArn', 'opsRoleArn', 'approverRoleArn'],
    memorySize: 512,
    timeoutSeconds: 6,
    tableActions: ['dynamodb:Query'],
  }),
  hold: paymentFlow(
    'hold',
    'Holds (authorizes) courtesy credit for an order (sync, called by the payment flow)',
    ['HOLD_DEFAULT_LIFETIME_SECONDS', 'HOLD_MAX_LIFETIME_SECONDS'],
    SPEND_TABLE_ACTIONS,
  ),
  capture: paymentFlow('capture', 'Captures part or all of a hold (sync, called by the payment flow)'),
  release: paymentFlow('release', 'Releases what a hold still holds (sync, called by the payment flow)'),
  refund: paymentFlow('refund', 'Refunds part of a redemption or capture onto its credits (sync, called by the payment flow)'),
  // Operations (issue 11): each invoked only by its configured role.
  void: invoked('void', {
    description: "Voids a credit's unspent rest and its part of active holds (sync, called by operations)",
    invokers: ['opsRoleArn'],
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  }),
  erase: invoked('erase', {
    description: "Erases a customer's address, locale and free texts from every item (sync, called by the privacy team)",
    invokers: ['privacyRoleArn'],
    timeoutSeconds: 60,
    tableActions: ['dynamodb:Query', 'dynamodb:UpdateItem'],
  }),
  report: invoked('report', {
    description: 'Finance liability report per currency and day, and its reconciliation with the credits (sync, finance)',
    invokers: ['financeRoleArn'],
    memorySize: 512,
    timeoutSeconds: 120,
    // Scan: the reconciliation sums what remains on every credit.
    tableActions: ['dynamodb:Query', 'dynamodb:Scan'],
  }),
  // Approval above a threshold (issue 11.2): approve, decline, list; only the approvers' role.
  approval: invoked('approval', {
    description: "Approves or declines a grant waiting for approval, or lists a customer's (sync, called by approvers)",
    invokers: ['approverRoleArn'],
    // Approve: decision, credit, GRANTED entry, reminder and grant key put, pending grant deleted (one transaction);
    // decline: the issuer's day shards (read in one BatchGetItem) given back by ADD.
    tableActions: [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ],
    env: ['REMINDER_DAYS_BEFORE_EXPIRY', 'MAX_GRANT_MAJOR_UNITS'],
  }),
} as const;
