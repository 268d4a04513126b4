/**
 * Trust boundaries of the synthesized template (issue 13): the bus policy (who may publish complaint events, who may
 * speak as the service), the table policy (who may read or write items), the invoke permissions of every function,
 * and the settings behind them. Each statement is checked exactly, and the IAM engine (local/iam,
 * @cloud-copilot/iam-simulate) evaluates the template for the attacks the threat model in docs/security.md names.
 */
import { parseConfig } from '../../infra/config';
import { FAILURE_QUEUE_RETENTION } from '../../infra/constructs/failure-queue';
import { FUNCTION_LIST, FUNCTION_NAMES, type FunctionName } from '../../infra/functions';
import { BUS_POLICY_SID } from '../../infra/security/bus-policy';
import { QUEUE_POLICY_SID, REDRIVE_SOURCE_ACTIONS } from '../../infra/security/queue-policy';
import { TABLE_POLICY_SID } from '../../infra/security/table-policy';
import { cdkJsonContext, functionLogicalIds, synthTemplate } from '../../infra/synth';
import { compilePattern } from '../../local/pattern';
import { ALLOW_ALL, Authorizer } from '../../local/iam/authorizer';
import type { Principal } from '../../local/iam/engine';
import { readIamPicture } from '../../local/iam/picture';
import { LOCAL_ACCOUNT as MODEL_ACCOUNT } from '../../local/cfn';

const COMPLAINT_SERVICE = 'arn:aws:iam::111111111111:role/complaint-service'; // cdk.json
const SAME_ACCOUNT_PUBLISHER = `arn:aws:iam::${MODEL_ACCOUNT}:role/complaints/publisher`;
const FORWARDER = 'arn:aws:iam::444444444444:role/complaints/forwarder';
const PUBLISHER_ACCOUNT = '555555555555';
const BREAK_GLASS = `arn:aws:iam::${MODEL_ACCOUNT}:role/ops/break-glass`;
const REDRIVE = `arn:aws:iam::${MODEL_ACCOUNT}:role/ops/redrive`;

const base = synthTemplate();
const sameAccount = synthTemplate({ context: { 'courtesy:complaintPublisherPrincipals': [SAME_ACCOUNT_PUBLISHER] } });
const CROSS_ACCOUNT: Record<string, unknown> = {
  'courtesy:complaintEventSources': ['crm.cases', 'shop.returns'],
  'courtesy:complaintPublisherPrincipals': [FORWARDER, PUBLISHER_ACCOUNT],
  'courtesy:breakGlassRoleArn': BREAK_GLASS,
  'courtesy:redriveRoleArn': REDRIVE,
  'courtesy:paymentFlowRoleArn': 'arn:aws:iam::222222222222:role/checkout/payments-v2',
  // The approvers' role: the only invoker of approval (issue 11.2).
  'courtesy:approverRoleArn': 'arn:aws:iam::222222222222:role/approvers',
};
const crossAccount = synthTemplate({ context: CROSS_ACCOUNT });

const ofType = (json: Record<string, any>, type: string) => Object.entries<any>(json.Resources).filter(([, r]) => r.Type === type);
const only = <T>(xs: T[]): T => {
  expect(xs).toHaveLength(1);
  return xs[0]!;
};
/** Logical id of each function's execution role. */
const roleIds = (json: Record<string, any>): Record<FunctionName, string> => {
  const ids = functionLogicalIds(json);
  return Object.fromEntries(FUNCTION_NAMES.map((n) => [n, json.Resources[ids[n]].Properties.Role['Fn::GetAtt'][0]])) as Record<
    FunctionName,
    string
  >;
};
const getAtt = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const busPolicy = (json: Record<string, any>) => only(ofType(json, 'AWS::Events::EventBus'))[1].Properties.Policy;
const tablePolicy = (json: Record<string, any>) => only(ofType(json, 'AWS::DynamoDB::Table'))[1].Properties.ResourcePolicy.PolicyDocument;
const bySid = (policy: { Statement: any[] }, sid: string) => only(policy.Statement.filter((s) => s.Sid === sid));
const BUS_ARN = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':events:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':event-bus/courtesy-credits-dev',
    ],
  ],
};
/** An outside role, granted everything by its own account: only the template's resource policies can stop it. */
const caller = (arn: string): Principal => ({ kind: 'role', arn, session: 'test', policies: ALLOW_ALL });
const someone = (account: string): Principal => caller(`arn:aws:iam::${account}:role/anyone`);
const engines = new Map<Record<string, any>, Authorizer>();
const engine = (json: Record<string, any>): Authorizer => {
  if (!engines.has(json)) engines.set(json, new Authorizer(readIamPicture(json)));
  return engines.get(json)!;
};
const arnOfType = (json: Record<string, any>, type: string) => engine(json).picture.arns.get(only(ofType(json, type))[0])!;
/** The engine's decision for `who` calling `action` on `resource` with request `context`. */
const decideOn = async (
  json: Record<string, any>,
  who: Principal,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): Promise<'allow' | 'deny'> => ((await engine(json).check(who, { action, resource, context })) ? 'deny' : 'allow');

describe('bus policy: who may put events on the service bus', () => {
  test('three statements, all about events:PutEvents on this bus; no separate EventBusPolicy resource', () => {
    for (const json of [base, sameAccount, crossAccount]) {
      const policy = busPolicy(json);
      expect(policy.Statement.map((s: any) => s.Sid).sort()).toEqual(Object.values(BUS_POLICY_SID).sort());
      for (const s of policy.Statement) {
        expect(s.Action).toBe('events:PutEvents');
        expect(s.Resource).toEqual(BUS_ARN);
      }
      expect(ofType(json, 'AWS::Events::EventBusPolicy')).toEqual([]);
    }
  });

  test('allow: exactly the configured publishers, only ComplaintResolved from the configured sources', () => {
    expect(bySid(busPolicy(base), BUS_POLICY_SID.allowComplaintPublishers)).toEqual({
      Sid: BUS_POLICY_SID.allowComplaintPublishers,
      Effect: 'Allow',
      Principal: { AWS: COMPLAINT_SERVICE },
      Action: 'events:PutEvents',
      Resource: BUS_ARN,
      Condition: { 'ForAllValues:StringEquals': { 'events:source': ['retailer.complaints'], 'events:detail-type': ['ComplaintResolved'] } },
    });
    const cross = bySid(busPolicy(crossAccount), BUS_POLICY_SID.allowComplaintPublishers);
    expect(cross.Principal).toEqual({
      AWS: [FORWARDER, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${PUBLISHER_ACCOUNT}:root`]] }],
    });
    expect(cross.Condition).toEqual({
      'ForAllValues:StringEquals': { 'events:source': ['crm.cases', 'shop.returns'], 'events:detail-type': ['ComplaintResolved'] },
    });
  });

  test('deny: anyone but the publishers using a complaint source (one entry is enough)', () => {
    const deny = (json: Record<string, any>) => bySid(busPolicy(json), BUS_POLICY_SID.denyComplaintSources);
    expect(deny(base)).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect(deny(base).Condition).toEqual({
      'ForAnyValue:StringEquals': { 'events:source': ['retailer.complaints'] },
      ArnNotEquals: { 'aws:PrincipalArn': [COMPLAINT_SERVICE] },
    });
    expect(deny(crossAccount).Condition).toEqual({
      'ForAnyValue:StringEquals': { 'events:source': ['crm.cases', 'shop.returns'] },
      ArnNotEquals: { 'aws:PrincipalArn': [FORWARDER] },
      StringNotEquals: { 'aws:PrincipalAccount': [PUBLISHER_ACCOUNT] },
    });
  });

  test("deny: anyone but the publish function's role using the service's own source", () => {
    for (const json of [base, crossAccount]) {
      const deny = bySid(busPolicy(json), BUS_POLICY_SID.denyServiceSource);
      expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
      expect(deny.Condition).toEqual({
        'ForAnyValue:StringEquals': { 'events:source': ['courtesy-credits'] },
        ArnNotEquals: { 'aws:PrincipalArn': [getAtt(roleIds(json).publish)] },
      });
    }
  });

  describe('evaluated (IAM engine: an explicit deny wins; another account needs the allow)', () => {
    const put = (json: Record<string, any>, who: Principal, sources: string[], detailTypes = sources.map(() => 'ComplaintResolved')) =>
      decideOn(json, who, 'events:PutEvents', arnOfType(json, 'AWS::Events::EventBus'), {
        'events:source': sources,
        'events:detail-type': detailTypes,
      });
    const publish = () => engine(base).functionRole('publish');

    test('spoofed grant: a role of the account allowed PutEvents by its identity policy cannot publish a complaint', async () => {
      expect(await put(sameAccount, caller(SAME_ACCOUNT_PUBLISHER), ['retailer.complaints'])).toBe('allow'); // control
      expect(await put(sameAccount, someone(MODEL_ACCOUNT), ['retailer.complaints'])).toBe('deny');
      expect(await put(sameAccount, someone(MODEL_ACCOUNT), ['other.source', 'retailer.complaints'])).toBe('deny');
      expect(await put(sameAccount, engine(sameAccount).functionRole('publish'), ['retailer.complaints'])).toBe('deny');
      expect(await put(sameAccount, someone(MODEL_ACCOUNT), ['other.source'])).toBe('allow'); // the bus is not closed to other events
    });

    test('spoofed event out: only the publish role speaks as courtesy-credits, not even a complaint publisher', async () => {
      expect(await put(base, publish(), ['courtesy-credits'], ['CreditRedeemed'])).toBe('allow'); // control
      expect(await put(base, someone(MODEL_ACCOUNT), ['courtesy-credits'], ['CreditRedeemed'])).toBe('deny');
      expect(await put(sameAccount, caller(SAME_ACCOUNT_PUBLISHER), ['courtesy-credits'], ['CreditGranted'])).toBe('deny');
      expect(await put(base, caller(COMPLAINT_SERVICE), ['retailer.complaints', 'courtesy-credits'])).toBe('deny');
    });

    test('another account: the configured role, or any principal of the configured account, and only complaint events', async () => {
      expect(await put(crossAccount, caller(FORWARDER), ['crm.cases'])).toBe('allow');
      expect(await put(crossAccount, someone(PUBLISHER_ACCOUNT), ['shop.returns', 'crm.cases'])).toBe('allow');
      expect(await put(crossAccount, someone('444444444444'), ['crm.cases'])).toBe('deny'); // another role of the forwarder's account
      expect(await put(crossAccount, someone('666666666666'), ['crm.cases'])).toBe('deny');
      expect(await put(crossAccount, caller(FORWARDER), ['crm.cases'], ['ComplaintOpened'])).toBe('deny');
      expect(await put(crossAccount, caller(FORWARDER), ['crm.cases', 'other.source'])).toBe('deny');
      expect(await put(crossAccount, someone(PUBLISHER_ACCOUNT), ['courtesy-credits'], ['CreditGranted'])).toBe('deny');
      expect(await put(crossAccount, someone(MODEL_ACCOUNT), ['crm.cases'])).toBe('deny');
    });
  });

  test('the rule matches `account` only when the setting names accounts: then every publisher account', () => {
    const pattern = (json: Record<string, any>) => only(ofType(json, 'AWS::Events::Rule'))[1].Properties.EventPattern;
    expect(pattern(base).account).toBeUndefined();
    expect(pattern(crossAccount)).toEqual({
      source: ['crm.cases', 'shop.returns'],
      'detail-type': ['ComplaintResolved'],
      account: ['444444444444', PUBLISHER_ACCOUNT],
    });
    const match = compilePattern(pattern(crossAccount));
    const event = (account: string) => ({
      version: '0',
      id: 'x',
      'detail-type': 'ComplaintResolved',
      source: 'crm.cases',
      account,
      time: '2026-01-01T00:00:00Z',
      region: 'eu-central-1',
      resources: [],
      detail: {},
    });
    expect(match(event(PUBLISHER_ACCOUNT))).toBe(true);
    expect(match(event('444444444444'))).toBe(true);
    expect(match(event('666666666666'))).toBe(false);
  });
});

describe('complaint replay: from the archive of what the rule matched, never by putting the event again', () => {
  const rule = (json: Record<string, any>) => only(ofType(json, 'AWS::Events::Rule'));
  const archive = (json: Record<string, any>) => only(ofType(json, 'AWS::Events::Archive'))[1].Properties;
  const grantTrigger = only(FUNCTION_LIST.flatMap((f) => (f.trigger.kind === 'eventbridge' ? [f.trigger] : [])));

  // The bus policy lets no operator put a complaint source (who may mint credit stays the publishers); StartReplay
  // re-delivers only events the bus accepted from them, and grant is idempotent by complaintId.
  test('the service bus archives exactly what the complaint rule matches (every configuration)', () => {
    for (const json of [base, sameAccount, crossAccount]) {
      const a = archive(json);
      expect(a.SourceArn).toEqual(getAtt(only(ofType(json, 'AWS::Events::EventBus'))[0]));
      expect(a.EventPattern).toEqual(rule(json)[1].Properties.EventPattern);
    }
  });

  test('kept at least as long as a failure queue keeps the failure, counted from the event (plus the rule’s maximum event age)', () => {
    const days = archive(base).RetentionDays;
    expect(days * 86_400).toBeGreaterThanOrEqual(FAILURE_QUEUE_RETENTION.toSeconds() + grantTrigger.maxEventAgeSeconds);
    expect(days).toBeLessThanOrEqual(FAILURE_QUEUE_RETENTION.toDays() + 1); // personal data: no longer than that
  });

  test('the stack outputs the replay source (archive) and destination filter (rule)', () => {
    const [ruleId] = rule(base);
    const outputs = Object.values<any>(base.Outputs).map((o) => o.Value);
    expect(outputs).toContainEqual(getAtt(only(ofType(base, 'AWS::Events::Archive'))[0]));
    expect(outputs).toContainEqual(getAtt(ruleId));
  });

  test('replay needs no change to the bus policy: still only the complaint publishers may put a complaint source', () => {
    const statements = busPolicy(crossAccount).Statement;
    expect(statements.filter((st: any) => st.Effect === 'Allow').map((st: any) => st.Sid)).toEqual([
      BUS_POLICY_SID.allowComplaintPublishers,
    ]);
    expect(JSON.stringify(statements)).not.toContain(REDRIVE);
  });
});

/** Roles whose identity policies allow any of `actions` on the table (from the template, not from the catalogue). */
function rolesGranted(json: Record<string, any>, actions: readonly string[]): string[] {
  const tableId = only(ofType(json, 'AWS::DynamoDB::Table'))[0];
  const out = new Set<string>();
  for (const [, p] of ofType(json, 'AWS::IAM::Policy')) {
    for (const s of p.Properties.PolicyDocument.Statement) {
      const onTable = [s.Resource].flat().some((r: any) => r?.['Fn::GetAtt']?.[0] === tableId && r['Fn::GetAtt'][1] === 'Arn');
      if (s.Effect === 'Allow' && onTable && [s.Action].flat().some((a: string) => actions.includes(a))) {
        for (const r of p.Properties.Roles) out.add(r.Ref);
      }
    }
  }
  return [...out].sort();
}

describe('table policy: only the function roles (and break-glass) read or write items', () => {
  const WRITES = [
    'dynamodb:BatchWriteItem',
    'dynamodb:DeleteItem',
    'dynamodb:PartiQLDelete',
    'dynamodb:PartiQLInsert',
    'dynamodb:PartiQLUpdate',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
  ];
  const READS = [
    'dynamodb:BatchGetItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:GetItem',
    'dynamodb:PartiQLSelect',
    'dynamodb:Query',
    'dynamodb:Scan',
  ];
  const exempted = (json: Record<string, any>, sid: string) => bySid(tablePolicy(json), sid).Condition.ArnNotEquals['aws:PrincipalArn'];

  test('two deny statements on this table (Resource "*"), every principal, exact action lists; nothing allowed', () => {
    for (const json of [base, crossAccount]) {
      const policy = tablePolicy(json);
      expect(policy.Statement).toHaveLength(2);
      for (const [sid, actions] of [
        [TABLE_POLICY_SID.denyWrites, WRITES],
        [TABLE_POLICY_SID.denyReads, READS],
      ] as const) {
        const s = bySid(policy, sid);
        expect({ ...s, Condition: undefined }).toEqual({
          Sid: sid,
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: actions,
          Resource: '*',
          Condition: undefined,
        });
        expect(Object.keys(s.Condition)).toEqual(['ArnNotEquals']);
      }
    }
  });

  test('the exempted roles are exactly those the template grants table writes / reads to', () => {
    for (const json of [base, crossAccount]) {
      const ids = (sid: string) =>
        exempted(json, sid)
          .filter((a: unknown) => typeof a !== 'string')
          .map((a: any) => a['Fn::GetAtt'][0])
          .sort();
      expect(ids(TABLE_POLICY_SID.denyWrites)).toEqual(rolesGranted(json, WRITES));
      expect(ids(TABLE_POLICY_SID.denyReads)).toEqual(rolesGranted(json, READS));
      const r = roleIds(json);
      expect(ids(TABLE_POLICY_SID.denyWrites)).toEqual(
        [
          ...[r.grant, r.redeem, r.reverse, r.expire, r.notify, r.void, r.erase, r.aggregate],
          ...[r.hold, r.capture, r.release, r.refund, r.releaseExpired, r.approval, r.declineExpired],
        ].sort(),
      );
      expect(ids(TABLE_POLICY_SID.denyReads)).toEqual(
        [
          ...[r.grant, r.redeem, r.reverse, r.balance, r.notify, r.void, r.erase, r.report],
          ...[r.hold, r.capture, r.release, r.refund, r.releaseExpired, r.approval, r.declineExpired],
        ].sort(),
      );
    }
  });

  test('the break-glass role is exempted from both when configured, and nothing else by ARN', () => {
    for (const sid of Object.values(TABLE_POLICY_SID)) {
      expect(exempted(base, sid).filter((a: unknown) => typeof a === 'string')).toEqual([]);
      expect(exempted(crossAccount, sid).filter((a: unknown) => typeof a === 'string')).toEqual([BREAK_GLASS]);
    }
  });

  test('evaluated: direct table writes and reads by any other principal of the account are denied', async () => {
    const table = arnOfType(crossAccount, 'AWS::DynamoDB::Table');
    const call = (who: Principal, action: string) => decideOn(crossAccount, who, action, table);
    const fn = (name: FunctionName) => engine(crossAccount).functionRole(name);
    for (const action of [...WRITES, ...READS]) {
      expect(await call(someone(MODEL_ACCOUNT), action)).toBe('deny');
      expect(await call(caller(BREAK_GLASS), action)).toBe('allow');
    }
    expect(await call(fn('redeem'), 'dynamodb:UpdateItem')).toBe('allow');
    expect(await call(fn('balance'), 'dynamodb:Query')).toBe('allow');
    expect(await call(fn('balance'), 'dynamodb:PutItem')).toBe('deny'); // a reader is not exempt from the write deny
    // Even granted by an identity policy, a role the table policy does not exempt is denied.
    const publishRole = fn('publish');
    expect(await call(caller(publishRole.kind === 'role' ? publishRole.arn : ''), 'dynamodb:Query')).toBe('deny');
    expect(await call(fn('expire'), 'dynamodb:GetItem')).toBe('deny');
  });

  test('no dependency cycle: the template resources can be ordered (table → roles, policies → table)', () => {
    for (const json of [base, crossAccount]) {
      const deps = (v: unknown, out = new Set<string>()): Set<string> => {
        if (Array.isArray(v)) for (const x of v) deps(x, out);
        else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            if (k === 'Ref' && typeof x === 'string' && json.Resources[x]) out.add(x);
            else if (k === 'Fn::GetAtt') out.add((x as string[])[0]!);
            else deps(x, out);
          }
        }
        return out;
      };
      const graph = new Map(
        Object.entries<any>(json.Resources).map(([id, r]) => [id, new Set([...deps(r.Properties), ...[r.DependsOn ?? []].flat()])]),
      );
      const done = new Set<string>();
      while (done.size < graph.size) {
        const ready = [...graph].filter(([id, d]) => !done.has(id) && [...d].every((x) => done.has(x)));
        expect(ready.length).toBeGreaterThan(0);
        for (const [id] of ready) done.add(id);
      }
      const tableDeps = graph.get(only(ofType(json, 'AWS::DynamoDB::Table'))[0])!;
      expect([...tableDeps].every((id) => json.Resources[id].Type === 'AWS::IAM::Role')).toBe(true);
    }
  });
});

describe('failure queues holding whole events: only break-glass reads them', () => {
  const queuePolicy = (json: Record<string, any>, prefix: string) => {
    const [queueId] = only(ofType(json, 'AWS::SQS::Queue').filter(([id]) => id.replace(/[0-9A-F]{8}$/, '') === prefix));
    const [, p] = only(
      ofType(json, 'AWS::SQS::QueuePolicy').filter(([, r]) => JSON.stringify(r.Properties.Queues) === JSON.stringify([{ Ref: queueId }])),
    );
    return { queueId, policy: p.Properties.PolicyDocument };
  };
  // The rule's and grant's failure queues hold whole events; the workers' dead-letter queues whole stream records.
  // The workers' queues are the catalogue's (each worker's own queue and DLQ, test/infra/catalogue.test.ts).
  const WORKER_QUEUES = FUNCTION_LIST.flatMap((f) => (f.trigger.kind === 'queue' ? [f.trigger.queue] : []));
  const PAYLOAD = ['ComplaintRuleDlq', 'GrantFailures', ...WORKER_QUEUES.map((q) => q.deadLetter.id)];
  /** The work queues: their worker must receive from them, so no read deny (IAM grants only that worker). */
  const WORK = WORKER_QUEUES.map((q) => q.id);

  const WORKER_DLQS = WORKER_QUEUES.map((q) => q.deadLetter.id);

  test.each(PAYLOAD)(
    '%s: ReceiveMessage denied to everyone (cdk.json), to everyone but break-glass (and redrive, on a worker DLQ)',
    (prefix) => {
      const readers = WORKER_DLQS.includes(prefix) ? [BREAK_GLASS, REDRIVE] : [BREAK_GLASS];
      for (const [json, condition] of [
        [base, undefined],
        [crossAccount, { ArnNotEquals: { 'aws:PrincipalArn': readers } }],
      ] as const) {
        const { queueId, policy } = queuePolicy(json, prefix);
        expect(bySid(policy, QUEUE_POLICY_SID.denyReads)).toEqual({
          Sid: QUEUE_POLICY_SID.denyReads,
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sqs:ReceiveMessage',
          Resource: getAtt(queueId),
          ...(condition ? { Condition: condition } : {}),
        });
      }
    },
  );

  test.each(WORK)('%s (its worker receives from it): no read deny', (prefix) => {
    const [queueId] = only(ofType(base, 'AWS::SQS::Queue').filter(([id]) => id.replace(/[0-9A-F]{8}$/, '') === prefix));
    const statements = ofType(base, 'AWS::SQS::QueuePolicy')
      .filter(([, r]) => JSON.stringify(r.Properties.Queues) === JSON.stringify([{ Ref: queueId }]))
      .flatMap(([, r]) => r.Properties.PolicyDocument.Statement);
    expect(statements.filter((st: any) => st.Sid === QUEUE_POLICY_SID.denyReads)).toEqual([]);
  });

  test('evaluated: an operator of the account cannot read a grant failure; break-glass can; nothing else changes', async () => {
    const queue = engine(crossAccount).picture.arns.get(queuePolicy(crossAccount, 'GrantFailures').queueId)!;
    const call = (who: Principal, action: string, context: Record<string, string> = {}) =>
      decideOn(crossAccount, who, action, queue, context);
    expect(await call(someone(MODEL_ACCOUNT), 'sqs:ReceiveMessage')).toBe('deny');
    expect(await call(caller(BREAK_GLASS), 'sqs:ReceiveMessage')).toBe('allow');
    expect(await call(someone(MODEL_ACCOUNT), 'sqs:GetQueueAttributes')).toBe('allow'); // depth alarms and metrics still work
    expect(await call(caller(BREAK_GLASS), 'sqs:ReceiveMessage', { 'aws:SecureTransport': 'false' })).toBe('deny'); // TLS only
  });
});

describe('redrive: the redrive role may move a worker dead-letter queue back to its work queue, and nothing else', () => {
  const statementsOf = (json: Record<string, any>, prefix: string) => {
    const [queueId] = only(ofType(json, 'AWS::SQS::Queue').filter(([id]) => id.replace(/[0-9A-F]{8}$/, '') === prefix));
    const policies = ofType(json, 'AWS::SQS::QueuePolicy').filter(
      ([, r]) => JSON.stringify(r.Properties.Queues) === JSON.stringify([{ Ref: queueId }]),
    );
    return { queueId, statements: policies.flatMap(([, r]) => r.Properties.PolicyDocument.Statement) as any[] };
  };
  const WORKER_QUEUES = FUNCTION_LIST.flatMap((f) => (f.trigger.kind === 'queue' ? [f.trigger.queue] : []));

  // StartMessageMoveTask is authorized with ReceiveMessage, DeleteMessage and GetQueueAttributes on the DLQ and
  // SendMessage on the destination, as the caller: without these, the documented redrive is refused.
  test.each(WORKER_QUEUES.map((q) => [q.deadLetter.id, q.id]))('%s → %s: the move allowed to the redrive role only', (dlq, work) => {
    const from = statementsOf(crossAccount, dlq);
    expect(bySid({ Statement: from.statements }, QUEUE_POLICY_SID.redriveFrom)).toEqual({
      Sid: QUEUE_POLICY_SID.redriveFrom,
      Effect: 'Allow',
      Principal: { AWS: REDRIVE },
      Action: [...REDRIVE_SOURCE_ACTIONS].sort(),
      Resource: getAtt(from.queueId),
    });
    for (const a of ['sqs:StartMessageMoveTask', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'])
      expect(REDRIVE_SOURCE_ACTIONS).toContain(a);
    const to = statementsOf(crossAccount, work);
    expect(bySid({ Statement: to.statements }, QUEUE_POLICY_SID.redriveTo)).toEqual({
      Sid: QUEUE_POLICY_SID.redriveTo,
      Effect: 'Allow',
      Principal: { AWS: REDRIVE },
      Action: 'sqs:SendMessage',
      Resource: getAtt(to.queueId),
    });
    // not configured: nobody is allowed in its place
    for (const q of [dlq, work]) {
      expect(statementsOf(base, q).statements.filter((st) => st.Effect === 'Allow')).toEqual([]);
    }
  });

  test('the redrive role is allowed nothing on the queues that hold whole complaint events (no source queue to move back to)', () => {
    for (const q of ['ComplaintRuleDlq', 'GrantFailures']) {
      expect(JSON.stringify(statementsOf(crossAccount, q).statements)).not.toContain(REDRIVE);
    }
  });

  test('evaluated: the redrive role reads (and so redrives) a worker DLQ; not a grant failure; no other role of the account', async () => {
    const arnOf = (json: Record<string, any>, prefix: string) => engine(json).picture.arns.get(statementsOf(json, prefix).queueId)!;
    const on = (json: Record<string, any>, prefix: string, who: Principal, action: string) =>
      decideOn(json, who, action, arnOf(json, prefix));
    expect(await on(crossAccount, 'ExpireDlq', caller(REDRIVE), 'sqs:ReceiveMessage')).toBe('allow');
    expect(await on(crossAccount, 'ExpireDlq', caller(REDRIVE), 'sqs:StartMessageMoveTask')).toBe('allow');
    expect(await on(crossAccount, 'ExpireDlq', someone(MODEL_ACCOUNT), 'sqs:ReceiveMessage')).toBe('deny');
    expect(await on(crossAccount, 'GrantFailures', caller(REDRIVE), 'sqs:ReceiveMessage')).toBe('deny');
    expect(await on(crossAccount, 'ComplaintRuleDlq', caller(REDRIVE), 'sqs:ReceiveMessage')).toBe('deny');
    // the allows are what let a redrive role of another account in (its own IAM must allow it too)
    const elsewhere = 'arn:aws:iam::777777777777:role/ops/redrive';
    const other = synthTemplate({ context: { ...CROSS_ACCOUNT, 'courtesy:redriveRoleArn': elsewhere } });
    expect(await on(other, 'NotifyDlq', caller(elsewhere), 'sqs:ReceiveMessage')).toBe('allow');
    expect(await on(other, 'NotifyQueue', caller(elsewhere), 'sqs:SendMessage')).toBe('allow');
    expect(await on(other, 'NotifyQueue', caller(elsewhere), 'sqs:ReceiveMessage')).toBe('deny');
    expect(await on(other, 'NotifyDlq', someone('777777777777'), 'sqs:ReceiveMessage')).toBe('deny');
  });
});

describe('invoke boundaries: every function names exactly its intended invokers', () => {
  const configs: [string, Record<string, any>, Record<string, unknown>][] = [
    ['cdk.json', base, {}],
    ['other invokers, other account', crossAccount, CROSS_ACCOUNT],
  ];

  test.each(configs)(
    '%s: per catalogue entry, invoke → its configured roles, eventbridge → events.amazonaws.com from its rule, else none',
    (_n, json, ctx) => {
      const config = parseConfig((k) => ({ ...cdkJsonContext(), ...ctx })[k]);
      const fnIds = functionLogicalIds(json);
      const perms = ofType(json, 'AWS::Lambda::Permission').map(([, r]) => r.Properties);
      for (const spec of FUNCTION_LIST) {
        const mine = perms.filter((p) => p.FunctionName['Fn::GetAtt']?.[0] === fnIds[spec.name]);
        switch (spec.trigger.kind) {
          case 'invoke':
            expect(mine.map((p) => p.Principal).sort()).toEqual(spec.trigger.invokers.map((s) => config[s]).sort());
            for (const p of mine) expect(p.SourceArn).toBeUndefined();
            break;
          case 'eventbridge': {
            const p = only(mine);
            expect(p.Principal).toBe('events.amazonaws.com');
            const [ruleId, attr] = p.SourceArn['Fn::GetAtt'];
            expect(attr).toBe('Arn');
            expect(json.Resources[ruleId].Properties.Targets.map((t: any) => t.Arn)).toEqual([getAtt(fnIds[spec.name])]);
            break;
          }
          default:
            expect(mine).toEqual([]);
        }
      }
      expect(perms.every((p) => Object.values(fnIds).includes(p.FunctionName['Fn::GetAtt']?.[0]))).toBe(true);
    },
  );

  test.each(configs)('%s: no wildcard, no account-wide principal, no function URL, no org-wide grant', (_n, json) => {
    for (const [, r] of ofType(json, 'AWS::Lambda::Permission')) {
      const p = r.Properties;
      expect(p.Action).toBe('lambda:InvokeFunction');
      expect(typeof p.Principal).toBe('string');
      expect(p.Principal).not.toContain('*');
      expect(p.Principal).not.toMatch(/^\d{12}$/);
      expect(p.Principal).not.toMatch(/:root$/);
      expect(p.Principal).toMatch(/^arn:aws:iam::\d{12}:role\/|^events\.amazonaws\.com$/);
      expect(p.FunctionUrlAuthType).toBeUndefined();
      expect(p.PrincipalOrgID).toBeUndefined();
    }
  });
});

describe('settings: courtesy:complaintPublisherPrincipals and courtesy:breakGlassRoleArn', () => {
  const parse = (ctx: Record<string, unknown>) => parseConfig((k) => ({ ...cdkJsonContext(), ...ctx })[k]);
  test('roles and account ids, as a list or a comma-separated string', () => {
    expect(parse({ 'courtesy:complaintPublisherPrincipals': `${FORWARDER}, ${PUBLISHER_ACCOUNT}` }).complaintPublisherPrincipals).toEqual([
      { kind: 'role', arn: FORWARDER, account: '444444444444' },
      { kind: 'account', account: PUBLISHER_ACCOUNT },
    ]);
    expect(parse({ 'courtesy:breakGlassRoleArn': BREAK_GLASS }).breakGlassRole).toBe(BREAK_GLASS);
    expect(parse({}).breakGlassRole).toBeUndefined();
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['no publisher', { 'courtesy:complaintPublisherPrincipals': [] }, /complaintPublisherPrincipals: must be a non-empty list/],
    ['a wildcard', { 'courtesy:complaintPublisherPrincipals': ['*'] }, /each entry must be an IAM role ARN .* or a 12-digit account id/],
    ['a user', { 'courtesy:complaintPublisherPrincipals': ['arn:aws:iam::444444444444:user/bob'] }, /each entry must be/],
    ['an account root ARN', { 'courtesy:complaintPublisherPrincipals': ['arn:aws:iam::444444444444:root'] }, /each entry must be/],
    ['an 11-digit account', { 'courtesy:complaintPublisherPrincipals': ['44444444444'] }, /each entry must be/],
    ['a duplicate', { 'courtesy:complaintPublisherPrincipals': [FORWARDER, FORWARDER] }, /listed twice/],
    ['the service source as a complaint source', { 'courtesy:complaintEventSources': ['courtesy-credits'] }, /the service's own source/],
    [
      'a break-glass user',
      { 'courtesy:breakGlassRoleArn': 'arn:aws:iam::444444444444:user/root-ish' },
      /courtesy:breakGlassRoleArn: must be an IAM role ARN/,
    ],
  ])('rejects %s', (_what, ctx, message) => {
    expect(() => parse(ctx)).toThrow(message);
  });
});
