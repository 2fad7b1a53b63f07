/** Injected faults: what the client sees, and whether the write happened behind it. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';

import { startEmulator, type FaultKind, type RunningEmulator } from '../../src/emulator/index.js';
import type { Entity } from '../../src/lightfield/types.js';
import { call, createBody, UNLIMITED, waitUntil, type ErrorEnvelope } from './helpers.js';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator(UNLIMITED);
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.reset();
});

function create(key = 'row-1', signal?: AbortSignal) {
  return call<Entity & ErrorEnvelope>(emulator, 'POST', '/v1/opportunities', {
    body: createBody(emulator),
    headers: { 'Idempotency-Key': key },
    ...(signal ? { signal } : {}),
  });
}

describe('faults answered before executing', () => {
  test.each([
    ['500', 500, 'internal_server_error'],
    ['503', 503, 'service_unavailable'],
    ['504', 504, 'gateway_timeout'],
    ['429', 429, 'too_many_requests'],
  ] as const)('%s answers %i %s and creates nothing', async (kind, status, type) => {
    emulator.injectFaults([{ kind, method: 'POST', path: '/v1/opportunities' }]);
    const answer = await create();
    expect(answer.status).toBe(status);
    expect(answer.body.error.type).toBe(type);
    if (kind === '429') expect(answer.headers.get('retry-after')).toBe('1');
    expect(emulator.stats()).toMatchObject({ createsExecuted: 0, faultsInjected: { [kind]: 1 } });
    expect((await create()).status).toBe(200);
  });

  test('drop closes the connection without executing', async () => {
    emulator.injectFaults([{ kind: 'drop' }]);
    await expect(create()).rejects.toThrow();
    expect(emulator.stats().createsExecuted).toBe(0);
    expect((await create()).status).toBe(200);
  });
});

describe('faults after the write committed', () => {
  test('commit_then_500 answers 500, but the record exists and the same key replays it', async () => {
    emulator.injectFaults([{ kind: 'commit_then_500' }]);
    const lost = await create();
    expect(lost.status).toBe(500);
    expect(emulator.opportunities()).toHaveLength(1);
    const retry = await create();
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(emulator.opportunities()[0]?.id);
    expect(emulator.stats()).toMatchObject({ createsExecuted: 1, idempotentReplays: 1 });
  });

  test('commit_then_drop closes the connection after executing; the same key replays', async () => {
    emulator.injectFaults([{ kind: 'commit_then_drop' }]);
    await expect(create()).rejects.toThrow();
    expect(emulator.opportunities()).toHaveLength(1);
    expect((await create()).body.id).toBe(emulator.opportunities()[0]?.id);
    expect(emulator.stats().createsExecuted).toBe(1);
  });

  test('slow outlasts a client timeout; the write still lands, and a retry meanwhile is an idempotency conflict', async () => {
    emulator.injectFaults([{ kind: 'slow', slowMs: 400 }]);
    await expect(create('row-1', AbortSignal.timeout(100))).rejects.toThrow();
    expect((await create()).status).toBe(409);
    await waitUntil(() => emulator.stats().createsExecuted === 1);
    expect((await create()).status).toBe(200);
    expect(emulator.opportunities()).toHaveLength(1);
  });
});

describe('delays', () => {
  test('a delayed answer does not hold up other requests', async () => {
    emulator.injectFaults([{ kind: 'slow', slowMs: 300 }]);
    let slowAnswered = false;
    const slow = create().then((answer) => {
      slowAnswered = true;
      return answer;
    });
    await waitUntil(() => emulator.stats().requests.write === 1);
    expect((await call(emulator, 'GET', '/v1/accounts')).status).toBe(200);
    expect(slowAnswered).toBe(false);
    expect((await slow).status).toBe(200);
  });

  test('a latency range applies to every request, and the answers are unchanged', async () => {
    emulator.configure({ latencyMs: { min: 1, max: 20 } });
    const answers = await Promise.all([create('a'), create('b'), call(emulator, 'GET', '/v1/members')]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
  });
});

describe('which requests get a queued fault', () => {
  test('faults wait for a request matching method and path, and apply in order', async () => {
    emulator.injectFaults([
      { kind: '503', method: 'POST', path: '/v1/opportunities' },
      { kind: '500', method: 'post', path: '/v1/opportunities' },
    ]);
    expect((await call(emulator, 'GET', '/v1/opportunities')).status).toBe(200);
    expect((await create()).status).toBe(503);
    expect((await create()).status).toBe(500);
    expect((await create()).status).toBe(200);
  });

  test('a path ending with * matches by prefix', async () => {
    emulator.injectFaults([{ kind: '503', path: '/v1/accounts*' }]);
    expect((await call(emulator, 'GET', '/v1/opportunities')).status).toBe(200);
    expect((await call(emulator, 'GET', '/v1/accounts?limit=1')).status).toBe(503);
  });

  test('shouldRetry adds the x-should-retry header', async () => {
    emulator.injectFaults([{ kind: '503', shouldRetry: false }]);
    const answer = await create();
    expect(answer.headers.get('x-should-retry')).toBe('false');
  });

  test('an unknown fault kind is refused', () => {
    expect(() => emulator.injectFaults([{ kind: 'explode' as FaultKind }])).toThrow(/kind/);
  });
});

describe('random faults', () => {
  async function statuses(seed: number, only: 'write' | 'all'): Promise<number[]> {
    const random = await startEmulator({ ...UNLIMITED, seed, faults: { probability: 0.5, kinds: ['503', '500'], only } });
    try {
      const seen: number[] = [];
      for (let index = 0; index < 20; index++) {
        const answer = await call(random, 'POST', '/v1/opportunities', { body: createBody(random) });
        seen.push(answer.status);
      }
      return seen;
    } finally {
      await random.close();
    }
  }

  test('the same seed gives the same faults on the same requests', async () => {
    const first = await statuses(7, 'all');
    expect(await statuses(7, 'all')).toEqual(first);
    expect(first.filter((status) => status !== 200).length).toBeGreaterThan(0);
    expect(first.filter((status) => status === 200).length).toBeGreaterThan(0);
  });

  test("only: 'write' leaves reads alone", async () => {
    const random = await startEmulator({ ...UNLIMITED, faults: { probability: 1, kinds: ['503'], only: 'write' } });
    try {
      expect((await call(random, 'GET', '/v1/opportunities/definitions')).status).toBe(200);
      expect((await call(random, 'POST', '/v1/opportunities', { body: createBody(random) })).status).toBe(503);
    } finally {
      await random.close();
    }
  });
});
