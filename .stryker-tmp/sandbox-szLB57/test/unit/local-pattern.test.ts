/**
 * The local runtime's event-pattern matcher, against the semantics the EventBridge user guide documents
 * ("Event patterns", "Content filtering", "Arrays", "Null values and empty strings") and Lambda event filtering.
 */
// @ts-nocheck

import { compilePattern, InvalidEventPatternError, matchesPattern, validatePattern } from '../../local/pattern';

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'terminated',
    'c-count': 5,
    'd-count': 7,
    'x-limit': 301.8,
    sourceIPAddress: '10.0.0.123',
    eventVersion: '',
    responseElements: null,
    tags: ['blue', 'prod'],
    items: [
      { name: 'a', qty: 1 },
      { name: 'b', qty: 5 },
    ],
  },
};

const m = (pattern: unknown, event: unknown = ec2Event) => matchesPattern(pattern, event);

describe('exact matching', () => {
  it('matches top-level and nested fields; every field must match (AND)', () => {
    expect(m({ source: ['aws.ec2'] })).toBe(true);
    expect(m({ source: ['aws.s3'] })).toBe(false);
    expect(m({ source: ['aws.ec2'], detail: { state: ['terminated'] } })).toBe(true);
    expect(m({ source: ['aws.ec2'], detail: { state: ['running'] } })).toBe(false);
  });

  it('treats the values of a pattern array as OR', () => {
    expect(m({ detail: { state: ['running', 'terminated'] } })).toBe(true);
    expect(m({ detail: { state: ['running', 'pending'] } })).toBe(false);
  });

  it('compares numbers by value and never a number with a string', () => {
    expect(m({ detail: { 'c-count': [5] } })).toBe(true);
    expect(m({ detail: { 'c-count': [5.0] } })).toBe(true);
    expect(m({ detail: { 'c-count': ['5'] } })).toBe(false);
    expect(m({ detail: { 'instance-id': [5] } })).toBe(false);
  });

  it('matches booleans', () => {
    expect(m({ ok: [true] }, { ok: true })).toBe(true);
    expect(m({ ok: [true] }, { ok: false })).toBe(false);
    expect(m({ ok: ['true'] }, { ok: true })).toBe(false);
  });

  it('matches null and empty string, which are not interchangeable', () => {
    expect(m({ detail: { eventVersion: [''] } })).toBe(true);
    expect(m({ detail: { responseElements: [null] } })).toBe(true);
    expect(m({ detail: { eventVersion: [null] } })).toBe(false);
    expect(m({ detail: { responseElements: [''] } })).toBe(false);
    expect(m({ detail: { missing: [null] } })).toBe(false);
  });

  it('is case sensitive', () => {
    expect(m({ detail: { state: ['Terminated'] } })).toBe(false);
  });

  it('does not match a field missing from the event', () => {
    expect(m({ detail: { nope: ['x'] } })).toBe(false);
    expect(m({ nope: { deeper: ['x'] } })).toBe(false);
  });

  it('matches the empty pattern against anything', () => {
    expect(m({})).toBe(true);
  });

  it('does not match a leaf pattern against an object, nor a nested pattern against a scalar', () => {
    expect(m({ detail: ['x'] })).toBe(false);
    expect(m({ source: { inner: ['aws.ec2'] } })).toBe(false);
  });
});

describe('arrays in events', () => {
  it('matches if any element of the event array matches (non-empty intersection)', () => {
    expect(m({ resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', ec2Event.resources[0]] })).toBe(true);
    expect(m({ detail: { tags: ['prod'] } })).toBe(true);
    expect(m({ detail: { tags: ['dev', 'test'] } })).toBe(false);
    expect(m({ detail: { tags: [{ prefix: 'bl' }] } })).toBe(true);
  });

  it('matches a nested pattern if one object of the array matches it as a whole', () => {
    expect(m({ detail: { items: { name: ['b'], qty: [5] } } })).toBe(true);
    expect(m({ detail: { items: { name: ['a'], qty: [5] } } })).toBe(false);
    expect(m({ detail: { items: { qty: [{ numeric: ['>', 3] }] } } })).toBe(true);
  });

  it('flattens nested arrays', () => {
    expect(m({ a: [3] }, { a: [[1, 2], [3]] })).toBe(true);
  });
});

describe('prefix and suffix', () => {
  it('prefix matches the start of strings only', () => {
    expect(m({ time: [{ prefix: '2017-12-22' }] })).toBe(true);
    expect(m({ time: [{ prefix: '2017-10-02' }] })).toBe(false);
    expect(m({ detail: { 'c-count': [{ prefix: '5' }] } })).toBe(false);
  });

  it('suffix matches the end of strings only', () => {
    expect(m({ detail: { 'instance-id': [{ suffix: 'cdef0' }] } })).toBe(true);
    expect(m({ detail: { 'instance-id': [{ suffix: 'CDEF0' }] } })).toBe(false);
  });

  it('supports equals-ignore-case inside prefix and suffix', () => {
    expect(m({ source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] })).toBe(true);
    expect(m({ detail: { 'instance-id': [{ suffix: { 'equals-ignore-case': 'CDEF0' } }] } })).toBe(true);
  });

  it('with the empty string, prefix matches every string', () => {
    expect(m({ source: [{ prefix: '' }] })).toBe(true);
  });
});

describe('equals-ignore-case', () => {
  it('compares strings ignoring case', () => {
    expect(m({ 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] })).toBe(true);
    expect(m({ 'detail-type': [{ 'equals-ignore-case': 'ec2 instance' }] })).toBe(false);
    expect(m({ detail: { 'c-count': [{ 'equals-ignore-case': '5' }] } })).toBe(false);
  });
});

describe('wildcard', () => {
  it('* matches any run of characters, including none', () => {
    expect(m({ source: [{ wildcard: 'aws.*' }] })).toBe(true);
    expect(m({ source: [{ wildcard: '*.ec2' }] })).toBe(true);
    expect(m({ source: [{ wildcard: 'aws*ec2' }] })).toBe(true);
    expect(m({ source: [{ wildcard: 'aws.ec2*' }] })).toBe(true);
    expect(m({ source: [{ wildcard: 'aws.s3*' }] })).toBe(false);
    expect(m({ resources: [{ wildcard: 'arn:aws:ec2:*:123456789012:instance/*' }] })).toBe(true);
  });

  it('without * it is an exact match; regex characters are literal', () => {
    expect(m({ source: [{ wildcard: 'aws.ec2' }] })).toBe(true);
    expect(m({ source: [{ wildcard: 'aws?ec2' }] })).toBe(false);
    expect(m({ v: [{ wildcard: 'a.c' }] }, { v: 'abc' })).toBe(false);
  });

  it('\\* is a literal star', () => {
    expect(m({ v: [{ wildcard: 'a\\*c' }] }, { v: 'a*c' })).toBe(true);
    expect(m({ v: [{ wildcard: 'a\\*c' }] }, { v: 'abc' })).toBe(false);
  });

  it('rejects consecutive stars', () => {
    expect(() => validatePattern({ v: [{ wildcard: 'a**' }] })).toThrow(InvalidEventPatternError);
  });
});

describe('anything-but', () => {
  it('excludes a string or a number', () => {
    expect(m({ detail: { state: [{ 'anything-but': 'initializing' }] } })).toBe(true);
    expect(m({ detail: { state: [{ 'anything-but': 'terminated' }] } })).toBe(false);
    expect(m({ detail: { 'c-count': [{ 'anything-but': 123 }] } })).toBe(true);
    expect(m({ detail: { 'c-count': [{ 'anything-but': 5 }] } })).toBe(false);
  });

  it('excludes a list of strings or numbers', () => {
    expect(m({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } })).toBe(true);
    expect(m({ detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } })).toBe(false);
    expect(m({ detail: { 'c-count': [{ 'anything-but': [100, 200, 300] }] } })).toBe(true);
    expect(m({ detail: { 'c-count': [{ 'anything-but': [1, 5] }] } })).toBe(false);
  });

  it('excludes a prefix or suffix', () => {
    expect(m({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } })).toBe(true);
    expect(m({ detail: { state: [{ 'anything-but': { prefix: 'term' } }] } })).toBe(false);
    expect(m({ detail: { state: [{ 'anything-but': { suffix: 'ated' } }] } })).toBe(false);
  });

  it('excludes values ignoring case, and wildcards', () => {
    expect(m({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['TERMINATED', 'x'] } }] } })).toBe(false);
    expect(m({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'RUNNING' } }] } })).toBe(true);
    expect(m({ detail: { state: [{ 'anything-but': { wildcard: 'term*' } }] } })).toBe(false);
    expect(m({ detail: { state: [{ 'anything-but': { wildcard: 'run*' } }] } })).toBe(true);
  });

  it('never matches a missing field', () => {
    expect(m({ detail: { missing: [{ 'anything-but': 'x' }] } })).toBe(false);
  });

  it('with an event array, matches if any element is not excluded', () => {
    expect(m({ detail: { tags: [{ 'anything-but': 'blue' }] } })).toBe(true);
    expect(m({ detail: { tags: [{ 'anything-but': ['blue', 'prod'] }] } })).toBe(false);
  });

  it('rejects mixed lists and a list of prefixes', () => {
    expect(() => validatePattern({ a: [{ 'anything-but': ['x', 1] }] })).toThrow(InvalidEventPatternError);
    expect(() => validatePattern({ a: [{ 'anything-but': { prefix: ['x', 'y'] } }] })).toThrow(InvalidEventPatternError);
  });
});

describe('numeric', () => {
  it('matches ranges; all fields must be true', () => {
    const p = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(m(p)).toBe(true);
    expect(m({ detail: { 'c-count': [{ numeric: ['>', 5] }] } })).toBe(false);
    expect(m({ detail: { 'c-count': [{ numeric: ['>=', 5] }] } })).toBe(true);
    expect(m({ detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } })).toBe(false);
  });

  it('only matches JSON numbers', () => {
    expect(m({ v: [{ numeric: ['>', 0] }] }, { v: '7' })).toBe(false);
    expect(m({ v: [{ numeric: ['>', 0] }] }, { v: 7 })).toBe(true);
  });

  it('rejects malformed ranges', () => {
    for (const bad of [[], ['>'], ['>', 'x'], ['<', 5, '>', 1], ['=', 1, '<', 2], ['~', 1]]) {
      expect(() => validatePattern({ v: [{ numeric: bad }] })).toThrow(InvalidEventPatternError);
    }
  });
});

describe('exists', () => {
  it('exists: true matches a present leaf, including null and empty string', () => {
    expect(m({ detail: { state: [{ exists: true }] } })).toBe(true);
    expect(m({ detail: { responseElements: [{ exists: true }] } })).toBe(true);
    expect(m({ detail: { eventVersion: [{ exists: true }] } })).toBe(true);
    expect(m({ detail: { nope: [{ exists: true }] } })).toBe(false);
  });

  it('exists: false matches a missing field', () => {
    expect(m({ detail: { nope: [{ exists: false }] } })).toBe(true);
    expect(m({ detail: { state: [{ exists: false }] } })).toBe(false);
  });

  it('works on leaf nodes only: a field holding an object does not "exist"', () => {
    const e = { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } };
    expect(m({ detail: { 'c-count': [{ exists: false }] } }, e)).toBe(true);
    expect(m({ detail: { 'c-count': [{ exists: true }] } }, e)).toBe(false);
  });

  it('exists: false also matches when the whole parent is missing', () => {
    expect(m({ nothing: { here: [{ exists: false }] } })).toBe(true);
  });

  it('can be ORed with values', () => {
    expect(m({ v: ['a', { exists: false }] }, {})).toBe(true);
    expect(m({ v: ['a', { exists: false }] }, { v: 'a' })).toBe(true);
    expect(m({ v: ['a', { exists: false }] }, { v: 'b' })).toBe(false);
  });
});

describe('cidr', () => {
  it('matches IPv4 addresses in the block', () => {
    expect(m({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } })).toBe(true);
    expect(m({ detail: { sourceIPAddress: [{ cidr: '10.0.1.0/24' }] } })).toBe(false);
    expect(m({ detail: { sourceIPAddress: [{ cidr: '0.0.0.0/0' }] } })).toBe(true);
  });
});

describe('$or', () => {
  it('matches if any branch matches', () => {
    const p = { source: ['aws.ec2'], $or: [{ detail: { state: ['running'] } }, { detail: { 'c-count': [{ numeric: ['>', 1] }] } }] };
    expect(m(p)).toBe(true);
    const q = { $or: [{ detail: { state: ['running'] } }, { source: ['aws.s3'] }] };
    expect(m(q)).toBe(false);
  });

  it('needs at least two branches', () => {
    expect(() => validatePattern({ $or: [{ a: ['x'] }] })).toThrow(InvalidEventPatternError);
  });
});

describe('Lambda event filtering on DynamoDB stream records', () => {
  const ttlRemove = {
    eventName: 'REMOVE',
    userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    dynamodb: { Keys: { pk: { S: 'C#1' } }, OldImage: { type: { S: 'CREDIT' }, amount: { N: '1000' } }, SequenceNumber: '1' },
  };
  const userRemove = { eventName: 'REMOVE', dynamodb: { OldImage: { type: { S: 'CREDIT' } }, SequenceNumber: '2' } };
  const filter = {
    eventName: ['REMOVE'],
    userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
    dynamodb: { OldImage: { type: { S: ['CREDIT'] } } },
  };

  it('selects TTL deletions by the service principal and item type', () => {
    expect(m(filter, ttlRemove)).toBe(true);
    expect(m(filter, userRemove)).toBe(false);
  });

  it('accepts the JSON string form used in FilterCriteria', () => {
    expect(matchesPattern(JSON.stringify(filter), ttlRemove)).toBe(true);
    expect(compilePattern(JSON.stringify(filter))).toBe(compilePattern(JSON.stringify(filter)));
  });

  it('numbers in DynamoDB JSON are strings, so numeric does not apply to N values', () => {
    expect(m({ dynamodb: { OldImage: { amount: { N: [{ numeric: ['>', 0] }] } } } }, ttlRemove)).toBe(false);
    expect(m({ dynamodb: { OldImage: { amount: { N: ['1000'] } } } }, ttlRemove)).toBe(true);
  });
});

describe('invalid patterns', () => {
  it.each([
    ['a bare scalar leaf', { source: 'aws.ec2' }],
    ['an empty alternatives array', { source: [] }],
    ['an operator object with two keys', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['an unknown operator', { source: [{ regex: 'a.*' }] }],
    ['exists with a non-boolean', { source: [{ exists: 'yes' }] }],
    ['prefix with a number', { source: [{ prefix: 1 }] }],
    ['a non-object pattern', ['x']],
    ['JSON that does not parse', '{"a": ['],
  ])('rejects %s', (_name, pattern) => {
    expect(() => compilePattern(pattern)).toThrow(InvalidEventPatternError);
  });
});
