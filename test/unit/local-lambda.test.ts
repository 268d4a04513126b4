/** How the local runtime calls a handler: context, promise and callback styles, timeout, error shape. */
import { callHandler, createContext, serializeError } from '../../local/lambda';

const spec = {
  functionName: 'redeem',
  functionArn: 'arn:aws:lambda:eu-central-1:000000000000:function:redeem',
  memoryMb: 512,
  timeoutSeconds: 2,
};

describe('createContext', () => {
  it("looks like the Node.js runtime's context", () => {
    const ctx = createContext(spec, Date.now() + 2000);
    expect(ctx).toMatchObject({
      functionName: 'redeem',
      functionVersion: '$LATEST',
      invokedFunctionArn: spec.functionArn,
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/redeem',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(ctx.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(ctx.getRemainingTimeInMillis()).toBeGreaterThan(1500);
    expect(ctx.getRemainingTimeInMillis()).toBeLessThanOrEqual(2000);
  });
});

describe('callHandler', () => {
  const ctx = () => createContext(spec, Date.now() + 2000);

  it('awaits async handlers and returns the JSON form of the result', async () => {
    await expect(callHandler(async () => ({ at: new Date(0), n: 1, u: undefined }), {}, ctx(), 2)).resolves.toEqual({
      at: '1970-01-01T00:00:00.000Z',
      n: 1,
    });
    await expect(callHandler(async () => undefined, {}, ctx(), 2)).resolves.toBeNull();
  });

  it('supports callback-style handlers', async () => {
    const h = (_e: unknown, _c: unknown, cb?: (err?: unknown, r?: unknown) => void) => {
      setTimeout(() => cb!(null, { ok: true }), 1);
    };
    await expect(callHandler(h, {}, ctx(), 2)).resolves.toEqual({ ok: true });
    const failing = (_e: unknown, _c: unknown, cb?: (err?: unknown) => void) => cb!(new Error('nope'));
    await expect(callHandler(failing, {}, ctx(), 2)).rejects.toThrow('nope');
  });

  it('rejects with what the handler threw', async () => {
    await expect(
      callHandler(
        async () => {
          throw new TypeError('bad');
        },
        {},
        ctx(),
        2,
      ),
    ).rejects.toBeInstanceOf(TypeError);
    await expect(
      callHandler(
        () => {
          throw new Error('sync');
        },
        {},
        ctx(),
        2,
      ),
    ).rejects.toThrow('sync');
  });

  it('times out at the function timeout', async () => {
    const started = Date.now();
    const err = await callHandler(() => new Promise(() => {}), {}, ctx(), 0.05).catch((e) => e);
    expect(serializeError(err)).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/Task timed out after 0\.05 seconds/),
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports unserializable results as Runtime.MarshalError', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const err = await callHandler(async () => cyclic, {}, ctx(), 2).catch((e) => e);
    expect(serializeError(err).errorType).toBe('Runtime.MarshalError');
  });
});

describe('serializeError', () => {
  it('reports name, message and stack lines, like the Node.js runtime', () => {
    const e = serializeError(new RangeError('out'));
    expect(e).toMatchObject({ errorType: 'RangeError', errorMessage: 'out' });
    expect(e.trace![0]).toBe('RangeError: out');
  });

  it('uses the name a subclass sets, else "Error"; custom properties are not reported', () => {
    class Named extends Error {
      readonly code = 'SOME_CODE';
      constructor(m: string) {
        super(m);
        this.name = 'Named';
      }
    }
    class Unnamed extends Error {}
    expect(serializeError(new Named('x'))).toEqual({ errorType: 'Named', errorMessage: 'x', trace: expect.any(Array) });
    expect(serializeError(new Unnamed('y')).errorType).toBe('Error');
  });

  it('reports thrown non-errors by typeof and toString', () => {
    expect(serializeError('plain')).toEqual({ errorType: 'string', errorMessage: 'plain', trace: [] });
    expect(serializeError(42)).toEqual({ errorType: 'number', errorMessage: '42', trace: [] });
    expect(serializeError({ a: 1 })).toEqual({ errorType: 'object', errorMessage: '[object Object]', trace: [] });
  });
});
