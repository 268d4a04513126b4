import { NOTICE } from '../adapters/dynamodb/layout';
import { eventForLedgerEntry, eventForRefusal, eventForReminder, type OutgoingEvent } from '../domain/events';
import type { StoredItem } from './stored';

/**
 * The table is the outbox: every ledger entry, every sent reminder and every grant refusal becomes exactly one outgoing event
 * (at least once on the wire; `eventId` is stable for consumers to de-duplicate).
 */
export function eventForStoredItem(item: StoredItem): OutgoingEvent | undefined {
  switch (item.kind) {
    case 'ledger':
      return eventForLedgerEntry(item.entry);
    case 'notice':
      return item.notice.kind === NOTICE.REMINDER ? eventForReminder(item.notice) : undefined;
    case 'refusal':
      return eventForRefusal(item.refusal);
    default:
      return undefined;
  }
}
