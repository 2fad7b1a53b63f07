/**
 * Paces requests at the API's rate limit, one lane per rate category (write, read, search).
 *
 * Why our own scheduler rather than a generic limiter: requests are given absolute time slots
 * (`slot n = start + n / rate`), so timer lateness never accumulates into a lower rate, which is what
 * keeps an import at ≥ 97 % of the ceiling. The server's `X-RateLimit-Limit` can only lower the rate
 * (design.md: `--rate` is a maximum), a 429 pauses the whole lane for `Retry-After` (not only the
 * request that got it) and lowers the rate a little, and the rate climbs back smoothly afterwards.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { RateCategory, RateLimitInfo } from '../lightfield/types.js';

export interface PacerOutcome {
  /** HTTP status, or null when no answer came (connection error, timeout). */
  status: number | null;
  rateLimit?: RateLimitInfo;
  retryAfterMs?: number;
  latencyMs: number;
}

export interface PacerOptions {
  /** Write requests per second at most. @default 25 */
  rate?: number;
  /** Read requests per second at most. @default 25 */
  readRate?: number;
  /** Search (list) requests per second at most. @default 25 */
  searchRate?: number;
  /** Clock in milliseconds. @default performance.now based */
  now?: () => number;
  /** Abortable sleep. @default setTimeout based */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** After a 429 the lane runs at this share of its rate, then climbs back. */
const BACKOFF_FACTOR = 0.9;
/** How fast the rate climbs back towards its ceiling: share of the gap closed per second. */
const RECOVERY_PER_SECOND = 0.5;
/** Pause on a 429 that carries no Retry-After. */
const DEFAULT_PAUSE_MS = 1000;
/** Weight of the newest latency in the moving average. */
const LATENCY_WEIGHT = 0.2;

class Lane {
  readonly #ceiling: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  #serverLimit = Number.POSITIVE_INFINITY;
  #rate: number;
  #nextSlot = 0;
  #pausedUntil = 0;
  #lastRecovery = 0;
  #lastBackoff = Number.NEGATIVE_INFINITY;
  #latencyMs: number | undefined;
  rateLimited = 0;

  constructor(ceiling: number, now: () => number, sleep: (ms: number, signal?: AbortSignal) => Promise<void>) {
    this.#ceiling = ceiling;
    this.#rate = ceiling;
    this.#now = now;
    this.#sleep = sleep;
  }

  get rate(): number {
    return this.#rate;
  }

  get latencyMs(): number | undefined {
    return this.#latencyMs;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.#now();
      this.#recover(now);
      const start = Math.max(now, this.#nextSlot, this.#pausedUntil);
      this.#nextSlot = start + 1000 / this.#rate;
      if (start > now) await this.#sleep(start - now, signal);
      // A 429 that arrived while we slept pauses this slot too.
      if (this.#pausedUntil <= this.#now()) return;
    }
  }

  observe(outcome: PacerOutcome): void {
    const now = this.#now();
    if (outcome.status !== null && outcome.status < 500) {
      this.#latencyMs =
        this.#latencyMs === undefined
          ? outcome.latencyMs
          : this.#latencyMs + LATENCY_WEIGHT * (outcome.latencyMs - this.#latencyMs);
    }
    if (outcome.rateLimit && outcome.rateLimit.limit > 0) {
      this.#serverLimit = outcome.rateLimit.limit;
      if (this.#rate > this.#serverLimit) this.#rate = this.#serverLimit;
    }
    if (outcome.status === 429) {
      this.rateLimited += 1;
      const pauseMs = outcome.retryAfterMs ?? DEFAULT_PAUSE_MS;
      this.#pausedUntil = Math.max(this.#pausedUntil, now + pauseMs);
      // The requests in flight when the limit was hit all come back 429: one event, one step down.
      // Only a request sent after the last step down tells that the lowered rate is still too high.
      if (now - outcome.latencyMs >= this.#lastBackoff) {
        this.#rate = Math.max(1, this.#rate * BACKOFF_FACTOR);
        this.#lastBackoff = now;
      }
      this.#lastRecovery = Math.max(this.#lastRecovery, now + pauseMs);
    }
  }

  #recover(now: number): void {
    const target = Math.min(this.#ceiling, this.#serverLimit);
    if (this.#rate >= target) {
      this.#rate = target;
      this.#lastRecovery = now;
      return;
    }
    const elapsedSeconds = Math.max(0, now - this.#lastRecovery) / 1000;
    this.#lastRecovery = Math.max(this.#lastRecovery, now);
    this.#rate = Math.min(target, this.#rate + (target - this.#rate) * Math.min(1, elapsedSeconds * RECOVERY_PER_SECOND));
  }
}

export class Pacer {
  readonly #lanes: Record<RateCategory, Lane>;
  readonly #requests: Record<RateCategory, number> = { write: 0, read: 0, search: 0 };

  constructor(options: PacerOptions = {}) {
    const now = options.now ?? (() => performance.now());
    const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? { signal } : undefined));
    for (const [name, value] of Object.entries({
      rate: options.rate,
      readRate: options.readRate,
      searchRate: options.searchRate,
    })) {
      if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
        throw new TypeError(`Expected \`${name}\` to be a positive number, got ${String(value)}`);
      }
    }
    this.#lanes = {
      write: new Lane(options.rate ?? 25, now, sleep),
      read: new Lane(options.readRate ?? 25, now, sleep),
      search: new Lane(options.searchRate ?? 25, now, sleep),
    };
  }

  acquire(category: RateCategory, signal?: AbortSignal): Promise<void> {
    return this.#lanes[category].acquire(signal);
  }

  observe(category: RateCategory, outcome: PacerOutcome): void {
    this.#requests[category] += 1;
    this.#lanes[category].observe(outcome);
  }

  /** Current rate of a lane (requests/s), after following the server's headers and 429s. */
  rate(category: RateCategory): number {
    return this.#lanes[category].rate;
  }

  /** Moving average of answered requests' latency, or undefined before the first answer. */
  latencyMs(category: RateCategory): number | undefined {
    return this.#lanes[category].latencyMs;
  }

  /** Requests that went out (every attempt counts), per lane. */
  requests(category: RateCategory): number {
    return this.#requests[category];
  }

  /** 429 answers seen, all lanes. */
  get rateLimited(): number {
    return this.#lanes.write.rateLimited + this.#lanes.read.rateLimited + this.#lanes.search.rateLimited;
  }

  /**
   * How many requests must be in flight to keep the write lane at its rate, given the latency seen
   * (Little's law, with headroom for latency spread), never more than `cap`.
   */
  wantedConcurrency(cap: number): number {
    const lane = this.#lanes.write;
    const latency = lane.latencyMs ?? 250;
    const wanted = Math.ceil((lane.rate * latency * 2) / 1000) + 2;
    return Math.max(1, Math.min(cap, wanted));
  }
}
