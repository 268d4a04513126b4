/**
 * The service's CloudFormation stack for one stage: the table, the bus, one ServiceFunction per catalogue entry
 * (infra/functions.ts) and the wiring of each entry's trigger — the EventBridge rule, the one stream mapping (the
 * router) with its failure bucket, the work queues the router fills and their consumers, and the failure queues
 * they name. Names that must be explicit derive from the stage (infra/names.ts).
 * The resource policies of the bus, the table and the failure queues (trust boundaries) are built in
 * infra/security/, one hook each. The landing-zone settings add the customer-managed key and the VPC placement
 * (infra/options/).
 */
import { CfnOutput, Duration, Names, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ATTR } from '../lambdas/adapters/dynamodb/layout';
import { COMPLAINT_RESOLVED } from '../lambdas/contracts';
import { NODE_OPTIONS } from './bundling';
import type { CourtesyConfig } from './config';
import { EmailEvents } from './constructs/email-events';
import { EventSchemas } from './constructs/event-schemas';
import { FailureBucket } from './constructs/failure-bucket';
import { FAILURE_QUEUE_RETENTION, FailureQueue } from './constructs/failure-queue';
import { RETAINED, ServiceFunction } from './constructs/service-function';
import { boundToRate, WorkQueue } from './constructs/work-queue';
import {
  FUNCTION_LIST,
  functionsTriggeredBy,
  LOG_LEVEL,
  routeFilters,
  STREAM_GIVE_UP_HOURS,
  type EnvVarName,
  type FailureQueueSpec,
  type FunctionName,
  type FunctionSpec,
  type Trigger,
} from './functions';
import { functionNameOutputKey, METRICS_NAMESPACE, SERVICE_NAME, stageNames } from './names';
import { applyBusPolicy, complaintAccountMatch } from './security/bus-policy';
import { applyFailureQueuePolicies } from './security/queue-policy';
import { applyTablePolicy } from './security/table-policy';
import { allowRedrive, createServiceKey, queueKeyStatement, tableKeyStatement } from './options/encryption';
import { ServiceNetwork } from './options/network';
import { ServiceMonitoring } from './monitoring';

/**
 * Settings of the stream mapping (the router's; filters derive from the catalogue). No retry limit, but a record age
 * limit below the stream's retention: a failing batch is retried for STREAM_GIVE_UP_HOURS (the router fails only when
 * SQS does), then written whole to the failure bucket while its records still exist (at 24 h they are gone).
 */
const STREAM_MAPPING = {
  startingPosition: lambda.StartingPosition.TRIM_HORIZON,
  batchSize: 100,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  maxRecordAge: Duration.hours(STREAM_GIVE_UP_HOURS),
} as const;

export interface CourtesyCreditsStackProps extends StackProps {
  /** The validated configuration (infra/config.ts loadConfig); its stage names the bus. */
  readonly config: CourtesyConfig;
}

export class CourtesyCreditsStack extends Stack {
  readonly config: CourtesyConfig;
  readonly table: dynamodb.Table;
  readonly bus: events.EventBus;
  /** The EventBridge schema registry of the bus's events (infra/constructs/event-schemas.ts). */
  readonly schemaRegistryName: string;
  readonly functions: { readonly [N in FunctionName]: ServiceFunction };
  /** The customer-managed key of table, queues and log groups (courtesy:kms=customer-managed), else undefined. */
  readonly encryptionKey?: kms.Key;
  /** Where the functions run (courtesy:vpc), else undefined. */
  readonly network?: ServiceNetwork;
  /** Alarms, alarm topic and dashboard (infra/monitoring.ts). */
  readonly monitoring: ServiceMonitoring;
  /** Every failure queue, by construct id (filled while the triggers are wired). */
  private readonly failureQueues: Record<string, FailureQueue> = {};
  /** The workers' queues, by construct id. */
  private readonly workQueueMap: Record<string, WorkQueue> = {};
  /** Failure buckets of stream mappings, by construct id. */
  private readonly failureBucketMap: Record<string, FailureBucket> = {};

  /** `id` is the stack name: use `stageNames(config.stage).stackName` (infra/app.ts, infra/synth.ts). */
  constructor(scope: Construct, id: string, props: CourtesyCreditsStackProps) {
    super(scope, id, {
      description: `Courtesy credits, stage ${props.config.stage}: grant, redeem, reverse, expire and remind (Lambda, DynamoDB, SES, EventBridge)`,
      ...props,
    });
    const config = (this.config = props.config);
    const names = stageNames(config.stage);
    const key = (this.encryptionKey =
      config.kms === 'customer-managed' ? createServiceKey(this, { stage: config.stage, eventBusName: names.eventBusName }) : undefined);

    // Retained on stack deletion and replacement; removed only if the deploy that created it rolls back. No
    // deletion protection: CloudFormation could not remove a protected table on that rollback (docs/deploy.md).
    const table = (this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: ATTR.PK, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ATTR.SK, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: ATTR.TTL,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RETAINED,
      ...(key ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key } : {}),
    }));

    const bus = (this.bus = new events.EventBus(this, 'EventBus', { eventBusName: names.eventBusName }));
    this.schemaRegistryName = new EventSchemas(this, 'EventSchemas', { registryName: names.schemaRegistryName }).registryName;
    const network = (this.network =
      config.vpc.placement === 'none'
        ? undefined
        : new ServiceNetwork(this, 'Network', {
            setting: config.vpc,
            functions: FUNCTION_LIST,
            tableArn: table.tableArn,
            logRetentionDays: config.logRetentionDays,
            logRemovalPolicy: RETAINED,
            ...(key ? { encryptionKey: key } : {}),
          }));
    const email = new EmailEvents(this, 'Email', { configurationSetName: config.sesConfigurationSetName });

    // The workers' queues first: the router's routes and permissions name them.
    const workers = functionsTriggeredBy('queue');
    for (const w of workers) {
      const { queue } = w.trigger;
      this.workQueueMap[queue.id] = new WorkQueue(this, {
        spec: queue,
        deadLetter: this.failureQueue(queue.deadLetter),
        functionTimeoutSeconds: w.timeoutSeconds,
        ...(this.encryptionKey ? { encryptionKey: this.encryptionKey } : {}),
      });
    }
    const routes = workers.map((w) => ({ queueUrl: this.workQueueMap[w.trigger.queue.id]!.queueUrl, consumes: w.trigger.consumes }));

    const environment: { readonly [V in EnvVarName]: string | undefined } = {
      TABLE_NAME: table.tableName,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: stageNames(config.stage).metricsNamespace,
      POWERTOOLS_LOG_LEVEL: LOG_LEVEL,
      POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
      NODE_OPTIONS,
      REMINDER_DAYS_BEFORE_EXPIRY: String(config.reminderDaysBeforeExpiry),
      MAX_GRANT_MAJOR_UNITS: String(config.maxGrantMajorUnits),
      SENDER_EMAIL: config.senderEmail,
      EMAIL_TIME_ZONE: config.emailTimeZone,
      SES_CONFIGURATION_SET: email.configurationSetName,
      EVENT_BUS_NAME: bus.eventBusName,
      HOLD_DEFAULT_LIFETIME_SECONDS: String(config.holdDefaultLifetimeSeconds),
      HOLD_MAX_LIFETIME_SECONDS: String(config.holdMaxLifetimeSeconds),
      GRANT_CAPS: JSON.stringify(config.grantCaps),
      ROUTES: this.toJsonString(routes),
      APPROVAL_THRESHOLDS: JSON.stringify(config.approvalThreshold),
      APPROVAL_TIMEOUT_HOURS: String(config.approvalTimeoutHours),
    };
    // SES authorizes a send against the identity and against the configuration set it uses, so both are granted;
    // only From the configured sender.
    const sesArn = (resource: string, resourceName: string) => this.formatArn({ service: 'ses', resource, resourceName });
    const permissionTargets = {
      senderIdentity: {
        resources: [sesArn('identity', config.sesIdentity), sesArn('configuration-set', email.configurationSetName)],
        conditions: { StringEquals: { 'ses:FromAddress': config.senderEmail } },
      },
      eventBus: { resources: [bus.eventBusArn] },
      workQueues: { resources: Object.values(this.workQueueMap).map((q) => q.queueArn) },
    };

    const fns = {} as Record<FunctionName, ServiceFunction>;
    for (const spec of FUNCTION_LIST) {
      const fn = new ServiceFunction(this, {
        spec,
        tableArn: table.tableArn,
        environment,
        permissionTargets,
        roles: config,
        logs: { retentionDays: config.logRetentionDays, ...(key ? { encryptionKey: key } : {}) },
        ...(network ? { placement: network.placement } : {}),
      });
      if (key) this.grantKeyUse(fn, key);
      this.wireTrigger(fn, spec.trigger);
      fns[spec.name] = fn;
    }
    this.functions = fns;

    // Trust boundaries (infra/security/): who may put events on the bus, read or write items, read or redrive failures.
    const roles = FUNCTION_LIST.map((spec) => ({ spec, role: fns[spec.name].role! }));
    applyBusPolicy(bus, {
      config,
      servicePublisherRoles: roles.filter((f) => f.spec.permissions.some((p) => p.on === 'eventBus')).map((f) => f.role),
    });
    applyTablePolicy(table, { functions: roles, breakGlassRole: config.breakGlassRole });
    applyFailureQueuePolicies({
      queues: { ...this.failureQueues, ...this.workQueueMap },
      specs: FUNCTION_LIST,
      breakGlassRole: config.breakGlassRole,
      redriveRole: config.redriveRole,
    });
    if (key && config.redriveRole !== undefined) allowRedrive(key, config.redriveRole);

    this.addOutputs(FUNCTION_LIST);
    this.monitoring = new ServiceMonitoring(this, 'Monitoring', { config, email, ...(key ? { encryptionKey: key } : {}) }); // last: watches every function and queue
  }

  /**
   * The customer-managed key's use a function needs beyond its triggers (failure destinations and event sources grant
   * their own): through DynamoDB for its table actions or the stream it reads, through SQS for the queues it sends to.
   */
  private grantKeyUse(fn: ServiceFunction, key: kms.IKey): void {
    const { spec } = fn;
    if (spec.tableActions.length > 0 || spec.trigger.kind === 'stream') fn.addToRolePolicy(tableKeyStatement(key, spec.tableActions));
    if (spec.permissions.some((p) => p.on === 'workQueues')) fn.addToRolePolicy(queueKeyStatement(key, 'send'));
  }

  /** Connects a function to what triggers it; `invoke` permissions are the function's own (ServiceFunction). */
  private wireTrigger(fn: ServiceFunction, trigger: Trigger): void {
    switch (trigger.kind) {
      case 'eventbridge': {
        const eventPattern: events.EventPattern = {
          source: [...this.config[trigger.sources]],
          detailType: [COMPLAINT_RESOLVED],
          ...complaintAccountMatch(this.config.complaintPublisherPrincipals),
        };
        const rule = new events.Rule(this, trigger.rule.id, {
          description: trigger.rule.description,
          eventBus: this.bus,
          eventPattern,
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
          onFailure: this.failureQueue(trigger.onFailure).asOnFailureDestination(),
        });
        // What the rule matched, kept as long as its failure queues keep a failure: a failed event is replayed from
        // here to this rule (StartReplay), not put again, so replaying mints nothing the publishers did not send.
        const archive = this.bus.archive(`${trigger.rule.id}Archive`, {
          description: `${trigger.rule.description}: every matched event, for replay after a failure`,
          eventPattern,
          retention: Duration.days(FAILURE_QUEUE_RETENTION.toDays() + Math.ceil(trigger.maxEventAgeSeconds / 86_400)),
        });
        new CfnOutput(this, `${trigger.rule.id}ArchiveArn`, {
          value: archive.archiveArn,
          description: `Replay source of ${trigger.rule.id}`,
        });
        new CfnOutput(this, `${trigger.rule.id}Arn`, {
          value: rule.ruleArn,
          description: `Replay destination filter (${trigger.rule.id})`,
        });
        return;
      }
      case 'stream': {
        if (this.failureBucketMap[trigger.onFailure.id] !== undefined)
          throw new Error(`failure bucket ${trigger.onFailure.id} is named by two triggers`);
        const bucket = (this.failureBucketMap[trigger.onFailure.id] = new FailureBucket(this, trigger.onFailure, this.encryptionKey));
        const streamArn = this.table.tableStreamArn!;
        // The stream read actions on this table's stream (ListStreams has no resource-level permissions). Wired here
        // rather than with DynamoEventSource, whose grant adds the key without a kms:ViaService condition.
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
            resources: [streamArn],
          }),
        );
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] }));
        // The id DynamoEventSource used, so a deployed mapping keeps its logical id.
        fn.addEventSourceMapping(`DynamoDBEventSource:${Names.nodeUniqueId(this.table.node)}`, {
          eventSourceArn: streamArn,
          ...STREAM_MAPPING,
          onFailure: bucket.asOnFailureDestination(),
          supportS3OnFailureDestination: true,
          filters: routeFilters().map((pattern) => lambda.FilterCriteria.filter(pattern as Record<string, unknown>)),
        });
        return;
      }
      case 'queue': {
        // A worker that sends email (SES) is bounded to the account's send rate: the mapping's MaximumConcurrency
        // stops the poller receiving more (reserved concurrency would throttle invocations instead, and every
        // throttled batch would come back with its receive count raised, towards the dead-letter queue).
        const sendsEmail = fn.spec.permissions.some((p) => p.on === 'senderIdentity');
        const queue = this.workQueueMap[trigger.queue.id]!;
        queue.consumeWith(fn, sendsEmail ? boundToRate(this.config.sesMaxSendRate, trigger.queue.batchSize) : undefined);
        return;
      }
      case 'invoke':
        return;
    }
  }

  /** Every failure queue, by construct id. */
  get queues(): Readonly<Record<string, FailureQueue>> {
    return { ...this.failureQueues };
  }

  /** The workers' queues, by construct id. */
  get workQueues(): Readonly<Record<string, WorkQueue>> {
    return { ...this.workQueueMap };
  }

  /** The stream mappings' failure buckets, by construct id. */
  get failureBuckets(): Readonly<Record<string, FailureBucket>> {
    return { ...this.failureBucketMap };
  }

  private failureQueue(spec: FailureQueueSpec): FailureQueue {
    if (this.failureQueues[spec.id] !== undefined) throw new Error(`failure queue ${spec.id} is named by two triggers`);
    return (this.failureQueues[spec.id] = new FailureQueue(this, spec, this.encryptionKey));
  }

  private addOutputs(functions: readonly FunctionSpec[]): void {
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'DynamoDB table' });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName, description: 'EventBridge bus' });
    new CfnOutput(this, 'SchemaRegistryName', {
      value: this.schemaRegistryName,
      description: "EventBridge schema registry of the bus's events (code bindings: aws schemas get-code-binding-source)",
    });
    for (const spec of functions) {
      new CfnOutput(this, functionNameOutputKey(spec.name), {
        value: this.functions[spec.name].functionName,
        description: `Lambda function "${spec.name}"`,
      });
    }
    for (const [queueId, q] of Object.entries(this.failureQueues)) {
      new CfnOutput(this, `${queueId}QueueUrl`, { value: q.queueUrl, description: `Failure queue ${queueId}` });
    }
    for (const [queueId, q] of Object.entries(this.workQueueMap)) {
      new CfnOutput(this, `${queueId}Url`, {
        value: q.queueUrl,
        description: `Work queue ${queueId} (its dead-letter queue: ${q.spec.deadLetter.id})`,
      });
    }
    for (const [bucketId, b] of Object.entries(this.failureBucketMap)) {
      new CfnOutput(this, `${bucketId}Name`, { value: b.bucketName, description: `Stream failure records (${bucketId})` });
    }
  }
}
