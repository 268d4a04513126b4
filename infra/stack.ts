/**
 * The service's CloudFormation stack for one stage: the table, the bus, the work queues the router fills, one
 * ServiceFunction per catalogue entry (infra/functions.ts) wired to its trigger (infra/triggers.ts: the EventBridge
 * rule, the one stream mapping, a work queue), and the failure queues and buckets the triggers name.
 * Names that must be explicit derive from the stage (infra/names.ts). The resource policies of the bus, the table and the failure queues (trust boundaries) are built in
 * infra/security/, one hook each. The landing-zone settings add the customer-managed key and the VPC placement
 * (infra/options/).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { ATTR } from '../lambdas/adapters/dynamodb/layout';
import { NODE_OPTIONS } from './bundling';
import type { CourtesyConfig } from './config';
import { EmailEvents } from './constructs/email-events';
import { EventSchemas } from './constructs/event-schemas';
import { FailureBucket } from './constructs/failure-bucket';
import { FailureQueue } from './constructs/failure-queue';
import { RETAINED, ServiceFunction } from './constructs/service-function';
import { WorkQueue } from './constructs/work-queue';
import {
  FUNCTION_LIST,
  functionsTriggeredBy,
  LOG_LEVEL,
  type EnvVarName,
  type FailureBucketSpec,
  type FailureQueueSpec,
  type FunctionName,
  type FunctionSpec,
} from './functions';
import { functionNameOutputKey, METRICS_NAMESPACE, SERVICE_NAME, stageNames } from './names';
import { applyBusPolicy } from './security/bus-policy';
import { applyFailureQueuePolicies } from './security/queue-policy';
import { applyTablePolicy } from './security/table-policy';
import { allowRedrive, createServiceKey, queueKeyStatement, tableKeyStatement } from './options/encryption';
import { ServiceNetwork } from './options/network';
import { ServiceMonitoring } from './monitoring';
import { wireTrigger, type TriggerContext } from './triggers';

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

    const triggers: TriggerContext = {
      stack: this,
      config,
      bus,
      table,
      failureQueue: (spec) => this.failureQueue(spec),
      failureBucket: (spec) => this.failureBucket(spec),
      workQueue: (id) => this.workQueueMap[id]!,
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
      wireTrigger(triggers, fn, spec.trigger);
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

  private failureBucket(spec: FailureBucketSpec): FailureBucket {
    if (this.failureBucketMap[spec.id] !== undefined) throw new Error(`failure bucket ${spec.id} is named by two triggers`);
    return (this.failureBucketMap[spec.id] = new FailureBucket(this, spec, this.encryptionKey));
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
