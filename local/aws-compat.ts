/**
 * What AWS refuses or advises against, checked on the template model so the same mistake fails locally:
 * - a DynamoDB-stream mapping may filter only on the `dynamodb` key (Lambda's filtering rules for DynamoDB);
 * - at most two event source mappings read one table stream (DynamoDB: no more than two readers per shard);
 * - an SQS mapping's queue has a visibility timeout at least the function's timeout (Lambda refuses the mapping).
 */
import { TemplateError } from './cfn';
import type { TemplateModel } from './template-model';

/** DynamoDB advises no more than two simultaneous readers per stream shard; beyond that reads are throttled. */
export const MAX_STREAM_READERS = 2;

export function assertAwsCompatible(model: TemplateModel): void {
  for (const m of model.streamMappings) {
    m.filters.forEach((f, i) => {
      const keys = Object.keys(f).filter((k) => k !== 'dynamodb');
      if (keys.length > 0) {
        throw new TemplateError(
          `${m.logicalId}.Properties.FilterCriteria.Filters[${i}].Pattern selects on ${keys.map((k) => JSON.stringify(k)).join(', ')}: ` +
            'a DynamoDB stream mapping may filter only on the "dynamodb" key (express inserts/removals through NewImage/OldImage, e.g. the exists operator)',
        );
      }
    });
  }
  const readers = new Map<string, string[]>();
  for (const m of model.streamMappings.filter((x) => x.enabled))
    readers.set(m.tableLogicalId, [...(readers.get(m.tableLogicalId) ?? []), m.logicalId]);
  for (const [table, ids] of readers) {
    if (ids.length > MAX_STREAM_READERS) {
      throw new TemplateError(
        `${ids.length} event source mappings read the stream of ${table} (${ids.join(', ')}): at most ${MAX_STREAM_READERS} readers per stream shard, beyond that DynamoDB throttles reads`,
      );
    }
  }
  for (const m of model.queueMappings) {
    const q = model.queues.find((x) => x.name === m.queueName);
    const fn = model.functions.find((f) => f.name === m.functionName);
    if (q && fn && q.visibilityTimeoutSeconds < fn.timeoutSeconds) {
      throw new TemplateError(
        `${m.logicalId}: queue ${q.logicalId} has VisibilityTimeout ${q.visibilityTimeoutSeconds} s, less than the timeout of function ${fn.name} (${fn.timeoutSeconds} s); Lambda refuses such a mapping`,
      );
    }
  }
}
