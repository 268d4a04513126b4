import {
  ApprovalRequest,
  BalanceRequest,
  ComplaintResolvedDetail,
  RedeemRequest,
  ReverseRequest,
  parseContract,
} from '../../lambdas/contracts';
import { CreditError } from '../../lambdas/domain/errors';

const SECRET_EMAIL = 'geheim.kunde@example.de';

const complaint = {
  complaintId: 'C-1001',
  customerId: 'cust-42',
  email: SECRET_EMAIL,
  locale: 'de-DE',
  amount: 2500,
  currency: 'EUR',
  validityDays: 90,
  reason: 'Lieferung verspätet',
};

const redeem = { customerId: 'cust-42', orderId: 'order-7', amount: 1200, currency: 'EUR', idempotencyKey: 'idem-1' };

function invalid(schema: Parameters<typeof parseContract>[0], input: unknown): CreditError {
  try {
    parseContract(schema, input);
  } catch (e) {
    if (e instanceof CreditError) return e;
    throw e;
  }
  throw new Error('expected INVALID_INPUT, the input was accepted');
}

/** Everything a caller or a log line could see of the error. */
const visible = (e: CreditError) => `${e.message} ${JSON.stringify(e.toJSON())}`;

describe('parseContract: valid input', () => {
  it('returns the parsed complaint, trimming strings', () => {
    expect(parseContract(ComplaintResolvedDetail, { ...complaint, reason: '  Lieferung verspätet  ' })).toEqual(complaint);
  });

  it('accepts the other contracts', () => {
    expect(parseContract(RedeemRequest, redeem)).toEqual(redeem);
    expect(parseContract(ReverseRequest, { customerId: 'cust-42', redemptionId: 'r-1' })).toEqual({
      customerId: 'cust-42',
      redemptionId: 'r-1',
    });
    expect(parseContract(BalanceRequest, { customerId: 'cust-42', limit: 10 })).toEqual({ customerId: 'cust-42', limit: 10 });
  });

  it('leaves business ranges to the domain: a negative amount and 1000 days pass the shape check', () => {
    expect(() => parseContract(ComplaintResolvedDetail, { ...complaint, amount: -5, validityDays: 1000 })).not.toThrow();
  });
});

describe('parseContract: extra field', () => {
  it('is rejected and named, without echoing its value', () => {
    const e = invalid(ComplaintResolvedDetail, { ...complaint, emial: 'typo@example.de' });
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('emial');
    expect(visible(e)).not.toContain('typo@example.de');
    expect(visible(e)).not.toContain(SECRET_EMAIL);
  });

  it('also in the redeem request', () => {
    const e = invalid(RedeemRequest, { ...redeem, discount: 50 });
    expect(e.message).toContain('discount');
  });
});

describe('parseContract: missing field', () => {
  it.each(Object.keys(complaint))('%s missing is named', (field) => {
    const input: Record<string, unknown> = { ...complaint };
    delete input[field];
    const e = invalid(ComplaintResolvedDetail, input);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain(`${field}:`);
    expect(e.details).toEqual({ issues: [expect.objectContaining({ path: field })] });
    expect(visible(e)).not.toContain(SECRET_EMAIL);
  });
});

describe('parseContract: wrong type', () => {
  it.each([
    ['amount', '2500'],
    ['validityDays', '90'],
    ['currency', 978],
    ['email', 12345],
    ['reason', { text: 'x' }],
    ['locale', null],
  ])('%s = %p is named, and the value is not echoed', (field, value) => {
    const e = invalid(ComplaintResolvedDetail, { ...complaint, [field]: value });
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain(`${field}:`);
    const shown = visible(e);
    if (typeof value === 'string') expect(shown).not.toContain(value);
    expect(shown).not.toContain(SECRET_EMAIL);
  });

  it('an email in the wrong field is not echoed', () => {
    const e = invalid(ComplaintResolvedDetail, { ...complaint, customerId: SECRET_EMAIL });
    expect(e.message).toContain('customerId:');
    expect(visible(e)).not.toContain(SECRET_EMAIL);
    expect(visible(e)).not.toContain('geheim');
  });

  it('a too-long reason is named without echoing it', () => {
    const reason = 'Sehr lange Begründung '.repeat(30);
    const e = invalid(ComplaintResolvedDetail, { ...complaint, reason });
    expect(e.message).toContain('reason:');
    expect(visible(e)).not.toContain('Sehr lange');
  });

  it('reports every offending field at once', () => {
    const e = invalid(RedeemRequest, { customerId: '', orderId: 'o 1', amount: 'x', currency: 'EURO', idempotencyKey: 'k' });
    for (const field of ['customerId', 'orderId', 'amount', 'currency']) expect(e.message).toContain(`${field}:`);
    expect(e.message).not.toContain('idempotencyKey');
  });

  it.each([null, undefined, 'text', 42, []])('a non-object %p is rejected at the root', (input) => {
    const e = invalid(ComplaintResolvedDetail, input);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('(root)');
  });

  it('BalanceRequest limit must be a whole number from 1 to 100', () => {
    expect(invalid(BalanceRequest, { customerId: 'c', limit: 0 }).message).toContain('limit:');
    expect(invalid(BalanceRequest, { customerId: 'c', limit: 101 }).message).toContain('limit:');
    expect(invalid(BalanceRequest, { customerId: 'c', limit: 1.5 }).message).toContain('limit:');
  });
});

describe('actor ids (issuer, approver): one form, no look-alikes', () => {
  const approval = (approverId: string) => ({ operation: 'approve', customerId: 'Cust-42', pendingId: 'PG-1', approverId });

  it('case and surrounding blanks fold away in issuedBy and approverId; the other ids stay exact', () => {
    expect(parseContract(ComplaintResolvedDetail, { ...complaint, issuedBy: ' Agent-7 ' }).issuedBy).toBe('agent-7');
    expect(parseContract(ApprovalRequest, approval('AGENT-7'))).toEqual({
      ...approval('agent-7'),
      customerId: 'Cust-42',
      pendingId: 'PG-1',
    });
  });

  it.each([
    ['full-width letters', '\uff41gent-7'],
    ['a zero-width space', 'agent\u200b-7'],
    ['a zero-width joiner', 'agent-\u200d7'],
    ['a Cyrillic look-alike', '\u0430gent-7'],
    ['a decomposed accent', 'age\u0301nt-7'],
    ['an inner blank', 'agent 7'],
  ])('%s is INVALID_INPUT, never a second spelling of an actor', (_what, spelled) => {
    expect(invalid(ApprovalRequest, approval(spelled)).code).toBe('INVALID_INPUT');
    expect(invalid(ComplaintResolvedDetail, { ...complaint, issuedBy: spelled }).code).toBe('INVALID_INPUT');
  });
});
