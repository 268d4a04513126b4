/**
 * Duplicates collapse: at-least-once delivery (EventBridge, Lambda async retries, stream redelivery, callers that
 * retry) must never grant, debit, restore or email twice. On DynamoDB Local + the SES emulator.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { InvokeHook } from '../../local/runtime';
import { ITEM } from '../../lambdas/adapters/dynamodb/layout';
import { emailsTo, viaQueue, waitFor, withParsedBodies, type TestRuntime } from './harness';
import { useService } from './service-fixture';
import { complaint, has, type ServiceClient, unique } from './service-client';
import { tapSdk } from './sdk-taps';

jest.setTimeout(120_000);

let t: TestRuntime;
let svc: ServiceClient;

useService({ retryDelayMs: () => 20 }, (s) => ({ t, svc } = s));
afterEach(() => t.runtime.setInvokeHook(undefined));

/** Let through every invocation; `watch` sees each one (and may wait before it runs). */
function hook(
  watch: (fn: string, event: any) => void | Promise<void>,
  after?: (fn: string, event: any, outcome: unknown, error?: unknown) => void,
): InvokeHook {
  return async (fn, event, next) => {
    await watch(fn, event);
    try {
      const out = await next();
      after?.(fn, event, out);
      return out;
    } catch (e) {
      after?.(fn, event, undefined, e);
      throw e;
    }
  };
}

const countOf = <T>(xs: T[], pred: (x: T) => boolean) => xs.filter(pred).length;

describe('the same ComplaintResolved event delivered 100 times', () => {
  const PARALLEL = 60;
  const SEQUENTIAL_DURING = 20;
  const SEQUENTIAL_AFTER = 20;

  it(`${PARALLEL} in parallel + ${SEQUENTIAL_DURING} sequential while they run + ${SEQUENTIAL_AFTER} after the email went out → one credit, one ledger entry, one email, one event`, async () => {
    const c = complaint({ amount: 1234, locale: 'en' });
    const outcomes: string[] = [];
    t.runtime.setInvokeHook(
      hook(
        () => {},
        (fn, event, out, error) => {
          if (fn !== 'grant' || event?.detail?.complaintId !== c.complaintId) return;
          outcomes.push(error ? `ERROR ${(error as Error).name}` : (out as { outcome: string }).outcome);
        },
      ),
    );

    await Promise.all(Array.from({ length: PARALLEL }, () => svc.putComplaint(c)));
    for (let i = 0; i < SEQUENTIAL_DURING; i++) await svc.putComplaint(c);
    await t.runtime.idle(60_000);
    await waitFor(async () => (await emailsTo(c.email)).length === 1, 20_000);
    for (let i = 0; i < SEQUENTIAL_AFTER; i++) await svc.putComplaint(c);
    await t.runtime.idle(60_000);

    const delivered = t.runtime.eventLog.filter(
      (e) => e.event.detail?.complaintId === c.complaintId && e.event['detail-type'] === 'ComplaintResolved',
    );
    expect(delivered).toHaveLength(100);
    expect(new Set(delivered.map((e) => e.event.id)).size).toBe(100); // 100 distinct deliveries, not one event
    for (const d of delivered) expect(d.matchedRules).toHaveLength(1);

    // every delivery ended in success: one GRANTED, the rest DUPLICATE (a conflict, if any, was retried)
    const successes = outcomes.filter((o) => !o.startsWith('ERROR'));
    expect(successes).toHaveLength(100);
    expect(countOf(successes, (o) => o === 'GRANTED')).toBe(1);
    expect(countOf(successes, (o) => o === 'DUPLICATE')).toBe(99);
    expect(svc.failures(c.complaintId)).toEqual([]);

    const items = await svc.items(c.customerId);
    expect(countOf(items, (i) => i.type === ITEM.CREDIT)).toBe(1);
    expect(items.filter((i) => i.type === ITEM.LEDGER).map((i) => i.kind)).toEqual(['GRANTED']);
    expect(countOf(items, (i) => i.type === ITEM.REMINDER)).toBe(1);
    expect(items.filter((i) => i.type === ITEM.NOTICE).map((i) => i.notice)).toEqual(['ISSUED']);
    const snapshot = await svc.snapshot();
    expect(snapshot.split('\n').filter((l) => l.includes(`"COMPLAINT#${c.complaintId}"`))).toHaveLength(1);

    expect((await svc.balance(c.customerId)).courtesyCredit.balances).toEqual([
      expect.objectContaining({ currency: 'EUR', available: 1234 }),
    ]);
    const mails = await emailsTo(c.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Your courtesy credit of €12.34');
    expect(svc.events('CreditGranted', c.customerId)).toHaveLength(1);
  });
});

describe('redeem retried with the same idempotency key while the first call is still running', () => {
  const RETRIES = 9;

  it(`first call held before it starts; ${RETRIES} retries race it → one debit, ${RETRIES + 1} identical answers`, async () => {
    const c = complaint({ amount: 1000 });
    await svc.grant(c);
    const req = { customerId: c.customerId, orderId: unique('o'), amount: 400, currency: 'EUR', idempotencyKey: unique('k') };
    let entered = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    t.runtime.setInvokeHook(
      hook(async (fn, event) => {
        if (fn !== 'redeem' || event?.idempotencyKey !== req.idempotencyKey) return;
        entered++;
        if (entered === 1) await gate; // the first call is held here until every retry has been sent
      }),
    );

    const first = svc.invoke('redeem', req);
    await waitFor(() => entered === 1);
    const retries = Array.from({ length: RETRIES }, () => svc.invoke('redeem', req));
    await waitFor(() => entered === RETRIES + 1);
    release();
    const answers = await Promise.all([first, ...retries]);

    expect(answers[0]).toMatchObject({ ok: true, applied: 400, requested: 400, remainingBalance: 600 });
    for (const a of answers) expect(a).toEqual(answers[0]);
    await expectOneDebit(c.customerId, 400, 600);
  });

  it('first call held at its commit until every retry has answered → it finds the committed record and answers the same', async () => {
    const c = complaint({ amount: 1000 });
    await svc.grant(c);
    const req = { customerId: c.customerId, orderId: unique('o'), amount: 250, currency: 'EUR', idempotencyKey: unique('k') };
    let held = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const untap = tapSdk(
      async ({ command, input }) => {
        if (command !== 'TransactWriteItemsCommand' || !JSON.stringify(input).includes(`#${req.idempotencyKey}"`)) return;
        if (++held === 1) await gate; // the first transaction for this key waits, already planned, at its commit
      },
      ['dynamodb'],
    );
    try {
      const first = svc.invoke('redeem', req);
      await waitFor(() => held === 1);
      const retries = await Promise.all(Array.from({ length: RETRIES }, () => svc.invoke('redeem', req)));
      release();
      const firstAnswer = await first;
      expect(retries[0]).toMatchObject({ ok: true, applied: 250, remainingBalance: 750 });
      for (const a of [firstAnswer, ...retries]) expect(a).toEqual(retries[0]);
      expect(held).toBeGreaterThanOrEqual(2); // the retries committed (or found) the record while the first waited
    } finally {
      untap();
    }
    await expectOneDebit(c.customerId, 250, 750);
  });

  async function expectOneDebit(customerId: string, amount: number, remaining: number): Promise<void> {
    await t.runtime.idle(30_000);
    const items = await svc.items(customerId);
    expect(items.filter((i) => i.type === ITEM.LEDGER && i.kind === 'REDEEMED').map((i) => i.amount)).toEqual([amount]);
    expect(countOf(items, (i) => i.type === ITEM.IDEMPOTENCY)).toBe(1);
    expect(items.filter((i) => i.type === ITEM.CREDIT).map((i) => i.remaining)).toEqual([remaining]);
    expect((await svc.balance(customerId)).courtesyCredit.balances[0].available).toBe(remaining);
    expect(svc.events('CreditRedeemed', customerId).map((e) => e.detail.amount)).toEqual([amount]);
  }
});

describe('the same reversal sent 10 times at once', () => {
  it('restores once; the others are refused with REDEMPTION_ALREADY_REVERSED', async () => {
    const c = complaint({ amount: 1000 });
    await svc.grant(c);
    const r = await svc.redeem(c.customerId, 700);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        svc.invoke('reverse', { customerId: c.customerId, redemptionId: r.redemptionId, reason: 'order cancelled' }),
      ),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.find((a) => a.ok)).toMatchObject({ restored: 700, lapsed: 0 });
    for (const a of answers.filter((x) => !x.ok)) expect(a.error.code).toBe('REDEMPTION_ALREADY_REVERSED');
    await t.runtime.idle(30_000);
    const items = await svc.items(c.customerId);
    expect(items.filter((i) => i.type === ITEM.CREDIT).map((i) => i.remaining)).toEqual([1000]);
    expect(countOf(items, (i) => i.type === ITEM.LEDGER && i.kind === 'REVERSED')).toBe(1);
    expect(svc.events('CreditReversed', c.customerId)).toHaveLength(1);
  });
});

describe('stream records redelivered (Lambda retries a batch it already processed)', () => {
  const REDELIVERIES = 5;

  it(`the "credit issued" record processed ${REDELIVERIES} more times → still one email`, async () => {
    const c = complaint({ amount: 900 });
    const seen: any[] = [];
    t.runtime.setInvokeHook(
      hook((fn, event) => {
        if (fn === 'notify' && has(withParsedBodies(event), c.customerId)) seen.push(event);
      }),
    );
    await svc.grant(c);
    await waitFor(async () => (await emailsTo(c.email)).length === 1, 20_000);
    expect(seen).toHaveLength(1);
    for (let i = 0; i < REDELIVERIES; i++) {
      expect(await t.runtime.invoke('notify', seen[0])).toEqual({ batchItemFailures: [] });
    }
    await t.runtime.idle(30_000);
    expect(await emailsTo(c.email)).toHaveLength(1);
    expect((await svc.items(c.customerId)).filter((i) => i.type === ITEM.NOTICE)).toHaveLength(1);
  });

  it(`a TTL removal of a credit processed ${1 + REDELIVERIES} times → one EXPIRED ledger entry, one CreditExpired event`, async () => {
    const c = complaint({ amount: 800 });
    await svc.grant(c);
    const credit = (await svc.items(c.customerId)).find((i) => i.type === ITEM.CREDIT)!;
    const removal = {
      Records: [
        {
          eventID: unique('ev'),
          eventName: 'REMOVE',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: 'eu-central-1',
          userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
          dynamodb: {
            Keys: marshall({ pk: credit.pk, sk: credit.sk }),
            OldImage: marshall(credit),
            SequenceNumber: '100000000000000000001',
            SizeBytes: 400,
            StreamViewType: 'NEW_AND_OLD_IMAGES',
          },
        },
      ],
    };
    for (let i = 0; i < 1 + REDELIVERIES; i++)
      expect(await t.runtime.invoke('expire', viaQueue(removal))).toEqual({ batchItemFailures: [] });
    await t.runtime.idle(30_000);
    const expired = (await svc.items(c.customerId)).filter((i) => i.type === ITEM.LEDGER && i.kind === 'EXPIRED');
    expect(expired.map((e) => e.amount)).toEqual([800]);
    expect(svc.events('CreditExpired', c.customerId)).toHaveLength(1);
  });

  it('a ledger record published again carries the same eventId (consumers de-duplicate on it)', async () => {
    const c = complaint({ amount: 700 });
    const seen: any[] = [];
    t.runtime.setInvokeHook(
      hook((fn, event) => {
        if (fn === 'publish' && has(withParsedBodies(event), c.customerId)) seen.push(event);
      }),
    );
    await svc.grant(c);
    expect(seen).toHaveLength(1);
    await t.runtime.invoke('publish', seen[0]);
    await t.runtime.invoke('publish', seen[0]);
    const granted = svc.events('CreditGranted', c.customerId);
    expect(granted).toHaveLength(3);
    expect(new Set(granted.map((e) => e.detail.eventId)).size).toBe(1);
    expect(new Set(granted.map((e) => JSON.stringify(e.detail))).size).toBe(1);
  });
});
