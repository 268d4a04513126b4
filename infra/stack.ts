/**
 * The service's CloudFormation stack for one stage: the table, the bus, one ServiceFunction per catalogue entry
 * (infra/functions.ts) and the wiring of each entry's trigger — the EventBridge rule, the stream mappings and the
 * failure queues they name. Names that must be explicit derive from the stage (infra/names.ts).
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { ATTR } from '../lambdas/adapters/dynamodb/layout';
import { COMPLAINT_RESOLVED } from '../lambdas/contracts';
import { NODE_OPTIONS } from './bundling';
import type { CourtesyConfig } from './config';
import { FailureQueue } from './constructs/failure-queue';
import { pascal, RETAINED, ServiceFunction } from './constructs/service-function';
import {
  FUNCTION_LIST,
  LOG_LEVEL,
  type EnvVarName,
  type FailureQueueSpec,
  type FunctionName,
  type FunctionSpec,
  type Trigger,
} from './functions';
import { METRICS_NAMESPACE, SERVICE_NAME, stageNames } from './names';

/** Settings of every stream mapping (the same for each consumer; filters and failure queue come from the catalogue). */
const STREAM_MAPPING = {
  startingPosition: lambda.StartingPosition.TRIM_HORIZON,
  batchSize: 25,
  bisectBatchOnError: true,
  retryAttempts: 5,
  maxRecordAge: Duration.days(1),
  reportBatchItemFailures: true,
} as const;

export interface CourtesyCreditsStackProps extends StackProps {
  /** The validated configuration (infra/config.ts loadConfig); its stage names the bus. */
  readonly config: CourtesyConfig;
}

export class CourtesyCreditsStack extends Stack {
  readonly config: CourtesyConfig;
  readonly table: dynamodb.Table;
  readonly bus: events.EventBus;
  readonly functions: { readonly [N in FunctionName]: ServiceFunction };
  /** Every failure queue, by construct id (filled while the triggers are wired). */
  private readonly failureQueues: Record<string, FailureQueue> = {};

  /** `id` is the stack name: use `stageNames(config.stage).stackName` (infra/app.ts, infra/synth.ts). */
  constructor(scope: Construct, id: string, props: CourtesyCreditsStackProps) {
    super(scope, id, {
      description: `Courtesy credits, stage ${props.config.stage}: grant, redeem, reverse, expire and remind (Lambda, DynamoDB, SES, EventBridge)`,
      ...props,
    });
    const config = (this.config = props.config);

    // Retained on stack deletion and replacement; removed only if the deploy that created it rolls back. No
    // deletion protection: CloudFormation could not remove a protected table on that rollback (README, Deploy).
    const table = (this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: ATTR.PK, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ATTR.SK, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: ATTR.TTL,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RETAINED,
    }));

    const bus = (this.bus = new events.EventBus(this, 'EventBus', { eventBusName: stageNames(config.stage).eventBusName }));

    const environment: { readonly [V in EnvVarName]: string | undefined } = {
      TABLE_NAME: table.tableName,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: LOG_LEVEL,
      NODE_OPTIONS,
      REMINDER_DAYS_BEFORE_EXPIRY: String(config.reminderDaysBeforeExpiry),
      MAX_GRANT_MAJOR_UNITS: String(config.maxGrantMajorUnits),
      SENDER_EMAIL: config.senderEmail,
      EMAIL_TIME_ZONE: config.emailTimeZone,
      SES_CONFIGURATION_SET: config.sesConfigurationSetName,
      EVENT_BUS_NAME: bus.eventBusName,
      HOLD_DEFAULT_LIFETIME_SECONDS: String(config.holdDefaultLifetimeSeconds),
      HOLD_MAX_LIFETIME_SECONDS: String(config.holdMaxLifetimeSeconds),
    };
    // SES authorizes a send against the identity and against the configuration set it uses (named, or the
    // identity's default set), so both are granted; only From the configured sender.
    const sesArn = (resource: string, resourceName: string) => this.formatArn({ service: 'ses', resource, resourceName });
    const permissionTargets = {
      senderIdentity: {
        resources: [
          sesArn('identity', config.sesIdentity),
          ...(config.sesConfigurationSetName !== undefined ? [sesArn('configuration-set', config.sesConfigurationSetName)] : []),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': config.senderEmail } },
      },
      eventBus: { resources: [bus.eventBusArn] },
    };

    const fns = {} as Record<FunctionName, ServiceFunction>;
    for (const spec of FUNCTION_LIST) {
      const fn = new ServiceFunction(this, { spec, tableArn: table.tableArn, environment, permissionTargets, roles: config });
      this.wireTrigger(fn, spec.trigger);
      fns[spec.name] = fn;
    }
    this.functions = fns;

    this.addOutputs(FUNCTION_LIST);
  }

  /** Connects a function to what triggers it; `invoke` permissions are the function's own (ServiceFunction). */
  private wireTrigger(fn: ServiceFunction, trigger: Trigger): void {
    switch (trigger.kind) {
      case 'eventbridge': {
        new events.Rule(this, trigger.rule.id, {
          description: trigger.rule.description,
          eventBus: this.bus,
          eventPattern: { source: [...this.config[trigger.sources]], detailType: [COMPLAINT_RESOLVED] },
          targets: [
            new targets.LambdaFunction(fn, {
              deadLetterQueue: this.failureQueue(trigger.rule.deadLetter),
              retryAttempts: trigger.ruleRetryAttempts,
              maxEventAge: Duration.seconds(trigger.maxEventAgeSeconds),
            }),
          ],
        });
        fn.configureAsyncInvoke({
          retryAttempts: trigger.asyncRetryAttempts,
          onFailure: new destinations.SqsDestination(this.failureQueue(trigger.onFailure)),
        });
        return;
      }
      case 'stream':
        fn.addEventSource(
          new DynamoEventSource(this.table, {
            ...STREAM_MAPPING,
            onFailure: new SqsDlq(this.failureQueue(trigger.onFailure)),
            filters: trigger.filters.map((pattern) => lambda.FilterCriteria.filter(pattern)),
          }),
        );
        return;
      case 'invoke':
        return;
    }
  }

  /** Every failure queue, by construct id. */
  get queues(): Readonly<Record<string, FailureQueue>> {
    return { ...this.failureQueues };
  }

  private failureQueue(spec: FailureQueueSpec): FailureQueue {
    if (this.failureQueues[spec.id] !== undefined) throw new Error(`failure queue ${spec.id} is named by two triggers`);
    return (this.failureQueues[spec.id] = new FailureQueue(this, spec));
  }

  private addOutputs(functions: readonly FunctionSpec[]): void {
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'DynamoDB table' });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName, description: 'EventBridge bus' });
    for (const spec of functions) {
      new CfnOutput(this, `${pascal(spec.name)}FunctionName`, {
        value: this.functions[spec.name].functionName,
        description: `Lambda function "${spec.name}"`,
      });
    }
    for (const [queueId, q] of Object.entries(this.failureQueues)) {
      new CfnOutput(this, `${queueId}QueueUrl`, { value: q.queueUrl, description: `Failure queue ${queueId}` });
    }
  }
}
