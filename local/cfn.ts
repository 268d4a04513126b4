/**
 * CloudFormation template plumbing for the local runtime: local names and ARNs of resources, and the
 * intrinsic functions (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split). Anything else fails
 * loudly with the resource and property path.
 */
export const LOCAL_REGION = 'eu-central-1';
export const LOCAL_ACCOUNT = '000000000000';
/** Resource Metadata key naming a function in the catalogue; its source is lambdas/<name>/handler.ts. */
export const FUNCTION_METADATA_KEY = 'courtesy:function';
/** The stream label DynamoDB would put at the end of a stream ARN (locally fixed). */
const STREAM_LABEL = 'local';

export type CfnTemplate = { Resources?: Record<string, CfnResource>; Parameters?: Record<string, any> } & Record<string, any>;
export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
  [k: string]: unknown;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** Chooses the local name of a resource the template defines (the runtime maps the table to the caller's name). */
export type LocalNameResolver = (logicalId: string, resource: CfnResource) => string;

export function defaultLocalName(logicalId: string, resource: CfnResource): string {
  const p = resource.Properties ?? {};
  const literal = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return literal(p.TableName) ?? logicalId;
    case 'AWS::Events::EventBus':
      return literal(p.Name) ?? logicalId;
    case 'AWS::Events::Archive':
      return literal(p.ArchiveName) ?? logicalId;
    case 'AWS::SQS::Queue':
      return literal(p.QueueName) ?? logicalId;
    case 'AWS::S3::Bucket':
      return literal(p.BucketName) ?? logicalId.toLowerCase();
    case 'AWS::Lambda::Function':
      return literal(resource.Metadata?.[FUNCTION_METADATA_KEY]) ?? literal(p.FunctionName) ?? logicalId;
    case 'AWS::CloudWatch::Alarm':
      return literal(p.AlarmName) ?? logicalId;
    default:
      return logicalId;
  }
}

export function arnFor(type: string, name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT): string {
  switch (type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return `arn:aws:dynamodb:${region}:${account}:table/${name}`;
    case 'AWS::Events::EventBus':
      return `arn:aws:events:${region}:${account}:event-bus/${name}`;
    case 'AWS::Events::Rule':
      return `arn:aws:events:${region}:${account}:rule/${name}`;
    case 'AWS::Events::Archive':
      return `arn:aws:events:${region}:${account}:archive/${name}`;
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${region}:${account}:${name}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${region}:${account}:function:${name}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${region}:${account}:${name}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${account}:role/${name}`;
    case 'AWS::KMS::Key':
      return `arn:aws:kms:${region}:${account}:key/${name}`;
    case 'AWS::Logs::LogGroup':
      return `arn:aws:logs:${region}:${account}:log-group:${name}:*`;
    case 'AWS::SES::ConfigurationSet':
      return `arn:aws:ses:${region}:${account}:configuration-set/${name}`;
    case 'AWS::CloudWatch::Alarm':
      return `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;
    default:
      return `arn:aws:local:${region}:${account}:${type.replace(/::/g, '-').toLowerCase()}/${name}`;
  }
}

/** `Fn::GetAtt` argument → [logicalId, attribute]. */
export function getAttParts(v: unknown): [string, string] | undefined {
  if (typeof v === 'string' && v.includes('.')) {
    const i = v.indexOf('.');
    return [v.slice(0, i), v.slice(i + 1)];
  }
  if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  return undefined;
}

/** Resolves intrinsics against one template, with local names, region and account. */
export class Intrinsics {
  constructor(
    private readonly template: CfnTemplate,
    private readonly resources: Record<string, CfnResource>,
    private readonly names: LocalNameResolver,
    readonly region: string,
    readonly account: string,
  ) {}

  nameOf(logicalId: string): string {
    const r = this.resources[logicalId];
    if (!r) throw new TemplateError(`unknown resource ${logicalId}`);
    return this.names(logicalId, r);
  }

  arnOf(logicalId: string): string {
    return arnFor(this.resources[logicalId]!.Type, this.nameOf(logicalId), this.region, this.account);
  }

  /** Logical id a Ref / GetAtt expression points at, if any. */
  referencedId(v: unknown): string | undefined {
    if (!v || typeof v !== 'object') return undefined;
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string' && this.resources[o.Ref]) return o.Ref;
    const ga = getAttParts(o['Fn::GetAtt']);
    if (ga && this.resources[ga[0]]) return ga[0];
    return undefined;
  }

  resolve(v: any, where: string): any {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x, i) => this.resolve(x, `${where}[${i}]`));
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const k = keys[0]!;
      const arg = v[k];
      switch (k) {
        case 'Ref':
          return this.ref(String(arg), where);
        case 'Fn::GetAtt': {
          const parts = getAttParts(arg);
          if (!parts) throw new TemplateError(`${where}: malformed Fn::GetAtt`);
          return this.getAtt(parts[0], parts[1], where);
        }
        case 'Fn::Join': {
          const [sep, list] = arg as [string, unknown[]];
          const items = this.resolve(list, where);
          if (!Array.isArray(items)) throw new TemplateError(`${where}: Fn::Join needs a list`);
          return items.map(String).join(sep);
        }
        case 'Fn::Select': {
          const [i, list] = arg as [unknown, unknown];
          return this.resolve(list, where)[Number(this.resolve(i, where))];
        }
        case 'Fn::Split': {
          const [sep, s] = arg as [string, unknown];
          return String(this.resolve(s, where)).split(sep);
        }
        case 'Fn::Sub':
          return this.sub(arg, where);
        default:
          if (k.startsWith('Fn::') || k === 'Condition')
            throw new TemplateError(`${where}: intrinsic ${k} is not supported by the local runtime`);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = this.resolve(x, `${where}.${k}`);
    return out;
  }

  private ref(id: string, where: string): string {
    switch (id) {
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return this.account;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'local';
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.region}:${this.account}:stack/local/00000000-0000-0000-0000-000000000000`;
      case 'AWS::NoValue':
        throw new TemplateError(`${where}: AWS::NoValue is not supported by the local runtime`);
    }
    const param = this.template.Parameters?.[id];
    if (param) {
      if (param.Default === undefined) throw new TemplateError(`${where}: parameter ${id} has no Default`);
      return param.Default;
    }
    const r = this.resources[id];
    if (!r) throw new TemplateError(`${where}: Ref to unknown resource ${id}`);
    if (r.Type === 'AWS::SQS::Queue') return this.queueUrl(this.nameOf(id));
    if (r.Type === 'AWS::SNS::Topic') return this.arnOf(id); // a topic's Ref is its ARN
    return this.nameOf(id);
  }

  queueUrl(name: string): string {
    return `https://sqs.${this.region}.amazonaws.com/${this.account}/${name}`;
  }

  private getAtt(id: string, attr: string, where: string): string {
    const r = this.resources[id];
    if (!r) throw new TemplateError(`${where}: Fn::GetAtt on unknown resource ${id}`);
    const name = this.nameOf(id);
    switch (attr) {
      case 'Arn':
        return r.Type === 'AWS::Events::Rule' ? this.ruleArn(id, name, where) : arnFor(r.Type, name, this.region, this.account);
      case 'StreamArn':
        return `${arnFor(r.Type, name, this.region, this.account)}/stream/${STREAM_LABEL}`;
      case 'QueueName':
      case 'Name':
        return name;
      case 'QueueUrl':
        return this.queueUrl(name);
      default:
        throw new TemplateError(`${where}: Fn::GetAtt ${id}.${attr} is not supported by the local runtime`);
    }
  }

  /** A rule on a custom bus has the ARN rule/<bus>/<rule>. */
  private ruleArn(id: string, name: string, where: string): string {
    const bus = this.resources[id]!.Properties?.EventBusName;
    const busName = bus === undefined ? 'default' : String(this.resolve(bus, `${where}.EventBusName`)).replace(/^.*:event-bus\//, '');
    return arnFor('AWS::Events::Rule', busName === 'default' ? name : `${busName}/${name}`, this.region, this.account);
  }

  private sub(arg: unknown, where: string): string {
    const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [arg as string, {}];
    const values = vars ? (this.resolve(vars, where) as Record<string, unknown>) : {};
    return String(text).replace(/\$\{(!?)([^}]*)\}/g, (_m, bang: string, name: string) => {
      if (bang) return '${' + name + '}';
      if (name in values) return String(values[name]);
      if (name.includes('.')) {
        const i = name.indexOf('.');
        return this.getAtt(name.slice(0, i), name.slice(i + 1), where);
      }
      return this.ref(name, where);
    });
  }
}
