import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BUNDLING } from './bundling';
import { loadConfig, type CourtesyConfig } from './config';
import {
  FUNCTION_LIST,
  FUNCTION_METADATA_KEY,
  LOG_LEVEL,
  METRICS_NAMESPACE,
  SERVICE_NAME,
  type EnvVarName,
  type FunctionName,
  type FunctionSpec,
} from './functions';

/** Repository root: entries in the catalogue are relative to it, and it holds the lock file. */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** Construct id (and CloudFormation stack name) of the stack. */
export const STACK_ID = 'CourtesyCredits';
export const EVENT_BUS_NAME = 'courtesy-credits';
/** detail-type of the events that trigger a grant (lambdas/contracts COMPLAINT_RESOLVED). */
export const COMPLAINT_RESOLVED_DETAIL_TYPE = 'ComplaintResolved';

/** DynamoDB actions each function may perform on the table (nothing else is granted on it). */
export const TABLE_ACTIONS: { readonly [N in FunctionName]: readonly string[] } = {
  grant: ['dynamodb:PutItem', 'dynamodb:GetItem'],
  redeem: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  reverse: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  balance: ['dynamodb:Query'],
  expire: ['dynamodb:PutItem'],
  notify: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  publish: [],
};

/** Record removed by DynamoDB's TTL sweeper (not by a user). */
const TTL_REMOVE = {
  eventName: lambda.FilterRule.isEqual('REMOVE'),
  userIdentity: {
    type: lambda.FilterRule.isEqual('Service'),
    principalId: lambda.FilterRule.isEqual('dynamodb.amazonaws.com'),
  },
} as const;
const INSERT = { eventName: lambda.FilterRule.isEqual('INSERT') } as const;

/** Stream filters per consumer; several filters on one mapping are ORed. */
export const STREAM_FILTERS = {
  expire: [
    lambda.FilterCriteria.filter({ ...TTL_REMOVE, dynamodb: { OldImage: { type: { S: lambda.FilterRule.isEqual('CREDIT') } } } }),
  ],
  notify: [
    lambda.FilterCriteria.filter({ ...INSERT, dynamodb: { NewImage: { type: { S: lambda.FilterRule.isEqual('CREDIT') } } } }),
    lambda.FilterCriteria.filter({ ...TTL_REMOVE, dynamodb: { OldImage: { type: { S: lambda.FilterRule.isEqual('REMINDER') } } } }),
  ],
  publish: [
    lambda.FilterCriteria.filter({ ...INSERT, dynamodb: { NewImage: { type: { S: lambda.FilterRule.isEqual('LEDGER') } } } }),
    lambda.FilterCriteria.filter({
      ...INSERT,
      dynamodb: {
        NewImage: { type: { S: lambda.FilterRule.isEqual('NOTICE') }, notice: { S: lambda.FilterRule.isEqual('REMINDER') } },
      },
    }),
  ],
} as const satisfies { readonly [N in FunctionName]?: readonly Record<string, unknown>[] };

export interface CourtesyCreditsStackProps extends StackProps {
  /** Defaults to the configuration read from CDK context (infra/config.ts). */
  readonly config?: CourtesyConfig;
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export class CourtesyCreditsStack extends Stack {
  readonly config: CourtesyConfig;
  readonly table: dynamodb.Table;
  readonly bus: events.EventBus;
  readonly functions: { readonly [N in FunctionName]: NodejsFunction };
  /** Every failure queue, by construct id. */
  readonly queues: Readonly<Record<string, sqs.Queue>>;

  constructor(scope: Construct, id: string, props: CourtesyCreditsStackProps = {}) {
    super(scope, id, {
      description: 'Courtesy credits: grant, redeem, reverse, expire and remind (Lambda, DynamoDB, SES, EventBridge)',
      ...props,
    });
    const config = (this.config = props.config ?? loadConfig(this));

    const table = (this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'ttl',
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    }));

    const bus = (this.bus = new events.EventBus(this, 'EventBus', { eventBusName: EVENT_BUS_NAME }));

    const queues: Record<string, sqs.Queue> = {};
    const queue = (queueId: string, purpose: string): sqs.Queue => {
      const q = new sqs.Queue(this, queueId, {
        enforceSSL: true,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(q.node.defaultChild!).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `${purpose}: this queue is itself the terminal dead-letter destination; a DLQ behind it would only move the same messages again.`,
      });
      queues[queueId] = q;
      return q;
    };

    const envValues: { readonly [V in EnvVarName]: string | undefined } = {
      TABLE_NAME: table.tableName,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: LOG_LEVEL,
      REMINDER_DAYS_BEFORE_EXPIRY: String(config.reminderDaysBeforeExpiry),
      MAX_GRANT_MAJOR_UNITS: String(config.maxGrantMajorUnits),
      SENDER_EMAIL: config.senderEmail,
      EMAIL_TIME_ZONE: config.emailTimeZone,
      SES_CONFIGURATION_SET: config.sesConfigurationSetName,
      EVENT_BUS_NAME: bus.eventBusName,
    };

    const fns = {} as Record<FunctionName, NodejsFunction>;
    for (const spec of FUNCTION_LIST) {
      fns[spec.name] = this.createFunction(spec, envValues);
    }
    this.functions = fns;

    // Data access: exact actions on the table only.
    for (const spec of FUNCTION_LIST) {
      const actions = TABLE_ACTIONS[spec.name];
      if (actions.length > 0) {
        fns[spec.name].addToRolePolicy(new iam.PolicyStatement({ actions: [...actions], resources: [table.tableArn] }));
      }
    }

    // notify: send email as the configured identity (and through the configuration set, if any) only.
    const sesResources = [this.formatArn({ service: 'ses', resource: 'identity', resourceName: config.sesIdentity })];
    if (config.sesConfigurationSetName !== undefined) {
      sesResources.push(this.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: config.sesConfigurationSetName }));
    }
    fns.notify.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: sesResources,
        conditions: { StringEquals: { 'ses:FromAddress': config.senderEmail } },
      }),
    );

    // publish: put events on the service's own bus only.
    fns.publish.addToRolePolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [bus.eventBusArn] }));

    // grant: ComplaintResolved events from the configured sources, delivered asynchronously.
    const ruleDlq = queue('ComplaintRuleDlq', 'ComplaintResolved events EventBridge could not deliver to grant');
    new events.Rule(this, 'ComplaintResolvedRule', {
      description: 'ComplaintResolved events trigger a courtesy credit grant',
      eventBus: bus,
      eventPattern: { source: [...config.complaintEventSources], detailType: [COMPLAINT_RESOLVED_DETAIL_TYPE] },
      targets: [
        new targets.LambdaFunction(fns.grant, {
          deadLetterQueue: ruleDlq,
          retryAttempts: 2,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
    const grantFailures = queue('GrantFailures', 'ComplaintResolved events grant failed to process after its async retries');
    fns.grant.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new destinations.SqsDestination(grantFailures),
    });

    // Stream consumers: exactly the catalogue's `stream` functions, each with its filters.
    const consumers = FUNCTION_LIST.filter((f) => f.trigger === 'stream').map((f) => f.name);
    const filtered = Object.keys(STREAM_FILTERS);
    if (consumers.join() !== filtered.join()) {
      throw new Error(`stream consumers in the catalogue (${consumers.join()}) and STREAM_FILTERS (${filtered.join()}) disagree`);
    }
    for (const name of filtered as (keyof typeof STREAM_FILTERS)[]) {
      const dlq = queue(`${pascal(name)}StreamFailures`, `Stream batches ${name} could not process`);
      fns[name].addEventSource(
        new DynamoEventSource(table, {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: 25,
          bisectBatchOnError: true,
          retryAttempts: 5,
          maxRecordAge: Duration.days(1),
          reportBatchItemFailures: true,
          onFailure: new SqsDlq(dlq),
          filters: [...STREAM_FILTERS[name]],
        }),
      );
    }

    // Synchronous callers.
    const invoke = (name: FunctionName, id: string, roleArn: string) =>
      fns[name].addPermission(id, { principal: new iam.ArnPrincipal(roleArn), action: 'lambda:InvokeFunction' });
    invoke('redeem', 'InvokeByPaymentFlow', config.paymentFlowRoleArn);
    invoke('reverse', 'InvokeByPaymentFlow', config.paymentFlowRoleArn);
    invoke('balance', 'InvokeByPaymentFlow', config.paymentFlowRoleArn);
    invoke('balance', 'InvokeByAccountService', config.accountServiceRoleArn);

    this.queues = queues;

    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'DynamoDB table' });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName, description: 'EventBridge bus' });
    for (const spec of FUNCTION_LIST) {
      new CfnOutput(this, `${pascal(spec.name)}FunctionName`, {
        value: fns[spec.name].functionName,
        description: `Lambda function "${spec.name}"`,
      });
    }
    for (const [queueId, q] of Object.entries(queues)) {
      new CfnOutput(this, `${queueId}QueueUrl`, { value: q.queueUrl, description: `Failure queue ${queueId}` });
    }
  }

  private createFunction(spec: FunctionSpec, envValues: { readonly [V in EnvVarName]: string | undefined }): NodejsFunction {
    const id = pascal(spec.name);
    const environment: Record<string, string> = {};
    for (const v of spec.env) {
      const value = envValues[v];
      if (value === undefined) throw new Error(`function ${spec.name}: no value for required environment variable ${v}`);
      environment[v] = value;
    }
    for (const v of spec.optionalEnv) {
      const value = envValues[v];
      if (value !== undefined) environment[v] = value;
    }

    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Own role instead of AWSLambdaBasicExecutionRole: logs may only go to this function's log group.
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the courtesy-credits "${spec.name}" function`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );

    const fn = new NodejsFunction(this, `${id}Function`, {
      entry: path.join(REPO_ROOT, spec.entry),
      handler: spec.handler,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memorySize,
      timeout: Duration.seconds(spec.timeoutSeconds),
      description: spec.description,
      environment,
      bundling: BUNDLING,
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup,
      role,
    });
    (fn.node.defaultChild as lambda.CfnFunction).addMetadata(FUNCTION_METADATA_KEY, spec.name);

    // Acknowledge on the L1 resources themselves, so the audit trail lands only where the finding is.
    Validations.of(role.node.findChild('DefaultPolicy').node.defaultChild!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only actions without resource-level permissions use "*": xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing)' +
        (spec.trigger === 'stream' ? ', and dynamodb:ListStreams (added by the DynamoDB event source; the stream read actions are scoped to the table stream ARN)' : '') +
        '. Every other statement names its resources.',
    });
    Validations.of(fn.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The service is specified for the Node.js 22 runtime (bundle target node22); moving to a newer runtime is a deliberate, tested upgrade.',
    });
    return fn;
  }
}
