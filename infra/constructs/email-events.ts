/**
 * The SES configuration set every email is sent through, and its CloudWatch event destination: the configured set
 * (`courtesy:sesConfigurationSet`) or, when none is configured, one the stack creates (CloudFormation names it). SES
 * then publishes Send, Bounce, Complaint, Reject and RenderingFailure counts to CloudWatch (namespace AWS/SES) with
 * the set's name as the `ses:configuration-set` dimension; the bounce and complaint alarms read them (infra/monitoring.ts).
 */
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

/** The SES auto-tag (a message tag SES sets on every send through a set) used as the CloudWatch dimension. */
export const SES_SET_DIMENSION = 'ses:configuration-set';
/** Email sending events SES publishes to CloudWatch for the set. */
export const PUBLISHED_EMAIL_EVENTS = ['send', 'reject', 'bounce', 'complaint', 'renderingFailure'] as const;
export type EmailEvent = (typeof PUBLISHED_EMAIL_EVENTS)[number];
/** CloudWatch metric name SES uses for each event type (namespace AWS/SES). */
export const EMAIL_EVENT_METRIC: { readonly [E in EmailEvent]: string } = {
  send: 'Send',
  reject: 'Reject',
  bounce: 'Bounce',
  complaint: 'Complaint',
  renderingFailure: 'RenderingFailure',
};

export interface EmailEventsProps {
  /** An existing configuration set to use; undefined: the stack creates one. */
  readonly configurationSetName?: string;
}

export class EmailEvents extends Construct {
  /** Name of the set notify sends through (a token when the stack creates it). */
  readonly configurationSetName: string;

  constructor(scope: Construct, id: string, props: EmailEventsProps) {
    super(scope, id);
    this.configurationSetName = props.configurationSetName ?? new ses.CfnConfigurationSet(this, 'ConfigurationSet', {}).ref;
    new ses.CfnConfigurationSetEventDestination(this, 'CloudWatchDestination', {
      configurationSetName: this.configurationSetName,
      eventDestination: {
        enabled: true,
        matchingEventTypes: [...PUBLISHED_EMAIL_EVENTS],
        cloudWatchDestination: {
          dimensionConfigurations: [
            { dimensionName: SES_SET_DIMENSION, dimensionValueSource: 'messageTag', defaultDimensionValue: 'none' },
          ],
        },
      },
    });
  }

  /** Count of one event type for this set, summed over `period`. */
  metric(event: EmailEvent, period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SES',
      metricName: EMAIL_EVENT_METRIC[event],
      dimensionsMap: { [SES_SET_DIMENSION]: this.configurationSetName },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  }
}
