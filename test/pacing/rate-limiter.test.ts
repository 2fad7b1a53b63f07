import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { RateLimiter } from '../../src/pacing/rate-limiter.js';
import { connectSharedBudget } from '../../src/pacing/shared-budget.js';
import type { AttemptOutcome, RateLimitInfo } from '../../src/lightfield/types.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';

/**
 * Bottleneck reads the real clock, so spacing is checked from below only (a request never goes out
 * before its slot); the decisions on the server's headers and 429s run on the injected clock.
 */
function limiterOnClock(rate: number): { limiter: RateLimiter; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return { limiter: new RateLimiter({ rate, now: () => clock.now }), clock };
}

/** The time since the call of each of `count` writes' slots, taken one after another. */
async function sendTimes(limiter: RateLimiter, count: number): Promise<number[]> {
  const startedAt = performance.now();
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    await limiter.acquire('write');
    times.push(performance.now() - startedAt);
  }
  return times;
}

/** Slots are absolute (bottleneck's next request time): one resolved late does not delay the next. */
function expectSpacedAtLeast(times: number[], spacing: number): void {
  times.forEach((time, index) => expect(time).toBeGreaterThanOrEqual(index * spacing - SLACK_MS));
}

function limitHeaders(limit: number): RateLimitInfo {
  return { limit, remaining: 0, reset: 0 };
}

function answer(status: number, extra: Partial<AttemptOutcome> = {}): AttemptOutcome {
  return { status, latencyMs: 100, ...extra };
}

/** Timer resolution: bottleneck's slots are whole milliseconds of Date.now. */
const SLACK_MS = 2;

describe('RateLimiter - spacing', () => {
  test.each([
    [25, 40],
    [10, 100],
  ])('at %d writes/s, writes go out at least %d ms apart', async (rate, spacing) => {
    const limiter = new RateLimiter({ rate });
    expectSpacedAtLeast(await sendTimes(limiter, 6), spacing);
    await limiter.close();
  });

  test('categories are independent: searches do not take write slots', async () => {
    const limiter = new RateLimiter({ rate: 2, searchRate: 1000 });
    const startedAt = performance.now();
    for (let index = 0; index < 5; index += 1) await limiter.acquire('search');
    await limiter.acquire('write');
    // Five searches and the first write: no write slot was used up, so nothing waited 500 ms.
    expect(performance.now() - startedAt).toBeLessThan(400);
    await limiter.close();
  });

  test('an abort while waiting for a slot rejects at once', async () => {
    const limiter = new RateLimiter({ rate: 1 });
    await limiter.acquire('write');
    const controller = new AbortController();
    const waiting = limiter.acquire('write', controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    await limiter.close();
  });

  test.each([
    ['rate', { rate: 0 }],
    ['readRate', { readRate: Number.NaN }],
    ['searchRate', { searchRate: -1 }],
  ])('refuses a %s that is not a positive number', (name, options) => {
    expect(() => new RateLimiter(options)).toThrow(`Expected \`${name}\` to be a positive number`);
  });
});

describe("RateLimiter - the server's X-RateLimit-Limit", () => {
  test.each([
    ['a lower limit lowers the rate', 25, 10, 10],
    ['a higher limit does not raise it above --rate', 25, 100, 25],
    ['the same limit keeps it', 25, 25, 25],
  ])('%s', async (_name, rate, limit, expected) => {
    const { limiter } = limiterOnClock(rate);
    limiter.observe('write', answer(200, { rateLimit: limitHeaders(limit) }));
    expect(limiter.rate('write')).toBe(expected);
    await limiter.close();
  });

  test('the slots after a lowered limit follow it', async () => {
    const limiter = new RateLimiter({ rate: 100 });
    await sendTimes(limiter, 2);
    limiter.observe('write', answer(200, { rateLimit: limitHeaders(10) }));
    // The slot already handed out stands; the ones after it are 100 ms apart.
    const times = await sendTimes(limiter, 4);
    expect(times[3]!).toBeGreaterThanOrEqual(200 - SLACK_MS);
    await limiter.close();
  });

  test('when the server raises its limit again, the rate climbs back to --rate', async () => {
    const { limiter, clock } = limiterOnClock(25);
    limiter.observe('write', answer(200, { rateLimit: limitHeaders(10) }));
    for (let second = 0; second < 10; second += 1) {
      clock.now += 1000;
      limiter.observe('write', answer(200, { rateLimit: limitHeaders(25) }));
    }
    expect(limiter.rate('write')).toBeGreaterThan(24.9);
    expect(limiter.rate('write')).toBeLessThanOrEqual(25);
    await limiter.close();
  });
});

describe('RateLimiter - 429', () => {
  test('pauses the category for Retry-After, including a request already waiting, and lowers the rate by 10 %', async () => {
    const limiter = new RateLimiter({ rate: 25 });
    await limiter.acquire('write');
    limiter.observe('write', answer(429, { retryAfterMs: 300 }));
    expect(limiter.rate('write')).toBeCloseTo(22.5);
    const startedAt = performance.now();
    await limiter.acquire('write');
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(300 - SLACK_MS);
    expect(limiter.rateLimited).toBe(1);
    await limiter.close();
  });

  test('a burst of 429s for requests sent before the first one lowers the rate once', async () => {
    const { limiter, clock } = limiterOnClock(25);
    for (let index = 0; index < 5; index += 1) {
      limiter.observe('write', answer(429, { retryAfterMs: 100, latencyMs: 200 }));
      clock.now += 10;
    }
    expect(limiter.rate('write')).toBeCloseTo(22.5);
    expect(limiter.rateLimited).toBe(5);
    await limiter.close();
  });

  test('a 429 for a request sent after the step down lowers the rate again', async () => {
    const { limiter, clock } = limiterOnClock(25);
    limiter.observe('write', answer(429, { retryAfterMs: 100, latencyMs: 100 }));
    clock.now += 500;
    limiter.observe('write', answer(429, { retryAfterMs: 100, latencyMs: 100 }));
    expect(limiter.rate('write')).toBeCloseTo(25 * 0.9 * 0.9);
    await limiter.close();
  });

  test('after the pause, good answers bring the rate back to --rate, never above', async () => {
    const { limiter, clock } = limiterOnClock(25);
    limiter.observe('write', answer(429, { retryAfterMs: 100 }));
    const rates: number[] = [];
    for (let second = 0; second < 8; second += 1) {
      clock.now += 1000;
      limiter.observe('write', answer(200));
      rates.push(limiter.rate('write'));
    }
    for (let index = 1; index < rates.length; index += 1) expect(rates[index]!).toBeGreaterThanOrEqual(rates[index - 1]!);
    expect(rates[rates.length - 1]!).toBeGreaterThan(24.9);
    expect(rates[rates.length - 1]!).toBeLessThanOrEqual(25);
    await limiter.close();
  });
});

describe('RateLimiter - wantedConcurrency', () => {
  test.each([
    ['no answer yet: assumes 250 ms', undefined, 32, 15],
    ['80 ms answers at 25/s', 80, 32, 6],
    ['a slow API asks for more', 2000, 32, 32],
    ['never above the cap', 2000, 8, 8],
  ])('%s', async (_name, latencyMs, cap, expected) => {
    const { limiter } = limiterOnClock(25);
    if (latencyMs !== undefined) limiter.observe('write', answer(200, { latencyMs }));
    expect(limiter.wantedConcurrency(cap)).toBe(expected);
    await limiter.close();
  });
});

describe('RateLimiter - a budget shared through Redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  test('two limiters with one budget id share the rate: together they keep the spacing of one', async () => {
    const id = `test-shared-${Date.now()}`;
    const limiters = [
      new RateLimiter({ rate: 20, shared: await connectSharedBudget(redis.url, id) }),
      new RateLimiter({ rate: 20, shared: await connectSharedBudget(redis.url, id) }),
    ];
    await Promise.all(limiters.map((limiter) => limiter.ready()));
    const times: number[] = [];
    const startedAt = performance.now();
    await Promise.all(
      limiters.map(async (limiter) => {
        for (let index = 0; index < 6; index += 1) {
          await limiter.acquire('write');
          times.push(performance.now());
        }
      }),
    );
    // 12 slots at 20/s: the last one no earlier than 11 × 50 ms after the first request.
    expect(Math.max(...times) - startedAt).toBeGreaterThanOrEqual(11 * 50 - 10);
    await Promise.all(limiters.map((limiter) => limiter.close()));
  });

  test('different budget ids do not hold each other back', async () => {
    const limiters = [
      new RateLimiter({ rate: 5, shared: await connectSharedBudget(redis.url, `test-a-${Date.now()}`) }),
      new RateLimiter({ rate: 5, shared: await connectSharedBudget(redis.url, `test-b-${Date.now()}`) }),
    ];
    await Promise.all(limiters.map((limiter) => limiter.ready()));
    const startedAt = performance.now();
    await Promise.all(limiters.map((limiter) => limiter.acquire('write')));
    // Each got its first slot at once; sharing would have made one wait 200 ms.
    expect(performance.now() - startedAt).toBeLessThan(150);
    await Promise.all(limiters.map((limiter) => limiter.close()));
  });

  test('a Redis that is not there is refused at connection, naming it without its password', async () => {
    const port = redis.port + 1;
    await expect(connectSharedBudget(`redis://user:hunter2@127.0.0.1:${port}`, 'x')).rejects.toMatchObject({
      code: 'rate_limiter_unavailable',
      message: expect.stringMatching(new RegExp(`^Cannot connect to Redis at redis://127\\.0\\.0\\.1:${port}`)) as unknown as string,
    });
  });

  test('a Redis that goes away makes the waiting requests fail with rate_limiter_unavailable', async () => {
    const own = await startRedis();
    const limiter = new RateLimiter({ rate: 2, shared: await connectSharedBudget(own.url, `test-gone-${Date.now()}`) });
    await limiter.ready();
    await limiter.acquire('write');
    await own.kill();
    await expect(limiter.acquire('write')).rejects.toMatchObject({ code: 'rate_limiter_unavailable' });
    await limiter.close();
  });
});
