/**
 * Paces requests at the API's rate limit: one bottleneck limiter per rate category (write, read,
 * search), spacing requests `1000 / rate` ms apart. With a {@link SharedBudget} the limiters keep their
 * state in Redis (bottleneck's clustering), so every importer writing into one organization shares
 * its budget.
 *
 * Bottleneck does the spacing; this wrapper adds what it does not do by itself, and only that:
 * - the server can only lower the rate: `X-RateLimit-Limit` below the current rate lowers it
 *   (`--rate` is a maximum, design.md);
 * - a 429 pauses the whole category for `Retry-After`, including requests already given their slot,
 *   and steps the rate down a little; the rate climbs back while answers are good;
 * - an abortable wait (bottleneck jobs cannot be cancelled: an aborted wait leaves an empty slot).
 *
 * Bottleneck's reservoir options are deliberately not used: `updateSettings()` stops the reservoir
 * refresh for good (bottleneck issue #185), and the rate changes here go through `updateSettings()`.
 */
import Bottleneck from 'bottleneck';
import { setTimeout as delay } from 'node:timers/promises';
import { ImportError } from '../errors.js';
import type { AttemptOutcome, Pacer, RateCategory } from '../lightfield/types.js';
import type { SharedBudget } from './shared-budget.js';

export interface RateLimiterOptions {
  /** Write requests per second at most. @default 25 */
  rate?: number;
  /** Read requests per second at most. @default 25 */
  readRate?: number;
  /** Search (list) requests per second at most. @default 25 */
  searchRate?: number;
  /** Share each category's budget through Redis with every importer using the same budget id. @default not shared */
  shared?: SharedBudget;
  /** Clock in epoch milliseconds (bottleneck itself reads `Date.now`). @default Date.now */
  now?: () => number;
}

/** After a 429 the category runs at this share of its rate, then climbs back. */
const BACKOFF_FACTOR = 0.9;
/** While answers are good, the rate closes this share of its gap to the ceiling once per second. */
const RECOVERY_SHARE = 0.5;
const RECOVERY_INTERVAL_MS = 1000;
/** Pause on a 429 that carries no Retry-After. */
const DEFAULT_PAUSE_MS = 1000;
/** Weight of the newest latency in the moving average. */
const LATENCY_WEIGHT = 0.2;
/** How long the shared state of an idle budget stays in Redis (stale settings then start afresh). */
const SHARED_STATE_TTL_MS = 60_000;
const CATEGORIES: readonly RateCategory[] = ['write', 'read', 'search'];

class Lane {
  readonly #limiter: Bottleneck;
  readonly #ceiling: number;
  readonly #now: () => number;
  #serverLimit = Number.POSITIVE_INFINITY;
  #rate: number;
  #pausedUntil = 0;
  #lastBackoff = Number.NEGATIVE_INFINITY;
  #lastChange = Number.NEGATIVE_INFINITY;
  #latencyMs: number | undefined;
  rateLimited = 0;
  requests = 0;

  constructor(limiter: Bottleneck, ceiling: number, now: () => number) {
    this.#limiter = limiter;
    this.#ceiling = ceiling;
    this.#rate = ceiling;
    this.#now = now;
  }

  get rate(): number {
    return this.#rate;
  }

  get latencyMs(): number | undefined {
    return this.#latencyMs;
  }

  get limiter(): Bottleneck {
    return this.#limiter;
  }

  async acquire(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      await untilAborted(this.#limiter.schedule(noop), signal);
      // A 429 that came while this request waited for its slot holds it back too.
      const pauseMs = this.#pausedUntil - this.#now();
      if (pauseMs <= 0) return;
      await delay(pauseMs, undefined, signal ? { signal } : undefined);
    }
  }

  observe(outcome: AttemptOutcome): void {
    this.requests += 1;
    const now = this.#now();
    if (outcome.status !== null && outcome.status < 500) {
      this.#latencyMs =
        this.#latencyMs === undefined ? outcome.latencyMs : this.#latencyMs + LATENCY_WEIGHT * (outcome.latencyMs - this.#latencyMs);
    }
    if (outcome.rateLimit && outcome.rateLimit.limit > 0) {
      this.#serverLimit = outcome.rateLimit.limit;
      if (this.#rate > this.#serverLimit) this.#setRate(this.#serverLimit, now);
    }
    if (outcome.status === 429) {
      this.rateLimited += 1;
      const pauseMs = outcome.retryAfterMs ?? DEFAULT_PAUSE_MS;
      this.#pausedUntil = Math.max(this.#pausedUntil, now + pauseMs);
      // The requests in flight when the limit was hit all come back 429: one event, one step down.
      // Only a request sent after the last step down tells that the lowered rate is still too high.
      if (now - outcome.latencyMs >= this.#lastBackoff) {
        this.#lastBackoff = now;
        this.#setRate(Math.max(1, this.#rate * BACKOFF_FACTOR), now + pauseMs);
      }
      return;
    }
    const target = Math.min(this.#ceiling, this.#serverLimit);
    if (outcome.status !== null && outcome.status < 400 && this.#rate < target && now - this.#lastChange >= RECOVERY_INTERVAL_MS) {
      this.#setRate(this.#rate + (target - this.#rate) * RECOVERY_SHARE, now);
    }
  }

  #setRate(rate: number, changedAt: number): void {
    this.#rate = rate;
    this.#lastChange = changedAt;
    this.#limiter.updateSettings({ minTime: 1000 / rate });
  }
}

/** The client's {@link Pacer}, paced by bottleneck. */
export class RateLimiter implements Pacer {
  readonly #lanes: Record<RateCategory, Lane>;
  readonly #shared: SharedBudget | undefined;

  constructor(options: RateLimiterOptions = {}) {
    const now = options.now ?? Date.now;
    const ceilings = { write: options.rate ?? 25, read: options.readRate ?? 25, search: options.searchRate ?? 25 };
    for (const [name, value] of Object.entries({ rate: options.rate, readRate: options.readRate, searchRate: options.searchRate })) {
      if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
        throw new TypeError(`Expected \`${name}\` to be a positive number, got ${String(value)}`);
      }
    }
    this.#shared = options.shared;
    const lane = (category: RateCategory): Lane => {
      const settings: Bottleneck.ConstructorOptions = { minTime: 1000 / ceilings[category] };
      const shared = options.shared;
      const limiter =
        shared === undefined
          ? new Bottleneck(settings)
          : new Bottleneck({
              ...settings,
              id: `${shared.id}:${category}`,
              datastore: 'ioredis',
              connection: shared.connection,
              clearDatastore: false,
              timeout: SHARED_STATE_TTL_MS,
            });
      // Redis errors also reach the waiting `schedule()` calls, which is where the run handles them.
      limiter.on('error', () => undefined);
      return new Lane(limiter, ceilings[category], now);
    };
    this.#lanes = { write: lane('write'), read: lane('read'), search: lane('search') };
  }

  /** Resolves once every limiter can take requests (with a shared budget: its Redis state is set up). */
  async ready(): Promise<void> {
    try {
      await Promise.all(CATEGORIES.map((category) => this.#lanes[category].limiter.ready()));
    } catch (error) {
      throw this.#sharedBudgetError(error);
    }
  }

  async acquire(category: RateCategory, signal?: AbortSignal): Promise<void> {
    try {
      await this.#lanes[category].acquire(signal);
    } catch (error) {
      if (signal?.aborted === true) throw error;
      throw this.#sharedBudgetError(error);
    }
  }

  /** Only a shared budget can fail (its Redis went away); a local limiter's errors pass through. */
  #sharedBudgetError(error: unknown): unknown {
    if (this.#shared === undefined) return error;
    return new ImportError(
      'rate_limiter_unavailable',
      `The shared rate budget in Redis (${this.#shared.label}) stopped answering: ${(error as Error).message}`,
      { subject: this.#shared.label, cause: error },
    );
  }

  observe(category: RateCategory, outcome: AttemptOutcome): void {
    this.#lanes[category].observe(outcome);
  }

  /** Current rate of a category (requests/s), after following the server's headers and 429s. */
  rate(category: RateCategory): number {
    return this.#lanes[category].rate;
  }

  /** Moving average of answered requests' latency, or undefined before the first answer. */
  latencyMs(category: RateCategory): number | undefined {
    return this.#lanes[category].latencyMs;
  }

  /** Requests that went out (every attempt counts), per category. */
  requests(category: RateCategory): number {
    return this.#lanes[category].requests;
  }

  /** 429 answers seen, all categories. */
  get rateLimited(): number {
    return CATEGORIES.reduce((sum, category) => sum + this.#lanes[category].rateLimited, 0);
  }

  /**
   * How many requests must be in flight to keep the write category at its rate, given the latency
   * seen (Little's law, with headroom for latency spread), never more than `cap`.
   */
  wantedConcurrency(cap: number): number {
    const lane = this.#lanes.write;
    const latency = lane.latencyMs ?? 250;
    const wanted = Math.ceil((lane.rate * latency * 2) / 1000) + 2;
    return Math.max(1, Math.min(cap, wanted));
  }

  /** Drops the requests still waiting for a slot (they reject) and lets go of Redis. */
  async close(): Promise<void> {
    await Promise.all(CATEGORIES.map((category) => this.#lanes[category].limiter.stop({ dropWaitingJobs: true }).catch(() => undefined)));
    await this.#shared?.close();
  }
}

function noop(): Promise<void> {
  return Promise.resolve();
}

/** `promise`, or a rejection as soon as `signal` aborts (the slot it waited for then goes unused). */
function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
