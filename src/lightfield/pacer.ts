/** The contract between the client and a rate limiter (implemented elsewhere). */
import type { RateCategory, RateLimitInfo } from './types.js';

/** What one attempt looked like, as reported to {@link Pacer.observe}. */
export interface AttemptOutcome {
  /** The HTTP status, or `null` when no answer arrived (network failure, timeout, caller abort). */
  status: number | null;
  /** The response's `X-RateLimit-*` headers, when all were present. */
  rateLimit?: RateLimitInfo;
  /** The wait the response asked for (`retry-after-ms` or `Retry-After`), uncapped. */
  retryAfterMs?: number;
  /** Time from sending the request to having read the whole answer (or giving up). */
  latencyMs: number;
}

/**
 * The rate limiter's hooks: every attempt (including retries) waits for `acquire` and then
 * reports to `observe`, exactly once per successful `acquire`, whatever the outcome.
 * `acquire` should reject promptly when `signal` aborts.
 */
export interface Pacer {
  acquire(category: RateCategory, signal?: AbortSignal): Promise<void>;
  observe(category: RateCategory, outcome: AttemptOutcome): void;
}
