/**
 * One token bucket per rate category (API doc §6): capacity = rate, refilled continuously at rate tokens/s.
 * Produces the X-RateLimit-* headers of every /v1 answer and the Retry-After of a 429.
 */
import type { RateCategory } from '../lightfield/types.js';

export interface BucketState {
  allowed: boolean;
  /** Header values; empty when the category is unlimited. */
  headers: Record<string, string>;
}

export class TokenBucket {
  #rate: number;
  #tokens: number;
  #updatedAt: number;

  constructor(rate: number, now: number) {
    this.#rate = rate;
    this.#tokens = rate;
    this.#updatedAt = now;
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.#rate, this.#tokens + (elapsed * this.#rate) / 1000);
    this.#updatedAt = now;
  }

  /** A new rate applies at once: the bucket keeps its tokens, capped at the new capacity. */
  setRate(rate: number, now: number): void {
    this.#refill(now);
    this.#rate = rate;
    this.#tokens = Math.min(this.#tokens, rate);
  }

  /** Takes a token if there is one (`consume`), or only reports the state. */
  check(now: number, consume: boolean): BucketState {
    if (this.#rate === Number.POSITIVE_INFINITY) return { allowed: true, headers: {} };
    this.#refill(now);
    const allowed = this.#tokens >= 1;
    if (allowed && consume) this.#tokens -= 1;
    const secondsUntilFull = (this.#rate - this.#tokens) / this.#rate;
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(this.#rate),
      'X-RateLimit-Remaining': String(Math.max(0, Math.floor(this.#tokens))),
      'X-RateLimit-Reset': String(Math.ceil(now / 1000 + secondsUntilFull)),
    };
    if (!allowed) {
      const waitMs = Math.ceil(((1 - this.#tokens) / this.#rate) * 1000);
      headers['Retry-After'] = String(Math.max(1, Math.ceil(waitMs / 1000)));
      headers['retry-after-ms'] = String(Math.max(1, waitMs));
    }
    return { allowed, headers };
  }
}

/** The three buckets of an org. */
export class RateLimiter {
  readonly #buckets: Record<RateCategory, TokenBucket>;

  constructor(rates: Record<RateCategory, number>, now: number) {
    this.#buckets = {
      write: new TokenBucket(rates.write, now),
      read: new TokenBucket(rates.read, now),
      search: new TokenBucket(rates.search, now),
    };
  }

  setRate(category: RateCategory, rate: number, now: number): void {
    this.#buckets[category].setRate(rate, now);
  }

  take(category: RateCategory, now: number): BucketState {
    return this.#buckets[category].check(now, true);
  }

  peek(category: RateCategory, now: number): BucketState {
    return this.#buckets[category].check(now, false);
  }
}
