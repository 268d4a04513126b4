/**
 * The failure-queues screen: every failure queue of the stage with its message count, the age of its oldest message
 * and, for a dead-letter queue of a work queue, a redrive button (SQS StartMessageMoveTask back to that queue).
 */
import { announce, call, h, table } from './dom';

interface QueueView {
  name: string;
  visible: number;
  inFlight: number;
  retentionSeconds: number;
  oldestAgeSeconds?: number;
  ageError?: string;
  source?: string;
}

const age = (seconds: number): string =>
  seconds < 120
    ? `${seconds} s`
    : seconds < 7200
      ? `${Math.round(seconds / 60)} min`
      : seconds < 172_800
        ? `${Math.round(seconds / 3600)} h`
        : `${Math.round(seconds / 86_400)} days`;

export function queuesScreen(): HTMLElement {
  const messages = h('div', { class: 'messages' });
  const out = h('div', { class: 'results' });
  const refused = (o: { name: string; message: string }) =>
    messages.replaceChildren(
      h('p', { class: 'refusal', role: 'alert' }, h('strong', {}, `AWS refused the call: ${o.name}`), ` ${o.message}`),
    );
  const load = async () => {
    const outcome = await call<{ queues: QueueView[] }>('queues');
    if (outcome.kind === 'refused') return refused(outcome);
    const rows = outcome.answer.queues.map((q) => [
      h('code', {}, q.name),
      String(q.visible),
      String(q.inFlight),
      q.oldestAgeSeconds !== undefined ? age(q.oldestAgeSeconds) : q.ageError ? `unreadable (${q.ageError})` : '—',
      age(q.retentionSeconds),
      q.source
        ? h(
            'button',
            {
              type: 'button',
              disabled: q.visible + q.inFlight === 0,
              'aria-label': `Redrive ${q.name} to ${q.source}`,
              onclick: () => void redrive(q),
            },
            `Redrive to ${q.source}`,
          )
        : 'no source queue: SQS cannot move these back',
    ]);
    out.replaceChildren(table('Failure queues', ['Queue', 'Messages', 'In flight', 'Oldest', 'Kept for', 'Redrive'], rows));
  };
  const redrive = async (q: QueueView) => {
    const outcome = await call<{ moved?: number; status?: string }>('redrive', { queue: q.name });
    if (outcome.kind === 'refused') return refused(outcome);
    await load();
    announce(
      messages,
      `${q.name}: ${outcome.answer.moved ?? 0} message(s) moved back to ${q.source} (${outcome.answer.status ?? 'started'}).`,
    );
  };
  void load();
  return h(
    'section',
    { 'aria-labelledby': 'queues-h' },
    h('h2', { id: 'queues-h' }, 'Failure queues'),
    h(
      'p',
      { class: 'needs' },
      'Counts from SQS; the age is that of the oldest of up to 10 messages read without hiding them. A redrive is safe: every consumer is idempotent. In a deployed stage your credentials need sqs:StartMessageMoveTask on the queue.',
    ),
    h('button', { type: 'button', onclick: () => void load() }, 'Refresh'),
    messages,
    out,
  );
}
