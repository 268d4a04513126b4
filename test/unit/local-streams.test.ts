/** DynamoDB Local stream records → the record shape Lambda delivers in AWS. */
import type { _Record as SdkStreamRecord } from '@aws-sdk/client-dynamodb-streams';
import {
  compareSequenceNumbers,
  DYNAMODB_SERVICE_PRINCIPAL,
  rewriteStreamArnRegion,
  toLambdaAttributeValue,
  toLambdaStreamRecord,
} from '../../local/streams';
import { matchesPattern } from '../../local/pattern';

const streamArn = 'arn:aws:dynamodb:eu-central-1:000000000000:table/t/stream/2026-01-01T00:00:00.000';
const opts = { streamArn, region: 'eu-central-1' };

const base = (over: Partial<SdkStreamRecord>): SdkStreamRecord => ({
  eventID: 'e-1',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'ddblocal',
  dynamodb: {
    ApproximateCreationDateTime: new Date('2026-01-01T10:00:00.000Z'),
    Keys: { pk: { S: 'C#1' }, sk: { S: 'CREDIT#1' } },
    OldImage: { pk: { S: 'C#1' }, sk: { S: 'CREDIT#1' }, type: { S: 'CREDIT' }, ttl: { N: '1767261600' } },
    SequenceNumber: '000000000000000000042',
    SizeBytes: 40,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
  ...over,
});

describe('toLambdaStreamRecord', () => {
  it('turns a TTL deletion with an unknown event name into REMOVE by the DynamoDB service principal', () => {
    const r = toLambdaStreamRecord(base({ eventName: 'UNKNOWN_TO_SDK_VERSION' as never }), opts);
    expect(r.eventName).toBe('REMOVE');
    expect(r.userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
    expect(r.userIdentity).toEqual(DYNAMODB_SERVICE_PRINCIPAL);
  });

  it('treats any other unexpected event name (or none) the same way', () => {
    expect(toLambdaStreamRecord(base({ eventName: 'TTL' as never }), opts)).toMatchObject({
      eventName: 'REMOVE',
      userIdentity: DYNAMODB_SERVICE_PRINCIPAL,
    });
    expect(toLambdaStreamRecord(base({ eventName: undefined }), opts)).toMatchObject({
      eventName: 'REMOVE',
      userIdentity: DYNAMODB_SERVICE_PRINCIPAL,
    });
  });

  it("converts the SDK userIdentity {PrincipalId, Type} to Lambda's {type, principalId}", () => {
    const r = toLambdaStreamRecord(
      base({ eventName: 'REMOVE', userIdentity: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' } }),
      opts,
    );
    expect(r.userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
  });

  it('leaves user deletions without userIdentity', () => {
    const r = toLambdaStreamRecord(base({ eventName: 'REMOVE' }), opts);
    expect(r.eventName).toBe('REMOVE');
    expect(r).not.toHaveProperty('userIdentity');
  });

  it('keeps INSERT and MODIFY, sets eventSourceARN and awsRegion, and keeps DynamoDB JSON images', () => {
    const r = toLambdaStreamRecord(
      base({
        eventName: 'INSERT',
        dynamodb: { ...base({}).dynamodb, OldImage: undefined, NewImage: { type: { S: 'CREDIT' }, amount: { N: '10' } } },
      }),
      opts,
    );
    expect(r).toMatchObject({
      eventID: 'e-1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-central-1',
      eventSourceARN: streamArn,
    });
    expect(r.dynamodb).toEqual({
      ApproximateCreationDateTime: 1767261600,
      Keys: { pk: { S: 'C#1' }, sk: { S: 'CREDIT#1' } },
      NewImage: { type: { S: 'CREDIT' }, amount: { N: '10' } },
      SequenceNumber: '000000000000000000042',
      SizeBytes: 40,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(toLambdaStreamRecord(base({ eventName: 'MODIFY' }), opts).eventName).toBe('MODIFY');
  });

  it('produces plain JSON (survives a JSON round trip unchanged)', () => {
    const r = toLambdaStreamRecord(base({ eventName: 'UNKNOWN_TO_SDK_VERSION' as never }), opts);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(typeof r.dynamodb.ApproximateCreationDateTime).toBe('number');
  });

  it('matches the TTL filter the stack uses only after normalization', () => {
    const filter = {
      eventName: ['REMOVE'],
      userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
      dynamodb: { OldImage: { type: { S: ['CREDIT'] } } },
    };
    const raw = base({ eventName: 'UNKNOWN_TO_SDK_VERSION' as never });
    expect(matchesPattern(filter, raw)).toBe(false);
    expect(matchesPattern(filter, toLambdaStreamRecord(raw, opts))).toBe(true);
  });
});

describe('toLambdaAttributeValue', () => {
  it('encodes binary as base64, recursively, and keeps everything else', () => {
    expect(toLambdaAttributeValue({ B: new Uint8Array([1, 2, 3]) })).toEqual({ B: 'AQID' });
    expect(toLambdaAttributeValue({ BS: [new Uint8Array([255])] })).toEqual({ BS: ['/w=='] });
    expect(
      toLambdaAttributeValue({ M: { a: { L: [{ B: new Uint8Array([0]) }, { NULL: true }, { BOOL: false }] }, n: { NS: ['1', '2'] } } }),
    ).toEqual({
      M: { a: { L: [{ B: 'AA==' }, { NULL: true }, { BOOL: false }] }, n: { NS: ['1', '2'] } },
    });
    expect(toLambdaAttributeValue({ SS: ['x'] })).toEqual({ SS: ['x'] });
  });
});

describe('helpers', () => {
  it('rewrites the DynamoDB Local region in stream ARNs', () => {
    expect(rewriteStreamArnRegion('arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/x', 'eu-central-1')).toBe(
      'arn:aws:dynamodb:eu-central-1:000000000000:table/t/stream/x',
    );
  });

  it('orders sequence numbers numerically', () => {
    expect(compareSequenceNumbers('000000000000000000009', '000000000000000000010')).toBeLessThan(0);
    expect(compareSequenceNumbers('100', '0000099')).toBeGreaterThan(0);
    expect(compareSequenceNumbers('007', '7')).toBe(0);
  });
});
