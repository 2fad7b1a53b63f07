/**
 * The client's retry policy as small pure functions: whether a failed attempt is worth another
 * one, how long to wait first, and what the rate-limit headers say. No clock, no randomness and
 * no I/O of their own: the caller passes `now` and `random`, so tests can pin every number.
 */
import type { RateLimitInfo } from './types.js';

/** The longest wait a server header can impose; a larger or malformed hint is cut to this. */
export const MAX_SERVER_DELAY_MS = 60_000;
/** First backoff step when the server gives no hint. */
export const INITIAL_BACKOFF_MS = 500;
/** Largest backoff step when the server gives no hint. */
export const MAX_BACKOFF_MS = 8_000;
/** Share of the backoff step that jitter may take away, so that many clients do not retry in step. */
export const BACKOFF_JITTER = 0.25;

/** What one failed attempt looked like, as far as the retry decision is concerned. */
export interface FailedAttempt {
  /** The HTTP status, or `null` when no answer arrived (network failure, per-attempt timeout). */
  status: number | null;
  /** The response headers, when there was a response. */
  headers?: Headers | undefined;
  /** The error body's `type` and `code`: they tell an idempotency conflict from other 409s. */
  errorType?: string | undefined;
  errorCode?: string | undefined;
}

/**
 * Whether a failed attempt should be retried (the caller still checks the retry budget).
 *
 * Retried: no answer at all (network failure or timeout: the outcome is unknown, and the
 * idempotency key makes a second try safe), 408, 409 `idempotency_conflict` (the same key is
 * still in flight), 429 and every 5xx. Other 4xx are the request's own fault and would fail
 * again unchanged; unlike the vendor SDKs, other 409s (duplicate, locked resource) are not
 * retried. A response `x-should-retry: true|false` header overrides all of this.
 */
export function shouldRetry(attempt: FailedAttempt): boolean {
  if (attempt.status === null) return true;

  const override = attempt.headers?.get('x-should-retry')?.trim().toLowerCase();
  if (override === 'true') return true;
  if (override === 'false') return false;

  const { status } = attempt;
  if (status === 408 || status === 429 || status >= 500) return true;
  if (status === 409) return isIdempotencyConflict(attempt);
  return false;
}

/** The API spells the in-flight key conflict either as the 409's `type` or as its `code`. */
export function isIdempotencyConflict(attempt: Pick<FailedAttempt, 'errorType' | 'errorCode'>): boolean {
  return attempt.errorType === 'idempotency_conflict' || attempt.errorCode === 'idempotency_conflict';
}

/**
 * The wait the server asks for, in milliseconds: `retry-after-ms` first (what the vendor SDKs
 * prefer), then `Retry-After` as seconds or as an HTTP date. `undefined` when neither header is
 * present or readable. A date in the past means "now" (0). Not capped: see {@link retryDelayMs}.
 */
export function serverRetryAfterMs(headers: Headers | undefined, now: number): number | undefined {
  if (headers === undefined) return undefined;

  const milliseconds = parseNonNegativeNumber(headers.get('retry-after-ms'));
  if (milliseconds !== undefined) return milliseconds;

  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter === undefined || retryAfter === '') return undefined;
  const seconds = parseNonNegativeNumber(retryAfter);
  if (seconds !== undefined) return seconds * 1000;
  // An HTTP date starts with a day name; Date.parse would also read '-5' as a year.
  if (!/^[A-Za-z]/.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Inputs of {@link retryDelayMs}. */
export interface RetryDelayInput {
  /** How many retries were already made before this one (0 for the first retry). */
  retriesMade: number;
  /** The failed attempt's response headers, if there was a response. */
  headers?: Headers | undefined;
  /** A number in [0, 1), like `Math.random()`. */
  random: () => number;
  /** Epoch milliseconds, to read a `Retry-After` HTTP date. */
  now: number;
}

/**
 * How long to wait before the next attempt. A server hint wins, capped at
 * {@link MAX_SERVER_DELAY_MS} so that a huge or hostile value cannot stall a run; without a hint,
 * exponential backoff: 0.5 s × 2^retriesMade, at most 8 s, minus up to 25 % jitter.
 */
export function retryDelayMs(input: RetryDelayInput): number {
  const hinted = serverRetryAfterMs(input.headers, input.now);
  if (hinted !== undefined) return Math.min(hinted, MAX_SERVER_DELAY_MS);
  return backoffDelayMs(input.retriesMade, input.random);
}

/** Exponential backoff with jitter, for when the server gives no hint. */
export function backoffDelayMs(retriesMade: number, random: () => number): number {
  const step = Math.min(INITIAL_BACKOFF_MS * 2 ** Math.max(0, retriesMade), MAX_BACKOFF_MS);
  const jitter = 1 - clampUnit(random()) * BACKOFF_JITTER;
  return step * jitter;
}

/**
 * The `X-RateLimit-Limit`, `-Remaining` and `-Reset` headers of one response, or `undefined`
 * unless all three are present and numeric (a partial set would mislead the pacer).
 */
export function parseRateLimit(headers: Headers | undefined): RateLimitInfo | undefined {
  if (headers === undefined) return undefined;
  const limit = parseNonNegativeNumber(headers.get('x-ratelimit-limit'));
  const remaining = parseNonNegativeNumber(headers.get('x-ratelimit-remaining'));
  const reset = parseNonNegativeNumber(headers.get('x-ratelimit-reset'));
  if (limit === undefined || remaining === undefined || reset === undefined) return undefined;
  return { limit, remaining, reset };
}

/** A plain decimal number ≥ 0; `Number()` alone would also accept '', '0x10' and 'Infinity'. */
function parseNonNegativeNumber(text: string | null): number | undefined {
  if (text === null) return undefined;
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/** Keeps a misbehaving injected random from turning jitter into a negative or doubled delay. */
function clampUnit(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(Math.max(value, 0), 1);
}
