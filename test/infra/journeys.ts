/**
 * Operator and caller journeys, as the IAM requests AWS would evaluate, for the journeys test and the table it keeps
 * in the docs: each journey once by the principal it is for (allowed) and by those it is not for (denied). The
 * requests are evaluated by the engine (local/iam) against a template with every outside role configured.
 */
import type { CourtesyConfig } from '../../infra/config-schema';
import { FUNCTION_LIST } from '../../infra/functions';
import type { Authorizer } from '../../local/iam/authorizer';
import type { Principal } from '../../local/iam/engine';
import { outsideRoles, someRole, type OutsideRole } from '../../local/iam/outside';
import { sqsSend, type IamCall } from '../../local/iam/sdk-calls';

export interface Journey {
  journey: string;
  /** Who, in words (the table's column). */
  who: string;
  principal: Principal;
  calls: IamCall[];
  expected: 'allowed' | 'denied';
}

const accountOf = (p: Principal) => (p.kind === 'role' ? p.arn.split(':')[4]! : '');

/** An account nothing is configured in. */
const OTHER_ACCOUNT = '666666666666';

/** The queue of a template by its construct id (the logical id minus CDK's hash). */
function queueArn(auth: Authorizer, constructId: string): string {
  const hit = [...auth.picture.arns].find(
    ([id]) => id.replace(/[0-9A-F]{8}$/, '') === constructId && auth.picture.resources[id]!.Type === 'AWS::SQS::Queue',
  );
  if (!hit) throw new Error(`no queue ${constructId} in the template`);
  return hit[1];
}

const receive = (queue: string): IamCall => ({
  action: 'sqs:ReceiveMessage',
  resource: queue,
  context: {},
  kms: { via: 'sqs', actions: ['kms:Decrypt'], encryptionContext: { 'aws:sqs:arn': queue } },
});
const onQueue = (action: string, queue: string): IamCall => ({ action, resource: queue, context: {} });

/** SQS StartMessageMoveTask from a dead-letter queue to its source: the caller needs all of these (SQS docs). */
function redrive(dlq: string, source: string): IamCall[] {
  return [
    onQueue('sqs:StartMessageMoveTask', dlq),
    receive(dlq),
    onQueue('sqs:DeleteMessage', dlq),
    onQueue('sqs:GetQueueAttributes', dlq),
    sqsSend(source),
  ];
}

function putEvents(auth: Authorizer, source: string, detailType: string): IamCall {
  const bus = [...auth.picture.arns].find(([id]) => auth.picture.resources[id]!.Type === 'AWS::Events::EventBus')![1];
  return { action: 'events:PutEvents', resource: bus, context: { 'events:source': [source], 'events:detail-type': [detailType] } };
}

function table(auth: Authorizer): string {
  return [...auth.picture.arns].find(([id]) => auth.picture.resources[id]!.Type === 'AWS::DynamoDB::Table')![1];
}

const item = (auth: Authorizer, action: string): IamCall => ({
  action: `dynamodb:${action}`,
  resource: table(auth),
  context: {},
  kms: {
    via: 'dynamodb',
    actions: ['kms:Decrypt'],
    encryptionContext: { 'aws:dynamodb:tableName': table(auth).split('/')[1]!, 'aws:dynamodb:subscriberId': auth.picture.account },
  },
});

const invoke = (auth: Authorizer, fn: string): IamCall => ({
  action: 'lambda:InvokeFunction',
  resource: auth.picture.functionArns.get(fn)!,
  context: {},
});

/** Every journey, for a template synthesized with `config` (every outside role configured). */
export function journeys(auth: Authorizer, config: CourtesyConfig): Journey[] {
  const roles = outsideRoles(config);
  const need = (r: OutsideRole): Principal => {
    const p = roles[r];
    if (!p) throw new Error(`journeys need courtesy config for ${r}`);
    return p;
  };
  const insider: [string, Principal] = ['another role of the account', someRole(auth.picture.account)];
  const outsider: [string, Principal] = ['a role of another account', someRole(OTHER_ACCOUNT)];
  const fnRole = (fn: string): [string, Principal] => [`${fn}'s execution role`, auth.functionRole(fn)];
  const out: Journey[] = [];
  const add = (journey: string, calls: IamCall[], allowed: [string, Principal], denied: Array<[string, Principal]>) => {
    out.push({ journey, who: allowed[0], principal: allowed[1], calls, expected: 'allowed' });
    for (const [who, principal] of denied) out.push({ journey, who, principal, calls, expected: 'denied' });
  };
  const ops: [string, Principal] = ['ops role (courtesy:opsRoleArn)', need('ops')];

  const redriver: [string, Principal] = ['redrive role (courtesy:redriveRoleArn)', need('redrive')];
  for (const spec of FUNCTION_LIST) {
    if (spec.trigger.kind !== 'queue') continue;
    const q = spec.trigger.queue;
    add(`redrive ${q.deadLetter.id} to ${q.id}`, redrive(queueArn(auth, q.deadLetter.id), queueArn(auth, q.id)), redriver, [
      insider,
      outsider,
      ops,
    ]);
  }
  const complaint = config.complaintEventSources[0]!;
  // A rejected complaint is replayed from the archive of what the complaint rule matched (StartReplay), never put on
  // the bus again: who may mint credit stays the configured publishers.
  const archive = [...auth.picture.arns].find(([id]) => auth.picture.resources[id]!.Type === 'AWS::Events::Archive');
  if (!archive) throw new Error('journeys need the complaint rule archive in the template');
  add(
    'replay rejected complaints from the complaint rule archive',
    [{ action: 'events:StartReplay', resource: archive[1], context: {} }],
    ops,
    [outsider, fnRole('publish')],
  );
  out.push({
    journey: 'put a rejected complaint from ComplaintRuleDlq back on the bus',
    who: ops[0],
    principal: ops[1],
    calls: [putEvents(auth, complaint, 'ComplaintResolved')],
    expected: 'denied',
  });
  add(
    'publish a ComplaintResolved event',
    [putEvents(auth, complaint, 'ComplaintResolved')],
    ['complaint publisher role', need('complaintPublisher')],
    [insider, outsider, ["publish's execution role (trying to grant)", auth.functionRole('publish')]],
  );
  // Invokers of another account: there only the function's permission decides (in the service's own account, a role
  // whose identity policy grants lambda:InvokeFunction may invoke any function; a permission cannot deny).
  const sibling = (r: OutsideRole, name: string): [string, Principal] => [
    `another role of the ${name} account`,
    someRole(accountOf(need(r))),
  ];
  add(
    'report (invoke report)',
    [invoke(auth, 'report')],
    ['finance role (courtesy:financeRoleArn)', need('finance')],
    [outsider, sibling('finance', "finance role's"), ['privacy role', need('privacy')]],
  );
  add('void (invoke void)', [invoke(auth, 'void')], ops, [outsider, ['finance role', need('finance')]]);
  add(
    'erase (invoke erase)',
    [invoke(auth, 'erase')],
    ['privacy role (courtesy:privacyRoleArn)', need('privacy')],
    [outsider, sibling('privacy', "privacy role's"), ['finance role', need('finance')]],
  );
  add(
    'approve (invoke approval)',
    [invoke(auth, 'approval')],
    ['approver role (courtesy:approverRoleArn)', need('approver')],
    [outsider, sibling('approver', "approver role's"), ['finance role', need('finance')]],
  );
  add(
    'redeem (invoke redeem)',
    [invoke(auth, 'redeem')],
    ['payment flow role', need('paymentFlow')],
    [outsider, sibling('paymentFlow', "payment flow role's"), ['account service role', need('accountService')]],
  );
  add(
    'break-glass read of the table',
    [item(auth, 'GetItem'), item(auth, 'Query')],
    ['break-glass role (courtesy:breakGlassRoleArn)', need('breakGlass')],
    [insider, outsider],
  );
  add('write an item of the table', [item(auth, 'PutItem')], fnRole('grant'), [
    insider,
    outsider,
    fnRole('balance'),
    fnRole('report'),
    fnRole('publish'),
  ]);
  add('read items of the table', [item(auth, 'Query')], fnRole('balance'), [insider, fnRole('publish'), fnRole('expire'), fnRole('route')]);
  return out;
}

/** The docs table: one row per journey and principal, with the engine's result. */
export function journeyTable(rows: Array<Journey & { actual: string }>): string {
  const cells = [['journey', 'principal', 'result'], ...rows.map((r) => [r.journey, r.who, r.actual])];
  const widths = [0, 1, 2].map((i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  // Aligned as the formatter (biome) writes Markdown tables, so the docs stay formatted.
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}
