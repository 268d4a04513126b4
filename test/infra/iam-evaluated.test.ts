/**
 * The synthesized templates evaluated by an IAM engine nobody here wrote (local/iam, @cloud-copilot/iam-simulate):
 * every service-to-service delivery allowed, on the default and the customer-managed-key template; the router may
 * forward to every work queue; and the operator and caller journeys allowed for the role they are for and denied to
 * everyone else — the docs table of journeys is the one this test computes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../infra/config';
import { REPO_ROOT } from '../../infra/paths';
import { cdkJsonContext, synthTemplate } from '../../infra/synth';
import { Authorizer, describeRequest } from '../../local/iam/authorizer';
import { evaluateDeliveries } from '../../local/iam/deliveries';
import { readIamPicture } from '../../local/iam/picture';
import { iamCallsOf } from '../../local/iam/sdk-calls';
import { LOCAL_ACCOUNT } from '../../local/cfn';
import { journeys, journeyTable } from './journeys';

const role = (name: string) => `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`;
/** Every outside role configured: ops, redrive and break-glass in the service's account, the other callers in theirs. */
const ALL_ROLES: Record<string, unknown> = {
  'courtesy:opsRoleArn': role('ops'),
  'courtesy:breakGlassRoleArn': role('break-glass'),
  'courtesy:redriveRoleArn': role('redrive'),
  'courtesy:privacyRoleArn': 'arn:aws:iam::333333333333:role/privacy',
  'courtesy:financeRoleArn': 'arn:aws:iam::222222222222:role/finance',
  'courtesy:approverRoleArn': 'arn:aws:iam::222222222222:role/approvers',
};
const KMS = { 'courtesy:kms': 'customer-managed' };
const VARIANTS: Array<[string, Record<string, unknown>]> = [
  ['default', {}],
  ['customer-managed key', KMS],
  ['every role configured', ALL_ROLES],
  ['every role configured, customer-managed key', { ...ALL_ROLES, ...KMS }],
];
const authorizers = new Map<string, Authorizer>();
const authorizer = (variant: string): Authorizer => {
  let auth = authorizers.get(variant);
  if (!auth) {
    const context = VARIANTS.find(([v]) => v === variant)![1];
    auth = new Authorizer(readIamPicture(synthTemplate({ context })));
    authorizers.set(variant, auth);
  }
  return auth;
};

describe.each(VARIANTS.map(([v]) => v))('%s template', (variant) => {
  test('every delivery of the template is allowed (rule → function and DLQ, mappings, destinations, alarms, logs)', async () => {
    const verdicts = await evaluateDeliveries(authorizer(variant));
    expect(verdicts.length).toBeGreaterThan(20);
    // One line per distinct denial (80 alarms share one topic), with how many deliveries it stops.
    const denied = new Map<string, number>();
    for (const v of verdicts.filter((x) => x.denial)) {
      const line = `${v.delivery.id.split(':')[0]} by ${v.delivery.principal.kind === 'service' ? v.delivery.principal.service : v.delivery.principal.arn}: ${describeRequest(v.denial!.request)} denied (${v.denial!.decision.why})`;
      denied.set(line, (denied.get(line) ?? 0) + 1);
    }
    expect([...denied].map(([line, n]) => `${n} × ${line}`)).toEqual([]);
  });

  test('route forwards to every work queue it routes to (SendMessageBatch, as lambdas/adapters/sqs.ts)', async () => {
    const auth = authorizer(variant);
    const routeId = [...auth.picture.arns].find(([, arn]) => arn === auth.picture.functionArns.get('route'))![0];
    const env = auth.picture.resolve(auth.picture.resources[routeId]!.Properties!.Environment.Variables, routeId);
    const urls = (JSON.parse(env.ROUTES) as Array<{ queueUrl: string }>).map((r) => r.queueUrl);
    expect(urls.length).toBeGreaterThan(3);
    const scope = { region: auth.picture.region, account: auth.picture.account };
    const denied: string[] = [];
    for (const url of urls) {
      for (const call of iamCallsOf(scope, 'SQS', 'SendMessageBatchCommand', { QueueUrl: url })) {
        const d = await auth.check(auth.functionRole('route'), call);
        if (d) denied.push(`${describeRequest(d.request)}: ${d.decision.why}`);
      }
    }
    expect(denied).toEqual([]);
  });
});

test('the key policy lets CloudWatch Logs use the key for log groups of this account only (encryption context evaluated)', async () => {
  const auth = authorizer('customer-managed key');
  const key = [...auth.picture.keys.values()][0]!;
  const logs = { kind: 'service' as const, service: `logs.${auth.picture.region}.amazonaws.com` };
  const encrypt = (group: string) =>
    auth.check(logs, {
      action: 'kms:Encrypt',
      resource: key,
      context: { 'kms:EncryptionContext:aws:logs:arn': group, 'kms:EncryptionContextKeys': ['aws:logs:arn'] },
    });
  expect(await encrypt(`arn:aws:logs:${auth.picture.region}:${LOCAL_ACCOUNT}:log-group:any`)).toBeUndefined();
  expect((await encrypt(`arn:aws:logs:${auth.picture.region}:666666666666:log-group:any`))?.decision.result).toBe('ImplicitlyDenied');
});

describe('operator and caller journeys (every role configured)', () => {
  const config = parseConfig((k) => ({ ...cdkJsonContext(), ...ALL_ROLES })[k]);
  const evaluate = async (variant: string) => {
    const auth = authorizer(variant);
    return Promise.all(
      journeys(auth, config).map(async (j) => {
        const denials = (await Promise.all(j.calls.map((c) => auth.check(j.principal, c)))).filter((d) => d !== undefined);
        const why = denials.map((d) => `${describeRequest(d.request)}: ${d.decision.why}`).join('; ');
        return { ...j, actual: denials.length ? 'denied' : 'allowed', why };
      }),
    );
  };

  test.each(['every role configured', 'every role configured, customer-managed key'])(
    '%s: allowed to the role each is for, denied to everyone else',
    async (variant) => {
      const rows = await evaluate(variant);
      expect(rows.length).toBeGreaterThan(30);
      const wrong = rows.filter((r) => r.actual !== r.expected).map((r) => `${r.journey} by ${r.who}: ${r.actual} (${r.why})`);
      expect(wrong).toEqual([]);
    },
  );

  test('the journeys table in the docs is the one the engine computes (UPDATE_IAM_TABLE=1 rewrites it)', async () => {
    const [plain, kms] = await Promise.all([evaluate('every role configured'), evaluate('every role configured, customer-managed key')]);
    expect(kms.map((r) => r.actual)).toEqual(plain.map((r) => r.actual)); // one table holds for both key settings
    const table = journeyTable(plain);
    const file = path.join(REPO_ROOT, JOURNEY_DOC);
    const text = fs.readFileSync(file, 'utf8');
    const [start, end] = [text.indexOf(MARK_START), text.indexOf(MARK_END)];
    expect(start).toBeGreaterThan(0);
    const current = text.slice(start + MARK_START.length, end).trim();
    if (process.env.UPDATE_IAM_TABLE && current !== table) {
      fs.writeFileSync(file, `${text.slice(0, start + MARK_START.length)}\n${table}\n${text.slice(end)}`);
      return;
    }
    expect(current).toBe(table);
  });
});

const JOURNEY_DOC = 'docs/security.md';
const MARK_START = '<!-- iam-journeys:start (test/infra/iam-evaluated.test.ts) -->';
const MARK_END = '<!-- iam-journeys:end -->';
