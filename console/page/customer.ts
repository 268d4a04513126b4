/**
 * The customer screen: balance per currency, the credits with their expiry (each can be voided), the holds, the
 * ledger as a timeline (paged, newest first), the emails sent (local mailbox only) and erasure. Also the history
 * panel the approvals screen shows beside a pending grant.
 */
import type { BalanceResponse } from '../../lambdas/app/balance';
import type { LedgerEntry } from '../../lambdas/domain/ledger';
import { accepted, announce, type Answer, call, dateTime, field, h, money, needs, table, uid } from './dom';
import { eraseDialog, voidDialog } from './dialogs';
import type { Session } from './session';

const KIND_TEXT: Record<LedgerEntry['kind'], { label: string; sign: '+' | '−' | '' }> = {
  GRANTED: { label: 'Granted', sign: '+' },
  REDEEMED: { label: 'Spent on an order', sign: '−' },
  REVERSED: { label: 'Redemption reversed', sign: '+' },
  EXPIRED: { label: 'Expired (breakage)', sign: '−' },
  VOIDED: { label: 'Voided', sign: '−' },
  HELD: { label: 'Held for an order', sign: '−' },
  CAPTURED: { label: 'Hold captured', sign: '' },
  RELEASED: { label: 'Hold released', sign: '+' },
  REFUNDED: { label: 'Refunded', sign: '+' },
};

function timelineItem(e: LedgerEntry): HTMLLIElement {
  const t = KIND_TEXT[e.kind];
  const detail = 'creditId' in e ? `credit ${e.creditId}` : 'orderId' in e ? `order ${e.orderId}` : '';
  return h(
    'li',
    { class: `entry ${e.kind.toLowerCase()}` },
    h('time', { datetime: e.at }, dateTime(e.at)),
    h('span', { class: 'kind' }, t.label),
    h('span', { class: 'amount' }, `${t.sign}${money(e.amount, e.currency)}`),
    detail ? h('span', { class: 'detail' }, detail) : null,
    e.kind === 'GRANTED' && e.issuedBy ? h('span', { class: 'detail' }, `issued by ${e.issuedBy}`) : null,
  );
}

/** Balances, credits, holds and the paged timeline of one customer; `actions`: with void buttons. */
export async function historyPanel(
  customerId: string,
  s: Session,
  opts: { actions: boolean; onChange?: () => void; notice?: HTMLElement },
): Promise<HTMLElement> {
  const messages = h('div', { class: 'messages' });
  const panel = h('div', { class: 'history' }, messages);
  const outcome = await call<Answer<BalanceResponse>>('balance', { customerId });
  const b = accepted(outcome, messages);
  if (!b) {
    panel.append(needs(s.invokers, 'balance'));
    return panel;
  }
  const { balances, credits, holds } = b.courtesyCredit;
  panel.append(
    table(
      'Balance per currency',
      ['Currency', 'Available', 'Held', 'Next expiry'],
      balances.map((x) => [
        x.currency,
        money(x.available, x.currency),
        money(x.held, x.currency),
        x.nextExpiry ? `${money(x.nextExpiry.amount, x.currency)} on ${dateTime(x.nextExpiry.expiresAt)}` : '—',
      ]),
    ),
    table(
      'Credits',
      ['Credit', 'Remaining', 'Expires', ...(opts.actions ? ['Action'] : [])],
      credits.map((c) => [
        h('code', {}, c.creditId),
        money(c.remaining, c.currency),
        dateTime(c.expiresAt),
        ...(opts.actions
          ? [
              h(
                'button',
                {
                  type: 'button',
                  'aria-label': `Void credit ${c.creditId}`,
                  onclick: () => voidDialog(customerId, c, opts.notice ?? messages, () => opts.onChange?.()),
                },
                'Void…',
              ),
            ]
          : []),
      ]),
    ),
    table(
      'Holds',
      ['Hold', 'Order', 'Held', 'Captured', 'State', 'Expires'],
      holds.map((x) => [x.holdId, x.orderId, money(x.held, x.currency), money(x.captured, x.currency), x.state, dateTime(x.expiresAt)]),
    ),
  );
  const list = h('ol', { class: 'timeline', 'aria-label': 'Ledger, newest first' }, ...b.history.map(timelineItem));
  panel.append(h('h3', {}, 'History'), list);
  let cursor = b.nextCursor;
  if (cursor) {
    const more: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          const page = accepted(await call<Answer<BalanceResponse>>('balance', { customerId, cursor }), messages);
          if (!page) return;
          list.append(...page.history.map(timelineItem));
          cursor = page.nextCursor;
          if (!cursor) more.remove();
          announce(messages, `${page.history.length} older entries loaded`);
        },
      },
      'Older entries',
    );
    panel.append(more);
  }
  return panel;
}

async function emailsPanel(customerId: string, s: Session): Promise<HTMLElement> {
  const section = h('section', { 'aria-labelledby': 'emails-h' }, h('h3', { id: 'emails-h' }, 'Emails sent'));
  if (!s.mailbox) {
    section.append(h('p', {}, 'Not available for a deployed stage: only the local SES emulator keeps what was sent.'));
    return section;
  }
  const outcome = await call<{ emails: Array<{ at: string; subject: string; recipient: string }> }>('emails', { customerId });
  if (outcome.kind === 'refused') {
    section.append(h('p', { role: 'alert' }, `${outcome.name}: ${outcome.message}`));
    return section;
  }
  section.append(
    table(
      'Local mailbox (SES emulator); the recipient by pseudonym: no operator role reads addresses',
      ['Sent', 'Subject', 'To'],
      outcome.answer.emails.map((e) => [dateTime(e.at), e.subject, e.recipient]),
    ),
  );
  return section;
}

export function customerScreen(s: Session, initial?: string): HTMLElement {
  const input = h('input', { id: uid('customer'), name: 'customerId', required: true, autocomplete: 'off', value: initial ?? '' });
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  // Outside the results, so a reload after a void or an erasure keeps what it said.
  const notice = h('div', { class: 'messages' });
  const show = async (customerId: string) => {
    out.replaceChildren(h('p', {}, 'Loading…'));
    const erase = h('div', { class: 'danger' });
    const reload = () => void show(customerId);
    const [history, emails] = await Promise.all([
      historyPanel(customerId, s, { actions: true, onChange: reload, notice }),
      emailsPanel(customerId, s),
    ]);
    erase.append(
      h('h3', {}, 'Erase personal data'),
      needs(s.invokers, 'erase'),
      h('button', { type: 'button', class: 'destructive', onclick: () => eraseDialog(customerId, notice, reload) }, 'Erase…'),
    );
    out.replaceChildren(h('h3', { id: 'customer-h' }, `Customer ${customerId}`), history, needs(s.invokers, 'void'), emails, erase);
  };
  const form = h(
    'form',
    {
      onsubmit: (e) => {
        e.preventDefault();
        if (input.value.trim()) void show(input.value.trim());
      },
    },
    field('Customer id', input),
    h('button', { type: 'submit' }, 'Look up'),
  );
  if (initial) void show(initial);
  return h('section', { 'aria-labelledby': 'customer-screen-h' }, h('h2', { id: 'customer-screen-h' }, 'Customer'), form, notice, out);
}
