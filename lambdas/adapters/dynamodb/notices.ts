import type { ReminderNoticeRecord } from '../../app/ports';
import type { Table } from './client';
import { noticeItem } from './codec';
import { keys } from './layout';
import type { NoticeKind } from '../../domain/notice';

/** Notice items: the record that an email went out, written once, so a retried stream batch never sends twice. */
export class Notices {
  constructor(private readonly table: Table) {}

  async hasNotice(customerId: string, creditId: string, kind: NoticeKind): Promise<boolean> {
    return (await this.table.get(keys.customer(customerId), keys.notice(creditId, kind), 'pk')) !== undefined;
  }

  async putNotice(kind: NoticeKind, notice: ReminderNoticeRecord, expiresAt: string): Promise<boolean> {
    return this.table.putIfAbsent(noticeItem(kind, notice, expiresAt));
  }
}
