import { NOTICE } from '../domain/notice';
import {
  eventForDecision,
  eventForLedgerEntry,
  eventForPendingGrant,
  eventForRefusal,
  eventForReminder,
  type OutgoingEvent,
} from '../domain/events';
import type { StoredItem } from './stored';

/**
 * The table is the outbox: every ledger entry, every sent reminder, every grant refusal, pending grant and approval decision becomes exactly one outgoing event
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
    // Approval above a threshold (issue 11.2): a pending grant inserted, a decision inserted.
    case 'pendingGrant':
      return eventForPendingGrant(item.pending);
    case 'decision':
      return eventForDecision(item.decision);
    default:
      return undefined;
  }
}
