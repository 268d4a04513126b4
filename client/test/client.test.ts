import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { CourtesyCreditsClient, MissingKey, ServiceFailure, type Answer, type Hold, type Refusal } from '../src';

const lambda = mockClient(LambdaClient);
const slept: number[] = [];
const client = (attempts = 3) =>
  new CourtesyCreditsClient({
    lambda: new LambdaClient({ region: 'eu-central-1' }),
    retry: { attempts, sleep: async (ms) => void slept.push(ms) },
  });

/** An Invoke answer's payload as the SDK gives it (bytes that can also read themselves as text). */
const blob = (text: string) => Object.assign(new Uint8Array(Buffer.from(text)), { transformToString: () => text });
const payload = (body: unknown) => ({ Payload: blob(JSON.stringify(body)), StatusCode: 200 });
const refusal = (code: string, retryable = false) => payload({ ok: false, error: { code, message: code, retryable } });
const sent = () =>
  lambda
    .commandCalls(InvokeCommand)
    .map((c) => [c.args[0].input.FunctionName, JSON.parse(Buffer.from(c.args[0].input.Payload as Uint8Array).toString())]);

const hold = { customerId: 'c1', orderId: 'o1', amount: 2500, currency: 'EUR', idempotencyKey: 'k1' };
const held = { ok: true, holdId: 'h1', customerId: 'c1', orderId: 'o1', currency: 'EUR', requested: 2500, held: 2500, allocations: [] };

beforeEach(() => {
  lambda.reset();
  slept.length = 0;
});

describe('one method per operation', () => {
  it('invokes the operation’s function with the request as its payload, and answers what it answered', async () => {
    lambda.on(InvokeCommand).resolves(payload(held));
    expect(await client().hold(hold)).toEqual(held);
    expect(sent()).toEqual([['hold', hold]]);
  });

  it('adds the operation for the functions that serve several', async () => {
    lambda.on(InvokeCommand).resolves(payload({ ok: true }));
    const c = client();
    await c.report({ from: '2026-01-01', to: '2026-01-31', format: 'csv' });
    await c.reconcile();
    await c.pendingGrants('c1');
    await c.approve({ customerId: 'c1', pendingId: 'p1', approverId: 'a1' });
    await c.decline({ customerId: 'c1', complaintId: 'x1', approverId: 'a1', reasonCode: 'DUPLICATE' });
    await c.voidCredit({ customerId: 'c1', creditId: 'cr1', reason: 'made in error' });
    expect(sent()).toEqual([
      ['report', { operation: 'report', from: '2026-01-01', to: '2026-01-31', format: 'csv' }],
      ['report', { operation: 'reconcile' }],
      ['approval', { operation: 'pending', customerId: 'c1' }],
      ['approval', { operation: 'approve', customerId: 'c1', pendingId: 'p1', approverId: 'a1' }],
      ['approval', { operation: 'decline', customerId: 'c1', complaintId: 'x1', approverId: 'a1', reasonCode: 'DUPLICATE' }],
      ['void', { customerId: 'c1', creditId: 'cr1', reason: 'made in error' }],
    ]);
  });

  it('invokes the function the deployment names', async () => {
    lambda.on(InvokeCommand).resolves(payload(held));
    const c = new CourtesyCreditsClient({ lambda: new LambdaClient({}), functionName: (op) => `CourtesyCredits-prod-${op}-X1` });
    await c.hold(hold);
    expect(sent()[0]![0]).toBe('CourtesyCredits-prod-hold-X1');
  });
});

describe('idempotency keys', () => {
  it.each([
    ['redeem', 'idempotencyKey'],
    ['hold', 'idempotencyKey'],
    ['capture', 'captureKey'],
    ['refund', 'refundKey'],
  ] as const)('%s without its %s is refused before anything is sent', async (op, key) => {
    const c = client() as unknown as Record<string, (r: unknown) => Promise<unknown>>;
    for (const bad of [undefined, '', '  ']) {
      await expect(c[op]!({ customerId: 'c1', [key]: bad })).rejects.toThrow(MissingKey);
    }
    expect(sent()).toEqual([]);
  });
});

describe('retries', () => {
  it('retries CONCURRENT_MODIFICATION with the same request (same key), pausing longer each time, and answers the success', async () => {
    lambda
      .on(InvokeCommand)
      .resolvesOnce(refusal('CONCURRENT_MODIFICATION', true))
      .resolvesOnce(refusal('INTERNAL', true))
      .resolves(payload(held));
    expect(await client().hold(hold)).toEqual(held);
    expect(sent()).toEqual([
      ['hold', hold],
      ['hold', hold],
      ['hold', hold],
    ]);
    expect(slept).toEqual([100, 200]);
  });

  it('gives up after the bound and answers the last refusal', async () => {
    lambda.on(InvokeCommand).resolves(refusal('CONCURRENT_MODIFICATION', true));
    expect(await client(4).capture({ customerId: 'c1', holdId: 'h1', amount: 1, captureKey: 'ck' })).toMatchObject({
      ok: false,
      error: { code: 'CONCURRENT_MODIFICATION' },
    });
    expect(sent()).toHaveLength(4);
  });

  it('never retries a refusal that is not retryable', async () => {
    lambda.on(InvokeCommand).resolves(refusal('HOLD_NOT_ACTIVE'));
    expect(await client().capture({ customerId: 'c1', holdId: 'h1', amount: 1, captureKey: 'ck' })).toMatchObject({
      ok: false,
      error: { code: 'HOLD_NOT_ACTIVE' },
    });
    expect(sent()).toHaveLength(1);
  });

  it('does not repeat a keyless write after INTERNAL (it may have been written), but after CONCURRENT_MODIFICATION', async () => {
    lambda.on(InvokeCommand).resolves(refusal('INTERNAL', true));
    await client().release({ customerId: 'c1', holdId: 'h1' });
    await client().reverse({ customerId: 'c1', redemptionId: 'r1' });
    await client().approve({ customerId: 'c1', pendingId: 'p1', approverId: 'a1' });
    expect(sent()).toHaveLength(3);
    lambda.reset();
    lambda
      .on(InvokeCommand)
      .resolvesOnce(refusal('CONCURRENT_MODIFICATION', true))
      .resolves(payload({ ok: true }));
    await client().release({ customerId: 'c1', holdId: 'h1' });
    expect(sent()).toHaveLength(2);
  });

  it('a crashed function (FunctionError) counts as INTERNAL: retried for a keyed request, then thrown', async () => {
    lambda.on(InvokeCommand).resolves({ ...payload({ errorType: 'Error', errorMessage: 'boom' }), FunctionError: 'Unhandled' });
    await expect(client().redeem({ ...hold })).rejects.toThrow(ServiceFailure);
    expect(sent()).toHaveLength(3);
  });

  it('an answer that is not the contract’s is a ServiceFailure, not an answer', async () => {
    lambda.on(InvokeCommand).resolves(payload({ hello: 'world' }));
    await expect(client(1).balance({ customerId: 'c1' })).rejects.toThrow(ServiceFailure);
  });
});

describe('types', () => {
  it('a refusal narrows by code', async () => {
    lambda.on(InvokeCommand).resolves(refusal('HOLD_NOT_FOUND'));
    const answer: Answer<Hold> = await client().hold(hold);
    const what = (e: Refusal): string => {
      switch (e.code) {
        case 'HOLD_NOT_FOUND':
          return `no hold (retryable: ${e.retryable satisfies false})`;
        case 'CONCURRENT_MODIFICATION':
          return `busy (retryable: ${e.retryable satisfies true})`;
        default:
          return e.code;
      }
    };
    expect(answer.ok ? 'held' : what(answer.error)).toBe('no hold (retryable: false)');
  });
});
