import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getReadUnits, itemSize, queryReadUnits, transactWriteUnits, writeUnits, type Units } from '../../local/ddb-capacity';

/**
 * Counts what an operation costs in DynamoDB: round trips, HTTP attempts, the ConsumedCapacity DynamoDB Local
 * reports, and the capacity AWS would bill computed from the item sizes (bench/lib/capacity.ts).
 *
 * Why both: DynamoDB Local's ConsumedCapacity follows the size rules for GetItem, Query, PutItem and UpdateItem,
 * but not for TransactWriteItems (DynamoDB Local 3.3 reports a flat 2 capacity units for a transaction of two to four
 * items under 1 KB, 2.x reported 4 WCU; AWS bills 2 WCU per item). So the verdicts use the computed figure; the
 * reported one is shown next to it.
 *
 * The item sizes are looked up with a second, unmetered client: for every write, the item as it was before and
 * as it is after (a write bills the larger of the two); for every read, the full items the key condition touches.
 * That makes metered calls slower: use the meter for counting, never for timing.
 */
export interface CallRecord {
  command: string;
  ok: boolean;
  errorName?: string;
  httpAttempts: number;
  /** As DynamoDB Local reported it (undefined when it reported nothing, e.g. on a cancelled transaction). */
  reported?: Units;
  /** What AWS would bill, from item sizes. */
  computed: Units;
  /** Items written (writes) or read (reads), with their sizes in bytes. */
  itemBytes: number[];
}

type Key = { pk: string; sk: string };
type AnyInput = Record<string, any>;

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

export class CapacityMeter {
  private calls: CallRecord[] = [];
  /** Calls are recorded only while enabled (fixtures are built with the meter off). */
  enabled = false;

  constructor(
    private readonly raw: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  attach(client: DynamoDBClient | DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!this.enabled) return next(args);
        const command = (context as { commandName?: string }).commandName ?? 'unknown';
        const input = args.input as AnyInput;
        const before = await this.sizesBefore(command, input);
        let out: Awaited<ReturnType<typeof next>> | undefined;
        let error: unknown;
        try {
          out = await next(args);
        } catch (e) {
          error = e;
        }
        const output = (out?.output ?? {}) as AnyInput;
        const record: CallRecord = {
          command,
          ok: error === undefined,
          errorName: error ? ((error as { name?: string }).name ?? 'Error') : undefined,
          httpAttempts: ((error as AnyInput | undefined)?.$metadata ?? output.$metadata)?.attempts ?? 1,
          reported: reportedUnits(command, output.ConsumedCapacity ?? (error as AnyInput | undefined)?.ConsumedCapacity),
          ...(await this.computed(command, input, before, error === undefined)),
        };
        this.calls.push(record);
        if (error !== undefined) throw error;
        return out!;
      },
      { step: 'initialize', name: 'benchCapacityMeter' },
    );
  }

  /** Run `fn` with the meter on and return what it recorded. */
  async measure<T>(fn: () => Promise<T>): Promise<{ value: T; calls: CallRecord[] }> {
    this.calls = [];
    this.enabled = true;
    try {
      const value = await fn();
      return { value, calls: this.calls };
    } finally {
      this.enabled = false;
      this.calls = [];
    }
  }

  private async size(key: Key): Promise<number> {
    const out = await this.raw.send(new GetCommand({ TableName: this.table, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }));
    return itemSize(out.Item as Record<string, unknown> | undefined);
  }

  private writeKeys(command: string, input: AnyInput): Array<{ key: Key; newItem?: Record<string, unknown> }> {
    const keyOf = (o: AnyInput): Key => ({ pk: o.pk as string, sk: o.sk as string });
    switch (command) {
      case 'PutItemCommand':
        return [{ key: keyOf(input.Item), newItem: input.Item }];
      case 'UpdateItemCommand':
      case 'DeleteItemCommand':
        return [{ key: keyOf(input.Key) }];
      case 'TransactWriteItemsCommand':
        return (input.TransactItems as AnyInput[]).map((t) => {
          if (t.Put) return { key: keyOf(t.Put.Item), newItem: t.Put.Item };
          const op = t.Update ?? t.Delete ?? t.ConditionCheck;
          return { key: keyOf(op.Key) };
        });
      default:
        return [];
    }
  }

  private async sizesBefore(command: string, input: AnyInput): Promise<number[]> {
    return Promise.all(this.writeKeys(command, input).map((w) => this.size(w.key)));
  }

  private async computed(
    command: string,
    input: AnyInput,
    before: number[],
    ok: boolean,
  ): Promise<{ computed: Units; itemBytes: number[] }> {
    if (command === 'GetItemCommand') {
      const bytes = await this.size(input.Key as Key);
      return { computed: { rcu: getReadUnits(bytes, input.ConsistentRead === true), wcu: 0 }, itemBytes: [bytes] };
    }
    if (command === 'QueryCommand') {
      const sizes = await this.queriedItemSizes(input);
      const total = sizes.reduce((a, b) => a + b, 0);
      return { computed: { rcu: queryReadUnits(total, input.ConsistentRead === true), wcu: 0 }, itemBytes: sizes };
    }
    const writes = this.writeKeys(command, input);
    if (writes.length === 0) return { computed: { rcu: 0, wcu: 0 }, itemBytes: [] };
    const after = ok
      ? await Promise.all(writes.map((w) => this.size(w.key)))
      : writes.map((w, i) => (w.newItem ? itemSize(w.newItem) : before[i]!));
    const sizes = writes.map((_, i) => Math.max(before[i]!, after[i]!));
    if (command === 'TransactWriteItemsCommand') {
      // A cancelled transaction reports no ConsumedCapacity, on AWS as on DynamoDB Local: counted as 0 here.
      return { computed: { rcu: 0, wcu: ok ? sizes.reduce((sum, s) => sum + transactWriteUnits(s), 0) : 0 }, itemBytes: sizes };
    }
    // A standard write whose condition fails is still billed.
    return { computed: { rcu: 0, wcu: sizes.reduce((sum, s) => sum + writeUnits(s), 0) }, itemBytes: sizes };
  }

  /** Every item the Query's key condition reads (the filter and projection do not change what is billed). */
  private async queriedItemSizes(input: AnyInput): Promise<number[]> {
    const keyCondition = input.KeyConditionExpression as string;
    const used = <V>(map: Record<string, V> | undefined, re: RegExp): Record<string, V> | undefined => {
      if (!map) return undefined;
      const names = new Set(keyCondition.match(re) ?? []);
      const picked = Object.fromEntries(Object.entries(map).filter(([k]) => names.has(k)));
      return Object.keys(picked).length ? picked : undefined;
    };
    const out = await this.raw.send(
      new QueryCommand({
        TableName: input.TableName,
        KeyConditionExpression: keyCondition,
        ExpressionAttributeValues: used(input.ExpressionAttributeValues as Record<string, unknown> | undefined, /:[A-Za-z0-9_]+/g),
        ExpressionAttributeNames: used(input.ExpressionAttributeNames as Record<string, string> | undefined, /#[A-Za-z0-9_]+/g),
        ExclusiveStartKey: input.ExclusiveStartKey,
        Limit: input.Limit,
        ScanIndexForward: input.ScanIndexForward,
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => itemSize(i as Record<string, unknown>));
  }
}

function reportedUnits(command: string, cc: unknown): Units | undefined {
  if (cc === undefined || cc === null) return undefined;
  const list = (Array.isArray(cc) ? cc : [cc]) as AnyInput[];
  let rcu = 0;
  let wcu = 0;
  for (const c of list) {
    if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
      rcu += c.ReadCapacityUnits ?? 0;
      wcu += c.WriteCapacityUnits ?? 0;
    } else if (READS.has(command)) rcu += c.CapacityUnits ?? 0;
    else wcu += c.CapacityUnits ?? 0;
  }
  return { rcu, wcu };
}

export interface OperationCost {
  roundTrips: number;
  httpAttempts: number;
  computed: Units;
  /** Sum of what DynamoDB Local reported; `reportedComplete` is false if some call reported nothing. */
  reported: Units;
  reportedComplete: boolean;
  failedCalls: number;
  commands: string[];
}

export function summarize(calls: CallRecord[]): OperationCost {
  const sum = (f: (c: CallRecord) => number) => calls.reduce((a, c) => a + f(c), 0);
  return {
    roundTrips: calls.length,
    httpAttempts: sum((c) => c.httpAttempts),
    computed: { rcu: sum((c) => c.computed.rcu), wcu: sum((c) => c.computed.wcu) },
    reported: { rcu: sum((c) => c.reported?.rcu ?? 0), wcu: sum((c) => c.reported?.wcu ?? 0) },
    reportedComplete: calls.every((c) => c.reported !== undefined),
    failedCalls: calls.filter((c) => !c.ok).length,
    commands: calls.map((c) => c.command.replace(/Command$/, '')),
  };
}
