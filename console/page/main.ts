/**
 * The console page: a header (what it is connected to, the locale amounts are shown in), the navigation between the
 * screens (plain links: keyboard and screen readers know them) and the screen of the current #hash.
 */
import { approvalsScreen } from './approvals';
import { customerScreen } from './customer';
import { call, field, getLocale, h, setLocale, uid } from './dom';
import { queuesScreen } from './queues';
import { reportScreen } from './report';
import type { Session } from './session';

const SCREENS: Record<string, { title: string; render: (s: Session) => HTMLElement }> = {
  customer: { title: 'Customer', render: (s) => customerScreen(s) },
  approvals: { title: 'Pending grants', render: approvalsScreen },
  report: { title: 'Finance report', render: reportScreen },
  queues: { title: 'Failure queues', render: queuesScreen },
};
const LOCALES = ['de-DE', 'en-GB', 'en-US', 'fr-FR', 'ja-JP'];

async function start(): Promise<void> {
  const outcome = await call<Session>('session');
  const main = document.getElementById('main')!;
  if (outcome.kind !== 'answer') {
    main.replaceChildren(h('p', { role: 'alert' }, `${outcome.name}: ${outcome.message}`));
    return;
  }
  const session = outcome.answer;
  const locale = h('select', { id: uid('locale') }, ...[...new Set([getLocale(), ...LOCALES])].map((l) => h('option', { value: l }, l)));
  locale.value = getLocale();
  locale.addEventListener('change', () => {
    setLocale(locale.value);
    render();
  });
  const links = Object.entries(SCREENS).map(([id, s]) => h('a', { href: `#${id}`, 'data-screen': id }, s.title));
  document
    .getElementById('header')!
    .replaceChildren(
      h('h1', {}, 'Courtesy credits — operator console'),
      h('p', { class: 'target' }, `Connected to the ${session.target.label}.`),
      field('Amounts in locale', locale),
      h('nav', { 'aria-label': 'Screens' }, h('ul', {}, ...links.map((a) => h('li', {}, a)))),
    );
  const render = () => {
    const id = location.hash.slice(1) in SCREENS ? location.hash.slice(1) : 'customer';
    for (const a of links) {
      if (a.dataset.screen === id) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.title = `${SCREENS[id]!.title} — courtesy credits console`;
    main.replaceChildren(SCREENS[id]!.render(session));
    const heading = main.querySelector<HTMLElement>('h2');
    heading?.setAttribute('tabindex', '-1');
    heading?.focus();
  };
  // Only a screen's hash switches the screen (the skip link's #main does not).
  window.addEventListener('hashchange', () => location.hash.slice(1) in SCREENS && render());
  render();
}

void start();
