import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { syncHandler } from '../../lambdas/shared/sync';
import { CreditError } from '../../lambdas/domain/errors';
import { writtenDuring } from '../support/output';

/**
 * What a synchronous caller (redeem, reverse, balance) gets back: `{ ok: true, ... }` or `{ ok: false, error }`, with the
 * error's code, message, retryability and — when the domain gave them — its `details` (issue 15: they could be dropped).
 */
const context = {
  awsRequestId: 'req-123',
  functionName: 'probe',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:1:function:probe',
  memoryLimitInMB: '128',
} as Context;
const Probe = z.strictObject({ customerId: z.string() });

/** Powertools writes log and metric lines to stdout/stderr; keep the test output readable and collect them. */
const quietly = writtenDuring;

const answer = (run: (req: { customerId: string }) => Promise<object>, event: unknown = { customerId: 'cust-1' }) =>
  quietly(() => syncHandler('Probe', Probe, run)(event, context));

describe('syncHandler answers', () => {
  it('a result as { ok: true, ...result }', async () => {
    const { result } = await answer(async (req) => ({ customerId: req.customerId, balance: { EUR: 1200 } }));
    expect(result).toEqual({ ok: true, customerId: 'cust-1', balance: { EUR: 1200 } });
  });

  it('a business error with its code, message, retryability and details', async () => {
    const { result } = await answer(async () => {
      throw new CreditError('CURRENCY_MISMATCH', 'redemption is in EUR, not USD', { expected: 'EUR', got: 'USD' });
    });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'CURRENCY_MISMATCH',
        message: 'redemption is in EUR, not USD',
        retryable: false,
        details: { expected: 'EUR', got: 'USD' },
      },
    });
  });

  it('a business error without details has no details key', async () => {
    const { result } = await answer(async () => {
      throw new CreditError('CONCURRENT_MODIFICATION', 'busy');
    });
    expect(result).toEqual({ ok: false, error: { code: 'CONCURRENT_MODIFICATION', message: 'busy', retryable: true } });
  });

  it('a request that breaks the contract as INVALID_INPUT naming the field in details, without running the use case', async () => {
    const run = jest.fn(async () => ({}));
    const { result } = await answer(run, { customerId: 42 });
    expect(run).not.toHaveBeenCalled();
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', retryable: false, details: { issues: [{ path: 'customerId' }] } },
    });
  });

  it('an unexpected failure as retryable INTERNAL with the request id, never the internal message', async () => {
    const { result, output } = await answer(async () => {
      throw new Error('socket hang up at 10.0.0.7');
    });
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('req-123'), retryable: true } });
    expect(JSON.stringify(result)).not.toContain('10.0.0.7');
    expect(output).toContain('Probe failed'); // logged for the operator
  });

  it('logs a refusal with its code', async () => {
    const { output } = await answer(async () => {
      throw new CreditError('REDEMPTION_NOT_FOUND', 'no such redemption');
    });
    expect(output).toContain('Probe refused');
    expect(output).toContain('REDEMPTION_NOT_FOUND');
    expect(output).toContain('"customerId":"cust-1"'); // support finds every line of one customer's requests
  });
});

describe('CreditError serialization', () => {
  it('JSON of an error keeps details; an error without details has none', () => {
    expect(JSON.parse(JSON.stringify(new CreditError('AMOUNT_OUT_OF_RANGE', 'too much', { max: 1_000_000 })))).toEqual({
      code: 'AMOUNT_OUT_OF_RANGE',
      message: 'too much',
      retryable: false,
      details: { max: 1_000_000 },
    });
    expect(Object.keys(new CreditError('INTERNAL', 'x').toJSON())).toEqual(['code', 'message', 'retryable']);
  });

  it('the code is also the error name, so failure records carry it', () => {
    expect(new CreditError('GRANT_CONFLICT', 'x').name).toBe('GRANT_CONFLICT');
  });
});
