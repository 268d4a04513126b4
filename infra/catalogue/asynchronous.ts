/**
 * The catalogue's asynchronous functions: grant (an EventBridge rule), the router (THE table stream reader) and the
 * router's workers (each on its own SQS work queue, fed the table changes it `consumes`), the payment flow's
 * auto-release of expired holds among them.
 */
import { ATTR, ITEM } from '../../lambdas/adapters/dynamodb/layout';
import type { FunctionSpec } from './spec';
import { COMMON_ENV } from './spec';
import { worker, workQueue } from './builders';
import { NOTICE } from '../../lambdas/domain/notice';

const grant = {
  name: 'grant',
  entry: 'lambdas/grant/handler.ts',
  handler: 'handler',
  memorySize: 256,
  // A contended grant queues for its customer's usage counter up to GRANT_RETRY's budget (25 s).
  timeoutSeconds: 30,
  description: 'Grants a courtesy credit for a ComplaintResolved event (async, from EventBridge)',
  trigger: {
    kind: 'eventbridge',
    rule: {
      id: 'ComplaintResolvedRule',
      description: 'ComplaintResolved events trigger a courtesy credit grant',
      deadLetter: { id: 'ComplaintRuleDlq', purpose: 'ComplaintResolved events EventBridge could not deliver to grant' },
    },
    sources: 'complaintEventSources',
    ruleRetryAttempts: 2,
    maxEventAgeSeconds: 2 * 60 * 60,
    asyncRetryAttempts: 2,
    onFailure: { id: 'GrantFailures', purpose: 'ComplaintResolved events grant failed to process after its async retries' },
  },
  // PutItem: the grant's writes (in one transaction); GetItem: the customer's usage counter, the complaint's key, the
  // spend queue's count; BatchGetItem: the issuer's day shards (one, or all 128 when its own is full); UpdateItem: a
  // contended grant's ticket and finished turn on the customer's spend queue, and the issuer's day shards
  // (conditional ADDs in the grant's transaction).
  tableActions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
  permissions: [],
  env: [
    ...COMMON_ENV,
    'REMINDER_DAYS_BEFORE_EXPIRY',
    'MAX_GRANT_MAJOR_UNITS',
    'GRANT_CAPS',
    'APPROVAL_THRESHOLDS',
    'APPROVAL_TIMEOUT_HOURS',
  ],
  optionalEnv: [],
} as const satisfies FunctionSpec;

const route = {
  name: 'route',
  entry: 'lambdas/route/handler.ts',
  handler: 'handler',
  memorySize: 256,
  timeoutSeconds: 30,
  description: 'Reads the table stream and forwards each record to the work queue of the concern that consumes it',
  trigger: {
    kind: 'stream',
    onFailure: {
      id: 'StreamFailuresBucket',
      purpose: 'Stream batches the router could not forward to SQS until they aged out of the stream (records included)',
    },
  },
  tableActions: [],
  permissions: [{ on: 'workQueues', actions: ['sqs:SendMessage'] }],
  env: [...COMMON_ENV, 'ROUTES'],
  optionalEnv: [],
} as const satisfies FunctionSpec;

export const ASYNCHRONOUS_FUNCTIONS = {
  grant,
  route,
  expire: worker('expire', {
    description: 'Records the expiry of credits removed by DynamoDB TTL (ExpireQueue consumer)',
    queue: workQueue('Expire', 'expire'),
    consumes: [{ change: 'expired', item: ITEM.CREDIT }],
    tableActions: ['dynamodb:PutItem'],
  }),
  notify: worker('notify', {
    description: 'Emails grant confirmations and expiry reminders via SES (NotifyQueue consumer)',
    queue: workQueue('Notify', 'notify'),
    consumes: [
      { change: 'inserted', item: ITEM.CREDIT },
      { change: 'expired', item: ITEM.REMINDER },
    ],
    timeoutSeconds: 60,
    tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    permissions: [{ on: 'senderIdentity', actions: ['ses:SendEmail'] }],
    env: ['SENDER_EMAIL', 'EMAIL_TIME_ZONE', 'SES_CONFIGURATION_SET'],
  }),
  publish: worker('publish', {
    description:
      'Publishes ledger entries, reminder notices, grant refusals, pending grants and their decisions as events on the service bus (PublishQueue consumer)',
    queue: workQueue('Publish', 'publish'),
    consumes: [
      { change: 'inserted', item: ITEM.LEDGER },
      { change: 'inserted', item: ITEM.NOTICE, where: { [ATTR.NOTICE]: NOTICE.REMINDER } },
      { change: 'inserted', item: ITEM.REFUSAL },
      // Approval above a threshold (issue 11.2)
      { change: 'inserted', item: ITEM.PENDING_GRANT },
      { change: 'inserted', item: ITEM.DECISION },
    ],
    tableActions: [],
    permissions: [{ on: 'eventBus', actions: ['events:PutEvents'] }],
    env: ['EVENT_BUS_NAME'],
  }),
  aggregate: worker('aggregate', {
    description: 'Adds each new ledger entry to the finance day totals, once per entry (AggregateQueue consumer)',
    queue: workQueue('Aggregate', 'aggregate'),
    consumes: [{ change: 'inserted', item: ITEM.LEDGER }],
    tableActions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
  }),
  // Approval above a threshold (issue 11.2): a pending grant TTL removed undecided is declined (EXPIRED).
  declineExpired: worker('declineExpired', {
    description: 'Declines pending grants whose approval deadline passed, removed by DynamoDB TTL (DeclineExpiredQueue consumer)',
    queue: workQueue('DeclineExpired', 'declineExpired'),
    consumes: [{ change: 'expired', item: ITEM.PENDING_GRANT }],
    // The decision and the cap counters given back (one transaction: Puts, the issuer's shards by ADD); read first
    // (the issuer's day shards in one BatchGetItem).
    tableActions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  }),
  // The payment flow's auto-release (issue 10.2).
  releaseExpired: worker('releaseExpired', {
    description: 'Gives back what a hold still held when DynamoDB TTL removed it at the end of its lifetime (ReleaseExpiredQueue consumer)',
    queue: workQueue('ReleaseExpired', 'releaseExpired'),
    consumes: [{ change: 'expired', item: ITEM.HOLD }],
    // Query: the customer's credits (where the money goes back); PutItem: the RELEASED entry; UpdateItem: the restorations.
    tableActions: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  }),
} as const;
