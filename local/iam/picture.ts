/**
 * The IAM picture of a synthesized template: every role's identity policies, every resource policy (queue, topic,
 * bus, bucket, table, Lambda permissions, KMS key policies) and which customer-managed key encrypts what — with every
 * intrinsic resolved to the ARNs the local runtime uses (its resource names, LOCAL_ACCOUNT, LOCAL_REGION), so a
 * request the runtime sees can be evaluated against exactly the policies AWS would hold. Reads only; decides nothing.
 */
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
} from '../cfn';

export interface PolicyDocument {
  Version?: string;
  Statement: Array<Record<string, any>>;
}

export interface NamedPolicy {
  name: string;
  policy: PolicyDocument;
}

export interface RolePicture {
  logicalId: string;
  arn: string;
  policies: NamedPolicy[];
}

export interface IamPicture {
  account: string;
  region: string;
  /** Roles of the template by ARN. */
  roles: Map<string, RolePicture>;
  /** Execution role ARN of each catalogue function (by catalogue name). */
  functionRoles: Map<string, string>;
  /** Function ARN by catalogue name. */
  functionArns: Map<string, string>;
  /** Resource policies by resource ARN (table, queue, topic, bus, bucket, function, key). */
  resourcePolicies: Map<string, PolicyDocument>;
  /** The customer-managed key (ARN) that encrypts a resource, by resource ARN. AWS-managed keys are not listed. */
  keys: Map<string, string>;
  /** Logical id → resolved ARN of every resource with one. */
  arns: Map<string, string>;
  /** Resolves an intrinsic expression of this template. */
  resolve(v: unknown, where: string): any;
  resources: Record<string, CfnResource>;
}

const byType = (resources: Record<string, CfnResource>, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

const ARN_TYPES = [
  'AWS::DynamoDB::Table',
  'AWS::Events::EventBus',
  'AWS::Events::Rule',
  'AWS::Events::Archive',
  'AWS::SQS::Queue',
  'AWS::S3::Bucket',
  'AWS::Lambda::Function',
  'AWS::SNS::Topic',
  'AWS::IAM::Role',
  'AWS::KMS::Key',
  'AWS::Logs::LogGroup',
  'AWS::SES::ConfigurationSet',
  'AWS::CloudWatch::Alarm',
];

/** Reads the IAM picture; `names` must be the runtime's (the table gets the caller's table name). */
export function readIamPicture(template: CfnTemplate, names: LocalNameResolver = defaultLocalName): IamPicture {
  const resources = template.Resources ?? {};
  const cfn = new Intrinsics(template, resources, names, LOCAL_REGION, LOCAL_ACCOUNT);
  const resolve = (v: unknown, where: string) => cfn.resolve(v, where);
  const arns = new Map<string, string>();
  for (const [id, r] of Object.entries(resources)) {
    if (ARN_TYPES.includes(r.Type)) arns.set(id, resolve({ 'Fn::GetAtt': [id, 'Arn'] }, id));
  }
  const arnOfRef = (v: unknown, where: string): string => {
    const id = cfn.referencedId(v);
    const arn = id ? arns.get(id) : undefined;
    if (!arn) throw new TemplateError(`${where}: expected a reference to a resource with an ARN`);
    return arn;
  };

  const roles = new Map<string, RolePicture>();
  for (const [id, r] of byType(resources, 'AWS::IAM::Role')) {
    const p = r.Properties ?? {};
    if (p.ManagedPolicyArns?.length || p.PermissionsBoundary) {
      throw new TemplateError(`${id}: managed policies and permission boundaries are not evaluated locally`);
    }
    const inline = (p.Policies ?? []).map((x: any, i: number) => ({
      name: String(resolve(x.PolicyName, `${id}.Policies[${i}]`)),
      policy: resolve(x.PolicyDocument, `${id}.Policies[${i}]`),
    }));
    roles.set(arns.get(id)!, { logicalId: id, arn: arns.get(id)!, policies: inline });
  }
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [id, r] of byType(resources, type)) {
      const p = r.Properties ?? {};
      if (p.Users?.length || p.Groups?.length) throw new TemplateError(`${id}: policies of users or groups are not evaluated locally`);
      const policy = { name: id, policy: resolve(p.PolicyDocument, `${id}.PolicyDocument`) };
      for (const ref of p.Roles ?? []) {
        const roleId = cfn.referencedId(ref);
        const role = roleId ? roles.get(arns.get(roleId)!) : undefined;
        if (!role) throw new TemplateError(`${id}: attached to a role outside the template`);
        role.policies.push(policy);
      }
    }
  }

  const functionRoles = new Map<string, string>();
  const functionArns = new Map<string, string>();
  for (const [id, r] of byType(resources, 'AWS::Lambda::Function')) {
    const name = r.Metadata?.[FUNCTION_METADATA_KEY];
    if (typeof name !== 'string') continue;
    functionRoles.set(name, resolve(r.Properties?.Role, `${id}.Role`));
    functionArns.set(name, arns.get(id)!);
  }

  return {
    account: LOCAL_ACCOUNT,
    region: LOCAL_REGION,
    roles,
    functionRoles,
    functionArns,
    resourcePolicies: readResourcePolicies(resources, resolve, arnOfRef, arns),
    keys: readKeys(resources, resolve, arns),
    arns,
    resolve,
    resources,
  };
}

type Resolve = (v: unknown, where: string) => any;

function readResourcePolicies(
  resources: Record<string, CfnResource>,
  resolve: Resolve,
  arnOfRef: (v: unknown, where: string) => string,
  arns: Map<string, string>,
): Map<string, PolicyDocument> {
  const out = new Map<string, PolicyDocument>();
  const add = (arn: string, policy: PolicyDocument) => {
    const had = out.get(arn);
    out.set(arn, had ? { ...had, Statement: [...had.Statement, ...policy.Statement] } : policy);
  };
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    const doc = (v: unknown, where: string) => resolve(v, `${id}.${where}`) as PolicyDocument;
    switch (r.Type) {
      case 'AWS::SQS::QueuePolicy':
        for (const q of p.Queues ?? []) add(arnOfRef(q, `${id}.Queues`), doc(p.PolicyDocument, 'PolicyDocument'));
        break;
      case 'AWS::SNS::TopicPolicy':
        for (const t of p.Topics ?? []) add(arnOfRef(t, `${id}.Topics`), doc(p.PolicyDocument, 'PolicyDocument'));
        break;
      case 'AWS::S3::BucketPolicy':
        add(arnOfRef(p.Bucket, `${id}.Bucket`), doc(p.PolicyDocument, 'PolicyDocument'));
        break;
      case 'AWS::Events::EventBus':
        if (p.Policy) add(arns.get(id)!, doc(p.Policy, 'Policy'));
        break;
      case 'AWS::Events::EventBusPolicy':
        throw new TemplateError(`${id}: AWS::Events::EventBusPolicy is not evaluated locally (the bus carries its policy)`);
      case 'AWS::DynamoDB::Table':
        if (p.ResourcePolicy) add(arns.get(id)!, doc(p.ResourcePolicy.PolicyDocument, 'ResourcePolicy'));
        if (p.StreamSpecification?.ResourcePolicy) {
          throw new TemplateError(`${id}: a stream resource policy is not evaluated locally`);
        }
        break;
      case 'AWS::KMS::Key':
        add(arns.get(id)!, doc(p.KeyPolicy, 'KeyPolicy'));
        break;
      case 'AWS::Lambda::Permission':
        add(resolve(p.FunctionName, `${id}.FunctionName`), { Statement: [permissionStatement(id, resolve(p, id))] });
        break;
    }
  }
  return out;
}

/** A Lambda permission as the statement Lambda adds to the function's resource policy. */
function permissionStatement(id: string, p: Record<string, any>): Record<string, any> {
  if (p.FunctionUrlAuthType !== undefined || p.EventSourceToken !== undefined) {
    throw new TemplateError(`${id}: function URL / event source token permissions are not evaluated locally`);
  }
  const who = String(p.Principal);
  const principal = who.endsWith('.amazonaws.com')
    ? { Service: who }
    : { AWS: /^\d{12}$/.test(who) ? `arn:aws:iam::${who}:root` : who === '*' ? '*' : who };
  const condition: Record<string, Record<string, string>> = {};
  if (p.SourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': p.SourceArn };
  if (p.SourceAccount !== undefined) condition.StringEquals = { 'AWS:SourceAccount': p.SourceAccount };
  if (p.PrincipalOrgID !== undefined) condition.StringEquals = { ...condition.StringEquals, 'aws:PrincipalOrgID': p.PrincipalOrgID };
  return {
    Sid: id,
    Effect: 'Allow',
    Principal: principal,
    Action: p.Action,
    Resource: p.FunctionName,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
}

/** Resource ARN → the customer-managed key (a key of this template) encrypting it at rest. */
function readKeys(resources: Record<string, CfnResource>, resolve: Resolve, arns: Map<string, string>): Map<string, string> {
  const keyArns = new Set(byType(resources, 'AWS::KMS::Key').map(([id]) => arns.get(id)!));
  const out = new Map<string, string>();
  const note = (id: string, v: unknown, where: string) => {
    if (v === undefined) return;
    const key = String(resolve(v, `${id}.${where}`));
    if (keyArns.has(key)) out.set(arns.get(id)!, key);
    else if (!key.startsWith('alias/aws/')) throw new TemplateError(`${id}.${where}: key ${key} is not a key of the template`);
  };
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    switch (r.Type) {
      case 'AWS::SQS::Queue':
      case 'AWS::SNS::Topic':
        note(id, p.KmsMasterKeyId, 'KmsMasterKeyId');
        break;
      case 'AWS::DynamoDB::Table':
        if (p.SSESpecification?.SSEType === 'KMS') note(id, p.SSESpecification.KMSMasterKeyId, 'SSESpecification');
        break;
      case 'AWS::Logs::LogGroup':
        note(id, p.KmsKeyId, 'KmsKeyId');
        break;
      case 'AWS::S3::Bucket':
        for (const rule of p.BucketEncryption?.ServerSideEncryptionConfiguration ?? []) {
          if (rule.ServerSideEncryptionByDefault?.SSEAlgorithm === 'aws:kms') {
            note(id, rule.ServerSideEncryptionByDefault.KMSMasterKeyID, 'BucketEncryption');
          }
        }
        break;
    }
  }
  return out;
}

/** The resource policy that governs `arn` (an object or a table's index/stream is governed by its bucket/table). */
export function resourcePolicyFor(picture: IamPicture, arn: string): PolicyDocument | undefined {
  const exact = picture.resourcePolicies.get(arn);
  if (exact) return exact;
  if (arn.startsWith('arn:aws:s3:::')) return picture.resourcePolicies.get(arn.split('/')[0]!);
  const table = /^(arn:aws:dynamodb:[^:]+:\d+:table\/[^/]+)\/index\//.exec(arn);
  return table ? picture.resourcePolicies.get(table[1]!) : undefined;
}
