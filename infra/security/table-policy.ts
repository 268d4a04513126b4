/**
 * The table's resource-based policy: only the service's function roles (and an optional break-glass role) may read
 * or write items (issue 13, item 2). Two deny statements, each exempting by `aws:PrincipalArn`:
 *
 * - item writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem, PartiQL insert/update/delete): denied to every
 *   principal but the roles of catalogue entries granted a write action on the table, and the break-glass role.
 *   TransactWriteItems has no IAM action of its own: IAM authorizes each Put/Update/Delete/ConditionCheck in it, so
 *   these denies cover transactions too.
 * - item reads (GetItem, BatchGetItem, Query, Scan, PartiQL select, ConditionCheckItem): denied to every principal
 *   but the roles granted a read action, and the break-glass role. Personal data (email address, complaint reason)
 *   sits on the credit items of every customer partition, so a key- or attribute-scoped deny would leave most of the
 *   table open; all item reads are denied instead. Support and reporting read through `balance` or the events.
 *
 * Not covered (documented in the threat model in docs/security.md): the stream (a stream policy cannot be attached in the deploy
 * that creates the stream), control-plane actions (backups, exports, restores, PutResourcePolicy/DeleteResourcePolicy
 * themselves: changing or removing this policy is the deliberate, CloudTrail-logged admin act).
 *
 * No dependency cycle: the policy names each role by its Arn attribute, and a role resource does not depend on the
 * table (its permissions are separate AWS::IAM::Policy resources that do). The policy's Resource is "*" (this
 * table): the table's own Arn attribute cannot be used inside the table, and its name is generated.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { FunctionSpec, TableAction } from '../functions';

export const TABLE_POLICY_SID = {
  denyWrites: 'OnlyServiceRolesWriteItems',
  denyReads: 'OnlyServiceRolesReadItems',
} as const;

export const ITEM_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
] as const;

export const ITEM_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PartiQLSelect',
  'dynamodb:ConditionCheckItem',
] as const;

/** Whether a catalogue table action reads or writes items; a new TableAction must be classified here. */
export const TABLE_ACTION_ACCESS: { readonly [A in TableAction]: 'read' | 'write' } = {
  'dynamodb:GetItem': 'read',
  'dynamodb:BatchGetItem': 'read',
  'dynamodb:Query': 'read',
  'dynamodb:PutItem': 'write',
  'dynamodb:UpdateItem': 'write',
  'dynamodb:DeleteItem': 'write',
  'dynamodb:Scan': 'read',
};

export interface TablePolicyProps {
  /** Every function with its catalogue entry and execution role. */
  readonly functions: readonly { readonly spec: FunctionSpec; readonly role: iam.IRole }[];
  /** `courtesy:breakGlassRoleArn`, if configured. */
  readonly breakGlassRole?: string;
}

/** The catalogue entries exempt from the deny on one kind of access: those granted such an action on the table. */
export function functionsWith(access: 'read' | 'write', specs: readonly FunctionSpec[]): FunctionSpec[] {
  return specs.filter((s) => s.tableActions.some((a) => TABLE_ACTION_ACCESS[a] === access));
}

export function applyTablePolicy(table: dynamodb.Table, props: TablePolicyProps): void {
  const exempt = (access: 'read' | 'write'): string[] => {
    const names = new Set(
      functionsWith(
        access,
        props.functions.map((f) => f.spec),
      ).map((s) => s.name),
    );
    const arns = props.functions.filter((f) => names.has(f.spec.name)).map((f) => f.role.roleArn);
    if (arns.length === 0) throw new Error(`table policy: no function ${access}s the table`);
    return [...arns, ...(props.breakGlassRole !== undefined ? [props.breakGlassRole] : [])];
  };
  const deny = (sid: string, actions: readonly string[], access: 'read' | 'write') =>
    new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [...actions],
      resources: ['*'],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': exempt(access) } },
    });
  table.addToResourcePolicy(deny(TABLE_POLICY_SID.denyWrites, ITEM_WRITE_ACTIONS, 'write'));
  table.addToResourcePolicy(deny(TABLE_POLICY_SID.denyReads, ITEM_READ_ACTIONS, 'read'));
}
