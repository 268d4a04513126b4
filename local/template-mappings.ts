/** Event source mappings of the template: a DynamoDB-stream mapping or an SQS mapping, with their settings. */
import { randomUUID } from 'node:crypto';
import { compilePattern, type EventMatcher } from './pattern';
import { getAttParts, TemplateError, type CfnResource, type Intrinsics } from './cfn';
import { QUEUE_ONLY, refuse, STREAM_ONLY } from './template-coverage';
import type { DestinationModel, EventSourceMappingModel } from './template-model';

/** What mapping reading needs from the template reader. */
export interface TemplateRefs {
  cfn: Intrinsics;
  resources: Record<string, CfnResource>;
  functionRef: (v: unknown, where: string) => string;
  destination: (v: unknown, where: string) => DestinationModel;
}

export function readMapping(refs: TemplateRefs, logicalId: string, r: CfnResource): EventSourceMappingModel {
  const p = r.Properties ?? {};
  const where = `${logicalId}.Properties`;
  const functionName = refs.functionRef(p.FunctionName, `${where}.FunctionName`);
  const src = refs.cfn.referencedId(p.EventSourceArn);
  const srcType = src ? refs.resources[src]!.Type : undefined;
  const responseTypes: string[] = p.FunctionResponseTypes ?? [];
  for (const t of responseTypes) if (t !== 'ReportBatchItemFailures') refuse(`${where}.FunctionResponseTypes`, t);
  const enabled = p.Enabled !== false;
  if (srcType === 'AWS::SQS::Queue') {
    for (const k of STREAM_ONLY) if (p[k] !== undefined) refuse(`${where}.${k}`, `${k} on an SQS event source mapping`);
    for (const k of Object.keys(p.ScalingConfig ?? {})) if (k !== 'MaximumConcurrency') refuse(`${where}.ScalingConfig.${k}`, k);
    return {
      kind: 'queue',
      logicalId,
      functionName,
      queueName: refs.cfn.nameOf(src!),
      enabled,
      batchSize: Number(p.BatchSize ?? 10),
      batchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
      reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
      ...(p.ScalingConfig?.MaximumConcurrency !== undefined ? { maximumConcurrency: Number(p.ScalingConfig.MaximumConcurrency) } : {}),
    };
  }
  const getAtt = getAttParts((p.EventSourceArn as any)?.['Fn::GetAtt']);
  if (srcType !== 'AWS::DynamoDB::Table' || getAtt?.[1] !== 'StreamArn')
    refuse(`${where}.EventSourceArn`, 'an event source other than an SQS queue or the table stream');
  for (const k of QUEUE_ONLY) if (p[k] !== undefined) refuse(`${where}.${k}`, `${k} on a stream event source mapping`);
  if (p.MaximumBatchingWindowInSeconds) refuse(`${where}.MaximumBatchingWindowInSeconds`, 'a batching window on a stream mapping');
  const filters: Record<string, unknown>[] = (p.FilterCriteria?.Filters ?? []).map((f: any, i: number) => {
    const raw = refs.cfn.resolve(f.Pattern, `${where}.FilterCriteria.Filters[${i}].Pattern`);
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
  const dc = p.DestinationConfig ?? {};
  for (const k of Object.keys(dc)) if (k !== 'OnFailure') refuse(`${where}.DestinationConfig.${k}`, `${k} destination`);
  const onFailure = dc.OnFailure?.Destination
    ? refs.destination(dc.OnFailure.Destination, `${where}.DestinationConfig.OnFailure.Destination`)
    : undefined;
  return {
    kind: 'stream',
    logicalId,
    uuid: randomUUID(),
    functionName,
    tableLogicalId: src!,
    enabled,
    startingPosition: String(p.StartingPosition ?? 'TRIM_HORIZON'),
    filters,
    matchers,
    batchSize: Number(p.BatchSize ?? 100),
    maximumRetryAttempts: p.MaximumRetryAttempts === undefined ? -1 : Number(p.MaximumRetryAttempts),
    bisectBatchOnFunctionError: p.BisectBatchOnFunctionError === true,
    reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
    ...(onFailure ? { onFailure } : {}),
  };
}
