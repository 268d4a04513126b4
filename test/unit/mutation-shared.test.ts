import { clock, offsetClock, setClock, systemClock } from '../../lambdas/shared/clock';
import { emailTimeZone, eventBusName, grantPolicy, senderEmail, sesConfigurationSet, tableName } from '../../lambdas/shared/config';
import { deterministicId, fingerprint, newId } from '../../lambdas/shared/ids';
import { logger, pseudonymizeEmail, scrubEmails } from '../../lambdas/shared/observability';
import { once } from '../../lambdas/shared/once';
import { CONFLICT_RETRY, REDEEM_RETRY, pauseAfterConflict, type RetryPolicy } from '../../lambdas/shared/retry';
import { DEFAULT_GRANT_POLICY } from '../../lambdas/domain/credit';

/** The pure shared helpers, by what their callers rely on (issue 15: most of them were not pinned by any unit test). */

const ULID = /^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{26}$/;

describe('ids', () => {
  const AT = new Date('2026-03-01T00:00:00.000Z');

  it('newId is a ULID that sorts by its time', () => {
    const first = newId(AT);
    const later = newId(new Date(AT.getTime() + 1));
    expect(first).toMatch(ULID);
    expect(first < later).toBe(true);
    expect(newId(AT)).not.toBe(first);
  });

  it('deterministicId: same time and seed give the same ULID, across deployments (stored expiry entries rely on it)', () => {
    expect(deterministicId(AT, 'complaint:C-1001')).toBe('01KJKB3Q00JN7EC2WJFNDZE77N');
    expect(deterministicId(AT, 'complaint:C-1002')).not.toBe('01KJKB3Q00JN7EC2WJFNDZE77N');
    expect(deterministicId(new Date(AT.getTime() + 1), 'a') > deterministicId(AT, 'a')).toBe(true);
  });

  describe('fingerprint', () => {
    const request = { customerId: 'c-1', orderId: 'o-1', amount: 1200, currency: 'EUR', meta: { b: [1, 'two', null], a: true } };

    it('is stable across deployments: a stored idempotency record still matches its retry', () => {
      expect(fingerprint(request)).toBe('fb9bef908b701ec0be515923950178a808402faaecfa935555c287a885826aaf');
    });

    it('does not depend on key order, at any depth', () => {
      expect(
        fingerprint({ meta: { a: true, b: [1, 'two', null] }, currency: 'EUR', amount: 1200, orderId: 'o-1', customerId: 'c-1' }),
      ).toBe(fingerprint(request));
    });

    it('ignores keys whose value is undefined (an omitted optional field)', () => {
      expect(fingerprint({ ...request, reason: undefined })).toBe(fingerprint(request));
    });

    it.each([
      ['a changed amount', { ...request, amount: 1201 }],
      ['a changed nested value', { ...request, meta: { ...request.meta, a: false } }],
      ['reordered array items', { ...request, meta: { ...request.meta, b: ['two', 1, null] } }],
      ['null instead of a missing key', { ...request, extra: null }],
      ['an array instead of an object with index keys', { ...request, meta: { ...request.meta, b: { 0: 1, 1: 'two', 2: null } } }],
      ['a number as a string', { ...request, amount: '1200' }],
    ])('tells a different request apart: %s', (_, other) => {
      expect(fingerprint(other)).not.toBe(fingerprint(request));
    });

    it('keeps key/value pairs apart', () => {
      expect(fingerprint({ a: 1, b: 2 })).not.toBe(fingerprint({ a: 12 }));
      expect(fingerprint({ ab: 1 })).not.toBe(fingerprint({ a: 1, b: undefined }));
      expect(fingerprint(null)).not.toBe(fingerprint({}));
    });
  });
});

describe('observability', () => {
  it('pseudonyms are "email#" + 12 hex characters, case- and whitespace-insensitive, and stable across deployments', () => {
    expect(pseudonymizeEmail('Kim@Example.com')).toBe('email#5d9a0087d4cc');
    expect(pseudonymizeEmail(' kim@example.com ')).toBe('email#5d9a0087d4cc');
    expect(pseudonymizeEmail('lea@example.com')).toMatch(/^email#[0-9a-f]{12}$/);
    expect(pseudonymizeEmail('lea@example.com')).not.toBe('email#5d9a0087d4cc');
  });

  it('scrubbing keeps arrays arrays and errors readable', () => {
    const out = scrubEmails({ list: ['kim@example.com', 2], error: new TypeError('no kim@example.com') });
    expect(Array.isArray(out.list)).toBe(true);
    expect(out.list).toEqual([pseudonymizeEmail('kim@example.com'), 2]);
    expect(out.error).toEqual({ name: 'TypeError', message: `no ${pseudonymizeEmail('kim@example.com')}`, stack: expect.any(String) });
  });

  it('log lines keep the standard Powertools keys', () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      logger.info('hello');
    } finally {
      spy.mockRestore();
    }
    const line = JSON.parse(writes.join('').trim().split('\n')[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'INFO', message: 'hello', timestamp: expect.any(String), service: expect.any(String) });
  });
});

describe('retry', () => {
  afterEach(() => jest.useRealTimers());
  const policy: RetryPolicy = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 1000 };
  /** Whether pauseAfterConflict sleeps: it schedules a timer exactly when it backs off. */
  function sleeps(attempt: number, stale: boolean): boolean {
    jest.useFakeTimers();
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      void pauseAfterConflict(attempt, policy, stale);
      return jest.getTimerCount() > 0;
    } finally {
      jest.clearAllTimers();
      jest.restoreAllMocks();
    }
  }

  it('backs off between attempts, not after the last one, and never when the data was stale', () => {
    expect(sleeps(0, false)).toBe(true);
    expect(sleeps(1, false)).toBe(true);
    expect(sleeps(2, false)).toBe(false); // the last attempt: the caller answers at once
    expect(sleeps(3, false)).toBe(false);
    expect(sleeps(0, true)).toBe(false);
  });

  it.each([
    ['CONFLICT_RETRY', CONFLICT_RETRY],
    ['REDEEM_RETRY', REDEEM_RETRY],
  ])('%s is a usable policy: several attempts, positive delays, the cap above the base', (_, p) => {
    expect(p.attempts).toBeGreaterThanOrEqual(2);
    expect(p.baseDelayMs).toBeGreaterThan(0);
    expect(p.maxDelayMs).toBeGreaterThanOrEqual(p.baseDelayMs);
  });
});

describe('clock', () => {
  it('defaults to the system clock; setClock swaps it and its return value restores the previous one', () => {
    const fixed = new Date('2026-03-01T00:00:00.000Z');
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1000);
    expect(Math.abs(systemClock.now().getTime() - Date.now())).toBeLessThan(1000);
    const restore = setClock({ now: () => fixed });
    try {
      expect(clock.now()).toEqual(fixed);
      const restoreInner = setClock(offsetClock(-86_400_000));
      expect(Math.abs(clock.now().getTime() - (Date.now() - 86_400_000))).toBeLessThan(1000);
      restoreInner();
      expect(clock.now()).toEqual(fixed);
    } finally {
      restore();
    }
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1000);
  });

  it('offsetClock runs at real speed, shifted', () => {
    expect(Math.abs(offsetClock(3_600_000).now().getTime() - (Date.now() + 3_600_000))).toBeLessThan(1000);
  });
});

describe('once', () => {
  it('makes the value on first use only, then reuses it', () => {
    const make = jest.fn(() => ({ client: 1 }));
    const get = once(make);
    expect(make).not.toHaveBeenCalled();
    const first = get();
    expect(get()).toBe(first);
    expect(make).toHaveBeenCalledTimes(1);
  });
});

describe('config (environment)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('required settings are read when needed and a missing one fails naming the variable', () => {
    process.env.TABLE_NAME = 'credits';
    process.env.EVENT_BUS_NAME = 'bus';
    process.env.SENDER_EMAIL = 'service@example.com';
    expect([tableName(), eventBusName(), senderEmail()]).toEqual(['credits', 'bus', 'service@example.com']);
    delete process.env.TABLE_NAME;
    expect(() => tableName()).toThrow('TABLE_NAME');
    process.env.EVENT_BUS_NAME = '';
    expect(() => eventBusName()).toThrow('EVENT_BUS_NAME');
  });

  it('optional settings: configuration set absent when empty, email time zone defaults to Europe/Berlin', () => {
    delete process.env.SES_CONFIGURATION_SET;
    delete process.env.EMAIL_TIME_ZONE;
    expect(sesConfigurationSet()).toBeUndefined();
    expect(emailTimeZone()).toBe('Europe/Berlin');
    process.env.SES_CONFIGURATION_SET = '';
    expect(sesConfigurationSet()).toBeUndefined();
    process.env.SES_CONFIGURATION_SET = 'tracking';
    process.env.EMAIL_TIME_ZONE = 'Europe/Vienna';
    expect(sesConfigurationSet()).toBe('tracking');
    expect(emailTimeZone()).toBe('Europe/Vienna');
  });

  it('grantPolicy: defaults, overrides by environment, and refuses anything but a positive integer', () => {
    delete process.env.REMINDER_DAYS_BEFORE_EXPIRY;
    delete process.env.MAX_GRANT_MAJOR_UNITS;
    expect(grantPolicy()).toEqual(DEFAULT_GRANT_POLICY);
    process.env.REMINDER_DAYS_BEFORE_EXPIRY = '';
    expect(grantPolicy().reminderDaysBeforeExpiry).toBe(DEFAULT_GRANT_POLICY.reminderDaysBeforeExpiry);
    process.env.REMINDER_DAYS_BEFORE_EXPIRY = '14';
    process.env.MAX_GRANT_MAJOR_UNITS = '500';
    expect(grantPolicy()).toEqual({ ...DEFAULT_GRANT_POLICY, reminderDaysBeforeExpiry: 14, maxMajorUnits: 500 });
    process.env.REMINDER_DAYS_BEFORE_EXPIRY = '1';
    expect(grantPolicy().reminderDaysBeforeExpiry).toBe(1);
    for (const bad of ['0', '-3', '1.5', 'seven', 'Infinity']) {
      process.env.MAX_GRANT_MAJOR_UNITS = bad;
      expect(() => grantPolicy()).toThrow(`MAX_GRANT_MAJOR_UNITS must be a positive integer, got "${bad}"`);
    }
  });
});
