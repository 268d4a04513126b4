/**
 * Alarms and the dashboard of one stage (cdk-monitoring-constructs), built from what the stack contains rather than
 * from a list: every ServiceFunction (errors, throttles; stream consumers: iterator age; synchronous functions: p99
 * duration and INTERNAL answers), every FailureQueue (any visible message; oldest message close to the retention),
 * the email events of the SES configuration set (bounce and complaint rates) and the service's CONCURRENT_MODIFICATION
 * refusals. Every alarm notifies one SNS topic: the configured `courtesy:alarmTopicArn`, or one created here
 * (optionally with an email subscription, `courtesy:alarmEmail`). Created last in the stack: a function or failure
 * queue added after it fails synthesis instead of going unwatched.
 *
 * The created topic's policy allows CloudWatch to publish for this stack's alarms only (a topic policy replaces SNS's
 * default one, and `enforceSSL` alone leaves nothing but a deny); with the customer-managed key the topic is encrypted
 * with it and the key policy lets CloudWatch use it (infra/options/encryption.ts).
 */
import { ArnFormat, Duration, type Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { DefaultDashboardFactory, MonitoringFacade, SnsAlarmActionStrategy, type CustomMetricGroup } from 'cdk-monitoring-constructs';
import { Construct, type IConstruct } from 'constructs';
import { CONCURRENT_MODIFICATION_METRIC, operationFailedMetric } from '../lambdas/shared/metric-names';
import type { CourtesyConfig } from './config';
import type { EmailEvents } from './constructs/email-events';
import { FailureQueue } from './constructs/failure-queue';
import { allowAlarmTopicEncryption } from './options/encryption';
import { pascal, ServiceFunction } from './constructs/service-function';
import { SERVICE_NAME, stageNames } from './names';

/** Every alarm threshold, in one place (docs/operations.md "Alarms" explains each). */
export const ALARM_THRESHOLDS = {
  /** A failure queue alarms on its first visible message. */
  failureQueueMessages: 1,
  /** A failure queue alarms when its oldest message is this close to being deleted by the retention (counted from the original enqueue). */
  failureQueueAgeMargin: Duration.days(3),
  /** A stream consumer alarms when it lags this far behind the table's writes. */
  iteratorAge: Duration.minutes(15),
  /** A synchronous function (the payment flow waits for it) alarms when its p99 duration exceeds this. */
  syncP99: Duration.seconds(1),
  /** …for this many consecutive 5-minute periods (one slow period is noise). */
  syncP99Periods: 3,
  /** A synchronous function alarms on this many INTERNAL answers (Lambda counts no error for them). */
  syncInternalAnswers: 1,
  /** CONCURRENT_MODIFICATION refusals (callers that ran out of retry budget) per period. */
  concurrentModifications: 5,
  concurrentModificationPeriod: Duration.minutes(5),
  /** SES's own review thresholds (account under review at 5 % bounces, 0.1 % complaints). */
  bounceRate: 0.05,
  complaintRate: 0.001,
  /** Rates are computed over this period and only from this many sends on (a handful of sends is no rate). */
  emailRatePeriod: Duration.hours(1),
  emailRateMinSends: 100,
} as const;

export interface ServiceMonitoringProps {
  readonly config: CourtesyConfig;
  readonly email: EmailEvents;
  /** The service's customer-managed key (courtesy:kms=customer-managed): the created topic is encrypted with it. */
  readonly encryptionKey?: kms.Key;
}

/** Statement id of the created alarm topic's policy that lets CloudWatch publish (the tests refer to it). */
export const ALARM_TOPIC_SID = 'CloudWatchAlarmsOfThisStackPublish';

export class ServiceMonitoring extends Construct {
  readonly alarmTopic: sns.ITopic;
  readonly facade: MonitoringFacade;
  /** Namespace of the stage's custom metrics (POWERTOOLS_METRICS_NAMESPACE of every function). */
  private readonly namespace: string;

  constructor(scope: Stack, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    const { config } = props;
    const names = stageNames(config.stage);
    this.namespace = names.metricsNamespace;
    this.alarmTopic =
      config.alarmTopicArn !== undefined
        ? sns.Topic.fromTopicArn(this, 'AlarmTopic', config.alarmTopicArn)
        : this.createTopic(config, names.stackName, props.encryptionKey);

    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: {
        alarmNamePrefix: names.stackName,
        actionsEnabled: true,
        // One breaching period raises an alarm (a single message in a failure queue matters); p99 overrides this.
        datapointsToAlarm: 1,
        evaluationPeriods: 1,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: this.alarmTopic }),
      },
      metricFactoryDefaults: {},
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboards', {
        dashboardNamePrefix: names.stackName,
        createDashboard: true,
        createSummaryDashboard: false,
        createAlarmDashboard: false,
      }),
    });

    const functions = findAll(scope, ServiceFunction);
    const queues = findAll(scope, FailureQueue);
    for (const fn of functions) this.monitorFunction(fn);
    for (const queue of queues) this.monitorFailureQueue(queue);
    this.monitorConcurrentModifications();
    this.monitorEmail(props.email);

    // A function or failure queue created after this construct would have no alarm: refuse to synthesize.
    const watched = new Set<IConstruct>([...functions, ...queues]);
    this.node.addValidation({
      validate: () =>
        [...findAll(scope, ServiceFunction), ...findAll(scope, FailureQueue)]
          .filter((c) => !watched.has(c))
          .map((c) => `${c.node.path} is not monitored: create ServiceMonitoring after every function and failure queue`),
    });
  }

  /** `alarmNamePrefix`: every alarm's name starts with it (the facade's default), so the policy can name them all. */
  private createTopic(config: CourtesyConfig, alarmNamePrefix: string, key: kms.Key | undefined): sns.Topic {
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Courtesy credits ${config.stage} alarms`,
      enforceSSL: true,
      ...(key ? { masterKey: key } : {}),
    });
    const stack = topic.stack;
    // As AWS documents against the confused deputy: only alarms of this account, and of them only this stack's.
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: ALARM_TOPIC_SID,
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${alarmNamePrefix}-*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (config.alarmEmail !== undefined) topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    if (key) {
      allowAlarmTopicEncryption(key);
      return topic;
    }
    Validations.of(topic.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and metric values only, no customer data; CloudWatch cannot publish to a topic ' +
        'encrypted with the AWS-managed SNS key, and a customer-managed key for this alone is not worth its cost ' +
        '(with courtesy:kms=customer-managed the topic is encrypted with the service key).',
    });
    return topic;
  }

  private monitorFunction(fn: ServiceFunction): void {
    const { spec } = fn;
    const name = pascal(spec.name);
    const stream = spec.trigger.kind === 'stream';
    const sync = spec.trigger.kind === 'invoke';
    this.facade.monitorLambdaFunction({
      lambdaFunction: fn,
      alarmFriendlyName: name,
      humanReadableName: `${spec.name} function`,
      isIterator: stream,
      addFaultCountAlarm: { Errors: { maxErrorCount: 0 } },
      addThrottlesCountAlarm: { Throttles: { maxErrorCount: 0 } },
      ...(stream ? { addMaxIteratorAgeAlarm: { IteratorAge: { maxAgeInMillis: ALARM_THRESHOLDS.iteratorAge.toMilliseconds() } } } : {}),
      ...(sync ? { addLatencyP99Alarm: { P99: this.p99Threshold() } } : {}),
    });
    if (sync) {
      // syncHandler answers an unexpected failure as INTERNAL: the invocation succeeds, so Errors stays 0.
      const metric = this.serviceMetric(operationFailedMetric(name), Duration.minutes(5));
      this.countAlarm(`${name}Internal`, `${spec.name}: INTERNAL answers`, 'InternalAnswers', metric, ALARM_THRESHOLDS.syncInternalAnswers);
    }
  }

  private p99Threshold() {
    const periods = ALARM_THRESHOLDS.syncP99Periods;
    return { maxLatency: ALARM_THRESHOLDS.syncP99, datapointsToAlarm: periods, evaluationPeriods: periods };
  }

  private monitorFailureQueue(queue: FailureQueue): void {
    // A dead-letter queue's messages are deleted at their original enqueue time + retention, but its age metric counts
    // from the move: alarm on what is left after the longest time a message may have spent in the source queue.
    const maxAge = queue.retentionAfterArrival.minus(ALARM_THRESHOLDS.failureQueueAgeMargin);
    this.facade.monitorSqsQueue({
      queue,
      alarmFriendlyName: queue.node.id,
      humanReadableName: `${queue.node.id} (failure queue)`,
      addQueueMaxSizeAlarm: {
        Messages: {
          maxMessageCount: ALARM_THRESHOLDS.failureQueueMessages,
          comparisonOperatorOverride: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        },
      },
      addQueueMaxMessageAgeAlarm: { NearRetention: { maxAgeInSeconds: maxAge.toSeconds() } },
    });
  }

  private monitorConcurrentModifications(): void {
    const metric = this.serviceMetric(CONCURRENT_MODIFICATION_METRIC, ALARM_THRESHOLDS.concurrentModificationPeriod);
    this.countAlarm(
      'ConcurrentModification',
      'CONCURRENT_MODIFICATION refusals (every synchronous operation)',
      'Refusals',
      metric,
      ALARM_THRESHOLDS.concurrentModifications,
    );
  }

  /** One graph and one alarm on a count the functions emit: at least `threshold` in the metric's period; no data is fine. */
  private countAlarm(friendlyName: string, title: string, alarmId: string, metric: cloudwatch.Metric, threshold: number): void {
    this.facade.monitorCustom({
      alarmFriendlyName: friendlyName,
      humanReadableName: title,
      metricGroups: [
        {
          title,
          metrics: [
            {
              metric,
              alarmFriendlyName: friendlyName,
              addAlarm: {
                [alarmId]: {
                  threshold,
                  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                  treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
                },
              },
            },
          ],
        },
      ],
    });
  }

  private monitorEmail(email: EmailEvents): void {
    const period = ALARM_THRESHOLDS.emailRatePeriod;
    const send = email.metric('send', period);
    const rate = (event: 'bounce' | 'complaint', label: string) =>
      new cloudwatch.MathExpression({
        label,
        // A rate only from emailRateMinSends sends on; no events in a period count as zero.
        expression: `IF(FILL(sends, 0) >= ${ALARM_THRESHOLDS.emailRateMinSends}, FILL(${event}s, 0) / sends, 0)`,
        usingMetrics: { sends: send, [`${event}s`]: email.metric(event, period) },
        period,
      });
    const group: CustomMetricGroup = {
      title: 'Email bounce and complaint rates (SES configuration set)',
      metrics: [
        {
          metric: rate('bounce', 'Bounce rate'),
          alarmFriendlyName: 'BounceRate',
          addAlarm: {
            BounceRate: {
              threshold: ALARM_THRESHOLDS.bounceRate,
              comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
              treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
            },
          },
        },
        {
          metric: rate('complaint', 'Complaint rate'),
          alarmFriendlyName: 'ComplaintRate',
          addAlarm: {
            ComplaintRate: {
              threshold: ALARM_THRESHOLDS.complaintRate,
              comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
              treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
            },
          },
        },
      ],
    };
    this.facade.monitorCustom({ alarmFriendlyName: 'Email', humanReadableName: 'Email (SES)', metricGroups: [group] });
  }

  /** A custom metric the functions emit (Powertools EMF: the stage's namespace, dimension `service`). */
  private serviceMetric(metricName: string, period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  }
}

function findAll<T extends IConstruct>(scope: IConstruct, type: abstract new (...args: any[]) => T): T[] {
  return scope.node.findAll().filter((c): c is T => c instanceof type);
}
