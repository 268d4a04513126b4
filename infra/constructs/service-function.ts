/**
 * One catalogue entry (infra/functions.ts) as deployed resources: the Lambda function (Node.js 22, arm64, X-Ray,
 * JSON logs, the shared bundling), its own execution role, its own log group, its table grants, its other
 * permissions, who may invoke it, and the cdk-nag acknowledgements that go with them. In the spirit of Powertools'
 * FunctionWithLogGroup: the role and log group are created beside the function (in the same scope), so the logical
 * ids stay <Name>Function, <Name>Role and <Name>Logs. Triggers (rules, stream mappings) are wired by the stack.
 */
import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BUNDLING } from '../bundling';
import type { CourtesyConfig } from '../config';
import { FUNCTION_METADATA_KEY, type EnvVarName, type FunctionSpec, type PermissionTarget, type RoleSetting } from '../functions';
import { VPC_ACCESS_ACTIONS, type FunctionPlacement } from '../options/network';
import type { LogRetentionDays } from '../options/settings';
import { REPO_ROOT } from '../paths';

/** What a permission's `on` resolves to in this stack. */
export interface PermissionScope {
  readonly resources: readonly string[];
  readonly conditions?: Record<string, unknown>;
}

export interface ServiceFunctionProps {
  readonly spec: FunctionSpec;
  /** The table every function works on; only `spec.tableActions` are granted on it. */
  readonly tableArn: string;
  /** Value of every environment variable (undefined: not configured in this deployment). */
  readonly environment: { readonly [V in EnvVarName]: string | undefined };
  readonly permissionTargets: { readonly [T in PermissionTarget]: PermissionScope };
  /** The configured role ARNs, for `invoke` triggers. */
  readonly roles: Pick<CourtesyConfig, RoleSetting>;
  /** The function's log group: retention (courtesy:logRetentionDays) and, with courtesy:kms=customer-managed, its key. */
  readonly logs: { readonly retentionDays: LogRetentionDays; readonly encryptionKey?: kms.IKey };
  /** With courtesy:vpc: the VPC, subnets and security group the function runs in. */
  readonly placement?: FunctionPlacement;
}

/** Retained on stack deletion and on replacement, but removed when the stack operation that created it rolls back. */
export const RETAINED = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;

/** A catalogue name as a construct id: `grant` → `Grant`, `declineExpired` → `DeclineExpired`. */
export const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export class ServiceFunction extends NodejsFunction {
  readonly spec: FunctionSpec;

  constructor(scope: Construct, props: ServiceFunctionProps) {
    const { spec } = props;
    const id = pascal(spec.name);
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logs.retentionDays as number as logs.RetentionDays,
      ...(props.logs.encryptionKey ? { encryptionKey: props.logs.encryptionKey } : {}),
      removalPolicy: RETAINED,
    });
    // Own role instead of AWSLambdaBasicExecutionRole: logs may only go to this function's log group.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the courtesy-credits "${spec.name}" function`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    // In a VPC: the network-interface actions Lambda needs, not the managed policy (it would allow logs everywhere).
    if (props.placement) role.addToPolicy(new iam.PolicyStatement({ actions: [...VPC_ACCESS_ACTIONS], resources: ['*'] }));

    super(scope, `${id}Function`, {
      entry: path.join(REPO_ROOT, spec.entry),
      handler: spec.handler,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memorySize,
      timeout: Duration.seconds(spec.timeoutSeconds),
      description: spec.description,
      environment: environmentOf(spec, props.environment),
      bundling: BUNDLING,
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup,
      role,
      ...(props.placement
        ? { vpc: props.placement.vpc, vpcSubnets: props.placement.vpcSubnets, securityGroups: [...props.placement.securityGroups] }
        : {}),
    });
    this.spec = spec;
    (this.node.defaultChild as lambda.CfnFunction).addMetadata(FUNCTION_METADATA_KEY, spec.name);

    // Data access: exact actions on the table only.
    if (spec.tableActions.length > 0) {
      this.addToRolePolicy(new iam.PolicyStatement({ actions: [...spec.tableActions], resources: [props.tableArn] }));
    }
    for (const p of spec.permissions) {
      const target = props.permissionTargets[p.on];
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...p.actions],
          resources: [...target.resources],
          ...(target.conditions ? { conditions: target.conditions } : {}),
        }),
      );
    }
    if (spec.trigger.kind === 'invoke') {
      for (const setting of spec.trigger.invokers) {
        // An optional role that is not configured: nobody is allowed in its place.
        const arn = props.roles[setting];
        if (arn === undefined) continue;
        this.addPermission(`InvokeBy${pascal(setting.replace(/RoleArn$/, ''))}`, {
          principal: new iam.ArnPrincipal(arn),
          action: 'lambda:InvokeFunction',
        });
      }
    }

    // Acknowledge on the L1 resources themselves, so the audit trail lands only where the finding is.
    Validations.of(role.node.findChild('DefaultPolicy').node.defaultChild!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only actions without resource-level permissions use "*": xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing)' +
        (spec.trigger.kind === 'stream'
          ? ', and dynamodb:ListStreams (added by the DynamoDB event source; the stream read actions are scoped to the table stream ARN)'
          : '') +
        (props.placement
          ? ', and the EC2 network-interface actions Lambda needs to run the function in a VPC (Lambda accepts no narrower resource for them)'
          : '') +
        '. Every other statement names its resources.',
    });
    Validations.of(this.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The service is specified for the Node.js 22 runtime (bundle target node22); moving to a newer runtime is a deliberate, tested upgrade.',
    });
  }
}

/** The entry's variables with their values; a required one without a value is a bug in the stack. */
function environmentOf(spec: FunctionSpec, values: ServiceFunctionProps['environment']): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const v of spec.env) {
    const value = values[v];
    if (value === undefined) throw new Error(`function ${spec.name}: no value for required environment variable ${v}`);
    environment[v] = value;
  }
  for (const v of spec.optionalEnv) {
    const value = values[v];
    if (value !== undefined) environment[v] = value;
  }
  return environment;
}
