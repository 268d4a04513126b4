/**
 * The two confirmations that change a customer's data: void a credit (with a reason, kept for the audit trail) and
 * erase a customer's personal data (typed confirmation; it says what is erased and what stays). Modal <dialog>s:
 * focus moves in, Escape cancels, focus returns to the button that opened them.
 */
import { accepted, announce, type Answer, call, field, h, money, uid } from './dom';

function modal(title: string, ...content: Node[]): { dialog: HTMLDialogElement; close: () => void } {
  const titleId = uid('dialog-title');
  const opener = document.activeElement as HTMLElement | null;
  const dialog = h('dialog', { 'aria-labelledby': titleId }, h('h2', { id: titleId }, title), ...content);
  const close = () => {
    dialog.close();
    dialog.remove();
    opener?.focus();
  };
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    close();
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, close };
}

export function voidDialog(
  customerId: string,
  credit: { creditId: string; remaining: number; currency: string },
  region: HTMLElement,
  done: () => void,
): void {
  const reason = h('textarea', { id: uid('void-reason'), required: true, maxlength: 500, rows: 3 });
  const errors = h('div', { class: 'messages' });
  const form = h(
    'form',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        const answer = accepted(
          await call<Answer<{ voided: number; currency: string; replayed: boolean }>>('void', {
            customerId,
            creditId: credit.creditId,
            reason: reason.value,
          }),
          errors,
        );
        if (!answer) return;
        close();
        announce(region, `Credit ${credit.creditId} voided: ${money(answer.voided, answer.currency)} removed.`);
        done();
      },
    },
    h(
      'p',
      {},
      `Removes the unspent rest of credit ${credit.creditId} (${money(credit.remaining, credit.currency)}) once. It cannot be undone.`,
    ),
    field('Reason (kept with the VOIDED entry for the audit trail; never published)', reason),
    errors,
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'button', onclick: () => close() }, 'Cancel'),
      h('button', { type: 'submit', class: 'destructive' }, 'Void credit'),
    ),
  );
  const { close } = modal(`Void credit ${credit.creditId}`, form);
  reason.focus();
}

export function eraseDialog(customerId: string, region: HTMLElement, done: () => void): void {
  const confirm = h('input', { id: uid('erase-confirm'), autocomplete: 'off', required: true });
  const submit = h('button', { type: 'submit', class: 'destructive', disabled: true }, 'Erase personal data');
  confirm.addEventListener('input', () => (submit.disabled = confirm.value.trim() !== customerId));
  const errors = h('div', { class: 'messages' });
  const form = h(
    'form',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        if (confirm.value.trim() !== customerId) return;
        const answer = accepted(await call<Answer<{ itemsErased: number }>>('erase', { customerId }), errors);
        if (!answer) return;
        close();
        announce(region, `Customer ${customerId}: personal data erased from ${answer.itemsErased} items.`);
        done();
      },
    },
    h('h3', {}, 'Erased'),
    h(
      'ul',
      {},
      h('li', {}, 'the email address and the locale, on every item of the customer, pending grants included'),
      h('li', {}, 'every free text: complaint reasons, reversal and void reasons'),
    ),
    h('h3', {}, 'What stays'),
    h(
      'ul',
      {},
      h('li', {}, 'amounts, ids and dates: the balance, the history and the finance report are unchanged'),
      h('li', {}, 'what already left: emails sent, and events (which never carry an address or free text)'),
      h('li', {}, "the table stream's 24-hour window of earlier images"),
      h(
        'li',
        {},
        "copies that failures keep until their retention ends: stream records in the workers' dead-letter queues and the stream failure bucket, failed ComplaintResolved events (address and reason included) in ComplaintRuleDlq and GrantFailures",
      ),
      h('li', {}, 'the credits themselves: they can still be spent; no email is sent about them any more'),
    ),
    field(`Type the customer id (${customerId}) to confirm`, confirm),
    errors,
    h('div', { class: 'buttons' }, h('button', { type: 'button', onclick: () => close() }, 'Cancel'), submit),
  );
  const { close } = modal(`Erase customer ${customerId}`, form);
  confirm.focus();
}
