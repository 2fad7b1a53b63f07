import { describe, expect, test } from '@jest/globals';
import { Pacer, type PacerOutcome } from '../../src/send/pacer.js';
import type { RateLimitInfo } from '../../src/lightfield/types.js';

/** A pacer on a simulated clock: sleeping moves the clock, so slot times are exact. */
function simulatedPacer(rate: number): { pacer: Pacer; clock: { now: number } } {
  const clock = { now: 0 };
  const pacer = new Pacer({
    rate,
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
    },
  });
  return { pacer, clock };
}

/** When each of `count` writes would go out, one after another. */
async function sendTimes(pacer: Pacer, clock: { now: number }, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    await pacer.acquire('write');
    times.push(clock.now);
  }
  return times;
}

function limitHeaders(limit: number): RateLimitInfo {
  return { limit, remaining: 0, reset: 0 };
}

function answer(status: number, extra: Partial<PacerOutcome> = {}): PacerOutcome {
  return { status, latencyMs: 100, ...extra };
}

describe('Pacer - slots', () => {
  test.each([
    [25, 40],
    [10, 100],
    [2000, 0.5],
  ])('at %d writes/s, writes go out every %d ms', async (rate, spacing) => {
    const { pacer, clock } = simulatedPacer(rate);
    const times = await sendTimes(pacer, clock, 5);
    expect(times).toEqual([0, 1, 2, 3, 4].map((index) => index * spacing));
  });

  test('a late caller does not get a burst of the slots it missed', async () => {
    const { pacer, clock } = simulatedPacer(25);
    await sendTimes(pacer, clock, 2);
    clock.now += 1000;
    const times = await sendTimes(pacer, clock, 3);
    expect(times).toEqual([1040, 1080, 1120]);
  });

  test('lanes are independent: searches do not take write slots', async () => {
    const { pacer, clock } = simulatedPacer(25);
    await pacer.acquire('search');
    await pacer.acquire('search');
    expect(await sendTimes(pacer, clock, 2)).toEqual([40, 80]);
  });
});

describe('Pacer - the server\'s X-RateLimit-Limit', () => {
  test.each([
    ['a lower limit lowers the rate', 25, 10, 10],
    ['a higher limit does not raise it above --rate', 25, 100, 25],
    ['the same limit keeps it', 25, 25, 25],
  ])('%s', (_name, rate, limit, expected) => {
    const { pacer } = simulatedPacer(rate);
    pacer.observe('write', answer(200, { rateLimit: limitHeaders(limit) }));
    expect(pacer.rate('write')).toBe(expected);
  });

  test('the very next slot follows a lowered limit', async () => {
    const { pacer, clock } = simulatedPacer(25);
    await sendTimes(pacer, clock, 2);
    pacer.observe('write', answer(200, { rateLimit: limitHeaders(10) }));
    // The slot already handed out (80 ms) stands; the ones after it are 100 ms apart.
    expect(await sendTimes(pacer, clock, 3)).toEqual([80, 180, 280]);
  });

  test('when the server raises its limit again, the rate climbs back to --rate', async () => {
    const { pacer, clock } = simulatedPacer(25);
    pacer.observe('write', answer(200, { rateLimit: limitHeaders(10) }));
    pacer.observe('write', answer(200, { rateLimit: limitHeaders(25) }));
    clock.now += 10_000;
    await pacer.acquire('write');
    expect(pacer.rate('write')).toBe(25);
  });
});

describe('Pacer - 429', () => {
  test('pauses the lane for Retry-After and lowers the rate by 10 %', async () => {
    const { pacer, clock } = simulatedPacer(25);
    clock.now = 1000;
    pacer.observe('write', answer(429, { retryAfterMs: 500 }));
    expect(pacer.rate('write')).toBeCloseTo(22.5);
    await pacer.acquire('write');
    expect(clock.now).toBe(1500);
    expect(pacer.rateLimited).toBe(1);
  });

  test('a burst of 429s for requests sent before the first one lowers the rate once', () => {
    const { pacer, clock } = simulatedPacer(25);
    clock.now = 1000;
    for (let index = 0; index < 5; index += 1) {
      pacer.observe('write', answer(429, { retryAfterMs: 100, latencyMs: 200 }));
      clock.now += 10;
    }
    expect(pacer.rate('write')).toBeCloseTo(22.5);
    expect(pacer.rateLimited).toBe(5);
  });

  test('a 429 for a request sent after the step down lowers the rate again', () => {
    const { pacer, clock } = simulatedPacer(25);
    clock.now = 1000;
    pacer.observe('write', answer(429, { retryAfterMs: 100, latencyMs: 100 }));
    clock.now = 1500;
    pacer.observe('write', answer(429, { retryAfterMs: 100, latencyMs: 100 }));
    expect(pacer.rate('write')).toBeCloseTo(25 * 0.9 * 0.9);
  });

  test('without Retry-After the lane pauses for a second', async () => {
    const { pacer, clock } = simulatedPacer(25);
    pacer.observe('write', answer(429));
    await pacer.acquire('write');
    expect(clock.now).toBe(1000);
  });

  test('after the pause the rate climbs back to --rate', async () => {
    const { pacer, clock } = simulatedPacer(25);
    pacer.observe('write', answer(429, { retryAfterMs: 100 }));
    const rates: number[] = [];
    for (let second = 0; second < 6; second += 1) {
      clock.now += 1000;
      await pacer.acquire('write');
      rates.push(pacer.rate('write'));
    }
    for (let index = 1; index < rates.length; index += 1) expect(rates[index]!).toBeGreaterThan(rates[index - 1]!);
    expect(rates[rates.length - 1]!).toBeGreaterThan(24.9);
    expect(rates[rates.length - 1]!).toBeLessThanOrEqual(25);
  });
});

describe('Pacer - wantedConcurrency', () => {
  test.each([
    ['no answer yet: assumes 250 ms', undefined, 32, 15],
    ['80 ms answers at 25/s', 80, 32, 6],
    ['a slow API asks for more', 2000, 32, 32],
    ['never above the cap', 2000, 8, 8],
  ])('%s', (_name, latencyMs, cap, expected) => {
    const { pacer } = simulatedPacer(25);
    if (latencyMs !== undefined) pacer.observe('write', answer(200, { latencyMs }));
    expect(pacer.wantedConcurrency(cap)).toBe(expected);
  });
});
