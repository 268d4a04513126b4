import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE } from '../domain/events';
import type { EventPublisher } from '../app/ports';
import { eventBusName } from '../shared/config';
import { once } from '../shared/once';
import { tracer } from '../shared/observability';

const MAX_ENTRIES_PER_CALL = 10;

/** Publishes outgoing events on the service's bus. Endpoint overrides come from AWS_ENDPOINT_URL_EVENTBRIDGE. */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: ReadonlyArray<{ detailType: string; detail: Record<string, unknown> }>): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES_PER_CALL) {
      const chunk = events.slice(i, i + MAX_ENTRIES_PER_CALL);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: chunk.map((e) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: e.detailType,
            Detail: JSON.stringify(e.detail),
          })),
        }),
      );
      if ((out.FailedEntryCount ?? 0) > 0) {
        const failed = (out.Entries ?? []).filter((e) => e.ErrorCode).map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
        // Thrown so the stream record is retried; consumers de-duplicate by detail.eventId.
        throw new Error(`EventBridge rejected ${out.FailedEntryCount} of ${chunk.length} entries: ${failed.join('; ')}`);
      }
    }
  }
}

export const createEventBridgeClient = (): EventBridgeClient => new EventBridgeClient({});

export const eventPublisher = once<EventPublisher>(
  () => new EventBridgePublisher(tracer.captureAWSv3Client(createEventBridgeClient()), eventBusName()),
);
