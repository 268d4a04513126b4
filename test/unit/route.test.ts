/**
 * The stream router: which table changes its filters let through (the local runtime's matcher, which follows
 * Lambda's filter rules), where each change goes (the catalogue's `consumes`, checked in code, TTL included),
 * per-record failure when SQS refuses, and the ROUTES setting's validation.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import { compilePattern } from '../../local/pattern';
import { filterPatterns, selects } from '../../lambdas/adapters/dynamodb/table-changes';
import { ITEM } from '../../lambdas/adapters/dynamodb/layout';
import { routeRecords, type OutgoingMessage, type QueueSender } from '../../lambdas/app/route';
import { queuesFor, routes as routesSetting, type Route } from '../../lambdas/adapters/dynamodb/routes';
import { functionsTriggeredBy, routeFilters } from '../../infra/functions';
import { NOTICE } from '../../lambdas/domain/notice';

const TTL = { type: 'Service', principalId: 'dynamodb.amazonaws.com' };
let seq = 0;
function rec(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  item: Record<string, unknown>,
  opts: { ttl?: boolean; before?: Record<string, unknown> } = {},
): DynamoDBRecord {
  const image = marshall(item) as any;
  return {
    eventID: `ev-${++seq}`,
    eventName,
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-central-1',
    ...(opts.ttl ? { userIdentity: TTL } : {}),
    dynamodb: {
      Keys: marshall({ pk: item.pk, sk: item.sk }) as any,
      SequenceNumber: String(1000 + seq),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      ...(eventName !== 'REMOVE' ? { NewImage: image } : {}),
      ...(eventName === 'REMOVE' ? { OldImage: image } : {}),
      ...(eventName === 'MODIFY' ? { OldImage: marshall(opts.before ?? item) as any } : {}),
    },
  } as DynamoDBRecord;
}
const item = (type: string, extra: Record<string, unknown> = {}) => ({ pk: 'C#c1', sk: `${type}#1`, type, ...extra });

// The catalogue's routes, with the queue named after the worker.
const ROUTES: Route[] = functionsTriggeredBy('queue').map((f) => ({ queueUrl: f.name, consumes: f.trigger.consumes }));

const CASES: Array<[string, DynamoDBRecord, string[]]> = [
  ['credit inserted', rec('INSERT', item(ITEM.CREDIT)), ['notify']],
  [
    'credit modified (a redemption lowers `remaining`)',
    rec('MODIFY', item(ITEM.CREDIT, { remaining: 1 }), { before: item(ITEM.CREDIT, { remaining: 2 }) }),
    [],
  ],
  ['credit removed by TTL', rec('REMOVE', item(ITEM.CREDIT), { ttl: true }), ['expire']],
  ['credit deleted by a caller (not an expiry)', rec('REMOVE', item(ITEM.CREDIT)), []],
  ['reminder inserted', rec('INSERT', item(ITEM.REMINDER)), []],
  ['reminder removed by TTL', rec('REMOVE', item(ITEM.REMINDER), { ttl: true }), ['notify']],
  ['ledger entry inserted', rec('INSERT', item(ITEM.LEDGER)), ['publish', 'aggregate']],
  ['ledger entry removed by TTL', rec('REMOVE', item(ITEM.LEDGER), { ttl: true }), []],
  ['reminder notice inserted', rec('INSERT', item(ITEM.NOTICE, { notice: NOTICE.REMINDER })), ['publish']],
  ['issued notice inserted', rec('INSERT', item(ITEM.NOTICE, { notice: NOTICE.ISSUED })), []],
  ['redeem key inserted', rec('INSERT', item(ITEM.IDEMPOTENCY)), []],
  ['grant key inserted', rec('INSERT', item(ITEM.GRANT)), []],
];

describe('router filters (only the dynamodb key) and routes', () => {
  const matchers = routeFilters().map((p) => compilePattern(p));
  const passes = (r: DynamoDBRecord) => matchers.some((m) => m(r as never));

  test.each(CASES)('%s → %j', (_name, record, queues) => {
    expect(queuesFor(record, ROUTES)).toEqual(queues);
    // the filters let through everything some worker takes; what they let through beyond that is only caller deletes
    if (queues.length > 0) expect(passes(record)).toBe(true);
    if (
      queues.length === 0 &&
      !(record.eventName === 'REMOVE' && !record.userIdentity && ['CREDIT', 'REMINDER'].includes(record.dynamodb!.OldImage!.type!.S!))
    ) {
      expect(passes(record)).toBe(false);
    }
  });

  test("a caller's delete of a credit passes the filter (no filter can see userIdentity) but goes nowhere", () => {
    const r = rec('REMOVE', item(ITEM.CREDIT));
    expect(passes(r)).toBe(true);
    expect(queuesFor(r, ROUTES)).toEqual([]);
  });

  test('selectors differing only in kind share one pattern; a `where` gets its own', () => {
    expect(
      filterPatterns([
        { change: 'inserted', item: ITEM.LEDGER },
        { change: 'inserted', item: ITEM.CREDIT },
        { change: 'inserted', item: ITEM.CREDIT },
        { change: 'inserted', item: ITEM.NOTICE, where: { notice: NOTICE.REMINDER } },
        { change: 'expired', item: ITEM.CREDIT },
      ]),
    ).toEqual([
      { dynamodb: { NewImage: { type: { S: ['CREDIT', 'LEDGER'] } }, OldImage: { type: { S: [{ exists: false }] } } } },
      { dynamodb: { NewImage: { type: { S: ['NOTICE'] }, notice: { S: ['REMINDER'] } }, OldImage: { type: { S: [{ exists: false }] } } } },
      { dynamodb: { OldImage: { type: { S: ['CREDIT'] } }, NewImage: { type: { S: [{ exists: false }] } } } },
    ]);
  });

  test('a where condition must match: a notice of another kind is not selected', () => {
    const sel = { change: 'inserted', item: ITEM.NOTICE, where: { notice: NOTICE.REMINDER } } as const;
    expect(selects(sel, rec('INSERT', item(ITEM.NOTICE, { notice: NOTICE.REMINDER })))).toBe(true);
    expect(selects(sel, rec('INSERT', item(ITEM.NOTICE, { notice: NOTICE.ISSUED })))).toBe(false);
    expect(selects(sel, rec('INSERT', item(ITEM.NOTICE)))).toBe(false);
  });

  test('a change two concerns consume goes to both queues', () => {
    const both: Route[] = [...ROUTES, { queueUrl: 'finance', consumes: [{ change: 'inserted', item: ITEM.LEDGER }] }];
    expect(queuesFor(rec('INSERT', item(ITEM.LEDGER)), both)).toEqual(['publish', 'aggregate', 'finance']);
  });
});

describe('routeRecords: per-record failure', () => {
  class FakeSender implements QueueSender {
    readonly sent: Array<{ queueUrl: string; messages: readonly OutgoingMessage[] }> = [];
    constructor(
      private readonly behaviour: (queueUrl: string, messages: readonly OutgoingMessage[]) => ReadonlySet<string> | 'throw' = () =>
        new Set(),
    ) {}
    async send(queueUrl: string, messages: readonly OutgoingMessage[]): Promise<ReadonlySet<string>> {
      this.sent.push({ queueUrl, messages });
      const out = this.behaviour(queueUrl, messages);
      if (out === 'throw') throw new Error('SQS unreachable');
      return out;
    }
  }
  const batch = [
    rec('INSERT', item(ITEM.CREDIT)),
    rec('INSERT', item(ITEM.LEDGER)),
    rec('REMOVE', item(ITEM.CREDIT), { ttl: true }),
    rec('INSERT', item(ITEM.GRANT)),
  ];

  test('each record goes unchanged, as JSON, to its queue; a record no route names is skipped', async () => {
    const sender = new FakeSender();
    const out = await routeRecords(batch, (r) => queuesFor(r, ROUTES), sender);
    expect(out).toEqual({ failed: [], sent: { notify: 1, publish: 1, expire: 1, aggregate: 1 }, skipped: 1 });
    const byQueue = Object.fromEntries(sender.sent.map((s) => [s.queueUrl, s.messages.map((m) => JSON.parse(m.body))]));
    expect(byQueue).toEqual({ notify: [batch[0]], publish: [batch[1]], expire: [batch[2]], aggregate: [batch[1]] });
  });

  test('an entry SQS refuses fails its record only', async () => {
    const out = await routeRecords(
      batch,
      (r) => queuesFor(r, ROUTES),
      new FakeSender((q, ms) => new Set(q === 'publish' ? ms.map((m) => m.id) : [])),
    );
    expect(out.failed).toEqual([1]);
    expect(out.sent).toEqual({ notify: 1, publish: 0, expire: 1, aggregate: 1 });
  });

  test('a send that throws fails every record bound for that queue; a record bound for two queues fails if either fails', async () => {
    const both: Route[] = [...ROUTES, { queueUrl: 'finance', consumes: [{ change: 'inserted', item: ITEM.LEDGER }] }];
    const out = await routeRecords(batch, (r) => queuesFor(r, both), new FakeSender((q) => (q === 'finance' ? 'throw' : new Set())));
    expect(out.failed).toEqual([1]);
    expect(out.sent.publish).toBe(1);
  });
});

describe('the ROUTES setting', () => {
  const withRoutes = (value: string | undefined, fn: () => unknown) => {
    const saved = process.env.ROUTES;
    if (value === undefined) delete process.env.ROUTES;
    else process.env.ROUTES = value;
    try {
      return fn();
    } finally {
      if (saved === undefined) delete process.env.ROUTES;
      else process.env.ROUTES = saved;
    }
  };

  test('reads the catalogue-derived value', () => {
    const value = JSON.stringify(ROUTES);
    expect(withRoutes(value, routesSetting)).toEqual(ROUTES);
  });

  test.each([
    [undefined, /ROUTES is not set/],
    ['nope', /not JSON/],
    ['[]', /not a non-empty list/],
    ['[{"consumes":[{"change":"inserted","item":"CREDIT"}]}]', /entry 0 has no queueUrl/],
    ['[{"queueUrl":"q","consumes":[]}]', /entry 0 consumes nothing/],
    ['[{"queueUrl":"q","consumes":[{"change":"modified","item":"CREDIT"}]}]', /entry 0 has a selector/],
  ])('refuses %j', (value, error) => {
    expect(() => withRoutes(value, routesSetting)).toThrow(error);
  });
});
