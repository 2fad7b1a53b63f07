/** What every /v1 request must bring: a key, the version header, a JSON body on POST, the right scope. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';

import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { AuthValidation } from '../../src/lightfield/types.js';
import { API_KEY, call, createBody, UNLIMITED, type ErrorEnvelope } from './helpers.js';

let emulator: RunningEmulator;
let anyKeyEmulator: RunningEmulator;
let readOnlyEmulator: RunningEmulator;

beforeAll(async () => {
  [emulator, anyKeyEmulator, readOnlyEmulator] = await Promise.all([
    startEmulator({ apiKey: API_KEY, ...UNLIMITED }),
    startEmulator(UNLIMITED),
    startEmulator({ ...UNLIMITED, scopes: ['opportunities:read', 'accounts:read', 'members:read'] }),
  ]);
});

afterAll(async () => {
  await Promise.all([emulator.close(), anyKeyEmulator.close(), readOnlyEmulator.close()]);
});

describe('authentication', () => {
  test.each([
    ['no Authorization header', undefined],
    ['a key other than the configured one', 'Bearer sk_lf_0_someone_else'],
    ['a Basic scheme', `Basic ${API_KEY}`],
  ])('%s is 401 unauthorized', async (_case, authorization) => {
    const answer = await call<ErrorEnvelope>(emulator, 'GET', '/v1/auth/validate', { headers: { Authorization: authorization } });
    expect(answer.status).toBe(401);
    expect(answer.body.error.type).toBe('unauthorized');
  });

  test('the 401 message never repeats the key that was sent', async () => {
    const answer = await call<ErrorEnvelope>(emulator, 'GET', '/v1/auth/validate', {
      headers: { Authorization: 'Bearer sk_lf_0_secret_value' },
    });
    expect(JSON.stringify(answer.body)).not.toContain('secret_value');
  });

  test.each([
    { name: 'any sk_lf_ key', authorization: 'Bearer sk_lf_anything', status: 200 },
    { name: 'a key without the sk_lf_ prefix', authorization: 'Bearer pk_live_123', status: 401 },
  ])('without a configured key, $name answers $status', async ({ authorization, status }) => {
    const answer = await call(anyKeyEmulator, 'GET', '/v1/auth/validate', { headers: { Authorization: authorization } });
    expect(answer.status).toBe(status);
  });

  test('auth/validate describes the key and its scopes', async () => {
    const full = await call<AuthValidation>(emulator, 'GET', '/v1/auth/validate');
    expect(full.body).toEqual({ active: true, tokenType: 'api_key', subjectType: 'workspace', scopes: [] });
    const limited = await call<AuthValidation>(readOnlyEmulator, 'GET', '/v1/auth/validate');
    expect(limited.body.scopes).toEqual(['opportunities:read', 'accounts:read', 'members:read']);
  });
});

describe('version header', () => {
  test.each([
    ['missing', undefined],
    ['an older version', '2025-01-01'],
  ])('%s is 400 version_header', async (_case, version) => {
    const answer = await call<ErrorEnvelope>(emulator, 'GET', '/v1/opportunities/definitions', {
      headers: { 'Lightfield-Version': version },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ type: 'bad_request', code: 'version_header' });
  });
});

describe('request bodies', () => {
  test.each([
    ['text/plain', 'text/plain'],
    ['form encoding', 'application/x-www-form-urlencoded'],
  ])('a POST sent as %s is 415 unsupported_media_type', async (_case, contentType) => {
    const answer = await call<ErrorEnvelope>(emulator, 'POST', '/v1/opportunities', {
      rawBody: JSON.stringify(createBody(emulator)),
      headers: { 'Content-Type': contentType },
    });
    expect(answer.status).toBe(415);
    expect(answer.body.error.type).toBe('unsupported_media_type');
  });

  test('a charset parameter on application/json is accepted', async () => {
    const answer = await call(emulator, 'POST', '/v1/opportunities', {
      body: createBody(emulator),
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(answer.status).toBe(200);
  });

  test.each([['{"fields": '], [''], ['not json']])('malformed JSON %j is 400 invalid_json', async (rawBody) => {
    const answer = await call<ErrorEnvelope>(emulator, 'POST', '/v1/opportunities', {
      rawBody,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ type: 'bad_request', code: 'invalid_json' });
  });
});

describe('routes and scopes', () => {
  test.each([
    ['GET', '/v1/widgets'],
    ['POST', '/v1/accounts/definitions'],
    ['GET', '/v1/opportunities/opp_1/extra'],
  ] as const)('%s %s is 404 not_found', async (method, path) => {
    const answer = await call<ErrorEnvelope>(emulator, method, path, method === 'POST' ? { body: {} } : {});
    expect(answer.status).toBe(404);
    expect(answer.body.error.type).toBe('not_found');
  });

  test('a key without opportunities:create is 403 forbidden on create but may read', async () => {
    const write = await call<ErrorEnvelope>(readOnlyEmulator, 'POST', '/v1/opportunities', { body: createBody(readOnlyEmulator) });
    expect(write.status).toBe(403);
    expect(write.body.error.type).toBe('forbidden');
    const read = await call(readOnlyEmulator, 'GET', '/v1/opportunities/definitions');
    expect(read.status).toBe(200);
    expect(readOnlyEmulator.stats().createsExecuted).toBe(0);
  });

  test('httpLink of a created opportunity opens a page showing the record', async () => {
    const created = await call<{ id: string; httpLink: string }>(emulator, 'POST', '/v1/opportunities', { body: createBody(emulator) });
    const page = await fetch(created.body.httpLink);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(created.body.id);
  });
});
