import { DynamoCreditStore, createDocumentClient } from '../adapters/dynamodb';
import { EventBridgePublisher, createEventBridgeClient } from '../adapters/eventbridge';
import { SesMailer, createSesClient } from '../adapters/ses';
import type { CreditStore, EventPublisher, Mailer } from '../app/ports';
import { eventBusName, senderEmail, sesConfigurationSet, tableName } from './config';

/** Clients are created once per container, on first use (so a missing setting fails with its name, not at import). */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

export const documentClient = once(() => createDocumentClient());
export const creditStore = once<CreditStore>(() => new DynamoCreditStore(documentClient(), tableName()));
export const mailer = once<Mailer>(() => new SesMailer(createSesClient(), senderEmail(), sesConfigurationSet()));
export const eventPublisher = once<EventPublisher>(() => new EventBridgePublisher(createEventBridgeClient(), eventBusName()));
