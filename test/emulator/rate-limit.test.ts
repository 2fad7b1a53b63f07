/** Token buckets per category, the X-RateLimit-* headers, 429 with Retry-After, and limits changed mid-run. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';

import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { call, createBody, type ErrorEnvelope } from './helpers.js';

let clock = 1_800_000_000_000;
let frozen: RunningEmulator;

beforeAll(async () => {
  frozen = await startEmulator({ rate: 10, readRate: 5, searchRate: 3, now: () => clock });
});

afterAll(async () => {
  await frozen.close();
});

beforeEach(() => {
  frozen.reset();
});

function write(emulator: RunningEmulator) {
  return call<ErrorEnvelope>(emulator, 'POST', '/v1/opportunities', { body: createBody(emulator) });
}

describe('a burst against the real clock', () => {
  test('40 concurrent writes at rate 10: some pass, the rest are 429 with Retry-After, and none of those executes', async () => {
    const emulator = await startEmulator({ rate: 10 });
    try {
      const answers = await Promise.all(Array.from({ length: 40 }, () => write(emulator)));
      const limited = answers.filter((answer) => answer.status === 429);
      const passed = answers.filter((answer) => answer.status === 200);
      expect(passed.length).toBeGreaterThanOrEqual(10);
      expect(limited.length).toBeGreaterThan(0);
      expect(passed.length + limited.length).toBe(40);
      for (const answer of limited) {
        expect(answer.body.error.type).toBe('too_many_requests');
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(Number.isInteger(Number(answer.headers.get('retry-after')))).toBe(true);
        expect(Number(answer.headers.get('retry-after-ms'))).toBeGreaterThan(0);
        expect(answer.headers.get('x-ratelimit-limit')).toBe('10');
      }
      expect(emulator.stats()).toMatchObject({ rateLimited: limited.length, createsExecuted: passed.length });
    } finally {
      await emulator.close();
    }
  });
});

describe('with a frozen clock', () => {
  test('the bucket holds exactly `rate` tokens and Remaining counts down', async () => {
    const remaining: Array<string | null> = [];
    for (let index = 0; index < 10; index++) {
      const answer = await write(frozen);
      expect(answer.status).toBe(200);
      remaining.push(answer.headers.get('x-ratelimit-remaining'));
    }
    expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
    const limited = await write(frozen);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('retry-after-ms')).toBe('100');
    expect(limited.headers.get('x-ratelimit-reset')).toBe(String(Math.ceil(clock / 1000 + 1)));
  });

  test('tokens refill at rate per second', async () => {
    for (let index = 0; index < 10; index++) await write(frozen);
    expect((await write(frozen)).status).toBe(429);
    clock += 100;
    expect((await write(frozen)).status).toBe(200);
    expect((await write(frozen)).status).toBe(429);
    clock += 1000;
    const answers = [];
    for (let index = 0; index < 11; index++) answers.push((await write(frozen)).status);
    expect(answers.filter((status) => status === 200)).toHaveLength(10);
  });

  test('categories have separate buckets: exhausting reads leaves writes and lists alone', async () => {
    const reads = [];
    for (let index = 0; index < 6; index++) reads.push((await call(frozen, 'GET', '/v1/opportunities/definitions')).status);
    expect(reads).toEqual([200, 200, 200, 200, 200, 429]);
    const list = await call(frozen, 'GET', '/v1/accounts');
    expect(list.status).toBe(200);
    expect(list.headers.get('x-ratelimit-limit')).toBe('3');
    expect((await write(frozen)).status).toBe(200);
  });

  test.each([
    ['a 400 refusal', 'POST', '/v1/opportunities', { body: { fields: {} } }],
    ['a 404', 'GET', '/v1/opportunities/opp_missing', {}],
    ['a 401', 'GET', '/v1/opportunities', { headers: { Authorization: undefined } }],
  ] as const)('%s carries the X-RateLimit-* headers too', async (_case, method, path, options) => {
    const answer = await call(frozen, method, path, options);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.headers.get('x-ratelimit-limit')).not.toBeNull();
    expect(answer.headers.get('x-ratelimit-remaining')).not.toBeNull();
    expect(answer.headers.get('x-ratelimit-reset')).not.toBeNull();
  });

  test('configure({ rate }) lowers the limit for the very next request', async () => {
    await write(frozen);
    frozen.configure({ rate: 2 });
    const answers = [await write(frozen), await write(frozen), await write(frozen)];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429]);
    expect(answers[0]?.headers.get('x-ratelimit-limit')).toBe('2');
  });

  test('reset() brings back the start rate', async () => {
    frozen.configure({ rate: 1 });
    frozen.reset();
    expect((await write(frozen)).headers.get('x-ratelimit-limit')).toBe('10');
  });
});
