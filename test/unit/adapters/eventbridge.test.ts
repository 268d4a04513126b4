/** The EventBridge publisher's exact PutEvents requests: bus, source, detail-type, JSON detail, at most 10 per call. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgePublisher } from '../../../lambdas/adapters/eventbridge';
import { DETAIL_TYPES, EVENT_SOURCE } from '../../../lambdas/domain/events';

const eb = mockClient(EventBridgeClient);
const publisher = () =>
  new EventBridgePublisher(
    new EventBridgeClient({ region: 'eu-central-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    'courtesy-credits',
  );
const event = (n: number) => ({ detailType: DETAIL_TYPES.GRANTED, detail: { eventId: `GRANTED#${n}`, customerId: 'cust-1', amount: n } });

beforeEach(() => eb.reset());
afterAll(() => eb.restore());

it('one entry per event on the service bus, with the service source and the detail as JSON', async () => {
  eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  await publisher().publish([event(1)]);
  expect(eb.commandCalls(PutEventsCommand).map((c) => c.args[0].input)).toEqual([
    {
      Entries: [
        {
          EventBusName: 'courtesy-credits',
          Source: 'courtesy-credits',
          DetailType: 'CreditGranted',
          Detail: JSON.stringify({ eventId: 'GRANTED#1', customerId: 'cust-1', amount: 1 }),
        },
      ],
    },
  ]);
  expect(EVENT_SOURCE).toBe('courtesy-credits');
});

it('more than 10 events: chunks of 10, in order', async () => {
  eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
  await publisher().publish(Array.from({ length: 23 }, (_, i) => event(i)));
  const calls = eb.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!).amount));
  expect(calls.map((c) => c.length)).toEqual([10, 10, 3]);
  expect(calls.flat()).toEqual(Array.from({ length: 23 }, (_, i) => i));
});

it('nothing to publish: no call', async () => {
  await publisher().publish([]);
  expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
});

it('a rejected entry fails the publish with its error codes (the stream record is retried), later chunks not sent', async () => {
  eb.on(PutEventsCommand).resolves({
    FailedEntryCount: 1,
    Entries: [{ EventId: 'e-1' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
  });
  await expect(publisher().publish(Array.from({ length: 12 }, (_, i) => event(i)))).rejects.toThrow(
    'EventBridge rejected 1 of 10 entries: InternalFailure: try again',
  );
  expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
});
