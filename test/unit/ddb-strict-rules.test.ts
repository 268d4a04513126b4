/**
 * The strict layer's rules, each pinned to AWS's documentation (Developer Guide, "Transaction conflict handling in
 * DynamoDB"; API Reference, TransactionCanceledException / TransactionConflictException / ThrottlingReason).
 */
import { wireItemSize } from '../../local/ddb-capacity';
import { meterBatchGet } from '../../local/ddb-strict-batch';
import { AWS_PARTITION_LIMITS, InFlight, PartitionMeter, strictErrors } from '../../local/ddb-strict-rules';
import { ItemSizes, itemId, partitionId, touch, type KeySchema } from '../../local/ddb-strict-requests';
import { strictSettingsFromEnv, DEFAULT_TXN_WINDOW_MS } from '../../local/ddb-strict-settings';

describe('transaction conflicts', () => {
  it('a TransactWriteItems meeting an in-flight TransactWriteItems is cancelled at the shared items only', () => {
    const f = new InFlight();
    f.hold({ kind: 'transactWrite', items: ['a', 'b'] });
    expect(f.meet('transactWrite', ['x', 'b', 'y'])).toEqual({ conflict: true, positions: [false, true, false] });
    expect(f.meet('transactWrite', ['x', 'y'])).toEqual({ conflict: false });
  });

  it('a PutItem/UpdateItem/DeleteItem meets an in-flight TransactWriteItems, not an in-flight single write or read', () => {
    const f = new InFlight();
    f.hold({ kind: 'transactWrite', items: ['a'] });
    f.hold({ kind: 'write', items: ['b'] });
    f.hold({ kind: 'transactGet', items: ['c'], overwritten: new Set() });
    expect(f.meet('write', ['a']).conflict).toBe(true);
    expect(f.meet('write', ['b']).conflict).toBe(false);
    expect(f.meet('write', ['c']).conflict).toBe(false);
  });

  it('a TransactGetItems meets any in-flight write, not an in-flight read', () => {
    const f = new InFlight();
    f.hold({ kind: 'write', items: ['a'] });
    f.hold({ kind: 'transactGet', items: ['b'], overwritten: new Set() });
    expect(f.meet('transactGet', ['a', 'b'])).toEqual({ conflict: true, positions: [true, false] });
  });

  it('a write landing on an item of an in-flight TransactGetItems cancels that read', () => {
    const f = new InFlight();
    const overwritten = new Set<string>();
    f.hold({ kind: 'transactGet', items: ['a', 'b'], overwritten });
    f.hold({ kind: 'write', items: ['b'] });
    expect([...overwritten]).toEqual(['b']);
  });

  it('releasing frees the items', () => {
    const f = new InFlight();
    const release = f.hold({ kind: 'transactWrite', items: ['a'] });
    release();
    expect(f.meet('transactWrite', ['a']).conflict).toBe(false);
    expect(f.size).toBe(0);
  });

  it('an induced conflict is met by exactly the next `count` writes of the item', () => {
    const f = new InFlight();
    f.induce('a', 2);
    expect(f.meet('transactGet', ['a']).conflict).toBe(false);
    expect(f.meet('write', ['a']).conflict).toBe(true);
    expect(f.meet('transactWrite', ['z', 'a'])).toEqual({ conflict: true, positions: [false, true] });
    expect(f.meet('write', ['a']).conflict).toBe(false);
  });
});

describe('error shapes, as DynamoDB sends them', () => {
  it('TransactionCanceledException lists one reason per item in request order, None where nothing failed', () => {
    const e = strictErrors.cancelled(['None', 'TransactionConflict']);
    expect(e.__type).toMatch(/#TransactionCanceledException$/);
    expect(e.message).toBe('Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]');
    expect(e.CancellationReasons).toEqual([{ Code: 'None' }, { Code: 'TransactionConflict', Message: expect.any(String) }]);
  });

  it('hot-partition throttling is ProvisionedThroughputExceededException with a KeyRangeThroughputExceeded reason', () => {
    const e = strictErrors.throttled('t', 'Write');
    expect(e.__type).toMatch(/#ProvisionedThroughputExceededException$/);
    expect(e.ThrottlingReasons).toEqual([{ reason: 'TableWriteKeyRangeThroughputExceeded', resource: expect.stringMatching(/table\/t$/) }]);
  });
});

describe('partition throughput', () => {
  it('AWS ceilings: 1,000 WCU and 3,000 RCU a second per partition', () => {
    expect(AWS_PARTITION_LIMITS).toEqual({ wcuPerSecond: 1000, rcuPerSecond: 3000 });
  });

  it('refuses a write beyond the balance, all partitions or none, and refills at the limit per second', () => {
    let now = 0;
    const m = new PartitionMeter({ wcuPerSecond: 10, rcuPerSecond: 30 }, () => now);
    expect(m.takeWrites(new Map([['p', 8]]))).toBeUndefined();
    expect(
      m.takeWrites(
        new Map([
          ['q', 1],
          ['p', 4],
        ]),
      ),
    ).toBe('p');
    expect(m.takeWrites(new Map([['q', 10]]))).toBeUndefined(); // q untouched by the refused write
    now = 200; // +2 units on p
    expect(m.takeWrites(new Map([['p', 4]]))).toBeUndefined();
    now = 10_000; // never more than one second's worth
    expect(m.takeWrites(new Map([['p', 11]]))).toBe('p');
  });

  it('a read is refused once the partition balance is spent, and the balance comes back', () => {
    let now = 0;
    const m = new PartitionMeter({ wcuPerSecond: 10, rcuPerSecond: 3 }, () => now);
    expect(m.readRefused(['p'])).toBeUndefined();
    m.chargeReads(new Map([['p', 4]]));
    expect(m.readRefused(['p'])).toBe('p');
    expect(m.readRefused(['other'])).toBeUndefined();
    now = 1000;
    expect(m.readRefused(['p'])).toBeUndefined();
  });

  const schema: KeySchema = { hash: 'pk', range: 'sk', indexHash: { byX: 'x' } };

  it('items are named by table and full key, partitions by table (or index) and partition key', () => {
    const key = { pk: { S: 'C#1' }, sk: { S: 'CREDIT#a' } };
    expect(itemId('t', schema, key)).not.toBe(itemId('t', schema, { ...key, sk: { S: 'CREDIT#b' } }));
    expect(partitionId('t', schema, key)).toBe(partitionId('t', schema, { ...key, sk: { S: 'CREDIT#b' } }));
    expect(partitionId('t', schema, { ...key, x: { S: 'v' } }, 'byX')).not.toBe(partitionId('t', schema, key));
  });

  it('write units by item size: 1 WCU per KB of max(before, after), twice in a transaction', () => {
    const sizes = new ItemSizes();
    const big = { pk: { S: 'C#1' }, sk: { S: 'X' }, blob: { S: 'x'.repeat(2500) } };
    const put = touch(schema, 't', { Item: big }, true);
    expect(wireItemSize(big)).toBeGreaterThan(2048);
    expect(sizes.units(put, false)).toBe(3);
    expect(sizes.units(put, true)).toBe(6);
    sizes.set(put.item, sizes.after(put));
    // a small update of the big item still costs what the item weighs before it
    const upd = touch(schema, 't', { Key: { pk: big.pk, sk: big.sk }, ExpressionAttributeValues: { ':n': { N: '1' } } }, true);
    expect(sizes.units(upd, false)).toBe(3);
  });
});

describe('BatchGetItem (API Reference, BatchGetItem: UnprocessedKeys, ProvisionedThroughputExceededException)', () => {
  const schema: KeySchema = { hash: 'pk', range: 'sk', indexHash: {} };
  const schemas = new Map([['t', schema]]);
  const key = (pk: string) => ({ pk: { S: pk }, sk: { S: 'A' } });
  const item = (pk: string, bytes = 100) => ({ ...key(pk), blob: { S: 'x'.repeat(bytes) } });
  const request = (...pks: string[]) => ({ RequestItems: { t: { Keys: pks.map(key), ConsistentRead: true } } });

  it('charges each key to its partition as a GetItem (a missing item the minimum) and passes the answer on', () => {
    let now = 0;
    const m = new PartitionMeter({ wcuPerSecond: 10, rcuPerSecond: 3 }, () => now);
    const out = meterBatchGet(request('a', 'b', 'gone'), { Responses: { t: [item('a', 9000), item('b')] } }, schemas, m);
    expect(out).toMatchObject({ kind: 'answer', held: 0, out: { Responses: { t: [item('a', 9000), item('b')] }, UnprocessedKeys: {} } });
    // 'a' was 3 units (9 KB, strongly consistent): its balance is spent; 'b' and 'gone' still have 2 left
    const p = (pk: string) => partitionId('t', schema, key(pk));
    expect(m.readRefused([p('a')])).toBe(p('a'));
    expect(m.readRefused([p('b'), p('gone')])).toBeUndefined();
    m.chargeReads(new Map([[p('b'), 2]]));
    expect(m.readRefused([p('b')])).toBe(p('b')); // 1 + 2 of its 3: 'b' was charged one unit
    now = 1000;
    expect(m.readRefused([p('a')])).toBeUndefined();
  });

  it("a spent partition's keys come back in UnprocessedKeys, the others are read; all spent: the request is throttled", () => {
    const m = new PartitionMeter({ wcuPerSecond: 10, rcuPerSecond: 1 }, () => 0);
    m.chargeReads(new Map([[partitionId('t', schema, key('hot')), 1]]));
    const out = meterBatchGet(request('hot', 'cold'), { Responses: { t: [item('hot'), item('cold')] } }, schemas, m);
    expect(out).toEqual({
      kind: 'answer',
      held: 1,
      sizes: [[itemId('t', schema, key('cold')), wireItemSize(item('cold'))]],
      out: { Responses: { t: [item('cold')] }, UnprocessedKeys: { t: { Keys: [key('hot')], ConsistentRead: true } } },
    });
    expect(meterBatchGet(request('hot', 'cold'), { Responses: { t: [item('hot'), item('cold')] } }, schemas, m)).toEqual({
      kind: 'throttled',
      table: 't',
    });
  });

  it('keys DynamoDB itself left unprocessed stay so, and are not charged', () => {
    const m = new PartitionMeter({ wcuPerSecond: 10, rcuPerSecond: 1 }, () => 0);
    const out = meterBatchGet(
      request('a', 'b'),
      { Responses: { t: [item('a')] }, UnprocessedKeys: { t: { Keys: [key('b')], ConsistentRead: true } } },
      schemas,
      m,
    );
    expect(out).toMatchObject({ kind: 'answer', held: 0, out: { UnprocessedKeys: { t: { Keys: [key('b')] } } } });
    expect(m.readRefused([partitionId('t', schema, key('b'))])).toBeUndefined();
  });
});

describe('switches', () => {
  it('on by default with the published window and AWS ceilings; DDB_STRICT=0 turns it off', () => {
    expect(strictSettingsFromEnv({})).toEqual({ txnWindowMs: DEFAULT_TXN_WINDOW_MS, limits: AWS_PARTITION_LIMITS });
    expect(strictSettingsFromEnv({ DDB_STRICT: '0' })).toBeUndefined();
    expect(strictSettingsFromEnv({ DDB_STRICT_TXN_MS: '40', DDB_STRICT_PARTITION_WCU: '5' })).toEqual({
      txnWindowMs: 40,
      limits: { wcuPerSecond: 5, rcuPerSecond: 3000 },
    });
    expect(() => strictSettingsFromEnv({ DDB_STRICT_TXN_MS: 'soon' })).toThrow(/DDB_STRICT_TXN_MS/);
    expect(strictSettingsFromEnv({ DDB_STRICT_DELAY_MS: '800' })).toMatchObject({ delayMs: 800 });
    expect(strictSettingsFromEnv({ DDB_STRICT_DELAY_MS: '0' })).not.toHaveProperty('delayMs');
    expect(() => strictSettingsFromEnv({ DDB_STRICT_DELAY_MS: '-1' })).toThrow(/DDB_STRICT_DELAY_MS/);
  });
});
