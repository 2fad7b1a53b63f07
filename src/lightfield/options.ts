/** The client's options, their defaults and their validation (done once, in the constructor). */
import { setTimeout as delay } from 'node:timers/promises';

import { ImportError } from '../errors.js';
import type { LightfieldError } from './errors.js';
import type { Pacer } from './types.js';
import { DEFAULT_BASE_URL, type RateLimitInfo } from './types.js';

export interface LightfieldClientOptions {
  /**
   * The API key (`sk_lf_…`), sent as `Authorization: Bearer <key>` and nowhere else.
   * @default process.env.LIGHTFIELD_API_KEY (construction fails with an `auth` ImportError when neither is set)
   */
  apiKey?: string;
  /**
   * Where the API lives; plain `http:` is only accepted for loopback hosts (an emulator).
   * @default process.env.LIGHTFIELD_BASE_URL ?? 'https://api.lightfield.app'
   */
  baseUrl?: string;
  /** Retries after the first attempt, for retryable failures (see retry.ts). @default 5 */
  maxRetries?: number;
  /** Time allowed for one attempt, from sending to having read the whole answer. @default 30_000 */
  timeoutMs?: number;
  /** The `fetch` used for every request. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Waits between attempts; must reject promptly when `signal` aborts. @default an abortable timer */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of backoff jitter, a number in [0, 1). @default Math.random */
  random?: () => number;
  /** The rate limiter every attempt goes through. @default none: requests go out unpaced */
  pacer?: Pacer;
}

export interface RequestOptions {
  /** Aborts the call, including a wait between retries. The call then throws `APIUserAbortError`. */
  signal?: AbortSignal;
  /** Sent as `Idempotency-Key` on every attempt of the call. */
  idempotencyKey?: string;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
  /** Called before each wait between attempts: `attempt` is the attempt that just failed (1-based). */
  onRetry?: (info: { attempt: number; delayMs: number; error: LightfieldError }) => void;
}

/** Write calls must name their idempotency key: a retried write without one could create twice. */
export type WriteRequestOptions = RequestOptions & { idempotencyKey: string };

export interface ApiResult<T> {
  data: T;
  status: number;
  /** How many attempts (HTTP requests) the call took, retries included. */
  attempts: number;
  /** The final response's `X-RateLimit-*` headers, when all were present. */
  rateLimit?: RateLimitInfo;
}

/** The collections whose records an import writes: `/v1/{collection}`. */
export type RecordCollection = 'opportunities' | 'accounts' | 'contacts' | 'notes';
/** Notes have no definitions endpoint: their fields are fixed (objects.ts). */
export type DefinitionsObjectType = Exclude<RecordCollection, 'notes'>;
export type ListObjectType = RecordCollection | 'members';

export interface ListQuery {
  /** Page size, 1–25. @default 25 (the API's default) */
  limit?: number;
  /** Rows to skip. @default 0 */
  offset?: number;
  /** Filters as `key[operator]` → value, e.g. `{ '$name[equal]': 'Acme' }`; URL-encoded for you. */
  filters?: Record<string, string>;
}

export interface ResolvedClientOptions {
  apiKey: string;
  /** Without a trailing slash; paths are appended to it. */
  baseUrl: string;
  maxRetries: number;
  timeoutMs: number;
  fetch: typeof fetch;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  pacer: Pacer | undefined;
}

const DEFAULT_MAX_RETRIES = 5;
const DEFAULT_TIMEOUT_MS = 30_000;
/** The longest delay a Node timer holds; a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Applies defaults and checks every option; throws before any request is made. */
export function resolveClientOptions(options: LightfieldClientOptions): ResolvedClientOptions {
  return {
    apiKey: resolveApiKey(options.apiKey),
    baseUrl: resolveBaseUrl(options.baseUrl ?? process.env['LIGHTFIELD_BASE_URL'] ?? DEFAULT_BASE_URL),
    maxRetries: validateMaxRetries(options.maxRetries ?? DEFAULT_MAX_RETRIES),
    timeoutMs: validateTimeoutMs(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    sleep: options.sleep ?? abortableSleep,
    random: options.random ?? Math.random,
    pacer: options.pacer,
  };
}

export function validateMaxRetries(value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new TypeError(`Expected \`maxRetries\` to be a non-negative integer, got ${describeValue(value)}`);
  }
  return value;
}

export function validateTimeoutMs(value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`Expected \`timeoutMs\` to be a positive number, got ${describeValue(value)}`);
  }
  if (value > MAX_TIMER_MS) {
    throw new TypeError(`Expected \`timeoutMs\` to be at most ${MAX_TIMER_MS} (the longest a timer waits), got ${describeValue(value)}`);
  }
  return value;
}

export function validateIdempotencyKey(value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`Expected \`idempotencyKey\` to be a non-empty string, got ${describeValue(value)}`);
  }
}

/**
 * The API key given, else `LIGHTFIELD_API_KEY`, trimmed. Its value is never part of a message:
 * only where it came from and what is wrong with it.
 * @throws ImportError `auth` when there is none, or it holds a character an HTTP header cannot carry.
 */
export function resolveApiKey(given: string | undefined): string {
  const source = given !== undefined ? 'given with --api-key' : 'in LIGHTFIELD_API_KEY';
  const apiKey = (given ?? process.env['LIGHTFIELD_API_KEY'])?.trim() ?? '';
  if (apiKey === '') {
    throw new ImportError('auth', 'No Lightfield API key: pass --api-key or set LIGHTFIELD_API_KEY.', {
      subject: 'LIGHTFIELD_API_KEY',
    });
  }
  // Keys are printable ASCII; anything else (a line break pasted in, a space) cannot be sent.
  const bad = /[^\x21-\x7e]/.exec(apiKey);
  if (bad !== null) {
    throw new ImportError(
      'auth',
      `The API key ${source} contains ${describeCharacter(bad[0])} (character ${bad.index + 1}), which cannot be sent in an HTTP header: ` +
        'copy the key again without it.',
      { subject: 'LIGHTFIELD_API_KEY' },
    );
  }
  return apiKey;
}

function describeCharacter(character: string): string {
  if (character === '\n' || character === '\r') return 'a line break';
  if (character === ' ') return 'a space';
  if (character === '\t') return 'a tab';
  const code = character.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code < 0x20 || code === 0x7f ? `a control character (${hex})` : `a non-ASCII character (${hex})`;
}

/**
 * The base URL without a trailing slash. Nothing after an `@` is echoed: a URL holding a user name
 * and password would print the password in the message.
 */
function resolveBaseUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    const shown = value.includes('@') ? '(not shown: it holds an "@", as a user name and password would)' : describeValue(value);
    throw new ImportError('usage', `Expected the base URL (--base-url or LIGHTFIELD_BASE_URL) to be an http(s) URL, got ${shown}`, {
      subject: '--base-url',
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw new ImportError(
      'usage',
      `--base-url must not hold a user name or password (${url.protocol}//…@${url.host}): Lightfield is reached with the API key only.`,
      { subject: '--base-url' },
    );
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ImportError(
      'insecure_base_url',
      `Refusing to send the API key in clear text to ${url.host}: use https, or http only on a loopback address.`,
      { subject: '--base-url' },
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, signal === undefined ? undefined : { signal });
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? `\`${JSON.stringify(value)}\` (string)` : `\`${String(value)}\` (${typeof value})`;
}
