/**
 * EMAIL, URL, TELEPHONE and SOCIAL_HANDLE values. The checks are light on purpose: they catch a
 * column mapped to the wrong field (a name where an email belongs), not every address the API
 * might refuse.
 */
import type { TypeConfiguration } from '../lightfield/types.js';

export type ItemResult = { ok: true; value: string } | { ok: false; code: string; expected: string };

const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;.]{2,}$/;

export function readEmail(text: string): ItemResult {
  return EMAIL.test(text)
    ? { ok: true, value: text }
    : { ok: false, code: 'bad_email', expected: 'an email address like name@example.com' };
}

/** Accepts `example.com/x` as `https://example.com/x`; only http(s) URLs with a dotted host. */
export function readUrl(text: string): ItemResult {
  const refused: ItemResult = { ok: false, code: 'bad_url', expected: 'a web address like https://example.com' };
  if (/\s/.test(text)) return refused;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  const withScheme = hasScheme ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return refused;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return refused;
  if (!url.hostname.includes('.')) return refused;
  return { ok: true, value: withScheme };
}

/**
 * Keeps the digits, a leading `+` and an extension (`x100`, `ext. 100`, `ext:100`, `#100`, sent
 * as ` x100`, a form the API reads). Separators (spaces, dots, dashes, parentheses, slashes) are
 * dropped; letters anywhere else make the value refused. With `+` the number must be E.164
 * (8 to 15 digits, not starting with 0), as the API requires.
 */
export function readTelephone(text: string): ItemResult {
  const refused: ItemResult = {
    ok: false,
    code: 'bad_phone',
    expected: 'a telephone number of 7 to 15 digits, like +1 555 123 4567 (extension as x100)',
  };
  const extensionMatch = /\s*(?:;\s*ext\s*=|ext(?:ension)?\.?\s*:?|x|#)\s*(\d{1,6})\s*$/i.exec(text);
  const main = extensionMatch === null ? text : text.slice(0, extensionMatch.index);
  const plus = /^\s*\+/.test(main);
  const rest = plus ? main.replace(/^\s*\+/, '') : main;
  if (!/^[\d\s().\-/]+$/.test(rest)) return refused;
  const digits = rest.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return refused;
  if (plus && (digits.length < 8 || digits.startsWith('0'))) return refused;
  const extension = extensionMatch?.[1];
  return { ok: true, value: `${plus ? '+' : ''}${digits}${extension === undefined ? '' : ` x${extension}`}` };
}

const SOCIAL_RULES: Record<NonNullable<TypeConfiguration['handleService']>, { hosts: string[]; path: RegExp; profile?: string }> = {
  TWITTER: { hosts: ['x.com', 'twitter.com'], path: /^\/[^/]+/, profile: 'https://x.com/' },
  LINKEDIN: { hosts: ['linkedin.com'], path: /^\/(?:in|company)\/[^/]+/ },
  FACEBOOK: { hosts: ['facebook.com'], path: /^\/[^/]+/, profile: 'https://facebook.com/' },
  INSTAGRAM: { hosts: ['instagram.com'], path: /^\/[^/]+/, profile: 'https://instagram.com/' },
};

/**
 * A profile URL on the field's service (LinkedIn: `/in/…` or `/company/…`). A bare `@handle`
 * becomes the profile URL where the service has one shape of profile URL (not LinkedIn, whose
 * people and companies differ).
 */
export function readSocialHandle(text: string, service: TypeConfiguration['handleService']): ItemResult {
  const rules = service === undefined ? undefined : SOCIAL_RULES[service];
  const expected =
    service === undefined
      ? 'a profile URL'
      : `a ${service.toLowerCase()} profile URL, like https://${rules?.hosts[0] ?? ''}${service === 'LINKEDIN' ? '/in/' : '/'}name`;
  const handle = /^@([A-Za-z0-9_.]{1,100})$/.exec(text)?.[1];
  if (handle !== undefined) {
    if (rules?.profile === undefined) return { ok: false, code: 'bad_social_handle', expected };
    return { ok: true, value: `${rules.profile}${handle}` };
  }
  const url = readUrl(text);
  if (!url.ok) return { ok: false, code: 'bad_social_handle', expected };
  if (rules !== undefined) {
    const parsed = new URL(url.value);
    const host = parsed.hostname.toLowerCase().replace(/^www\./, '');
    if (!rules.hosts.includes(host) || !rules.path.test(parsed.pathname)) {
      return { ok: false, code: 'bad_social_handle', expected };
    }
  }
  return url;
}
