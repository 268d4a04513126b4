/**
 * Reads the CDK app's synthesized CloudFormation template into the typed model the local runtime runs.
 * The template is the single source of truth: table shape, queues, rules, function environment, retry and
 * destination settings and mapping filters are all taken from it, never restated here.
 *
 * Nothing is silently ignored: a resource type, property or setting the runtime does not emulate is refused
 * with a TemplateError naming the resource and property. Types without local behaviour (IAM, log groups,
 * permissions, queue policies, deploy-time custom resources) are listed in `model.ignored`.
 * With `strict` (default) the model must also pass {@link assertAwsCompatible}.
 */
import { compilePattern, type EventMatcher } from './pattern';
import { assertAwsCompatible } from './aws-compat';
import {
  defaultLocalName,
  FUNCTION_METADATA_KEY,
  Intrinsics,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  TemplateError,
  type CfnResource,
  type CfnTemplate,
  type LocalNameResolver,
} from './cfn';
import { readTable } from './template-table';
import { readMapping, type TemplateRefs } from './template-mappings';
import { INERT_TYPES, KNOWN_PROPERTIES, refuse, RULE_TARGET_PROPERTIES } from './template-coverage';
import type {
  DestinationModel,
  FunctionModel,
  InvokeConfigModel,
  QueueModel,
  RuleModel,
  RuleTargetModel,
  TemplateModel,
} from './template-model';

export * from './cfn';
export type * from './template-model';

export interface LoadTemplateOptions {
  names?: LocalNameResolver;
  region?: string;
  accountId?: string;
  /** Refuse what AWS would refuse or advise against (see aws-compat.ts). Default true. */
  strict?: boolean;
}

/** Parse the template. `names` chooses local names (defaults to {@link defaultLocalName}). */
export function loadTemplate(template: CfnTemplate, opts: LoadTemplateOptions = {}): TemplateModel {
  const model = new TemplateReader(template, opts).read();
  if (opts.strict !== false) assertAwsCompatible(model);
  return model;
}

class TemplateReader {
  private readonly resources: Record<string, CfnResource>;
  private readonly cfn: Intrinsics;

  constructor(template: CfnTemplate, opts: LoadTemplateOptions) {
    if (!template || typeof template !== 'object' || typeof template.Resources !== 'object') {
      throw new TemplateError('not a CloudFormation template: no Resources');
    }
    this.resources = template.Resources!;
    this.cfn = new Intrinsics(
      template,
      this.resources,
      opts.names ?? defaultLocalName,
      opts.region ?? LOCAL_REGION,
      opts.accountId ?? LOCAL_ACCOUNT,
    );
  }

  private byType(type: string): Array<[string, CfnResource]> {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  private isCatalogueFunction(r: CfnResource): boolean {
    return r.Type === 'AWS::Lambda::Function' && typeof r.Metadata?.[FUNCTION_METADATA_KEY] === 'string';
  }

  /** Refuse unknown types and unknown properties of emulated types. */
  private checkResources(ignored: Record<string, string>): void {
    for (const [id, r] of Object.entries(this.resources)) {
      if (INERT_TYPES.has(r.Type) || r.Type.startsWith('Custom::')) {
        ignored[id] = r.Type;
        continue;
      }
      if (r.Type === 'AWS::Lambda::Function' && !this.isCatalogueFunction(r)) {
        ignored[id] = `${r.Type} (not in the catalogue: a deploy-time helper)`;
        continue;
      }
      const known = KNOWN_PROPERTIES[r.Type];
      if (!known) refuse(id, `resource type ${r.Type}`);
      for (const p of Object.keys(r.Properties ?? {}))
        if (!known.includes(p)) refuse(`${id}.Properties.${p}`, `property ${p} of ${r.Type}`);
    }
  }

  read(): TemplateModel {
    const ignored: Record<string, string> = {};
    this.checkResources(ignored);
    const tables = this.byType('AWS::DynamoDB::Table');
    if (tables.length !== 1) throw new TemplateError(`expected exactly one DynamoDB table in the template, found ${tables.length}`);
    const table = readTable(this.cfn, ...tables[0]!);
    const named = (id: string) => ({ logicalId: id, name: this.cfn.nameOf(id), arn: this.cfn.arnOf(id) });
    const buses = this.byType('AWS::Events::EventBus').map(([id]) => named(id));
    const buckets = this.byType('AWS::S3::Bucket').map(([id]) => named(id));
    const queues = this.byType('AWS::SQS::Queue').map(([id, r]) => this.readQueue(id, r));
    const functions = this.byType('AWS::Lambda::Function')
      .filter(([, r]) => this.isCatalogueFunction(r))
      .map(([id, r]) => this.readFunction(id, r));
    const seen = new Set<string>();
    for (const f of functions) {
      if (seen.has(f.name)) throw new TemplateError(`two functions are named "${f.name}" (${FUNCTION_METADATA_KEY})`);
      seen.add(f.name);
    }
    const invokeConfigs = this.byType('AWS::Lambda::EventInvokeConfig').map(([id, r]) => this.readInvokeConfig(id, r));
    const rules = this.byType('AWS::Events::Rule').map(([id, r]) => this.readRule(id, r));
    const refs: TemplateRefs = {
      cfn: this.cfn,
      resources: this.resources,
      functionRef: (v, w) => this.functionRef(v, w),
      destination: (v, w) => this.destination(v, w),
    };
    const mappings = this.byType('AWS::Lambda::EventSourceMapping').map(([id, r]) => readMapping(refs, id, r));
    return {
      table,
      buses,
      queues,
      buckets,
      functions,
      invokeConfigs,
      rules,
      streamMappings: mappings.filter((m) => m.kind === 'stream'),
      queueMappings: mappings.filter((m) => m.kind === 'queue'),
      ignored,
    };
  }

  private readQueue(logicalId: string, r: CfnResource): QueueModel {
    const p = r.Properties ?? {};
    const where = `${logicalId}.Properties`;
    const num = (v: unknown, prop: string, dflt: number) => (v === undefined ? dflt : Number(this.cfn.resolve(v, `${where}.${prop}`)));
    let redrive: QueueModel['redrive'];
    if (p.RedrivePolicy !== undefined) {
      const rp = this.cfn.resolve(p.RedrivePolicy, `${where}.RedrivePolicy`);
      const policy = typeof rp === 'string' ? JSON.parse(rp) : rp;
      const dlq = this.queueByArn(String(policy.deadLetterTargetArn), `${where}.RedrivePolicy.deadLetterTargetArn`);
      redrive = { maxReceiveCount: Number(policy.maxReceiveCount), deadLetterQueue: dlq };
      if (!(redrive.maxReceiveCount >= 1)) throw new TemplateError(`${where}.RedrivePolicy.maxReceiveCount must be >= 1`);
    }
    return {
      logicalId,
      name: this.cfn.nameOf(logicalId),
      arn: this.cfn.arnOf(logicalId),
      visibilityTimeoutSeconds: num(p.VisibilityTimeout, 'VisibilityTimeout', 30),
      retentionSeconds: num(p.MessageRetentionPeriod, 'MessageRetentionPeriod', 345_600),
      ...(redrive ? { redrive } : {}),
    };
  }

  private queueByArn(arn: string, where: string): string {
    const hit = this.byType('AWS::SQS::Queue').find(([id]) => this.cfn.arnOf(id) === arn);
    if (!hit) throw new TemplateError(`${where}: ${arn} is not a queue of this template`);
    return this.cfn.nameOf(hit[0]);
  }

  private readFunction(logicalId: string, r: CfnResource): FunctionModel {
    const p = r.Properties ?? {};
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.Environment?.Variables ?? {})) {
      const resolved = this.cfn.resolve(v, `${logicalId}.Properties.Environment.Variables.${k}`);
      env[k] = typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
    }
    return {
      logicalId,
      name: this.cfn.nameOf(logicalId),
      arn: this.cfn.arnOf(logicalId),
      env,
      timeoutSeconds: Number(this.cfn.resolve(p.Timeout, `${logicalId}.Properties.Timeout`) ?? 3),
      memoryMb: Number(this.cfn.resolve(p.MemorySize, `${logicalId}.Properties.MemorySize`) ?? 128),
    };
  }

  private readInvokeConfig(logicalId: string, r: CfnResource): InvokeConfigModel {
    const p = r.Properties ?? {};
    const where = `${logicalId}.Properties`;
    const fn = this.functionRef(p.FunctionName, `${where}.FunctionName`);
    if (p.Qualifier !== undefined && p.Qualifier !== '$LATEST')
      refuse(`${where}.Qualifier`, `qualifier ${JSON.stringify(p.Qualifier)} (only $LATEST)`);
    const dc = p.DestinationConfig ?? {};
    for (const k of Object.keys(dc)) if (k !== 'OnFailure') refuse(`${where}.DestinationConfig.${k}`, `${k} destination`);
    let onFailure: InvokeConfigModel['onFailure'];
    if (dc.OnFailure?.Destination) {
      const d = this.destination(dc.OnFailure.Destination, `${where}.DestinationConfig.OnFailure.Destination`);
      if (d.kind !== 'queue')
        refuse(`${where}.DestinationConfig.OnFailure.Destination`, `a ${d.kind} as asynchronous on-failure destination`);
      onFailure = d;
    }
    return {
      logicalId,
      functionName: fn,
      maximumRetryAttempts: p.MaximumRetryAttempts === undefined ? 2 : Number(p.MaximumRetryAttempts),
      ...(p.MaximumEventAgeInSeconds !== undefined ? { maximumEventAgeSeconds: Number(p.MaximumEventAgeInSeconds) } : {}),
      ...(onFailure ? { onFailure } : {}),
    };
  }

  private readRule(logicalId: string, r: CfnResource): RuleModel {
    const p = r.Properties ?? {};
    const where = `${logicalId}.Properties`;
    let busName = 'default';
    if (p.EventBusName !== undefined) {
      const bus = this.cfn.resolve(p.EventBusName, `${where}.EventBusName`);
      busName = typeof bus === 'string' && bus.includes(':event-bus/') ? bus.slice(bus.indexOf(':event-bus/') + 11) : String(bus);
    }
    const rawPattern = p.EventPattern === undefined ? undefined : this.cfn.resolve(p.EventPattern, `${where}.EventPattern`);
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
      for (const k of Object.keys(t)) if (!RULE_TARGET_PROPERTIES.includes(k)) refuse(`${at}.${k}`, `rule target property ${k}`);
      for (const k of Object.keys(t.RetryPolicy ?? {}))
        if (k !== 'MaximumRetryAttempts' && k !== 'MaximumEventAgeInSeconds') refuse(`${at}.RetryPolicy.${k}`, k);
      const functionName = this.functionRef(t.Arn, `${at}.Arn`);
      let deadLetter: RuleTargetModel['deadLetter'];
      if (t.DeadLetterConfig?.Arn) {
        const d = this.destination(t.DeadLetterConfig.Arn, `${at}.DeadLetterConfig.Arn`);
        if (d.kind !== 'queue') refuse(`${at}.DeadLetterConfig.Arn`, `a ${d.kind} as rule dead-letter queue`);
        deadLetter = d;
      }
      return {
        id: String(t.Id ?? `Target${i}`),
        functionName,
        retryAttempts: t.RetryPolicy?.MaximumRetryAttempts === undefined ? 185 : Number(t.RetryPolicy.MaximumRetryAttempts),
        ...(deadLetter ? { deadLetter } : {}),
      };
    });
    return {
      logicalId,
      name: typeof p.Name === 'string' ? p.Name : logicalId,
      busName,
      enabled: (p.State ?? 'ENABLED') === 'ENABLED',
      ...(pattern !== undefined ? { pattern, matcher } : {}),
      ...(p.ScheduleExpression !== undefined
        ? { scheduleExpression: String(this.cfn.resolve(p.ScheduleExpression, `${where}.ScheduleExpression`)) }
        : {}),
      targets,
    };
  }

  /** A reference to a catalogue function (Ref / GetAtt, a literal name or ARN) → its catalogue name. */
  private functionRef(v: unknown, where: string): string {
    const id = this.cfn.referencedId(v);
    if (id) {
      const r = this.resources[id]!;
      if (this.isCatalogueFunction(r)) return this.cfn.nameOf(id);
      refuse(where, `a reference to ${id} (${r.Type}, not a catalogue function)`);
    }
    const literal = this.cfn.resolve(v, where);
    const bare = typeof literal === 'string' && literal.includes(':function:') ? literal.split(':function:')[1]!.split(':')[0]! : literal;
    for (const [fid, r] of this.byType('AWS::Lambda::Function')) {
      if (this.isCatalogueFunction(r) && (this.cfn.nameOf(fid) === bare || r.Properties?.FunctionName === bare))
        return this.cfn.nameOf(fid);
    }
    return refuse(where, `function ${JSON.stringify(literal)} (not a catalogue function of this template)`);
  }

  /** A destination: an SQS queue or S3 bucket of this template. */
  private destination(v: unknown, where: string): DestinationModel {
    const id = this.cfn.referencedId(v);
    const type = id ? this.resources[id]!.Type : undefined;
    if (id && type === 'AWS::SQS::Queue') return { kind: 'queue', name: this.cfn.nameOf(id), arn: this.cfn.arnOf(id) };
    if (id && type === 'AWS::S3::Bucket') return { kind: 'bucket', name: this.cfn.nameOf(id), arn: this.cfn.arnOf(id) };
    const arn = String(this.cfn.resolve(v, where));
    for (const [qid] of this.byType('AWS::SQS::Queue'))
      if (this.cfn.arnOf(qid) === arn) return { kind: 'queue', name: this.cfn.nameOf(qid), arn };
    for (const [bid] of this.byType('AWS::S3::Bucket'))
      if (this.cfn.arnOf(bid) === arn) return { kind: 'bucket', name: this.cfn.nameOf(bid), arn };
    return refuse(where, `destination ${id ? `${id} (${type})` : arn}: only SQS queues and S3 buckets of this template`);
  }
}
