/**
 * The approvals screen: a customer's grants waiting for approval, with the customer's history beside them, and
 * approve / decline. The checker is never the maker: a grant the approver issued shows why its buttons are off (and
 * the function refuses it anyway, APPROVER_IS_ISSUER).
 */
import { accepted, announce, type Answer, call, dateTime, field, h, money, needs, uid } from './dom';
import { sameActor } from '../../lambdas/domain/actor';
import { historyPanel } from './customer';
import type { Session } from './session';

interface Pending {
  pendingId: string;
  complaintId: string;
  currency: string;
  amount: number;
  validityDays: number;
  requestedAt: string;
  decideBy: string;
  reasonCode?: string;
  issuedBy?: string;
}

function pendingCard(
  s: Session,
  p: Pending,
  customerId: string,
  approverId: string,
  messages: HTMLElement,
  reload: () => Promise<void>,
): HTMLElement {
  const ownGrant = p.issuedBy !== undefined && sameActor(p.issuedBy, approverId);
  const reason = h(
    'select',
    { id: uid('decline-reason'), disabled: ownGrant },
    h('option', { value: '' }, '(no code)'),
    ...s.declineReasonCodes.map((c) => h('option', { value: c }, c)),
  );
  const decide = async (operation: 'approve' | 'decline') => {
    const answer = accepted(
      await call<Answer<{ decision: string; creditId?: string; replayed?: boolean }>>('decide', {
        operation,
        customerId,
        pendingId: p.pendingId,
        approverId,
        ...(operation === 'decline' && reason.value ? { reasonCode: reason.value } : {}),
      }),
      messages,
    );
    if (!answer) return;
    // The list is shown again first: showing it clears the messages, so the decision is announced after it.
    await reload();
    announce(
      messages,
      answer.decision === 'APPROVED' ? `Approved: credit ${answer.creditId} granted.` : `Declined pending grant ${p.pendingId}.`,
    );
  };
  const titleId = uid('pending');
  return h(
    'article',
    { class: 'pending', 'aria-labelledby': titleId },
    h('h3', { id: titleId }, `${money(p.amount, p.currency)} for complaint ${p.complaintId}`),
    h(
      'dl',
      {},
      h('dt', {}, 'Valid for'),
      h('dd', {}, `${p.validityDays} days from approval`),
      h('dt', {}, 'Requested'),
      h('dd', {}, dateTime(p.requestedAt)),
      h('dt', {}, 'Decide by'),
      h('dd', {}, dateTime(p.decideBy)),
      h('dt', {}, 'Reason code'),
      h('dd', {}, p.reasonCode ?? '—'),
      h('dt', {}, 'Issued by (maker)'),
      h('dd', {}, p.issuedBy ?? '— (not named)'),
      h('dt', {}, 'Decided by (checker)'),
      h('dd', {}, approverId),
    ),
    ownGrant
      ? h('p', { class: 'rule', role: 'note' }, `You issued this grant: another approver must decide it (the checker is never the maker).`)
      : h('p', { class: 'rule' }, 'Checker ≠ maker: you did not issue this grant, so you may decide it.'),
    field('Decline reason', reason),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'button', class: 'primary', disabled: ownGrant, onclick: () => void decide('approve') }, 'Approve'),
      h('button', { type: 'button', class: 'destructive', disabled: ownGrant, onclick: () => void decide('decline') }, 'Decline'),
    ),
  );
}

export function approvalsScreen(s: Session): HTMLElement {
  const approver = h('input', { id: uid('approver'), required: true, autocomplete: 'username' });
  const customer = h('input', { id: uid('pending-customer'), required: true, autocomplete: 'off' });
  const messages = h('div', { class: 'messages' });
  const grants = h('div', { class: 'grants' });
  const beside = h('aside', { 'aria-label': "The customer's history" });
  const show = async () => {
    const customerId = customer.value.trim();
    const approverId = approver.value.trim();
    grants.replaceChildren(h('p', {}, 'Loading…'));
    const reload = () => show();
    const [outcome, history] = await Promise.all([
      call<Answer<{ pending: Pending[] }>>('pending', { customerId }),
      historyPanel(customerId, s, { actions: false }),
    ]);
    beside.replaceChildren(h('h3', {}, `History of ${customerId}`), history);
    const answer = accepted(outcome, messages);
    if (!answer) return grants.replaceChildren();
    grants.replaceChildren(
      ...(answer.pending.length
        ? answer.pending.map((p) => pendingCard(s, p, customerId, approverId, messages, reload))
        : [h('p', {}, `No grant of ${customerId} is waiting for approval.`)]),
    );
  };
  const form = h(
    'form',
    {
      onsubmit: (e) => {
        e.preventDefault();
        void show();
      },
    },
    field('Your approver id', approver, 'Recorded as the checker of each decision; never the id that issued the grant.'),
    field('Customer id', customer),
    h('button', { type: 'submit' }, 'Show pending grants'),
  );
  return h(
    'section',
    { 'aria-labelledby': 'approvals-h' },
    h('h2', { id: 'approvals-h' }, 'Pending grants'),
    needs(s.invokers, 'approval'),
    form,
    messages,
    h('div', { class: 'split' }, grants, beside),
  );
}
