// @ts-nocheck
import { domainToASCII } from 'node:url';

/**
 * Email addresses: which ones the service accepts (what SES v2 can send to) and what the log scrubber recognises as
 * one. Pure (node:url's IDNA conversion only).
 *
 * Accepted: an ASCII dot-atom local part (RFC 5322 atext, no leading or trailing dot, no "..", at most 64 characters)
 * "@" a domain of LDH labels (letters, digits, inner hyphens, each 1–63) with at least two labels and a top-level label
 * of 2+ letters or a punycode "xn--" label. A non-ASCII domain is converted to punycode (IDNA, `url.domainToASCII`);
 * the address is stored and sent in that ASCII form, the domain in lower case. Refused: non-ASCII local parts (SES v2
 * cannot send to them), quoted local parts, IP-literal or numeric domains, control, zero-width and bidi characters,
 * more than 254 characters in all.
 */
export const MAX_ADDRESS_LENGTH = 254;
export const MAX_LOCAL_PART_LENGTH = 64;

const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const DOT_ATOM = new RegExp(`^${ATEXT}(?:\\.${ATEXT})*$`);
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
/** Characters no part of an address may hold, before or after IDNA: controls, format (zero-width, bidi), spaces. */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Z}\s]/u;

/** The address as SES v2 can send to it (ASCII, punycode domain), or undefined when SES could not. */
export function toSendableAddress(raw: string): string | undefined {
  if (FORBIDDEN.test(raw)) return undefined;
  const at = raw.lastIndexOf('@');
  if (at <= 0 || at === raw.length - 1) return undefined;
  const local = raw.slice(0, at);
  const domain = toAsciiDomain(raw.slice(at + 1));
  if (!domain || local.length > MAX_LOCAL_PART_LENGTH || !DOT_ATOM.test(local)) return undefined;
  const address = `${local}@${domain}`;
  return address.length <= MAX_ADDRESS_LENGTH ? address : undefined;
}

export function isSendableAddress(raw: string): boolean {
  return toSendableAddress(raw) !== undefined;
}

function toAsciiDomain(domain: string): string | undefined {
  if (domain.startsWith('[') || domain.includes('@')) return undefined; // IP literal, or a second "@"
  // domainToASCII lower-cases, maps full-width dots and converts Unicode labels to "xn--"; "" when IDNA refuses.
  const ascii = domainToASCII(domain);
  if (!ascii || ascii.length > 253 || FORBIDDEN.test(ascii)) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LDH_LABEL.test(l))) return undefined;
  return TOP_LEVEL.test(labels[labels.length - 1]!) ? ascii : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// What the log scrubber recognises: deliberately much wider than what is accepted. Around every at-sign ("@", and
// the full-width "＠" and small "﹫"), the token reaching left and right up to whitespace or the punctuation that
// surrounds addresses in text (<>()[]",;: and another at-sign) is an address when its domain side is a bracketed
// literal ("[192.0.2.1]", "[IPv6:…]") or holds a dot (of any script: . 。 ． ｡) between two non-dots. Any script and
// any invisible character inside counts; a quoted local part ("john doe"@…) is taken whole.

const AT_SIGNS = new Set(['@', '\uFF20', '\uFE6B']);
const ANY_AT = /[@\uFF20\uFE6B]/;
const STOPS = new Set([...'<>()[]",;:\\', ...AT_SIGNS]);
const isStop = (ch: string) => STOPS.has(ch) || /\s/u.test(ch);
/** Characters that end the domain side too (paths such as node_modules/@scope/pkg, quotes, pipes). */
const isDomainStop = (ch: string) => isStop(ch) || "/'|`{}".includes(ch);
const DOTS = '.\u3002\uFF0E\uFF61';
const DOTTED = new RegExp(`[^${DOTS}][${DOTS}][^${DOTS}]`, 'u');
const TRAILING = new RegExp(`[${DOTS}]+$`, 'u');

/** [start, end) ranges of every address-like token in `text`, in order, not overlapping. */
export function findAddressLike(text: string): Array<[number, number]> {
  if (!ANY_AT.test(text)) return []; // the common case: nothing to look at
  const chars = Array.from(text); // code points: non-BMP letters count as one
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < chars.length; i++) {
    if (!AT_SIGNS.has(chars[i]!)) continue;
    const end = domainEnd(chars, i + 1);
    const start = localStart(chars, i);
    if (end === undefined || start === undefined) continue;
    // A quoted local part may hold an "@" of its own: merge overlapping tokens into one.
    let range: [number, number] = [start, end];
    while (ranges.length > 0 && range[0] < ranges[ranges.length - 1]![1]) {
      const prev = ranges.pop()!;
      range = [Math.min(prev[0], range[0]), Math.max(prev[1], range[1])];
    }
    ranges.push(range);
  }
  // Back to UTF-16 offsets.
  const offsets: number[] = [0];
  for (const c of chars) offsets.push(offsets[offsets.length - 1]! + c.length);
  return ranges.map(([s, e]) => [offsets[s]!, offsets[e]!]);
}

/** `text` with every address-like token replaced by `replace(token)`. */
export function replaceAddressLike(text: string, replace: (token: string) => string): string {
  let out = '';
  let last = 0;
  for (const [s, e] of findAddressLike(text)) {
    out += text.slice(last, s) + replace(text.slice(s, e));
    last = e;
  }
  return out + text.slice(last);
}

function domainEnd(chars: string[], from: number): number | undefined {
  if (chars[from] === '[') {
    for (let j = from + 1; j < chars.length && j <= from + 64; j++) {
      if (chars[j] === ']') return j > from + 1 ? j + 1 : undefined;
      if (/\s/u.test(chars[j]!)) return undefined;
    }
    return undefined;
  }
  let j = from;
  while (j < chars.length && !isDomainStop(chars[j]!)) j++;
  const domain = chars.slice(from, j).join('').replace(TRAILING, '');
  return DOTTED.test(domain) ? from + Array.from(domain).length : undefined;
}

function localStart(chars: string[], at: number): number | undefined {
  if (chars[at - 1] === '"') {
    for (let k = at - 2; k >= 0 && k >= at - 130; k--) {
      if (chars[k] === '\n') return undefined;
      if (chars[k] === '"' && chars[k - 1] !== '\\') return k < at - 2 ? k : undefined;
    }
    return undefined;
  }
  let k = at;
  while (k > 0 && !isStop(chars[k - 1]!)) k--;
  return k < at ? k : undefined;
}
