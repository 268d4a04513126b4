/**
 * `npm run cli -- <command>`: drive the locally running service (`npm start`) the way its real callers do:
 * PutEvents on the bus, the typed client (client/: Lambda Invoke), and the SES emulator's mailbox. Nothing here
 * calls a handler directly.
 */
import { EVENT_SOURCE } from '../lambdas/domain/events';
import { scrubEmails } from '../lambdas/shared/observability';
import { DEFAULT_STAGE, stageNames } from '../infra/names';
import { parseArgs } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CourtesyCreditsClient } from '../client/src';
import { DEFAULT_ENDPOINTS_FILE, readEndpoints } from './endpoints';
import { redriveCli } from './redrive';
import { APPROVAL_HELP, approvalCli, isApprovalCommand } from './approval-cli';
import {
  captureRequest,
  categoriesOf,
  holdRequest,
  number as num,
  KEYS_HELP,
  PAYMENT_HELP,
  PAYMENT_OPTIONS,
  redeemRequest,
  refundRequest,
  releaseRequest,
  required as req,
} from './cli-payment';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Endpoints: COURTESY_LOCAL_URL / COURTESY_SES_URL override; else the running npm start's endpoints file; else the default ports.
const ENDPOINTS_FILE = process.env.COURTESY_ENDPOINTS ?? DEFAULT_ENDPOINTS_FILE();
const recorded = readEndpoints(ENDPOINTS_FILE);
const RUNTIME = process.env.COURTESY_LOCAL_URL ?? recorded?.runtime ?? 'http://127.0.0.1:4010';
const SES = process.env.COURTESY_SES_URL ?? recorded?.ses ?? 'http://127.0.0.1:8005';
const BUS = recorded?.bus ?? stageNames(DEFAULT_STAGE).eventBusName;
const source = (env: string) =>
  process.env[env] ? `from ${env}` : recorded ? `from ${ENDPOINTS_FILE}` : 'default; no running npm start found';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'eu-central-1';

const HELP = `courtesy credits, local CLI (the service must be running: npm start)

  grant   --customer ID --email ADDR --amount MINOR --currency EUR --days 30..365 --reason TEXT [--locale de-DE] [--complaint ID] [--issued-by ID]
          [--categories PHYSICAL_GOODS,SERVICES]   narrow the credit to these purchase categories
${PAYMENT_HELP}
  reverse --customer ID --redemption ID [--currency EUR] [--reason TEXT]
  balance --customer ID [--limit N] [--cursor C]   available and held per currency, the credits, the holds, the history
  void    --customer ID --credit ID --reason TEXT [--void-key K]   remove a credit's unspent rest (ops role)
  erase   --customer ID                 erase the customer's email, locale and free texts; amounts stay (privacy role)
  report  --from YYYY-MM-DD --to YYYY-MM-DD [--csv]   finance: liability, granted, spent, refunded, breakage, voided per day
  reconcile                             finance: closing liability = what remains on the credits
${APPROVAL_HELP}
  emails  [--to ADDR]                 emails the SES emulator received (subject, recipient, text)
  events  [--type CreditGranted] [--wait SECONDS]
                                      events on the bus: what the service published, then what it received (addresses pseudonymized)
  queues                              queues: work queues (stream records the router forwarded), the workers' dead-letter
                                      queues (ExpireDlq, NotifyDlq, …: whole records), failed grants (with the event)
  redrive --queue NotifyDlq [--to Q] [--wait] [--rate N] [--aws [--stage S]]
                                      move a dead-letter queue's messages back to their source queue (SQS
                                      StartMessageMoveTask), locally or, with --aws, in the stage's stack (AWS credentials)
  buckets                             stream failure bucket (batches the router gave up on, with their records)
  clock   --days=N | --reset          shift the service's clock by N days (negative: --days=-29.9999) to see expiry and reminders

Amounts are minor units: 2500 EUR = 25,00 €. ${KEYS_HELP}
Endpoints: runtime ${RUNTIME} (${source('COURTESY_LOCAL_URL')}), mailbox ${SES} (${source('COURTESY_SES_URL')}), bus ${BUS}.
Another instance: COURTESY_ENDPOINTS=<its endpoints file> (npm start prints it).`;

const client = () => new CourtesyCreditsClient({ lambda: new LambdaClient({ endpoint: RUNTIME, region, credentials }) });

async function getJson(url: string, init?: RequestInit): Promise<any> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'redrive') return redriveCli(rest, RUNTIME);
  if (isApprovalCommand(command)) return approvalCli(command, rest, client());
  const { values: o } = parseArgs({
    args: rest,
    options: {
      customer: { type: 'string' },
      email: { type: 'string' },
      amount: { type: 'string' },
      currency: { type: 'string', default: 'EUR' },
      days: { type: 'string' },
      reason: { type: 'string' },
      locale: { type: 'string', default: 'de-DE' },
      complaint: { type: 'string' },
      'issued-by': { type: 'string' },
      order: { type: 'string' },
      key: { type: 'string' },
      redemption: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      to: { type: 'string' },
      type: { type: 'string' },
      reset: { type: 'boolean' },
      wait: { type: 'string' },
      credit: { type: 'string' },
      'void-key': { type: 'string' },
      from: { type: 'string' },
      csv: { type: 'boolean' },
      ...PAYMENT_OPTIONS,
    },
    allowPositionals: false,
  });
  const print = (v: unknown) => console.log(JSON.stringify(v, null, 2));
  const service = client();

  switch (command) {
    case 'grant': {
      const detail = {
        complaintId: o.complaint ?? `cli-${Date.now()}`,
        customerId: req(o.customer, 'customer'),
        email: req(o.email, 'email'),
        locale: o.locale,
        amount: num(o.amount, 'amount'),
        currency: o.currency,
        validityDays: num(o.days, 'days'),
        reason: req(o.reason, 'reason'),
        ...(o['issued-by'] ? { issuedBy: o['issued-by'] } : {}),
        ...categoriesOf(o.categories),
      };
      const eb = new EventBridgeClient({ endpoint: RUNTIME, region, credentials });
      const out = await eb.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: BUS, Source: 'retailer.complaints', DetailType: 'ComplaintResolved', Detail: JSON.stringify(detail) }],
        }),
      );
      print({ published: detail, eventId: out.Entries?.[0]?.EventId });
      console.log('The grant runs asynchronously: see `balance`, `emails`, or `queues` if it was rejected.');
      return;
    }
    case 'redeem':
      return print(await service.redeem(redeemRequest(o)));
    case 'hold':
      return print(await service.hold(holdRequest(o)));
    case 'capture':
      return print(await service.capture(captureRequest(o)));
    case 'release':
      return print(await service.release(releaseRequest(o)));
    case 'refund':
      return print(await service.refund(refundRequest(o, rest)));
    case 'reverse':
      return print(
        await service.reverse({
          customerId: req(o.customer, 'customer'),
          redemptionId: req(o.redemption, 'redemption'),
          ...(o.currency && rest.includes('--currency') ? { currency: o.currency } : {}),
          ...(o.reason ? { reason: o.reason } : {}),
        }),
      );
    case 'void':
      return print(
        await service.voidCredit({
          customerId: req(o.customer, 'customer'),
          creditId: req(o.credit, 'credit'),
          reason: req(o.reason, 'reason'),
          ...(o['void-key'] ? { voidKey: o['void-key'] } : {}),
        }),
      );
    case 'erase':
      return print(await service.erase({ customerId: req(o.customer, 'customer') }));
    case 'report': {
      const answer = await service.report({ from: req(o.from, 'from'), to: req(o.to, 'to'), ...(o.csv ? { format: 'csv' as const } : {}) });
      // CSV comes back as one string: print it as a file would read.
      if (answer.ok && 'csv' in answer) return void console.log(answer.csv);
      return print(answer);
    }
    case 'reconcile':
      return print(await service.reconcile());
    case 'balance':
      return print(
        await service.balance({
          customerId: req(o.customer, 'customer'),
          ...(o.limit ? { limit: num(o.limit, 'limit') } : {}),
          ...(o.cursor ? { cursor: o.cursor } : {}),
        }),
      );
    case 'emails': {
      const store = await getJson(`${SES}/store`);
      const emails = (store.emails as any[]).filter((e) => !o.to || (e.destination?.to ?? []).includes(o.to));
      for (const e of emails) {
        console.log(`── ${new Date(e.at * 1000).toISOString()}  to ${(e.destination?.to ?? []).join(', ')}\n   ${e.subject}\n`);
        console.log(String(e.body?.text ?? '').replace(/^/gm, '   '));
      }
      console.log(`${emails.length} email(s). Mailbox in the browser: ${SES}/`);
      return;
    }
    case 'events': {
      // --wait N: poll up to N seconds until an event (of --type) is there, e.g. CreditExpired after TTL's sweep.
      const deadline = Date.now() + (o.wait ? num(o.wait, 'wait') * 1000 : 0);
      let envelopes: any[] = [];
      for (;;) {
        const log = await getJson(`${RUNTIME}/_local/events`);
        const events = (Array.isArray(log) ? log : (log.events ?? [])) as any[];
        envelopes = events.map((e) => e.event ?? e).filter((e) => !o.type || e['detail-type'] === o.type);
        if (envelopes.length > 0 || Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      // What the service said (its own source) apart from what it was told; addresses never in clear (a received
      // ComplaintResolved carries the customer's): each becomes the logs' stable pseudonym.
      const line = (e: any) => `  ${e.time}  ${e.source}  ${e['detail-type']}  ${JSON.stringify(scrubEmails(e.detail))}`;
      const published = envelopes.filter((e) => e.source === EVENT_SOURCE);
      const received = envelopes.filter((e) => e.source !== EVENT_SOURCE);
      console.log(`published by the service (source ${EVENT_SOURCE}): ${published.length}`);
      for (const e of published) console.log(line(e));
      console.log(`received from other services: ${received.length}`);
      for (const e of received) console.log(line(e));
      return;
    }
    case 'queues':
      return print(await getJson(`${RUNTIME}/_local/queues`));
    case 'buckets':
      return print(await getJson(`${RUNTIME}/_local/buckets`));
    case 'clock': {
      const offsetMs = o.reset ? 0 : num(o.days, 'days') * 86_400_000;
      return print(
        await getJson(`${RUNTIME}/_local/clock`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ offsetMs }),
        }),
      );
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP);
      return;
    default:
      throw new Error(`unknown command "${command}"\n\n${HELP}`);
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
