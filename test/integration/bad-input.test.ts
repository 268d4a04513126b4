/**
 * Bad input catalogue, on DynamoDB Local + the SES emulator: every malformed or forbidden request to grant
 * (ComplaintResolved events), redeem, reverse and balance is refused with its stable error code and a message that
 * says what is wrong — and writes nothing: the whole table is byte-for-byte the same after the catalogue as before.
 * For grant events the code is the `errorType` of the record in the grant function's failure queue (CreditError's
 * name is its code). Two inputs that look odd but are legitimate (an unknown locale, HTML in the reason) are
 * accepted, and are checked separately, in the email they produce.
 */
import { ITEM, keys } from '../../lambdas/adapters/dynamodb/layout';
import { emailsTo, startTestRuntime, waitFor, type TestRuntime } from './harness';
import { complaint, ServiceClient, unique } from './service-client';

jest.setTimeout(120_000);

let t: TestRuntime;
let svc: ServiceClient;

/** Fixture: customer A with a credit, an applied and a reversed redemption; customer B with a redemption. */
const fx = {
  a: complaint({ amount: 1000, locale: 'en' }),
  b: complaint({ amount: 1000, locale: 'en' }),
  applied: '' as string,
  reversed: '' as string,
  foreign: '' as string,
  grantEntry: '' as string,
  cursor: '' as string,
};

beforeAll(async () => {
  t = await startTestRuntime({ retryDelayMs: () => 10 });
  svc = new ServiceClient(t);
  await svc.putComplaints([fx.a, fx.b]);
  await t.runtime.idle(30_000);
  const r1 = await svc.redeem(fx.a.customerId, 300);
  const r2 = await svc.redeem(fx.a.customerId, 200);
  const rb = await svc.redeem(fx.b.customerId, 100);
  expect([r1.ok, r2.ok, rb.ok]).toEqual([true, true, true]);
  const rev = await svc.invoke('reverse', { customerId: fx.a.customerId, redemptionId: r2.redemptionId });
  expect(rev.ok).toBe(true);
  fx.applied = r1.redemptionId;
  fx.reversed = r2.redemptionId;
  fx.foreign = rb.redemptionId;
  const page = await svc.invoke('balance', { customerId: fx.a.customerId, limit: 1 });
  fx.cursor = page.nextCursor;
  expect(fx.cursor).toEqual(expect.any(String));
  fx.grantEntry = (await svc.balance(fx.a.customerId)).history.find((h: any) => h.kind === 'GRANTED').entryId;
  await t.runtime.idle(30_000);
});

afterAll(async () => {
  await t?.stop();
});

type Code =
  | 'INVALID_INPUT'
  | 'UNSUPPORTED_CURRENCY'
  | 'AMOUNT_OUT_OF_RANGE'
  | 'VALIDITY_OUT_OF_RANGE'
  | 'INVALID_EMAIL'
  | 'REDEMPTION_NOT_FOUND'
  | 'REDEMPTION_ALREADY_REVERSED'
  | 'CURRENCY_MISMATCH'
  | 'GRANT_CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED';

const long = (n: number, ch = 'x') => ch.repeat(n);
const without = (o: Record<string, unknown>, key: string) => {
  const { [key]: _drop, ...rest } = o;
  return rest;
};

/** ComplaintResolved details: [name, detail (from a fresh valid one), code, message substring]. */
const GRANT_CASES: Array<[string, (c: Record<string, unknown>) => Record<string, unknown>, Code, string]> = [
  [
    'missing complaintId',
    (c) => without(c, 'complaintId'),
    'INVALID_INPUT',
    'complaintId: Invalid input: expected string, received undefined',
  ],
  ['missing customerId', (c) => without(c, 'customerId'), 'INVALID_INPUT', 'customerId: Invalid input: expected string'],
  ['missing email', (c) => without(c, 'email'), 'INVALID_INPUT', 'email: Invalid input: expected string'],
  ['missing amount', (c) => without(c, 'amount'), 'INVALID_INPUT', 'amount: Invalid input: expected number'],
  ['missing validityDays', (c) => without(c, 'validityDays'), 'INVALID_INPUT', 'validityDays: Invalid input: expected number'],
  ['extra field', (c) => ({ ...c, transferTo: 'cust-other' }), 'INVALID_INPUT', 'Unrecognized key: "transferTo"'],
  ['issuedBy with a space', (c) => ({ ...c, issuedBy: 'agent 7' }), 'INVALID_INPUT', 'issuedBy: letters, digits and . _ : - only'],
  ['issuedBy empty', (c) => ({ ...c, issuedBy: '' }), 'INVALID_INPUT', 'issuedBy: Too small'],
  ['amount as a string', (c) => ({ ...c, amount: '2500' }), 'INVALID_INPUT', 'amount: Invalid input: expected number, received string'],
  ['amount null', (c) => ({ ...c, amount: null }), 'INVALID_INPUT', 'amount: Invalid input: expected number, received null'],
  ['validityDays as a string', (c) => ({ ...c, validityDays: '90' }), 'INVALID_INPUT', 'validityDays: Invalid input: expected number'],
  [
    'customerId with a slash',
    (c) => ({ ...c, customerId: `${c.customerId}/../admin` }),
    'INVALID_INPUT',
    'customerId: letters, digits and . _ : - only',
  ],
  [
    'complaintId of 129 characters',
    (c) => ({ ...c, complaintId: `${c.complaintId}-${long(129)}`.slice(0, 129) }),
    'INVALID_INPUT',
    'complaintId: Too big',
  ],
  [
    'reason of 501 characters',
    (c) => ({ ...c, reason: long(501) }),
    'INVALID_INPUT',
    'reason: Too big: expected string to have <=500 characters',
  ],
  ['blank reason', (c) => ({ ...c, reason: '   ' }), 'INVALID_INPUT', 'reason: Too small'],
  ['email of 255 characters', (c) => ({ ...c, email: `${long(243)}@example.com` }), 'INVALID_INPUT', 'email: Too big'],
  ['locale of 36 characters', (c) => ({ ...c, locale: long(36, 'a') }), 'INVALID_INPUT', 'locale: Too big'],
  [
    'currency of 4 letters',
    (c) => ({ ...c, currency: 'EURO' }),
    'INVALID_INPUT',
    'currency: Too big: expected string to have exactly 3 characters',
  ],
  [
    'zero amount',
    (c) => ({ ...c, amount: 0 }),
    'AMOUNT_OUT_OF_RANGE',
    'amount must be a whole number of EUR minor units from 1 to 1000000, got 0',
  ],
  ['negative amount', (c) => ({ ...c, amount: -2500 }), 'AMOUNT_OUT_OF_RANGE', 'from 1 to 1000000, got -2500'],
  ['fractional amount', (c) => ({ ...c, amount: 12.5 }), 'AMOUNT_OUT_OF_RANGE', 'got 12.5'],
  ['one cent over the maximum', (c) => ({ ...c, amount: 1_000_001 }), 'AMOUNT_OUT_OF_RANGE', 'from 1 to 1000000, got 1000001'],
  ['huge amount', (c) => ({ ...c, amount: 1e20 }), 'AMOUNT_OUT_OF_RANGE', 'got 100000000000000000000'],
  [
    'JPY over its maximum (no minor units)',
    (c) => ({ ...c, currency: 'JPY', amount: 10_001 }),
    'AMOUNT_OUT_OF_RANGE',
    'JPY minor units from 1 to 10000',
  ],
  ['unknown currency', (c) => ({ ...c, currency: 'ABC' }), 'UNSUPPORTED_CURRENCY', 'currency "ABC" is not an ISO 4217 currency'],
  ['lower-case currency', (c) => ({ ...c, currency: 'eur' }), 'UNSUPPORTED_CURRENCY', 'currency "eur" is not an ISO 4217 currency'],
  ['gold is not money', (c) => ({ ...c, currency: 'XAU' }), 'UNSUPPORTED_CURRENCY', 'currency "XAU"'],
  [
    'validity 29 days',
    (c) => ({ ...c, validityDays: 29 }),
    'VALIDITY_OUT_OF_RANGE',
    'validityDays must be a whole number from 30 to 365, got 29',
  ],
  ['validity 366 days', (c) => ({ ...c, validityDays: 366 }), 'VALIDITY_OUT_OF_RANGE', 'from 30 to 365, got 366'],
  ['fractional validity', (c) => ({ ...c, validityDays: 90.5 }), 'VALIDITY_OUT_OF_RANGE', 'got 90.5'],
  ['email without a domain dot', (c) => ({ ...c, email: `${unique('kim')}@localhost` }), 'INVALID_EMAIL', 'email is not a valid address'],
  ['email with two @', (c) => ({ ...c, email: `${unique('kim')}@@example.com` }), 'INVALID_EMAIL', 'email is not a valid address'],
  [
    'email with a display name',
    (c) => ({ ...c, email: `Kim <${unique('kim')}@example.com>` }),
    'INVALID_EMAIL',
    'email is not a valid address',
  ],
  [
    'email with a non-ASCII local part',
    (c) => ({ ...c, email: `jürgen.${unique('k')}@example.com` }),
    'INVALID_EMAIL',
    'SES cannot send to it',
  ],
  ['email with an IP-literal domain', (c) => ({ ...c, email: `${unique('kim')}@[192.0.2.1]` }), 'INVALID_EMAIL', 'SES cannot send to it'],
  [
    'email with a zero-width space',
    (c) => ({ ...c, email: `${unique('kim')}\u200B@example.com` }),
    'INVALID_EMAIL',
    'SES cannot send to it',
  ],
  ['email with a one-letter TLD', (c) => ({ ...c, email: `${unique('kim')}@example.c` }), 'INVALID_EMAIL', 'SES cannot send to it'],
  ['reason of zero-width spaces only', (c) => ({ ...c, reason: '\u200B\u200B\u200B' }), 'INVALID_INPUT', 'reason: Too small'],
  ['reason of control and bidi characters only', (c) => ({ ...c, reason: '\u0007\u202E\u2066' }), 'INVALID_INPUT', 'reason: Too small'],
  ['reason of Unicode spaces only', (c) => ({ ...c, reason: '\u00A0\u2003\u3000' }), 'INVALID_INPUT', 'reason: Too small'],
  ['unknown reason code', (c) => ({ ...c, reasonCode: 'CALL_ME_AT_HOME' }), 'INVALID_INPUT', 'reasonCode'],
  // A credit is never narrowed to a cash-like category (10.4): only eligible ones may be named.
  [
    'categories naming gift cards',
    (c) => ({ ...c, categories: ['SERVICES', 'GIFT_CARD'] }),
    'INVALID_INPUT',
    'categories.1: Invalid option',
  ],
  ['categories empty', (c) => ({ ...c, categories: [] }), 'INVALID_INPUT', 'categories: Too small'],
  ['withdrawn currency HRK', (c) => ({ ...c, currency: 'HRK' }), 'UNSUPPORTED_CURRENCY', 'currency "HRK"'],
  ['withdrawn currency SLL', (c) => ({ ...c, currency: 'SLL' }), 'UNSUPPORTED_CURRENCY', 'currency "SLL"'],
];

/** Redeem requests: [name, request (from a valid one for customer A), code, message substring]. */
const REDEEM_CASES: Array<[string, (r: Record<string, unknown>) => unknown, Code, string]> = [
  ['missing idempotencyKey', (r) => without(r, 'idempotencyKey'), 'INVALID_INPUT', 'idempotencyKey: Invalid input: expected string'],
  ['missing orderId', (r) => without(r, 'orderId'), 'INVALID_INPUT', 'orderId: Invalid input: expected string'],
  ['extra field (payout)', (r) => ({ ...r, payout: 'cash' }), 'INVALID_INPUT', 'Unrecognized key: "payout"'],
  ['amount as a string', (r) => ({ ...r, amount: '100' }), 'INVALID_INPUT', 'amount: Invalid input: expected number, received string'],
  ['not an object', () => ['redeem', 100], 'INVALID_INPUT', '(root): Invalid input: expected object, received array'],
  ['empty customerId', (r) => ({ ...r, customerId: '' }), 'INVALID_INPUT', 'customerId: Too small'],
  ['orderId of 129 characters', (r) => ({ ...r, orderId: long(129) }), 'INVALID_INPUT', 'orderId: Too big'],
  [
    'idempotencyKey with spaces',
    (r) => ({ ...r, idempotencyKey: 'pay o 1' }),
    'INVALID_INPUT',
    'idempotencyKey: letters, digits and . _ : - only',
  ],
  ['currency of 4 letters', (r) => ({ ...r, currency: 'EURO' }), 'INVALID_INPUT', 'currency: Too big'],
  ['zero amount', (r) => ({ ...r, amount: 0 }), 'AMOUNT_OUT_OF_RANGE', 'amount must be a positive whole number of EUR minor units, got 0'],
  ['negative amount', (r) => ({ ...r, amount: -5 }), 'AMOUNT_OUT_OF_RANGE', 'got -5'],
  ['fractional amount', (r) => ({ ...r, amount: 1.5 }), 'AMOUNT_OUT_OF_RANGE', 'got 1.5'],
  ['beyond the safe integer range', (r) => ({ ...r, amount: 2 ** 53 }), 'AMOUNT_OUT_OF_RANGE', 'got 9007199254740992'],
  ['unknown currency', (r) => ({ ...r, currency: 'QQQ' }), 'UNSUPPORTED_CURRENCY', 'currency "QQQ" is not an ISO 4217 currency'],
];

/** Reversals: [name, request, code, message substring] (built lazily: they need the fixture's ids). */
const REVERSE_CASES: Array<[string, () => unknown, Code, string | (() => string)]> = [
  [
    'unknown redemption',
    () => ({ customerId: fx.a.customerId, redemptionId: '01KNOSUCHREDEMPTION0000000' }),
    'REDEMPTION_NOT_FOUND',
    'no redemption 01KNOSUCHREDEMPTION0000000 for this customer',
  ],
  [
    "another customer's redemption",
    () => ({ customerId: fx.a.customerId, redemptionId: fx.foreign }),
    'REDEMPTION_NOT_FOUND',
    () => `no redemption ${fx.foreign} for this customer`,
  ],
  [
    "someone else asking for A's redemption",
    () => ({ customerId: fx.b.customerId, redemptionId: fx.applied }),
    'REDEMPTION_NOT_FOUND',
    'for this customer',
  ],
  [
    'a ledger entry that is not a redemption',
    () => ({ customerId: fx.a.customerId, redemptionId: fx.grantEntry }),
    'REDEMPTION_NOT_FOUND',
    () => `no redemption ${fx.grantEntry}`,
  ],
  [
    'a second reversal',
    () => ({ customerId: fx.a.customerId, redemptionId: fx.reversed }),
    'REDEMPTION_ALREADY_REVERSED',
    () => `redemption ${fx.reversed} was reversed before`,
  ],
  [
    'currency mismatch',
    () => ({ customerId: fx.a.customerId, redemptionId: fx.applied, currency: 'USD' }),
    'CURRENCY_MISMATCH',
    'is in EUR, not USD',
  ],
  [
    'unknown currency',
    () => ({ customerId: fx.a.customerId, redemptionId: fx.applied, currency: 'QQQ' }),
    'UNSUPPORTED_CURRENCY',
    'currency "QQQ"',
  ],
  ['missing redemptionId', () => ({ customerId: fx.a.customerId }), 'INVALID_INPUT', 'redemptionId: Invalid input: expected string'],
  [
    'extra field',
    () => ({ customerId: fx.a.customerId, redemptionId: fx.applied, refundTo: 'iban' }),
    'INVALID_INPUT',
    'Unrecognized key: "refundTo"',
  ],
  [
    'reason of 501 characters',
    () => ({ customerId: fx.a.customerId, redemptionId: fx.applied, reason: long(501) }),
    'INVALID_INPUT',
    'reason: Too big',
  ],
];

const foreignCursor = () => Buffer.from(JSON.stringify({ sk: keys.credit('2099-01-01T00:00:00.000Z', 'x') })).toString('base64url');
const BALANCE_CASES: Array<[string, () => unknown, Code, string]> = [
  [
    'malformed cursor',
    () => ({ customerId: fx.a.customerId, cursor: 'not-a-cursor!!' }),
    'INVALID_INPUT',
    'cursor: not a cursor returned by this service',
  ],
  [
    'cursor pointing outside the ledger',
    () => ({ customerId: fx.a.customerId, cursor: foreignCursor() }),
    'INVALID_INPUT',
    'cursor: not a cursor returned by this service',
  ],
  ['cursor of 513 characters', () => ({ customerId: fx.a.customerId, cursor: long(513) }), 'INVALID_INPUT', 'cursor: Too big'],
  ['limit 0', () => ({ customerId: fx.a.customerId, limit: 0 }), 'INVALID_INPUT', 'limit: Too small: expected number to be >=1'],
  ['limit 101', () => ({ customerId: fx.a.customerId, limit: 101 }), 'INVALID_INPUT', 'limit: Too big'],
  ['fractional limit', () => ({ customerId: fx.a.customerId, limit: 2.5 }), 'INVALID_INPUT', 'limit: Invalid input: expected int'],
  ['missing customerId', () => ({ limit: 5 }), 'INVALID_INPUT', 'customerId: Invalid input: expected string'],
  ['extra field', () => ({ customerId: fx.a.customerId, includeGiftCards: true }), 'INVALID_INPUT', 'Unrecognized key: "includeGiftCards"'],
];

const CATALOGUE_SIZE = GRANT_CASES.length + REDEEM_CASES.length + REVERSE_CASES.length + BALANCE_CASES.length;

/** Table rows as objects, so test titles can name the case and its code. */
const rows = <M, X>(cases: Array<[string, M, Code, X]>) => cases.map(([name, make, code, message]) => ({ name, make, code, message }));

function expectRefusal(answer: any, code: Code, message: string | (() => string)): void {
  expect(answer).toMatchObject({ ok: false, error: { code, retryable: false } });
  expect(answer.error.message).toContain(typeof message === 'function' ? message() : message);
  expect(Object.keys(answer)).toEqual(['ok', 'error']);
}

describe('refusals write nothing (whole table byte-for-byte unchanged)', () => {
  let before: string;
  /** Grant case name → its event detail and the id to find its failure record by. */
  const sent = new Map<string, { detail: Record<string, unknown>; marker: string }>();

  beforeAll(async () => {
    before = await svc.snapshot();
    for (const [name, make] of GRANT_CASES) {
      const base = complaint();
      const detail = make(base);
      const marker = typeof detail.complaintId === 'string' ? detail.complaintId : (detail.customerId as string);
      sent.set(name, { detail, marker });
    }
    await svc.putComplaints([...sent.values()].map((s) => s.detail));
    await t.runtime.idle(60_000);
  });

  it(`the catalogue has at least 30 cases (${CATALOGUE_SIZE})`, () => {
    expect(CATALOGUE_SIZE).toBeGreaterThanOrEqual(30);
  });

  describe('grant events → GrantFailures with the code as errorType', () => {
    it.each(rows(GRANT_CASES))('$name → $code', ({ name, code, message }) => {
      const { detail, marker } = sent.get(name)!;
      const records = svc.failures(marker) as any[];
      expect(records).toHaveLength(1);
      const rec = records[0];
      expect(rec.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
      expect(rec.requestPayload.detail).toEqual(detail);
      expect(rec.responsePayload.errorType).toBe(code);
      expect(rec.responsePayload.errorMessage).toContain(message);
      if (code === 'INVALID_EMAIL') expect(rec.responsePayload.errorMessage).not.toContain(String(detail.email));
    });

    it('no grant case produced an email or an event', async () => {
      for (const { detail } of sent.values()) {
        if (typeof detail.customerId === 'string') expect(svc.events('CreditGranted', detail.customerId)).toEqual([]);
        if (typeof detail.email === 'string' && detail.email.length < 100) expect(await emailsTo(detail.email)).toEqual([]);
      }
    });
  });

  describe('redeem', () => {
    it.each(rows(REDEEM_CASES))('$name → $code', async ({ make, code, message }) => {
      const base = { customerId: fx.a.customerId, orderId: unique('o'), amount: 100, currency: 'EUR', idempotencyKey: unique('k') };
      expectRefusal(await svc.invoke('redeem', make(base)), code, message);
    });
  });

  describe('reverse', () => {
    it.each(rows(REVERSE_CASES))('$name → $code', async ({ make, code, message }) => {
      expectRefusal(await svc.invoke('reverse', make()), code, message);
    });
  });

  describe('balance', () => {
    it.each(rows(BALANCE_CASES))('$name → $code', async ({ make, code, message }) => {
      expectRefusal(await svc.invoke('balance', make()), code, message);
    });

    it('(control) the genuine cursor works', async () => {
      const next = await svc.invoke('balance', { customerId: fx.a.customerId, limit: 1, cursor: fx.cursor });
      expect(next.ok).toBe(true);
      expect(next.history).toHaveLength(1);
    });
  });

  it('after the whole catalogue the table is byte-for-byte unchanged', async () => {
    await t.runtime.idle(30_000);
    const after = await svc.snapshot();
    expect(after.length).toBeGreaterThan(0);
    expect(after).toBe(before);
    // and the fixture customer's money is where it was
    expect((await svc.balance(fx.a.customerId)).courtesyCredit.balances).toEqual([
      expect.objectContaining({ currency: 'EUR', available: 700 }),
    ]);
  });
});

describe('refusals that need earlier writes: nothing written by the refusal itself', () => {
  it('the same complaint with other money terms → GRANT_CONFLICT', async () => {
    const c = complaint({ amount: 1500 });
    await svc.grant(c);
    const before = await svc.snapshot();
    await svc.putComplaint({ ...c, amount: 1501 });
    await t.runtime.idle(30_000);
    expect(await svc.snapshot()).toBe(before);
    const records = svc.failures(c.complaintId) as any[];
    expect(records).toHaveLength(1);
    expect(records[0].responsePayload.errorType).toBe('GRANT_CONFLICT');
    expect(records[0].responsePayload.errorMessage).toContain(`complaint ${c.complaintId} was already compensated with different terms`);
    expect(await emailsTo(c.email)).toHaveLength(1);
  });

  it('an idempotency key reused for another request → IDEMPOTENCY_KEY_REUSED', async () => {
    const req = { customerId: fx.a.customerId, orderId: unique('o'), amount: 50, currency: 'EUR', idempotencyKey: unique('k') };
    expect((await svc.invoke('redeem', req)).ok).toBe(true);
    await t.runtime.idle(30_000);
    const before = await svc.snapshot();
    for (const changed of [{ amount: 51 }, { orderId: unique('o') }, { currency: 'CHF' }]) {
      expectRefusal(
        await svc.invoke('redeem', { ...req, ...changed }),
        'IDEMPOTENCY_KEY_REUSED',
        'idempotencyKey was used before for a different redemption request',
      );
    }
    expect(await svc.snapshot()).toBe(before);
  });
});

describe('odd but legitimate input is accepted', () => {
  it.each([
    ['a supported language with an unsupported one', 'fr-FR'],
    ['an unknown language tag', 'tlh'],
    ['a malformed locale', 'zz_!!'],
  ])('unknown locale (%s: %s) falls back to English', async (_name, locale) => {
    const c = complaint({ locale, amount: 2500 });
    const b = await svc.grant(c);
    expect(b.courtesyCredit.balances[0].available).toBe(2500);
    const mails = await waitFor(async () => {
      const m = await emailsTo(c.email);
      return m.length ? m : undefined;
    }, 20_000);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Your courtesy credit of €25.00');
    expect(mails[0]!.html).toContain('<html lang="en">');
    expect(mails[0]!.text).toContain('Your courtesy credit');
    expect(mails[0]!.text).not.toMatch(/Kulanzgutschrift|Guthaben|crédit/);
  });

  it('HTML and script in the reason: escaped in the email HTML, literal in the text, stored as given', async () => {
    const reason = `<script>alert("x")</script> <img src=x onerror='steal()'> & <b>bold</b>`;
    const c = complaint({ locale: 'en', reason });
    await svc.grant(c);
    const mail = await waitFor(async () => (await emailsTo(c.email))[0], 20_000);
    expect(mail.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;img src=x onerror=&#39;steal()&#39;&gt; &amp; &lt;b&gt;bold&lt;/b&gt;',
    );
    expect(mail.html).not.toContain('<script');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).not.toContain('<b>bold');
    expect(mail.text).toContain(reason);
    const credit = (await svc.items(c.customerId)).find((i) => i.type === ITEM.CREDIT);
    expect(credit?.reason).toBe(reason);
    // Free text never leaves in an event (it can hold personal data): CreditGranted has no reason at all.
    expect(svc.events('CreditGranted', c.customerId)[0].detail).not.toHaveProperty('reason');
  });
});
