/**
 * Security properties of the synthesized template that depend on the deployment's configuration (CDK context):
 * - the incoming rule accepts ComplaintResolved only from the configured sources, by exact match (no prefix,
 *   wildcard, case-insensitive or anything-but matching), and the configured list is what ends up in the pattern;
 * - redeem and reverse can be invoked only by the role given for the payment flow (and balance additionally by the
 *   account service), and changing that setting changes the principal — nothing else may invoke anything.
 * Complements stack.test.ts (the rule's shape), iam.test.ts (execution roles, permissions under cdk.json) and
 * nag.test.ts (cdk-nag); the runtime side (an event from another source is not routed) is in
 * test/integration/security.test.ts.
 */
import { FUNCTION_NAMES, type FunctionName } from '../../infra/functions';
import { functionLogicalIds, synthTemplate } from '../../infra/synth';
import { compilePattern } from '../../local/pattern';

const PAYMENT = 'arn:aws:iam::111111111111:role/payment-flow';
const ACCOUNT = 'arn:aws:iam::111111111111:role/account-service';
const OTHER_PAYMENT = 'arn:aws:iam::222222222222:role/checkout/payments-v2';
const OTHER_ACCOUNT = 'arn:aws:iam::333333333333:role/accounts';

/** Two syntheses: cdk.json as is, and with the security-relevant settings changed. */
const base = synthTemplate();
const changed = synthTemplate({
  context: {
    'courtesy:complaintEventSources': ['crm.cases', 'shop.returns'],
    'courtesy:paymentFlowRoleArn': OTHER_PAYMENT,
    'courtesy:accountServiceRoleArn': OTHER_ACCOUNT,
  },
});

const ofType = (json: Record<string, any>, type: string) => Object.entries<any>(json.Resources).filter(([, r]) => r.Type === type);
const rulePattern = (json: Record<string, any>) => {
  const rules = ofType(json, 'AWS::Events::Rule');
  expect(rules).toHaveLength(1);
  return rules[0]![1].Properties.EventPattern;
};

function permissions(json: Record<string, any>): Array<{ fn: FunctionName | undefined; principal: string; sourceArn?: unknown; p: any }> {
  const ids = functionLogicalIds(json);
  return ofType(json, 'AWS::Lambda::Permission').map(([, r]) => {
    const ref = r.Properties.FunctionName['Fn::GetAtt']?.[0] ?? r.Properties.FunctionName.Ref;
    return {
      fn: FUNCTION_NAMES.find((n) => ids[n] === ref),
      principal: r.Properties.Principal,
      sourceArn: r.Properties.SourceArn,
      p: r.Properties,
    };
  });
}

const envelope = (source: string, detailType = 'ComplaintResolved') => ({
  version: '0',
  id: 'x',
  'detail-type': detailType,
  source,
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'eu-central-1',
  resources: [],
  detail: { complaintId: 'c' },
});

describe('incoming rule: only the configured event sources', () => {
  test('sources and detail-type are exact strings (no prefix, wildcard, equals-ignore-case, anything-but, $or)', () => {
    for (const json of [base, changed]) {
      const pattern = rulePattern(json);
      expect(Object.keys(pattern).sort()).toEqual(['detail-type', 'source']);
      for (const v of [...pattern.source, ...pattern['detail-type']]) expect(typeof v).toBe('string');
      expect(JSON.stringify(pattern)).not.toMatch(/prefix|suffix|wildcard|ignore-case|anything-but|exists|\$or|\*/);
    }
  });

  test('the pattern lists exactly the configured sources', () => {
    expect(rulePattern(base)).toEqual({ source: ['retailer.complaints'], 'detail-type': ['ComplaintResolved'] });
    expect(rulePattern(changed)).toEqual({ source: ['crm.cases', 'shop.returns'], 'detail-type': ['ComplaintResolved'] });
  });

  const LOOKALIKES = [
    'retailer.complaints.evil',
    'RETAILER.COMPLAINTS',
    'Retailer.Complaints',
    'retailer.complaint',
    'evil.retailer.complaints',
    ' retailer.complaints',
    'retailer.complaints ',
    'retailer*complaints',
    'retailer.complaints\u0000',
  ];

  test.each(LOOKALIKES)('source %j does not match', (source) => {
    const match = compilePattern(rulePattern(base));
    expect(match(envelope('retailer.complaints'))).toBe(true); // control
    expect(match(envelope(source))).toBe(false);
  });

  test('the detail-type must match exactly too', () => {
    const match = compilePattern(rulePattern(base));
    for (const dt of ['complaintresolved', 'ComplaintResolved ', 'ComplaintResolvedV2', 'ComplaintOpened']) {
      expect(match(envelope('retailer.complaints', dt))).toBe(false);
    }
  });

  test('with other sources configured, the default source is no longer accepted', () => {
    const match = compilePattern(rulePattern(changed));
    expect(match(envelope('crm.cases'))).toBe(true);
    expect(match(envelope('shop.returns'))).toBe(true);
    expect(match(envelope('retailer.complaints'))).toBe(false);
    expect(match(envelope('crm.cases.evil'))).toBe(false);
  });

  test('the rule lives on the service bus and targets only grant', () => {
    for (const json of [base, changed]) {
      const rule = ofType(json, 'AWS::Events::Rule')[0]![1].Properties;
      const busId = ofType(json, 'AWS::Events::EventBus')[0]![0];
      expect(rule.EventBusName).toEqual({ Ref: busId });
      expect(rule.Targets.map((t: any) => t.Arn)).toEqual([{ 'Fn::GetAtt': [functionLogicalIds(json).grant, 'Arn'] }]);
    }
  });
});

describe('who may invoke the synchronous functions', () => {
  test.each([
    ['cdk.json', base, PAYMENT, ACCOUNT],
    ['changed context', changed, OTHER_PAYMENT, OTHER_ACCOUNT],
  ] as const)(
    '%s: redeem, reverse, hold, capture, release and refund only by the payment-flow role; balance also by the account service; nothing else',
    (_name, json, payment, account) => {
      const perms = permissions(json);
      const by = (fn: FunctionName) =>
        perms
          .filter((p) => p.fn === fn)
          .map((p) => p.principal)
          .sort();
      expect(by('redeem')).toEqual([payment]);
      expect(by('reverse')).toEqual([payment]);
      for (const fn of ['hold', 'capture', 'release', 'refund'] as const) expect(by(fn)).toEqual([payment]);
      expect(by('balance')).toEqual([account, payment].sort());
      expect(by('grant')).toEqual(['events.amazonaws.com']);
      for (const fn of ['expire', 'notify', 'publish'] as const) expect(by(fn)).toEqual([]);
      expect(perms).toHaveLength(9);
      for (const p of perms) {
        expect(p.fn).toBeDefined();
        expect(p.p.Action).toBe('lambda:InvokeFunction');
        expect(p.p.FunctionUrlAuthType).toBeUndefined();
        expect(p.p.PrincipalOrgID).toBeUndefined();
      }
      // the one service principal is pinned to the rule
      const ruleId = ofType(json, 'AWS::Events::Rule')[0]![0];
      expect(perms.find((p) => p.fn === 'grant')!.sourceArn).toEqual({ 'Fn::GetAtt': [ruleId, 'Arn'] });
    },
  );

  test('changing the context removes the old principals entirely', () => {
    const text = JSON.stringify(changed.Resources);
    expect(text).not.toContain(PAYMENT);
    expect(text).not.toContain(ACCOUNT);
    expect(text).toContain(OTHER_PAYMENT);
  });

  test('the payment-flow role is a principal only on invoke permissions (never in a policy document of ours)', () => {
    for (const [json, payment] of [
      [base, PAYMENT],
      [changed, OTHER_PAYMENT],
    ] as const) {
      const holders = Object.entries<any>(json.Resources)
        .filter(([, r]) => JSON.stringify(r).includes(payment))
        .map(([, r]) => r.Type);
      expect(new Set(holders)).toEqual(new Set(['AWS::Lambda::Permission']));
    }
  });
});
