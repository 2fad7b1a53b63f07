/** Idempotency-Key: replays, keys in flight, failures that are not cached, scopes, and the 24 h window. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';

import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { Entity } from '../../src/lightfield/types.js';
import { call, createBody, createOpportunity, UNLIMITED, waitUntil, type ErrorEnvelope } from './helpers.js';

const DAY_MS = 24 * 60 * 60 * 1000;
let clock = Date.UTC(2026, 4, 1);
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ ...UNLIMITED, now: () => clock });
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.reset();
});

function create(key: string, fields: Record<string, unknown> = {}) {
  return call<Entity & ErrorEnvelope>(emulator, 'POST', '/v1/opportunities', {
    body: createBody(emulator, fields),
    headers: { 'Idempotency-Key': key },
  });
}

describe('replay', () => {
  test('the same key twice answers the same status and body and creates one record', async () => {
    const first = await create('row-1');
    const second = await create('row-1');
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(emulator.opportunities()).toHaveLength(1);
    expect(emulator.stats()).toMatchObject({ createsExecuted: 1, idempotentReplays: 1 });
  });

  test('a different body with a used key gets the old answer, not a new record', async () => {
    const first = await create('row-1', { $name: 'First' });
    const second = await create('row-1', { $name: 'Second' });
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.fields['$name']?.value).toBe('First');
    expect(emulator.opportunities()).toHaveLength(1);
  });

  test('without a key every request executes', async () => {
    await create('');
    await create('');
    expect(emulator.opportunities()).toHaveLength(2);
  });

  test('keys are scoped per operation: a create key reused on an update executes the update', async () => {
    const created = await create('shared-key');
    const update = await call<Entity>(emulator, 'POST', `/v1/opportunities/${created.body.id}`, {
      body: { fields: { nextStep: 'Demo' } },
      headers: { 'Idempotency-Key': 'shared-key' },
    });
    expect(update.status).toBe(200);
    expect(update.body.fields['nextStep']?.value).toBe('Demo');
    expect(emulator.stats().updatesExecuted).toBe(1);
  });

  test('an update key is scoped to its opportunity', async () => {
    const one = await createOpportunity(emulator);
    const two = await createOpportunity(emulator);
    for (const target of [one, two]) {
      await call(emulator, 'POST', `/v1/opportunities/${target.id}`, {
        body: { fields: { source: 'update' } },
        headers: { 'Idempotency-Key': 'update-key' },
      });
    }
    expect(emulator.stats()).toMatchObject({ updatesExecuted: 2, idempotentReplays: 0 });
  });
});

describe('failures and limits', () => {
  test('a refused request is not cached: the fixed retry with the same key executes', async () => {
    const refused = await create('row-1', { amount: 'lots' });
    expect(refused.status).toBe(400);
    const fixed = await create('row-1', { amount: 100 });
    expect(fixed.status).toBe(200);
    expect(emulator.stats()).toMatchObject({ createsExecuted: 1, idempotentReplays: 0 });
  });

  test('a 500 before executing is not cached', async () => {
    emulator.injectFaults([{ kind: '500' }]);
    expect((await create('row-1')).status).toBe(500);
    expect((await create('row-1')).status).toBe(200);
    expect(emulator.stats()).toMatchObject({ createsExecuted: 1, idempotentReplays: 0 });
  });

  test.each([
    [255, 200],
    [256, 400],
  ])('a key of %i characters answers %i', async (length, status) => {
    const answer = await create('k'.repeat(length));
    expect(answer.status).toBe(status);
    if (status === 400) expect(answer.body.error).toMatchObject({ code: 'idempotency_key_too_long', param: 'Idempotency-Key' });
  });
});

describe('in flight', () => {
  test('the same key while the first request still executes is 409 idempotency_conflict', async () => {
    emulator.configure({ latencyMs: 300 });
    const first = create('slow-row');
    await waitUntil(() => emulator.stats().requests.write === 1);
    const second = await create('slow-row');
    expect(second.status).toBe(409);
    expect(second.body.error).toEqual({
      type: 'conflict',
      code: 'idempotency_conflict',
      message: 'An operation with this idempotency key is already in progress. Please wait and retry.',
    });
    expect((await first).status).toBe(200);
    emulator.configure({ latencyMs: 0 });
    const third = await create('slow-row');
    expect(third.body.id).toBe((await first).body.id);
    expect(emulator.stats()).toMatchObject({ createsExecuted: 1, idempotencyConflicts: 1, idempotentReplays: 1 });
  });
});

describe('retention', () => {
  test('an answer is replayed for 24 hours, then the key is new again', async () => {
    const first = await create('daily-row');
    clock += DAY_MS - 1;
    expect((await create('daily-row')).body.id).toBe(first.body.id);
    clock += 1;
    const later = await create('daily-row');
    expect(later.body.id).not.toBe(first.body.id);
    expect(emulator.opportunities()).toHaveLength(2);
  });
});
