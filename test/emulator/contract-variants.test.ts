/**
 * The documented variants of the contract a client must survive: the unwrapped error envelope, a 409 typed
 * `idempotency_conflict`, a 429 without `retry-after-ms`, and definitions without `slug`, `system` and relationship `readOnly`.
 */
import { describe, expect, test } from '@jest/globals';

import { startEmulator } from '../../src/emulator/index.js';
import type { ApiErrorBody, Definitions } from '../../src/lightfield/types.js';
import { useEmulator } from '../helpers/emulator-workspace.js';
import { admin, call, createBody, UNLIMITED, waitUntil, type ErrorEnvelope } from './helpers.js';

const emulator = useEmulator(UNLIMITED);

describe('errorEnvelope', () => {
  test.each([
    ['401', () => call<ApiErrorBody>(emulator(), 'GET', '/v1/auth/validate', { headers: { Authorization: undefined } }), 401, { type: 'unauthorized' }],
    [
      '400 with code and param',
      () => call<ApiErrorBody>(emulator(), 'POST', '/v1/accounts', { body: { fields: { $name: 'X', bogus: 1 } } }),
      400,
      { type: 'bad_request', code: 'unknown_field', param: 'fields.bogus' },
    ],
    ['404', () => call<ApiErrorBody>(emulator(), 'GET', '/v1/contacts/con_missing'), 404, { type: 'not_found' }],
    [
      '422 with its extra keys',
      () => call<ApiErrorBody>(emulator(), 'POST', '/v1/notes', { body: { fields: { $title: 'T' }, relationships: { $account: Array.from({ length: 26 }, (_, index) => `acc_${index}`) } } }),
      422,
      { code: 'relationship_write_limit_exceeded' },
    ],
  ])('unwrapped: a %s is { type, message, ... } at the top level', async (_case, request, status, expected) => {
    emulator().configure({ errorEnvelope: 'unwrapped' });
    const answer = await request();
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ ...expected, message: expect.any(String) });
    expect(answer.body).not.toHaveProperty('error');
  });

  test('unwrapped: injected faults and commit-then-500 answers too', async () => {
    emulator().configure({ errorEnvelope: 'unwrapped' });
    emulator().injectFaults([{ kind: '503' }, { kind: 'commit_then_500' }]);
    const unavailable = await call<ApiErrorBody>(emulator(), 'GET', '/v1/accounts');
    expect(unavailable.body).toMatchObject({ type: 'service_unavailable' });
    const committed = await call<ApiErrorBody>(emulator(), 'POST', '/v1/opportunities', { body: createBody(emulator()) });
    expect(committed.status).toBe(500);
    expect(committed.body).toMatchObject({ type: 'internal_server_error' });
    expect(emulator().opportunities()).toHaveLength(1);
  });

  test('wrapped is the default', async () => {
    const answer = await call<ErrorEnvelope>(emulator(), 'GET', '/v1/contacts/con_missing');
    expect(answer.body.error.type).toBe('not_found');
  });
});

describe('conflictType', () => {
  async function conflict(): Promise<ErrorEnvelope> {
    emulator().configure({ latencyMs: 200 });
    const headers = { 'Idempotency-Key': 'in-flight' };
    const first = call(emulator(), 'POST', '/v1/accounts', { body: { fields: { $name: 'Slow' } }, headers });
    await waitUntil(() => emulator().stats().requests.write === 1);
    const second = await call<ErrorEnvelope>(emulator(), 'POST', '/v1/accounts', { body: { fields: { $name: 'Slow' } }, headers });
    expect(second.status).toBe(409);
    expect((await first).status).toBe(200);
    return second.body;
  }

  test("'conflict' (default): type conflict with code idempotency_conflict", async () => {
    expect((await conflict()).error).toMatchObject({ type: 'conflict', code: 'idempotency_conflict' });
  });

  test("'idempotency_conflict': type idempotency_conflict and no code, as the idempotency page shows", async () => {
    emulator().configure({ conflictType: 'idempotency_conflict' });
    const { error } = await conflict();
    expect(error.type).toBe('idempotency_conflict');
    expect(error).not.toHaveProperty('code');
  });
});

describe('retryAfterMs', () => {
  test.each([
    [true, '1000'],
    [false, null],
  ])('%s: an injected 429 carries retry-after-ms %s, and always Retry-After', async (retryAfterMs, expected) => {
    emulator().configure({ retryAfterMs });
    emulator().injectFaults([{ kind: '429' }]);
    const answer = await call(emulator(), 'GET', '/v1/accounts');
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.headers.get('retry-after-ms')).toBe(expected);
  });

  test('false: a 429 from the token bucket has only Retry-After', async () => {
    const limited = await startEmulator({ rate: 1, retryAfterMs: false });
    try {
      const answers = [await call(limited, 'POST', '/v1/accounts', { body: { fields: { $name: 'A' } } })];
      answers.push(await call(limited, 'POST', '/v1/accounts', { body: { fields: { $name: 'B' } } }));
      expect(answers.map((answer) => answer.status)).toEqual([200, 429]);
      expect(answers[1]?.headers.get('retry-after')).toBe('1');
      expect(answers[1]?.headers.get('retry-after-ms')).toBeNull();
      expect(answers[1]?.headers.get('x-ratelimit-limit')).toBe('1');
    } finally {
      await limited.close();
    }
  });
});

describe('definitionExtras', () => {
  test.each([['opportunities'], ['accounts'], ['contacts']])('false: %s definitions lack slug, system and relationship readOnly', async (collection) => {
    const full = (await call<Definitions>(emulator(), 'GET', `/v1/${collection}/definitions`)).body;
    emulator().configure({ definitionExtras: false });
    const bare = (await call<Definitions>(emulator(), 'GET', `/v1/${collection}/definitions`)).body;
    expect(Object.keys(bare.fieldDefinitions)).toEqual(Object.keys(full.fieldDefinitions));
    for (const [key, definition] of Object.entries(bare.fieldDefinitions)) {
      expect(definition).not.toHaveProperty('slug');
      expect(definition).not.toHaveProperty('system');
      const { slug: _slug, system: _system, ...documented } = full.fieldDefinitions[key] ?? { slug: '', system: false };
      expect(definition).toEqual(documented);
    }
    for (const definition of Object.values(bare.relationshipDefinitions)) expect(definition).not.toHaveProperty('readOnly');
  });

  test('false: a read-only relationship is still refused on write, and field readOnly is still served', async () => {
    emulator().configure({ definitionExtras: false });
    const definitions = (await call<Definitions>(emulator(), 'GET', '/v1/opportunities/definitions')).body;
    expect(definitions.fieldDefinitions['$opportunityStatus']?.readOnly).toBe(true);
    const body = createBody(emulator());
    const answer = await call<ErrorEnvelope>(emulator(), 'POST', '/v1/opportunities', { body: { ...body, relationships: { ...body.relationships, $note: 'note_1' } } });
    expect(answer.body.error).toMatchObject({ code: 'read_only_relationship', param: 'relationships.$note' });
  });
});

describe('setting the variants', () => {
  test('as start options, through POST /_emulator/config, and back to the start settings on reset', async () => {
    const spec = await startEmulator({ ...UNLIMITED, errorEnvelope: 'unwrapped', definitionExtras: false });
    try {
      expect((await call<ApiErrorBody>(spec, 'GET', '/v1/accounts/acc_missing')).body.type).toBe('not_found');
      expect((await admin(spec, 'POST', 'config', { errorEnvelope: 'wrapped', conflictType: 'idempotency_conflict', retryAfterMs: false })).status).toBe(200);
      expect((await call<ErrorEnvelope>(spec, 'GET', '/v1/accounts/acc_missing')).body.error.type).toBe('not_found');
      await admin(spec, 'POST', 'reset');
      expect((await call<ApiErrorBody>(spec, 'GET', '/v1/accounts/acc_missing')).body.type).toBe('not_found');
      const definitions = (await call<Definitions>(spec, 'GET', '/v1/accounts/definitions')).body;
      expect(definitions.fieldDefinitions['$name']).not.toHaveProperty('slug');
    } finally {
      await spec.close();
    }
  });

  test.each([
    [{ errorEnvelope: 'bare' }, /errorEnvelope/],
    [{ conflictType: 'clash' }, /conflictType/],
    [{ retryAfterMs: 'no' }, /retryAfterMs/],
    [{ definitionExtras: 0 }, /definitionExtras/],
  ])('config refuses %j with 400', async (change, message) => {
    const answer = await admin<ErrorEnvelope>(emulator(), 'POST', 'config', change);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(message);
  });

  test('a bad start option throws', async () => {
    await expect(startEmulator({ errorEnvelope: 'bare' as 'wrapped' })).rejects.toThrow(/errorEnvelope/);
  });
});
