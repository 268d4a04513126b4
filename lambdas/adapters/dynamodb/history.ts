import { CreditError } from '../../domain/errors';
import type { LedgerEntry } from '../../domain/ledger';
import type { Table } from './client';
import { decodeAs, ledgerItem } from './codec';
import { PREFIX, keys } from './layout';
import type { ExpiredEntry } from '../../domain/credit-entries';

/** The ledger: single entries, the expiry append, and history pages behind an opaque cursor. */
export class Ledger {
  constructor(private readonly table: Table) {}

  async getLedgerEntry(customerId: string, entryId: string): Promise<LedgerEntry | undefined> {
    const item = await this.table.get(keys.customer(customerId), keys.ledger(entryId));
    return item ? decodeAs(item, 'ledger').entry : undefined;
  }

  async recordExpiry(entry: ExpiredEntry): Promise<boolean> {
    return this.table.putIfAbsent(ledgerItem(entry));
  }

  /** Newest first, `limit` entries per page. */
  async history(customerId: string, limit: number, cursor?: string): Promise<{ entries: LedgerEntry[]; nextCursor?: string }> {
    const pk = keys.customer(customerId);
    const out = await this.table.queryPage({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ledger)',
      ExpressionAttributeValues: { ':pk': pk, ':ledger': PREFIX.LEDGER },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: cursor ? decodeCursor(cursor, pk) : undefined,
    });
    const entries = out.items.map((item) => decodeAs(item, 'ledger').entry);
    return { entries, nextCursor: out.lastKey ? encodeCursor(out.lastKey as { sk: string }) : undefined };
  }
}

/** History cursors are opaque to callers: base64url of the last sort key, checked on the way back in. */
function encodeCursor(key: { sk: string }): string {
  return Buffer.from(JSON.stringify({ sk: key.sk })).toString('base64url');
}

function decodeCursor(cursor: string, pk: string): Record<string, string> {
  try {
    const { sk } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { sk?: unknown };
    if (typeof sk === 'string' && sk.startsWith(PREFIX.LEDGER)) return { pk, sk };
  } catch {
    // fall through
  }
  throw new CreditError('INVALID_INPUT', 'invalid input: cursor: not a cursor returned by this service', {
    issues: [{ path: 'cursor', problem: 'not a cursor returned by this service' }],
  });
}
