/**
 * The service-to-service deliveries a template sets up, as IAM requests: EventBridge rule → Lambda (the function's
 * permission) and → the target's dead-letter queue (queue policy + key); event source mappings reading SQS (role
 * receive/delete + key) or the table stream, and sending discarded batches to S3 or SQS (role + bucket/queue policy
 * + key); Lambda async failure → SQS; CloudWatch alarm → SNS (topic policy + key); SES configuration set → its event
 * destinations; Lambda → its log group, and CloudWatch Logs → the log group's key. A delivery the local runtime
 * cannot evaluate throws.
 */
import { TemplateError } from '../cfn';
import type { Denial } from './authorizer';
import type { Authorizer } from './authorizer';
import type { Principal } from './engine';
import { sqsSend, type IamCall } from './sdk-calls';

export interface Delivery {
  /** Stable id: <kind>:<logical id>[/<detail>]. */
  id: string;
  /** In words, for logs and reports. */
  what: string;
  principal: Principal;
  calls: IamCall[];
}

export interface DeliveryVerdict {
  delivery: Delivery;
  denial?: Denial;
}

const service = (name: string): Principal => ({ kind: 'service', service: name });

/** Every delivery of the template behind `auth`. */
export function templateDeliveries(auth: Authorizer): Delivery[] {
  const pic = auth.picture;
  const out: Delivery[] = [];
  const arnOf = (v: unknown, where: string) => String(pic.resolve(v, where));
  const sourceContext = (sourceArn: string) => ({ 'aws:SourceArn': sourceArn, 'aws:SourceAccount': pic.account });
  const catalogueName = (fnArn: string) => [...pic.functionArns].find(([, arn]) => arn === fnArn)?.[0];
  const roleOfFunction = (fnRef: unknown, where: string) => {
    const ref = arnOf(fnRef, where);
    const name = ref.startsWith('arn:') ? catalogueName(ref) : pic.functionArns.has(ref) ? ref : undefined;
    if (!name) throw new TemplateError(`${where}: not a catalogue function`);
    return { name, principal: auth.functionRole(name) };
  };
  const toQueueOrBucket = (dest: string, where: string): IamCall[] => {
    if (dest.startsWith('arn:aws:sqs:')) return [sqsSend(dest)];
    if (dest.startsWith('arn:aws:s3:::')) {
      return [
        {
          action: 's3:PutObject',
          resource: `${dest}/failure-record`,
          context: { 's3:x-amz-server-side-encryption': 'aws:kms' },
          kms: { via: 's3', actions: ['kms:GenerateDataKey'], encryptionContext: { 'aws:s3:arn': dest } },
        },
        { action: 's3:ListBucket', resource: dest, context: {} },
      ];
    }
    throw new TemplateError(`${where}: destination ${dest} is not evaluated locally`);
  };

  for (const [id, r] of Object.entries(pic.resources)) {
    const p = r.Properties ?? {};
    const where = id;
    switch (r.Type) {
      case 'AWS::Events::Rule':
        for (const t of p.Targets ?? []) {
          if (t.RoleArn !== undefined) throw new TemplateError(`${id}: targets with a RoleArn are not evaluated locally`);
          const context = sourceContext(pic.arns.get(id)!);
          const target = arnOf(t.Arn, `${where}.Targets`);
          if (!target.startsWith('arn:aws:lambda:')) throw new TemplateError(`${id}: target ${target} is not evaluated locally`);
          out.push({
            id: `rule-target:${id}/${t.Id}`,
            what: `EventBridge rule ${id} invokes ${target}`,
            principal: service('events.amazonaws.com'),
            calls: [{ action: 'lambda:InvokeFunction', resource: target, context }],
          });
          if (t.DeadLetterConfig?.Arn !== undefined) {
            const dlq = arnOf(t.DeadLetterConfig.Arn, `${where}.DeadLetterConfig`);
            out.push({
              id: `rule-dlq:${id}/${t.Id}`,
              what: `EventBridge rule ${id} sends an undeliverable event to ${dlq}`,
              principal: service('events.amazonaws.com'),
              calls: [{ ...sqsSend(dlq), context }],
            });
          }
        }
        break;
      case 'AWS::Lambda::EventSourceMapping': {
        const fn = roleOfFunction(p.FunctionName, `${where}.FunctionName`);
        const source = arnOf(p.EventSourceArn, `${where}.EventSourceArn`);
        const reads: IamCall[] = source.startsWith('arn:aws:sqs:')
          ? ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'].map((action) => ({
              action,
              resource: source,
              context: {},
              ...(action === 'sqs:ReceiveMessage'
                ? { kms: { via: 'sqs' as const, actions: ['kms:Decrypt'], encryptionContext: { 'aws:sqs:arn': source } } }
                : {}),
            }))
          : ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'].map((action) => ({
              action,
              resource: source,
              context: {},
              ...(action === 'dynamodb:GetRecords'
                ? { kms: { via: 'dynamodb' as const, actions: ['kms:Decrypt'], encryptionContext: {} } }
                : {}),
            }));
        out.push({ id: `mapping-read:${id}`, what: `${fn.name} reads ${source}`, principal: fn.principal, calls: reads });
        const failure = p.DestinationConfig?.OnFailure?.Destination;
        if (failure !== undefined) {
          const dest = arnOf(failure, `${where}.DestinationConfig`);
          out.push({
            id: `mapping-failure:${id}`,
            what: `the ${fn.name} mapping sends a discarded batch to ${dest}`,
            principal: fn.principal,
            calls: toQueueOrBucket(dest, where),
          });
        }
        break;
      }
      case 'AWS::Lambda::EventInvokeConfig': {
        const fn = roleOfFunction(p.FunctionName, `${where}.FunctionName`);
        for (const kind of ['OnFailure', 'OnSuccess'] as const) {
          const d = p.DestinationConfig?.[kind]?.Destination;
          if (d === undefined) continue;
          const dest = arnOf(d, `${where}.DestinationConfig`);
          out.push({
            id: `async-${kind === 'OnFailure' ? 'failure' : 'success'}:${id}`,
            what: `${fn.name}'s failed async invocation goes to ${dest}`,
            principal: fn.principal,
            calls: toQueueOrBucket(dest, where),
          });
        }
        break;
      }
      case 'AWS::CloudWatch::Alarm':
        for (const action of [...(p.AlarmActions ?? []), ...(p.OKActions ?? []), ...(p.InsufficientDataActions ?? [])]) {
          const topic = arnOf(action, `${where}.AlarmActions`);
          if (!topic.startsWith('arn:aws:sns:')) throw new TemplateError(`${id}: alarm action ${topic} is not evaluated locally`);
          out.push({
            id: `alarm:${id}`,
            what: `alarm ${id} notifies ${topic}`,
            principal: service('cloudwatch.amazonaws.com'),
            calls: [
              {
                action: 'sns:Publish',
                resource: topic,
                context: sourceContext(pic.arns.get(id)!),
                kms: { via: 'sns', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], encryptionContext: { 'aws:sns:topicArn': topic } },
              },
            ],
          });
        }
        break;
      case 'AWS::SES::ConfigurationSetEventDestination': {
        const dest = p.EventDestination ?? {};
        const kinds = Object.keys(dest).filter((k) => k.endsWith('Destination'));
        if (kinds.some((k) => k !== 'CloudWatchDestination' && k !== 'SnsDestination')) {
          throw new TemplateError(`${id}: SES event destination ${kinds.join(', ')} is not evaluated locally`);
        }
        // A CloudWatch destination publishes metrics with SES's own permissions: no policy of the account is involved.
        if (dest.SnsDestination) {
          const topic = arnOf(dest.SnsDestination.TopicARN, `${where}.SnsDestination`);
          out.push({
            id: `ses-destination:${id}`,
            what: `SES configuration set events go to ${topic}`,
            principal: service('ses.amazonaws.com'),
            calls: [{ action: 'sns:Publish', resource: topic, context: { 'aws:SourceAccount': pic.account } }],
          });
        }
        break;
      }
      case 'AWS::Logs::LogGroup': {
        const group = pic.arns.get(id)!;
        const key = pic.keys.get(group);
        if (!key) break;
        const context = { 'kms:EncryptionContext:aws:logs:arn': group.replace(/:\*$/, ''), 'kms:EncryptionContextKeys': ['aws:logs:arn'] };
        out.push({
          id: `logs-key:${id}`,
          what: `CloudWatch Logs encrypts ${group} with ${key}`,
          principal: service(`logs.${pic.region}.amazonaws.com`),
          calls: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'].map(
            (action) => ({ action, resource: key, context }),
          ),
        });
        break;
      }
    }
  }
  for (const [name] of pic.functionArns) out.push(...logDeliveries(auth, name));
  return out;
}

/** Lambda writes a function's logs with its role: logs:CreateLogStream and logs:PutLogEvents on its log group. */
function logDeliveries(auth: Authorizer, fn: string): Delivery[] {
  const pic = auth.picture;
  const fnId = [...pic.arns].find(([, arn]) => arn === pic.functionArns.get(fn))![0];
  const group = pic.resources[fnId]!.Properties?.LoggingConfig?.LogGroup;
  if (group === undefined) return [];
  const name = String(pic.resolve(group, `${fnId}.LoggingConfig`));
  const stream = `arn:aws:logs:${pic.region}:${pic.account}:log-group:${name}:log-stream:local`;
  return [
    {
      id: `function-logs:${fnId}`,
      what: `Lambda writes ${fn}'s logs to ${name}`,
      principal: auth.functionRole(fn),
      calls: ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({ action, resource: stream, context: {} })),
    },
  ];
}

/** Every delivery with its first denial, if any. */
export async function evaluateDeliveries(auth: Authorizer): Promise<DeliveryVerdict[]> {
  return Promise.all(
    templateDeliveries(auth).map(async (delivery) => {
      for (const call of delivery.calls) {
        const denial = await auth.check(delivery.principal, call);
        if (denial) return { delivery, denial };
      }
      return { delivery };
    }),
  );
}
