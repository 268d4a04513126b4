import { eventForLedgerEntry, eventForReminder, type OutgoingEvent } from '../domain/events';
import type { LedgerEntry } from '../domain/ledger';
import type { ReminderNoticeRecord } from './ports';

/**
 * The table is the outbox: every ledger entry and every sent reminder becomes exactly one outgoing event
 * (at least once on the wire; `eventId` is stable for consumers to de-duplicate).
 */
export function eventForStoredItem(item: Record<string, unknown>): OutgoingEvent | undefined {
  if (item.type === 'LEDGER') return eventForLedgerEntry(item as unknown as LedgerEntry);
  if (item.type === 'NOTICE' && item.notice === 'REMINDER') return eventForReminder(item as unknown as ReminderNoticeRecord);
  return undefined;
}
