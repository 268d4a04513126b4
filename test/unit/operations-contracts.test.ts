/** The operations' request contracts and the erase use case. */
import { EraseRequest, FinanceRequest, parseContract, VoidRequest, ComplaintResolvedDetail } from '../../lambdas/contracts';
import { eraseCustomer } from '../../lambdas/app/erase';
import { CreditError } from '../../lambdas/domain/errors';

const issues = (schema: Parameters<typeof parseContract>[0], input: unknown) => {
  try {
    parseContract(schema, input);
  } catch (e) {
    expect(e).toBeInstanceOf(CreditError);
    return [...new Set(((e as CreditError).details as { issues: Array<{ path: string }> }).issues.map((i) => i.path))];
  }
  return [];
};

test('void: customer, credit and a visible reason; the key optional; nothing else', () => {
  expect(parseContract(VoidRequest, { customerId: 'c', creditId: 'cr', reason: ' fraud\u200b ' })).toEqual({
    customerId: 'c',
    creditId: 'cr',
    reason: 'fraud',
  });
  expect(parseContract(VoidRequest, { customerId: 'c', creditId: 'cr', reason: 'x', voidKey: 'k-1' })).toMatchObject({ voidKey: 'k-1' });
  expect(issues(VoidRequest, { customerId: 'c', creditId: 'cr' })).toEqual(['reason']);
  expect(issues(VoidRequest, { customerId: 'c', creditId: 'cr', reason: '\u200b' })).toEqual(['reason']);
  expect(issues(VoidRequest, { customerId: 'c', creditId: 'cr', reason: 'x'.repeat(501) })).toEqual(['reason']);
  expect(parseContract(VoidRequest, { customerId: 'c', creditId: 'cr', reason: 'x'.repeat(500) }).reason).toHaveLength(500);
  expect(issues(VoidRequest, { customerId: 'c', creditId: 'c r', reason: 'x', voidKey: '' })).toEqual(['creditId', 'voidKey']);
  expect(issues(VoidRequest, { customerId: 'c', creditId: 'cr', reason: 'x', amount: 1 })).toEqual(['(root)']);
});

test('erase: exactly a customer id', () => {
  expect(parseContract(EraseRequest, { customerId: 'c-1' })).toEqual({ customerId: 'c-1' });
  expect(issues(EraseRequest, {})).toEqual(['customerId']);
  expect(issues(EraseRequest, { customerId: 'c-1', email: 'a@b.c' })).toEqual(['(root)']);
});

test('finance: a report over real days, or a reconciliation with nothing else', () => {
  expect(parseContract(FinanceRequest, { operation: 'report', from: '2026-03-01', to: '2026-03-31' })).toEqual({
    operation: 'report',
    from: '2026-03-01',
    to: '2026-03-31',
  });
  expect(parseContract(FinanceRequest, { operation: 'report', from: '2026-03-01', to: '2026-03-31', format: 'csv' })).toMatchObject({
    format: 'csv',
  });
  expect(parseContract(FinanceRequest, { operation: 'reconcile' })).toEqual({ operation: 'reconcile' });
  expect(issues(FinanceRequest, { operation: 'report', from: '2026-02-30', to: '2026-13-01' })).toEqual(['from', 'to']);
  expect(issues(FinanceRequest, { operation: 'report', from: '20260301', to: '2026-03-01' })).toEqual(['from']);
  expect(issues(FinanceRequest, { operation: 'report', from: '2026-03-01', to: '2026-03-01', format: 'pdf' })).toEqual(['format']);
  expect(issues(FinanceRequest, { operation: 'reconcile', to: '2026-03-01' })).toEqual(['(root)']);
  expect(issues(FinanceRequest, { operation: 'export' })).toEqual(['operation']);
});

test('complaint: issuedBy is an optional id', () => {
  const c = {
    complaintId: 'c',
    customerId: 'u',
    email: 'a@example.com',
    locale: 'de',
    amount: 1,
    currency: 'EUR',
    validityDays: 30,
    reason: 'r',
  };
  expect(parseContract(ComplaintResolvedDetail, { ...c, issuedBy: 'agent:7' })).toMatchObject({ issuedBy: 'agent:7' });
  expect(parseContract(ComplaintResolvedDetail, c)).not.toHaveProperty('issuedBy');
  expect(issues(ComplaintResolvedDetail, { ...c, issuedBy: 'agent 7' })).toEqual(['issuedBy']);
  expect(issues(ComplaintResolvedDetail, { ...c, issuedBy: 'a'.repeat(129) })).toEqual(['issuedBy']);
});

test("erase use case: the store erases at the clock's time and the count is answered", async () => {
  const calls: Array<[string, string]> = [];
  const store = { eraseCustomer: async (id: string, at: string) => (calls.push([id, at]), 4) };
  const now = new Date('2026-03-01T10:00:00.000Z');
  expect(await eraseCustomer({ customerId: 'c-1' }, { store, clock: { now: () => now } })).toEqual({
    customerId: 'c-1',
    erasedAt: now.toISOString(),
    itemsErased: 4,
  });
  expect(calls).toEqual([['c-1', now.toISOString()]]);
});
