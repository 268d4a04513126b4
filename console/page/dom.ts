/**
 * The page's small toolkit: building elements (text only, never HTML strings, so nothing an answer carries can
 * become markup), calling the console server with the session token, showing an outcome, and money per locale by
 * the service's own rules (lambdas/domain/money.ts).
 */
import { formatMoney } from '../../lambdas/domain/money';

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

/** An element with attributes (`onclick` etc. become listeners, `true` a bare attribute) and children (text as text). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(
    ...children
      .filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false)
      .map((c) => (typeof c === 'number' ? String(c) : c)),
  );
  return el;
}

/** A labelled input: the label's `for` names the input, so every control has an accessible name. */
export function field(label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  const hintId = hint ? `${input.id}-hint` : undefined;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint ? h('small', { id: hintId }, hint) : null);
}

let locale = navigator.language || 'en';
export const setLocale = (l: string) => (locale = l);
export const getLocale = () => locale;

/** `2500, EUR` → "25,00 €" (de-DE) or "€25.00" (en-GB): exact, by the currency's ISO 4217 minor units. */
export const money = (amount: number, currency: string): string => formatMoney({ amount, currency }, locale);

export const dateTime = (iso: string): string =>
  `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`;

/** What the console server hands back for an operation. */
export type Outcome<T> = { kind: 'answer'; answer: T } | { kind: 'refused'; name: string; message: string; status?: number };

/** A function's answer: ok, or its refusal with a stable code. */
export type Answer<T> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

const token = document.querySelector<HTMLMetaElement>('meta[name="console-token"]')?.content ?? '';

export async function call<T>(operation: string, body: Record<string, unknown> = {}): Promise<Outcome<T>> {
  const res = await fetch(`/api/${operation}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-console-token': token },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let value: { error?: string };
  try {
    value = JSON.parse(text);
  } catch {
    value = { error: text };
  }
  if (!res.ok) return { kind: 'refused', name: 'ConsoleError', message: String(value.error ?? `HTTP ${res.status}`), status: res.status };
  return value as unknown as Outcome<T>;
}

/**
 * The function's answer when it said ok; otherwise a message in `region` (role=alert): the AWS refusal of the call
 * (an IAM denial names the action and the caller) or the service's refusal with its code.
 */
export function accepted<T>(outcome: Outcome<Answer<T>>, region: HTMLElement): ({ ok: true } & T) | undefined {
  region.replaceChildren();
  if (outcome.kind === 'refused') {
    region.append(
      h('p', { class: 'refusal', role: 'alert' }, h('strong', {}, `AWS refused the call: ${outcome.name}`), ` ${outcome.message}`),
    );
    return undefined;
  }
  if (!outcome.answer.ok) {
    const { code, message } = outcome.answer.error;
    region.append(h('p', { class: 'refusal', role: 'alert' }, h('strong', {}, `The service refused: ${code}`), ` ${message}`));
    return undefined;
  }
  return outcome.answer;
}

/** A status line for screen readers and eyes (role=status: announced politely). */
export function announce(region: HTMLElement, text: string): void {
  region.replaceChildren(h('p', { class: 'done', role: 'status' }, text));
}

/** Who may invoke a function, from the stack's catalogue (session.invokers). */
export function needs(invokers: Readonly<Record<string, readonly string[]>>, fn: string): HTMLElement {
  const roles = invokers[fn] ?? [];
  return h(
    'p',
    { class: 'needs' },
    `Calls the function ${fn}; in a deployed stage only the ${roles.join(' or ')} role may (courtesy:${roles[0] ?? '?'}RoleArn).`,
  );
}

/** A table with a caption and column headers (scope=col). */
export function table(caption: string, headers: readonly string[], rows: readonly Child[][]): HTMLTableElement {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...headers.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...(rows.length
        ? rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))
        : [h('tr', {}, h('td', { colspan: headers.length }, 'None'))]),
    ),
  );
}

let ids = 0;
export const uid = (prefix: string) => `${prefix}-${++ids}`;
