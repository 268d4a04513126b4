/**
 * The metrics the alarms watch (infra/monitoring.ts) are the ones the synchronous handlers emit: a
 * CONCURRENT_MODIFICATION answer counts ConcurrentModification, an INTERNAL answer <Operation>Failed, and each
 * synchronous function's operation is its catalogue name in PascalCase (what the INTERNAL alarm is built from).
 */
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { pascal } from '../../infra/constructs/service-function';
import { functionsTriggeredBy } from '../../infra/functions';
import { CreditError } from '../../lambdas/domain/errors';
import { CONCURRENT_MODIFICATION_METRIC, operationFailedMetric, operationRefusedMetric } from '../../lambdas/shared/metric-names';
import { syncHandler } from '../../lambdas/shared/sync';

const context = {
  awsRequestId: 'req-1',
  functionName: 'fn',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:1:function:fn',
  memoryLimitInMB: '128',
} as unknown as Context;

/** Metric names of every EMF document written to stdout while `run` runs. */
async function emittedMetrics(run: () => Promise<unknown>): Promise<string[]> {
  const writes: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return writes
    .flatMap((w) => w.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) => JSON.parse(line)._aws.CloudWatchMetrics.flatMap((d: any) => d.Metrics.map((m: any) => m.Name)));
}

const Request = z.object({ customerId: z.string() });

test('CONCURRENT_MODIFICATION: Refused and ConcurrentModification', async () => {
  const handler = syncHandler('Redeem', Request, async () => {
    throw new CreditError('CONCURRENT_MODIFICATION', 'busy');
  });
  const names = await emittedMetrics(() => handler({ customerId: 'c-1' }, context));
  expect(names).toEqual(expect.arrayContaining([operationRefusedMetric('Redeem'), CONCURRENT_MODIFICATION_METRIC]));
  expect(CONCURRENT_MODIFICATION_METRIC).toBe('ConcurrentModification');
});

test('another refusal does not count as a concurrent modification', async () => {
  const handler = syncHandler('Redeem', Request, async () => {
    throw new CreditError('AMOUNT_OUT_OF_RANGE', 'no');
  });
  const names = await emittedMetrics(() => handler({ customerId: 'c-1' }, context));
  expect(names).toContain('RedeemRefused');
  expect(names).not.toContain(CONCURRENT_MODIFICATION_METRIC);
});

test('an unexpected failure: answered INTERNAL, counted as <Operation>Failed', async () => {
  const handler = syncHandler('Reverse', Request, async () => {
    throw new Error('boom');
  });
  let answer: unknown;
  const names = await emittedMetrics(async () => {
    answer = await handler({ customerId: 'c-1' }, context);
  });
  expect(answer).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  expect(names).toContain(operationFailedMetric('Reverse'));
  expect(operationFailedMetric('Reverse')).toBe('ReverseFailed');
});

test.each(functionsTriggeredBy('invoke').map((f) => f.name))('%s handler: its operation is the PascalCase catalogue name', async (name) => {
  const { handler } = (await import(`../../lambdas/${name}/handler`)) as { handler: (e: unknown, c: Context) => Promise<unknown> };
  const names = await emittedMetrics(() => handler({ not: 'a request' }, context)); // refused before any AWS call
  expect(names).toContain(operationRefusedMetric(pascal(name)));
});
