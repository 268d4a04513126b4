/**
 * Reads the CDK app's synthesized CloudFormation template into the typed model the local runtime runs.
 * The template is the single source of truth: table shape, rules, function environment, retry and
 * destination settings and stream filters are all taken from it, never restated here.
 *
 * Supported intrinsics: Ref (resources, parameters with a Default, pseudo parameters), Fn::GetAtt,
 * Fn::Join, Fn::Sub, Fn::Select, Fn::Split. Anything else fails loudly with the resource and property path.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { compilePattern, type EventMatcher } from './pattern';

export const LOCAL_REGION = 'eu-central-1';
export const LOCAL_ACCOUNT = '000000000000';
/** Resource Metadata key naming a function in the catalogue; its source is lambdas/<name>/handler.ts. */
export const FUNCTION_METADATA_KEY = 'courtesy:function';

export type CfnTemplate = { Resources?: Record<string, CfnResource>; Parameters?: Record<string, any> } & Record<string, any>;
export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
  [k: string]: unknown;
}

/**
 * Chooses the local name of a resource the template defines. The runtime passes one that maps the table to
 * the caller's table name; see {@link defaultLocalName} for the rest.
 */
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
    case 'AWS::SQS::Queue':
      return literal(p.QueueName) ?? logicalId;
    case 'AWS::Lambda::Function':
      return literal(resource.Metadata?.[FUNCTION_METADATA_KEY]) ?? literal(p.FunctionName) ?? logicalId;
    default:
      return logicalId;
  }
}

export interface TableModel {
  logicalId: string;
  name: string;
  createTableInput: CreateTableCommandInput;
  /** TTL attribute if TimeToLiveSpecification is enabled. */
  ttlAttribute?: string;
  streamViewType?: string;
}

export interface QueueModel {
  logicalId: string;
  name: string;
  arn: string;
}

export interface BusModel {
  logicalId: string;
  name: string;
  arn: string;
}

/** Where a failed (or successful) asynchronous invocation or discarded stream batch goes. */
export type DestinationModel =
  | { kind: 'queue'; name: string; arn: string }
  | { kind: 'bus'; name: string; arn: string }
  | { kind: 'function'; name: string; arn: string }
  | { kind: 'other'; arn: string };

export interface FunctionModel {
  logicalId: string;
  /** Catalogue name (Metadata `courtesy:function`); also the local function name. */
  name: string;
  arn: string;
  /** Environment.Variables with every intrinsic resolved. */
  env: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  /** The function's own DeadLetterConfig (used for async invocations when no OnFailure destination). */
  deadLetter?: DestinationModel;
}

export interface InvokeConfigModel {
  logicalId: string;
  functionName: string;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds?: number;
  onFailure?: DestinationModel;
  onSuccess?: DestinationModel;
}

export type RuleTargetModel = {
  id: string;
  arn: string;
  /** Resolved target: one of the catalogue functions, a queue, or something the local runtime does not run. */
  target: DestinationModel;
  retryAttempts: number;
  deadLetter?: DestinationModel;
  input?: string;
  inputPath?: string;
  inputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
};

export interface RuleModel {
  logicalId: string;
  name: string;
  busName: string;
  enabled: boolean;
  pattern?: Record<string, unknown>;
  matcher?: EventMatcher;
  scheduleExpression?: string;
  targets: RuleTargetModel[];
}

export interface EventSourceMappingModel {
  logicalId: string;
  functionName: string;
  /** Logical id of the table whose stream feeds this mapping. */
  tableLogicalId: string;
  enabled: boolean;
  startingPosition: string;
  /** FilterCriteria.Filters[].Pattern parsed; empty = deliver everything. */
  filters: Record<string, unknown>[];
  matchers: EventMatcher[];
  batchSize: number;
  /** -1 = retry until the record expires. */
  maximumRetryAttempts: number;
  bisectBatchOnFunctionError: boolean;
  reportBatchItemFailures: boolean;
  onFailure?: DestinationModel;
}

export interface TemplateModel {
  table: TableModel;
  buses: BusModel[];
  queues: QueueModel[];
  functions: FunctionModel[];
  invokeConfigs: InvokeConfigModel[];
  rules: RuleModel[];
  eventSourceMappings: EventSourceMappingModel[];
  /** Resources the local runtime does not run (custom-resource handlers, IAM, alarms, ...): logicalId → Type. */
  ignored: Record<string, string>;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

export interface LoadTemplateOptions {
  names?: LocalNameResolver;
  region?: string;
  accountId?: string;
}

const STREAM_LABEL = 'local';

export function arnFor(type: string, name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT): string {
  switch (type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return `arn:aws:dynamodb:${region}:${account}:table/${name}`;
    case 'AWS::Events::EventBus':
      return `arn:aws:events:${region}:${account}:event-bus/${name}`;
    case 'AWS::Events::Rule':
      return `arn:aws:events:${region}:${account}:rule/${name}`;
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${region}:${account}:${name}`;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${region}:${account}:function:${name}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${region}:${account}:${name}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${account}:role/${name}`;
    default:
      return `arn:aws:local:${region}:${account}:${type.replace(/::/g, '-').toLowerCase()}/${name}`;
  }
}

/** Parse the template. `names` chooses local names (defaults to {@link defaultLocalName}). */
export function loadTemplate(template: CfnTemplate, opts: LoadTemplateOptions = {}): TemplateModel {
  return new TemplateReader(template, opts).read();
}

class TemplateReader {
  private readonly resources: Record<string, CfnResource>;
  private readonly names: LocalNameResolver;
  private readonly region: string;
  private readonly account: string;

  constructor(
    private readonly template: CfnTemplate,
    opts: LoadTemplateOptions,
  ) {
    if (!template || typeof template !== 'object' || typeof template.Resources !== 'object') {
      throw new TemplateError('not a CloudFormation template: no Resources');
    }
    this.resources = template.Resources!;
    this.names = opts.names ?? defaultLocalName;
    this.region = opts.region ?? LOCAL_REGION;
    this.account = opts.accountId ?? LOCAL_ACCOUNT;
  }

  private byType(...types: string[]): Array<[string, CfnResource]> {
    return Object.entries(this.resources).filter(([, r]) => types.includes(r.Type));
  }

  private nameOf(logicalId: string): string {
    const r = this.resources[logicalId];
    if (!r) throw new TemplateError(`unknown resource ${logicalId}`);
    return this.names(logicalId, r);
  }

  private arnOf(logicalId: string): string {
    const r = this.resources[logicalId]!;
    return arnFor(r.Type, this.nameOf(logicalId), this.region, this.account);
  }

  read(): TemplateModel {
    const tables = this.byType('AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable');
    if (tables.length !== 1) {
      throw new TemplateError(`expected exactly one DynamoDB table in the template, found ${tables.length}`);
    }
    const table = this.readTable(...tables[0]!);
    const buses = this.byType('AWS::Events::EventBus').map(([id]) => ({ logicalId: id, name: this.nameOf(id), arn: this.arnOf(id) }));
    const queues = this.byType('AWS::SQS::Queue').map(([id]) => ({ logicalId: id, name: this.nameOf(id), arn: this.arnOf(id) }));
    const ignored: Record<string, string> = {};
    const functions: FunctionModel[] = [];
    for (const [id, r] of this.byType('AWS::Lambda::Function')) {
      if (typeof r.Metadata?.[FUNCTION_METADATA_KEY] !== 'string') {
        ignored[id] = r.Type;
        continue;
      }
      functions.push(this.readFunction(id, r));
    }
    const seen = new Set<string>();
    for (const f of functions) {
      if (seen.has(f.name)) throw new TemplateError(`two functions are named "${f.name}" (${FUNCTION_METADATA_KEY})`);
      seen.add(f.name);
    }
    const invokeConfigs = this.byType('AWS::Lambda::EventInvokeConfig')
      .map(([id, r]) => this.readInvokeConfig(id, r))
      .filter((c): c is InvokeConfigModel => c !== undefined);
    const rules = this.byType('AWS::Events::Rule').map(([id, r]) => this.readRule(id, r));
    const eventSourceMappings = this.byType('AWS::Lambda::EventSourceMapping')
      .map(([id, r]) => this.readMapping(id, r, ignored))
      .filter((m): m is EventSourceMappingModel => m !== undefined);
    const used = new Set([
      'AWS::DynamoDB::Table',
      'AWS::DynamoDB::GlobalTable',
      'AWS::Events::EventBus',
      'AWS::SQS::Queue',
      'AWS::Lambda::Function',
      'AWS::Lambda::EventInvokeConfig',
      'AWS::Events::Rule',
      'AWS::Lambda::EventSourceMapping',
    ]);
    for (const [id, r] of Object.entries(this.resources)) if (!used.has(r.Type)) ignored[id] = r.Type;
    return { table, buses, queues, functions, invokeConfigs, rules, eventSourceMappings, ignored };
  }

  private readTable(logicalId: string, r: CfnResource): TableModel {
    const p = r.Properties ?? {};
    const where = `${logicalId}.Properties`;
    const name = this.nameOf(logicalId);
    const keySchema = this.resolve(p.KeySchema, `${where}.KeySchema`);
    const billingMode: string =
      this.resolve(p.BillingMode, `${where}.BillingMode`) ?? (p.ProvisionedThroughput ? 'PROVISIONED' : 'PAY_PER_REQUEST');
    const provisioned = billingMode === 'PROVISIONED';
    const throughput = (t: any) =>
      provisioned && t
        ? { ReadCapacityUnits: Number(t.ReadCapacityUnits ?? 5), WriteCapacityUnits: Number(t.WriteCapacityUnits ?? 5) }
        : undefined;
    const index = (i: any) => ({
      IndexName: i.IndexName,
      KeySchema: i.KeySchema,
      Projection: i.Projection ?? { ProjectionType: 'ALL' },
      ...(provisioned ? { ProvisionedThroughput: throughput(i.ProvisionedThroughput ?? {}) } : {}),
    });
    const gsis = this.resolve(p.GlobalSecondaryIndexes, `${where}.GlobalSecondaryIndexes`) as any[] | undefined;
    const lsis = this.resolve(p.LocalSecondaryIndexes, `${where}.LocalSecondaryIndexes`) as any[] | undefined;
    const streamViewType: string | undefined = p.StreamSpecification?.StreamViewType;
    const input: CreateTableCommandInput = {
      TableName: name,
      KeySchema: keySchema,
      AttributeDefinitions: this.resolve(p.AttributeDefinitions, `${where}.AttributeDefinitions`),
      BillingMode: billingMode as CreateTableCommandInput['BillingMode'],
      ...(provisioned ? { ProvisionedThroughput: throughput(p.ProvisionedThroughput ?? {}) } : {}),
      ...(gsis?.length ? { GlobalSecondaryIndexes: gsis.map(index) } : {}),
      ...(lsis?.length
        ? { LocalSecondaryIndexes: lsis.map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection })) }
        : {}),
      ...(streamViewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType as 'NEW_AND_OLD_IMAGES' } } : {}),
    };
    if (!Array.isArray(input.KeySchema) || !Array.isArray(input.AttributeDefinitions)) {
      throw new TemplateError(`${where}: KeySchema and AttributeDefinitions are required`);
    }
    const ttl = p.TimeToLiveSpecification;
    const ttlAttribute = ttl && ttl.Enabled !== false && typeof ttl.AttributeName === 'string' ? ttl.AttributeName : undefined;
    return {
      logicalId,
      name,
      createTableInput: input,
      ...(ttlAttribute ? { ttlAttribute } : {}),
      ...(streamViewType ? { streamViewType } : {}),
    };
  }

  private readFunction(logicalId: string, r: CfnResource): FunctionModel {
    const p = r.Properties ?? {};
    const vars = p.Environment?.Variables ?? {};
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(vars)) {
      const resolved = this.resolve(v, `${logicalId}.Properties.Environment.Variables.${k}`);
      env[k] = typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
    }
    const name = this.nameOf(logicalId);
    const deadLetterArn = p.DeadLetterConfig?.TargetArn;
    return {
      logicalId,
      name,
      arn: this.arnOf(logicalId),
      env,
      timeoutSeconds: Number(this.resolve(p.Timeout, `${logicalId}.Properties.Timeout`) ?? 3),
      memoryMb: Number(this.resolve(p.MemorySize, `${logicalId}.Properties.MemorySize`) ?? 128),
      ...(deadLetterArn ? { deadLetter: this.destination(deadLetterArn, `${logicalId}.Properties.DeadLetterConfig.TargetArn`) } : {}),
    };
  }

  private readInvokeConfig(logicalId: string, r: CfnResource): InvokeConfigModel | undefined {
    const p = r.Properties ?? {};
    const fn = this.functionRef(p.FunctionName, `${logicalId}.Properties.FunctionName`);
    if (!fn) return undefined;
    const dc = p.DestinationConfig ?? {};
    return {
      logicalId,
      functionName: fn,
      maximumRetryAttempts: p.MaximumRetryAttempts === undefined ? 2 : Number(p.MaximumRetryAttempts),
      ...(p.MaximumEventAgeInSeconds !== undefined ? { maximumEventAgeSeconds: Number(p.MaximumEventAgeInSeconds) } : {}),
      ...(dc.OnFailure?.Destination ? { onFailure: this.destination(dc.OnFailure.Destination, `${logicalId}.OnFailure`) } : {}),
      ...(dc.OnSuccess?.Destination ? { onSuccess: this.destination(dc.OnSuccess.Destination, `${logicalId}.OnSuccess`) } : {}),
    };
  }

  private readRule(logicalId: string, r: CfnResource): RuleModel {
    const p = r.Properties ?? {};
    const where = `${logicalId}.Properties`;
    let busName = 'default';
    if (p.EventBusName !== undefined) {
      const bus = this.resolve(p.EventBusName, `${where}.EventBusName`);
      busName = typeof bus === 'string' && bus.includes(':event-bus/') ? bus.slice(bus.indexOf(':event-bus/') + 11) : String(bus);
    }
    const rawPattern = p.EventPattern === undefined ? undefined : this.resolve(p.EventPattern, `${where}.EventPattern`);
    const pattern = typeof rawPattern === 'string' ? JSON.parse(rawPattern) : rawPattern;
    let matcher: EventMatcher | undefined;
    if (pattern !== undefined) {
      try {
        matcher = compilePattern(pattern);
      } catch (e) {
        throw new TemplateError(`${where}.EventPattern: ${(e as Error).message}`);
      }
    }
    const targets: RuleTargetModel[] = (p.Targets ?? []).map((t: any, i: number) => {
      const at = `${where}.Targets[${i}]`;
      const target = this.destination(t.Arn, `${at}.Arn`);
      const input = t.Input === undefined ? undefined : this.resolve(t.Input, `${at}.Input`);
      return {
        id: String(t.Id ?? `Target${i}`),
        arn: 'arn' in target ? target.arn : String(this.resolve(t.Arn, at)),
        target,
        retryAttempts: t.RetryPolicy?.MaximumRetryAttempts === undefined ? 185 : Number(t.RetryPolicy.MaximumRetryAttempts),
        ...(t.DeadLetterConfig?.Arn ? { deadLetter: this.destination(t.DeadLetterConfig.Arn, `${at}.DeadLetterConfig.Arn`) } : {}),
        ...(input !== undefined ? { input: typeof input === 'string' ? input : JSON.stringify(input) } : {}),
        ...(t.InputPath !== undefined ? { inputPath: String(this.resolve(t.InputPath, `${at}.InputPath`)) } : {}),
        ...(t.InputTransformer ? { inputTransformer: this.resolve(t.InputTransformer, `${at}.InputTransformer`) } : {}),
      };
    });
    return {
      logicalId,
      name: typeof p.Name === 'string' ? p.Name : logicalId,
      busName,
      enabled: (p.State ?? 'ENABLED') === 'ENABLED',
      ...(pattern !== undefined ? { pattern, matcher } : {}),
      ...(p.ScheduleExpression !== undefined
        ? { scheduleExpression: String(this.resolve(p.ScheduleExpression, `${where}.ScheduleExpression`)) }
        : {}),
      targets,
    };
  }

  private readMapping(logicalId: string, r: CfnResource, ignored: Record<string, string>): EventSourceMappingModel | undefined {
    const p = r.Properties ?? {};
    const where = `${logicalId}.Properties`;
    const fn = this.functionRef(p.FunctionName, `${where}.FunctionName`);
    const src = p.EventSourceArn;
    const getAtt = src && typeof src === 'object' ? this.getAttParts(src['Fn::GetAtt']) : undefined;
    const srcType = getAtt ? this.resources[getAtt[0]]?.Type : undefined;
    if (!fn || !getAtt || getAtt[1] !== 'StreamArn' || !srcType?.startsWith('AWS::DynamoDB::')) {
      ignored[logicalId] = `${r.Type} (only DynamoDB-stream mappings of catalogue functions run locally)`;
      return undefined;
    }
    const filters: Record<string, unknown>[] = (p.FilterCriteria?.Filters ?? []).map((f: any, i: number) => {
      const raw = this.resolve(f.Pattern, `${where}.FilterCriteria.Filters[${i}].Pattern`);
      try {
        return typeof raw === 'string' ? JSON.parse(raw) : raw;
      } catch (e) {
        throw new TemplateError(`${where}.FilterCriteria.Filters[${i}].Pattern is not JSON: ${(e as Error).message}`);
      }
    });
    let matchers: EventMatcher[];
    try {
      matchers = filters.map((f) => compilePattern(f));
    } catch (e) {
      throw new TemplateError(`${where}.FilterCriteria: ${(e as Error).message}`);
    }
    const responseTypes: string[] = p.FunctionResponseTypes ?? [];
    const onFailure = p.DestinationConfig?.OnFailure?.Destination;
    return {
      logicalId,
      functionName: fn,
      tableLogicalId: getAtt[0],
      enabled: p.Enabled !== false,
      startingPosition: String(p.StartingPosition ?? 'TRIM_HORIZON'),
      filters,
      matchers,
      batchSize: Number(p.BatchSize ?? 100),
      maximumRetryAttempts: p.MaximumRetryAttempts === undefined ? -1 : Number(p.MaximumRetryAttempts),
      bisectBatchOnFunctionError: p.BisectBatchOnFunctionError === true,
      reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
      ...(onFailure ? { onFailure: this.destination(onFailure, `${where}.DestinationConfig.OnFailure.Destination`) } : {}),
    };
  }

  // ---- references --------------------------------------------------------------------------------

  private getAttParts(v: unknown): [string, string] | undefined {
    if (typeof v === 'string' && v.includes('.')) {
      const i = v.indexOf('.');
      return [v.slice(0, i), v.slice(i + 1)];
    }
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
    return undefined;
  }

  /** Logical id a Ref / GetAtt expression points at, if any. */
  private referencedId(v: unknown): string | undefined {
    if (!v || typeof v !== 'object') return undefined;
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string' && this.resources[o.Ref]) return o.Ref;
    const ga = this.getAttParts(o['Fn::GetAtt']);
    if (ga && this.resources[ga[0]]) return ga[0];
    return undefined;
  }

  /** Resolve a function reference (Ref/GetAtt to a function, alias or version; or a literal name/ARN) to its catalogue name. */
  private functionRef(v: unknown, where: string): string | undefined {
    const id = this.referencedId(v);
    if (id) {
      const r = this.resources[id]!;
      if (r.Type === 'AWS::Lambda::Function') {
        return typeof r.Metadata?.[FUNCTION_METADATA_KEY] === 'string' ? this.nameOf(id) : undefined;
      }
      if (r.Type === 'AWS::Lambda::Alias' || r.Type === 'AWS::Lambda::Version')
        return this.functionRef(r.Properties?.FunctionName, `${id}.Properties.FunctionName`);
      throw new TemplateError(`${where}: ${id} is a ${r.Type}, not a function`);
    }
    const literal = this.resolve(v, where);
    if (typeof literal !== 'string') throw new TemplateError(`${where}: cannot resolve function reference`);
    const bare = literal.includes(':function:') ? literal.split(':function:')[1]!.split(':')[0]! : literal;
    for (const [fid, r] of this.byType('AWS::Lambda::Function')) {
      if (this.nameOf(fid) === bare || r.Properties?.FunctionName === bare) return this.nameOf(fid);
    }
    return undefined;
  }

  private destination(v: unknown, where: string): DestinationModel {
    const id = this.referencedId(v);
    if (id) {
      const r = this.resources[id]!;
      switch (r.Type) {
        case 'AWS::SQS::Queue':
          return { kind: 'queue', name: this.nameOf(id), arn: this.arnOf(id) };
        case 'AWS::Events::EventBus':
          return { kind: 'bus', name: this.nameOf(id), arn: this.arnOf(id) };
        case 'AWS::Lambda::Function':
        case 'AWS::Lambda::Alias':
        case 'AWS::Lambda::Version': {
          const fn = this.functionRef(v, where);
          if (fn) return { kind: 'function', name: fn, arn: arnFor('AWS::Lambda::Function', fn, this.region, this.account) };
          return { kind: 'other', arn: String(this.resolve(v, where)) };
        }
        default:
          return { kind: 'other', arn: String(this.resolve(v, where)) };
      }
    }
    const arn = String(this.resolve(v, where));
    const m = /^arn:aws:(sqs|events|lambda):[^:]*:[^:]*:(.+)$/.exec(arn);
    if (m) {
      if (m[1] === 'sqs') {
        const q = this.byType('AWS::SQS::Queue').find(([qid]) => this.nameOf(qid) === m[2]);
        if (q) return { kind: 'queue', name: m[2]!, arn };
      } else if (m[1] === 'events' && m[2]!.startsWith('event-bus/')) {
        return { kind: 'bus', name: m[2]!.slice('event-bus/'.length), arn };
      } else if (m[1] === 'lambda') {
        const fn = this.functionRef(arn, where);
        if (fn) return { kind: 'function', name: fn, arn };
      }
    }
    return { kind: 'other', arn };
  }

  // ---- intrinsics ----------------------------------------------------------------------------------

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
          const parts = this.getAttParts(arg);
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
          const items = this.resolve(list, where);
          return items[Number(this.resolve(i, where))];
        }
        case 'Fn::Split': {
          const [sep, s] = arg as [string, unknown];
          return String(this.resolve(s, where)).split(sep);
        }
        case 'Fn::Sub':
          return this.sub(arg, where);
        default:
          if (k.startsWith('Fn::') || k === 'Condition') {
            throw new TemplateError(`${where}: intrinsic ${k} is not supported by the local runtime`);
          }
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
    if (!this.resources[id]) throw new TemplateError(`${where}: Ref to unknown resource ${id}`);
    return this.nameOf(id);
  }

  private getAtt(id: string, attr: string, where: string): string {
    const r = this.resources[id];
    if (!r) throw new TemplateError(`${where}: Fn::GetAtt on unknown resource ${id}`);
    const name = this.nameOf(id);
    switch (attr) {
      case 'Arn':
        return arnFor(r.Type, name, this.region, this.account);
      case 'StreamArn':
        return `${arnFor(r.Type, name, this.region, this.account)}/stream/${STREAM_LABEL}`;
      case 'QueueName':
      case 'Name':
        return name;
      case 'QueueUrl':
        return `https://sqs.${this.region}.amazonaws.com/${this.account}/${name}`;
      default:
        throw new TemplateError(`${where}: Fn::GetAtt ${id}.${attr} is not supported by the local runtime`);
    }
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
