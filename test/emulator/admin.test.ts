/** The /_emulator/* routes that other processes (the CLI's tests, benchmarks) use to steer and read the emulator. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';

import { startEmulator, type EmulatorStats, type RunningEmulator } from '../../src/emulator/index.js';
import type { Entity } from '../../src/lightfield/types.js';
import { admin as adminRequest, call, createBody, createOpportunity, type ErrorEnvelope } from './helpers.js';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ rate: 100, readRate: 100, searchRate: 100 });
});

afterAll(async () => {
  await emulator.close();
});

function admin<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; body: T }> {
  return adminRequest<T>(emulator, method, route, body);
}

describe('/_emulator routes', () => {
  test('stats count requests per category and status, creates and replays; admin calls are not counted', async () => {
    await admin('POST', 'reset');
    await createOpportunity(emulator, {}, { 'Idempotency-Key': 'a' });
    await createOpportunity(emulator, {}, { 'Idempotency-Key': 'a' });
    await call(emulator, 'GET', '/v1/opportunities');
    await call(emulator, 'GET', '/v1/opportunities/opp_missing');
    const stats = (await admin<EmulatorStats>('GET', 'stats')).body;
    const seed = emulator.seedData();
    expect(stats).toEqual({
      opportunities: 1,
      records: {
        opportunity: 1,
        account: seed.accounts.filter((account) => account.active).length,
        contact: seed.contacts.length,
        note: 0,
      },
      requests: { total: 4, write: 2, read: 1, search: 1, unrouted: 0 },
      statusCodes: { '200': 3, '404': 1 },
      rateLimited: 0,
      idempotentReplays: 1,
      idempotencyConflicts: 0,
      faultsInjected: { '500': 0, '503': 0, '504': 0, commit_then_500: 0, drop: 0, commit_then_drop: 0, slow: 0, '429': 0 },
      createsExecuted: 1,
      updatesExecuted: 0,
      writesExecuted: {
        opportunity: { creates: 1, updates: 0 },
        account: { creates: 0, updates: 0 },
        contact: { creates: 0, updates: 0 },
        note: { creates: 0, updates: 0 },
      },
    });
    expect(emulator.stats()).toEqual(stats);
  });

  test('opportunities lists every record as retrieve shows it', async () => {
    await admin('POST', 'reset');
    const created = await createOpportunity(emulator);
    expect((await admin<Entity[]>('GET', 'opportunities')).body).toEqual([created]);
  });

  test('config lowers the write limit mid-run', async () => {
    expect((await admin('POST', 'config', { rate: 7 })).status).toBe(200);
    const answer = await call(emulator, 'POST', '/v1/opportunities', { body: createBody(emulator) });
    expect(answer.headers.get('x-ratelimit-limit')).toBe('7');
  });

  test.each([
    [{ rate: -1 }, /rate/],
    [{ latencyMs: { min: 5, max: 1 } }, /latencyMs/],
    [{ faults: { probability: 2, kinds: ['500'] } }, /probability/],
    [{ ratee: 5 }, /ratee/],
  ])('config refuses %j with 400', async (change, message) => {
    const answer = await admin<ErrorEnvelope>('POST', 'config', change);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(message);
  });

  test('config with faults: null turns random faults off', async () => {
    await admin('POST', 'config', { faults: { probability: 1, kinds: ['503'] } });
    expect((await call(emulator, 'GET', '/v1/accounts')).status).toBe(503);
    await admin('POST', 'config', { faults: null });
    expect((await call(emulator, 'GET', '/v1/accounts')).status).toBe(200);
  });

  test('faults queues deterministic faults for the next matching requests', async () => {
    const queued = await admin<{ queued: number }>('POST', 'faults', [{ kind: '503', method: 'POST', path: '/v1/opportunities' }]);
    expect(queued.body.queued).toBe(1);
    expect((await call(emulator, 'POST', '/v1/opportunities', { body: createBody(emulator) })).status).toBe(503);
    await admin('POST', 'faults', { faults: [{ kind: '504' }] });
    expect((await call(emulator, 'GET', '/v1/accounts')).status).toBe(504);
  });

  test('reset drops records and counters and restores the start settings', async () => {
    await createOpportunity(emulator);
    await admin('POST', 'config', { rate: 3 });
    await admin('POST', 'reset');
    expect(emulator.opportunities()).toEqual([]);
    expect(emulator.stats().requests.total).toBe(0);
    const answer = await call(emulator, 'POST', '/v1/opportunities', { body: createBody(emulator) });
    expect(answer.headers.get('x-ratelimit-limit')).toBe('100');
  });

  test('seed shows the accounts (including the inactive one), members and contacts', async () => {
    const seed = (await admin<ReturnType<RunningEmulator['seedData']>>('GET', 'seed')).body;
    expect(seed).toEqual(emulator.seedData());
    expect(seed.accounts.some((account) => !account.active)).toBe(true);
  });

  test('an unknown admin route is 404', async () => {
    expect((await admin('GET', 'nothing')).status).toBe(404);
  });
});
