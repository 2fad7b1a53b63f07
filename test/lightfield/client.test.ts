import { inspect } from 'node:util';

import { afterEach, describe, expect, test } from '@jest/globals';

import { ImportError } from '../../src/errors.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  LightfieldClient,
  LightfieldError,
  type AttemptOutcome,
  type CreateOpportunityBody,
  type Entity,
  type LightfieldClientOptions,
  type Pacer,
  type RateCategory,
} from '../../src/lightfield/index.js';
import { startScriptedServer, type ScriptedServer, type ScriptStep } from './scripted-server.js';

const API_KEY = 'sk_lf_0_test_secret_key';
const BODY: CreateOpportunityBody = {
  fields: { $name: 'Acme Solar Renewal', $stage: 'Prospecting' },
  relationships: { $account: 'acc_1' },
};

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function entity(id: string): Entity {
  return { id, createdAt: '2026-05-01T16:00:00.000Z', updatedAt: null, httpLink: null, fields: {}, relationships: {} };
}

function ok(body: unknown = entity('opp_1'), headers: Record<string, string> = {}): ScriptStep {
  return { status: 200, body, headers };
}

function error(status: number, type: string, code?: string, headers: Record<string, string> = {}): ScriptStep {
  return { status, body: { error: { type, message: `${type} happened`, ...(code === undefined ? {} : { code }) } }, headers };
}

/** A client for the scripted server whose waits between attempts are recorded, not slept. */
async function setUp(script: ScriptStep[], options: LightfieldClientOptions = {}) {
  server = await startScriptedServer(script);
  const delays: number[] = [];
  const client = new LightfieldClient({
    apiKey: API_KEY,
    baseUrl: server.url,
    random: () => 0,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...options,
  });
  return { client, delays, received: server.received };
}

function recordingPacer() {
  const events: Array<{ event: 'acquire'; category: RateCategory } | { event: 'observe'; category: RateCategory; outcome: AttemptOutcome }> = [];
  const pacer: Pacer = {
    acquire: async (category) => {
      events.push({ event: 'acquire', category });
    },
    observe: (category, outcome) => {
      events.push({ event: 'observe', category, outcome });
    },
  };
  return { pacer, events };
}

function createWithKey(client: LightfieldClient, options: { signal?: AbortSignal; maxRetries?: number; timeoutMs?: number } = {}) {
  return client.createOpportunity(BODY, { idempotencyKey: 'ns:row-1:abc', ...options });
}

describe('LightfieldClient - request headers and body', () => {
  test('a create sends the key, version, JSON body and idempotency key', async () => {
    const { client, received } = await setUp([ok()]);
    const result = await createWithKey(client);

    expect(result).toEqual({ data: entity('opp_1'), status: 200, attempts: 1 });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/opportunities' });
    expect(request?.headers).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      'lightfield-version': '2026-03-01',
      'content-type': 'application/json',
      accept: 'application/json',
      'idempotency-key': 'ns:row-1:abc',
    });
    expect(JSON.parse(request?.body ?? '')).toEqual(BODY);
  });

  test('a read sends no body, no content type and no idempotency key', async () => {
    const { client, received } = await setUp([ok()]);
    await client.retrieveOpportunity('opp_1');
    expect(received[0]?.headers['content-type']).toBeUndefined();
    expect(received[0]?.headers['idempotency-key']).toBeUndefined();
    expect(received[0]?.body).toBe('');
  });

  test('the final response rate-limit headers come back with the result', async () => {
    const { client } = await setUp([
      ok(entity('opp_1'), { 'x-ratelimit-limit': '25', 'x-ratelimit-remaining': '24', 'x-ratelimit-reset': '1777636801' }),
    ]);
    const result = await client.retrieveOpportunity('opp_1');
    expect(result.rateLimit).toEqual({ limit: 25, remaining: 24, reset: 1777636801 });
  });
});

describe('LightfieldClient - endpoints, paths and rate categories', () => {
  const update = { fields: { $name: 'Renamed' } };
  test.each<[string, (client: LightfieldClient) => Promise<unknown>, string, string, RateCategory]>([
    ['createOpportunity', (client) => createWithKey(client), 'POST', '/v1/opportunities', 'write'],
    ['updateOpportunity', (client) => client.updateOpportunity('opp_1', update, { idempotencyKey: 'k' }), 'POST', '/v1/opportunities/opp_1', 'write'],
    ['retrieveOpportunity', (client) => client.retrieveOpportunity('opp_1'), 'GET', '/v1/opportunities/opp_1', 'read'],
    ['getDefinitions', (client) => client.getDefinitions('accounts'), 'GET', '/v1/accounts/definitions', 'read'],
    ['validateAuth', (client) => client.validateAuth(), 'GET', '/v1/auth/validate', 'read'],
    ['list', (client) => client.list('members'), 'GET', '/v1/members', 'search'],
  ])('%s → %s %s in the %s category', async (_name, call, method, path, category) => {
    const { pacer, events } = recordingPacer();
    const { client, received } = await setUp([ok({ object: 'list', data: [], totalCount: 0 })], { pacer });
    await call(client);
    expect(received.map((request) => `${request.method} ${request.url}`)).toEqual([`${method} ${path}`]);
    expect(events.map((event) => `${event.event}:${event.category}`)).toEqual([`acquire:${category}`, `observe:${category}`]);
  });

  test('list encodes limit, offset and filters', async () => {
    const { client, received } = await setUp([ok({ object: 'list', data: [], totalCount: 0 })]);
    await client.list('accounts', { limit: 10, offset: 20, filters: { '$name[equal]': 'Acme & Co', '$website[contains]': 'acme.com' } });
    expect(received[0]?.url).toBe(
      '/v1/accounts?limit=10&offset=20&%24name%5Bequal%5D=Acme+%26+Co&%24website%5Bcontains%5D=acme.com',
    );
  });

  test('listAll pages by 25 until a short page', async () => {
    const page = (from: number, count: number) => ({
      object: 'list',
      data: Array.from({ length: count }, (_unused, index) => entity(`acc_${from + index}`)),
      totalCount: 53,
    });
    const { client, received } = await setUp([ok(page(0, 25)), ok(page(25, 25)), ok(page(50, 3))]);

    const ids: string[] = [];
    for await (const account of client.listAll('accounts', { '$name[equal]': 'Acme' })) ids.push(account.id);

    expect(ids).toHaveLength(53);
    expect(ids.at(-1)).toBe('acc_52');
    expect(received.map((request) => request.url)).toEqual([
      '/v1/accounts?limit=25&offset=0&%24name%5Bequal%5D=Acme',
      '/v1/accounts?limit=25&offset=25&%24name%5Bequal%5D=Acme',
      '/v1/accounts?limit=25&offset=50&%24name%5Bequal%5D=Acme',
    ]);
  });
});

describe('LightfieldClient - retries over real HTTP', () => {
  test.each<[string, ScriptStep[], number, (new (...args: never[]) => Error) | undefined]>([
    ['503, 503, 200 succeeds on the third attempt', [error(503, 'service_unavailable'), error(503, 'service_unavailable'), ok()], 3, undefined],
    ['500, 502, 504, 200 succeeds on the fourth attempt', [error(500, 'internal_server_error'), error(502, 'bad_gateway'), error(504, 'gateway_timeout'), ok()], 4, undefined],
    ['408 then 200 is retried', [error(408, 'request_timeout'), ok()], 2, undefined],
    ['429 then 200 is retried', [error(429, 'too_many_requests'), ok()], 2, undefined],
    ['409 idempotency_conflict (type) then 200 is retried', [error(409, 'idempotency_conflict'), ok()], 2, undefined],
    ['409 conflict with code idempotency_conflict then 200 is retried', [error(409, 'conflict', 'idempotency_conflict'), ok()], 2, undefined],
    ['a dropped connection then 200 is retried', ['drop', ok()], 2, undefined],
    ['400 is not retried', [error(400, 'bad_request', 'unknown_field'), ok()], 1, BadRequestError],
    ['409 other conflict is not retried', [error(409, 'conflict', 'locked'), ok()], 1, ConflictError],
    ['500 with x-should-retry: false is not retried', [error(500, 'internal_server_error', undefined, { 'x-should-retry': 'false' }), ok()], 1, InternalServerError],
    ['400 with x-should-retry: true is retried', [error(400, 'bad_request', undefined, { 'x-should-retry': 'true' }), ok()], 2, undefined],
    ['503 forever gives up after maxRetries', [error(503, 'service_unavailable')], 6, InternalServerError],
    ['a connection dropped every time gives up after maxRetries', ['drop'], 6, APIConnectionError],
  ])('%s', async (_name, script, expectedAttempts, ExpectedError) => {
    const { client, received } = await setUp(script);
    const call = createWithKey(client);

    if (ExpectedError === undefined) {
      await expect(call).resolves.toMatchObject({ status: 200, attempts: expectedAttempts });
    } else {
      await expect(call).rejects.toBeInstanceOf(ExpectedError);
      await expect(call).rejects.toMatchObject({ attempts: expectedAttempts });
    }
    expect(received).toHaveLength(expectedAttempts);
    expect(new Set(received.map((request) => request.headers['idempotency-key']))).toEqual(new Set(['ns:row-1:abc']));
    expect(new Set(received.map((request) => request.body)).size).toBe(1);
  });

  test('a per-call maxRetries overrides the client default', async () => {
    const { client, received } = await setUp([error(503, 'service_unavailable')]);
    await expect(createWithKey(client, { maxRetries: 1 })).rejects.toMatchObject({ attempts: 2 });
    expect(received).toHaveLength(2);
  });

  test('maxRetries 0 makes exactly one attempt', async () => {
    const { client, received } = await setUp([error(503, 'service_unavailable')], { maxRetries: 0 });
    await expect(createWithKey(client)).rejects.toMatchObject({ status: 503, attempts: 1 });
    expect(received).toHaveLength(1);
  });
});

describe('LightfieldClient - waits between attempts', () => {
  test.each<[string, ScriptStep, number]>([
    ['retry-after-ms', error(429, 'too_many_requests', undefined, { 'retry-after-ms': '1250' }), 1250],
    ['Retry-After seconds', error(429, 'too_many_requests', undefined, { 'retry-after': '2' }), 2000],
    ['Retry-After above 60 s is capped', error(503, 'service_unavailable', undefined, { 'retry-after': '86400' }), 60_000],
  ])('honours %s', async (_name, failure, expectedDelay) => {
    const { client, delays } = await setUp([failure, ok()]);
    await createWithKey(client);
    expect(delays).toEqual([expectedDelay]);
  });

  test('honours a Retry-After HTTP date', async () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const { client, delays } = await setUp([error(429, 'too_many_requests', undefined, { 'retry-after': inTenSeconds }), ok()]);
    await createWithKey(client);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(8_000);
    expect(delays[0]).toBeLessThanOrEqual(10_000);
  });

  test('backs off exponentially without a server hint', async () => {
    const failure = error(500, 'internal_server_error');
    const { client, delays } = await setUp([failure, failure, failure, failure, ok()]);
    await createWithKey(client);
    expect(delays).toEqual([500, 1000, 2000, 4000]);
  });

  test('onRetry hears about every failed attempt before the wait', async () => {
    const { client } = await setUp([error(503, 'service_unavailable'), 'drop', ok()]);
    const seen: Array<[number, number, string]> = [];
    await client.createOpportunity(BODY, {
      idempotencyKey: 'k',
      onRetry: ({ attempt, delayMs, error: failure }) => seen.push([attempt, delayMs, failure.name]),
    });
    expect(seen).toEqual([
      [1, 500, 'InternalServerError'],
      [2, 1000, 'APIConnectionError'],
    ]);
  });
});

describe('LightfieldClient - timeouts and aborts', () => {
  test('a per-attempt timeout is retried, then fails as APIConnectionTimeoutError', async () => {
    const { client, received } = await setUp(['hang'], { timeoutMs: 100, maxRetries: 1 });
    const call = createWithKey(client);
    await expect(call).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    await expect(call).rejects.toMatchObject({ attempts: 2 });
    expect(received).toHaveLength(2);
  });

  test('a timeout then an answer succeeds with the same key', async () => {
    const { client, received } = await setUp(['hang', ok()], { timeoutMs: 100 });
    await expect(createWithKey(client)).resolves.toMatchObject({ attempts: 2 });
    expect(received.map((request) => request.headers['idempotency-key'])).toEqual(['ns:row-1:abc', 'ns:row-1:abc']);
  });

  test('aborting a request in flight throws APIUserAbortError without a retry', async () => {
    const { client, received } = await setUp(['hang']);
    const controller = new AbortController();
    const call = createWithKey(client, { signal: controller.signal });
    await waitUntil(() => received.length === 1);
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    await expect(call).rejects.toMatchObject({ attempts: 1 });
    expect(received).toHaveLength(1);
  });

  test('aborting during the wait between attempts stops the retries', async () => {
    const { client, received } = await setUp([error(503, 'service_unavailable', undefined, { 'retry-after': '30' })], {
      sleep: undefined,
    });
    const controller = new AbortController();
    const call = createWithKey(client, { signal: controller.signal });
    await waitUntil(() => received.length === 1);
    setTimeout(() => controller.abort(), 20);
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(received).toHaveLength(1);
  });

  test('an already aborted signal sends nothing', async () => {
    const { client, received } = await setUp([ok()]);
    const call = createWithKey(client, { signal: AbortSignal.abort() });
    await expect(call).rejects.toMatchObject({ name: 'APIUserAbortError', attempts: 0 });
    expect(received).toHaveLength(0);
  });

  test('a refused connection is an APIConnectionError that names the cause', async () => {
    const { client } = await setUp([ok()], { maxRetries: 1 });
    const url = server?.url ?? '';
    await server?.close();
    server = undefined;
    const refused = new LightfieldClient({ apiKey: API_KEY, baseUrl: url, maxRetries: 1, sleep: async () => {} });
    const call = createWithKey(refused);
    await expect(call).rejects.toBeInstanceOf(APIConnectionError);
    await expect(call).rejects.toMatchObject({ attempts: 2, message: expect.stringContaining('ECONNREFUSED') });
    expect(client.baseUrl).toBe(url);
  });
});

describe('LightfieldClient - pacer hooks', () => {
  test('every attempt acquires and is observed, with status, rate limit and server wait', async () => {
    const { pacer, events } = recordingPacer();
    const rateHeaders = { 'x-ratelimit-limit': '25', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1777636801' };
    const { client } = await setUp(
      [error(429, 'too_many_requests', undefined, { ...rateHeaders, 'retry-after': '1' }), 'drop', ok(entity('opp_1'), rateHeaders)],
      { pacer },
    );
    await createWithKey(client);

    expect(events.map((event) => event.event)).toEqual(['acquire', 'observe', 'acquire', 'observe', 'acquire', 'observe']);
    const outcomes = events.flatMap((event) => (event.event === 'observe' ? [event.outcome] : []));
    expect(outcomes[0]).toMatchObject({ status: 429, rateLimit: { limit: 25, remaining: 0, reset: 1777636801 }, retryAfterMs: 1000 });
    expect(outcomes[1]).toMatchObject({ status: null });
    expect(outcomes[1]?.rateLimit).toBeUndefined();
    expect(outcomes[2]).toMatchObject({ status: 200, rateLimit: { limit: 25, remaining: 0, reset: 1777636801 } });
    for (const outcome of outcomes) expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
  });

  test('an abort while waiting for the pacer sends nothing', async () => {
    const pacer: Pacer = {
      acquire: (_category, signal) =>
        new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true })),
      observe: () => {},
    };
    const { client, received } = await setUp([ok()], { pacer });
    const controller = new AbortController();
    const call = createWithKey(client, { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(received).toHaveLength(0);
  });
});

describe('LightfieldClient - the API key stays secret', () => {
  test('an error whose body echoes the key does not carry it', async () => {
    const { client } = await setUp([
      { status: 401, body: { error: { type: 'unauthorized', message: `Invalid API key ${API_KEY}.` } } },
    ]);
    const failure = await client.validateAuth().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(LightfieldError);
    expect((failure as Error).message).toBe('401 unauthorized: Invalid API key [REDACTED].');
    expect(inspect(failure, { depth: 10 })).not.toContain(API_KEY);
    expect(JSON.stringify(failure)).not.toContain(API_KEY);
  });

  test.each<[string, ScriptStep[], LightfieldClientOptions]>([
    ['timeout', ['hang'], { timeoutMs: 50, maxRetries: 0 }],
    ['dropped connection', ['drop'], { maxRetries: 0 }],
    ['server error', [error(500, 'internal_server_error')], { maxRetries: 0 }],
  ])('a %s error does not carry the key', async (_name, script, options) => {
    const { client } = await setUp(script, options);
    const failure = await createWithKey(client).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(LightfieldError);
    expect(inspect(failure, { depth: 10, showHidden: true })).not.toContain(API_KEY);
  });

  test('the client itself does not show the key', async () => {
    const { client } = await setUp([ok()]);
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(API_KEY);
    expect(JSON.stringify(client)).not.toContain(API_KEY);
    expect(Object.values(client)).not.toContain(API_KEY);
  });
});

describe('new LightfieldClient() - options', () => {
  const savedEnvironment = { ...process.env };
  afterEach(() => {
    process.env = { ...savedEnvironment };
  });

  test('a missing key is an auth ImportError', () => {
    delete process.env['LIGHTFIELD_API_KEY'];
    expect(() => new LightfieldClient()).toThrow(ImportError);
    expect(() => new LightfieldClient({ apiKey: '  ' })).toThrow(expect.objectContaining({ code: 'auth' }));
  });

  test('key and base URL default to the environment', () => {
    process.env['LIGHTFIELD_API_KEY'] = API_KEY;
    process.env['LIGHTFIELD_BASE_URL'] = 'http://127.0.0.1:9999/';
    expect(new LightfieldClient().baseUrl).toBe('http://127.0.0.1:9999');
    delete process.env['LIGHTFIELD_BASE_URL'];
    expect(new LightfieldClient().baseUrl).toBe('https://api.lightfield.app');
  });

  test.each([
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://localhost:8080/', 'http://localhost:8080'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
    ['https://api.example.com/prefix/', 'https://api.example.com/prefix'],
  ])('base URL %p is accepted as %p', (baseUrl, expected) => {
    expect(new LightfieldClient({ apiKey: API_KEY, baseUrl }).baseUrl).toBe(expected);
  });

  test.each([
    ['http://api.lightfield.app', 'insecure_base_url'],
    ['http://10.0.0.5:8080', 'insecure_base_url'],
    ['ftp://api.lightfield.app', 'usage'],
    ['not a url', 'usage'],
  ])('base URL %p is refused with %p', (baseUrl, code) => {
    expect(() => new LightfieldClient({ apiKey: API_KEY, baseUrl })).toThrow(expect.objectContaining({ code }));
  });

  test.each([
    [{ maxRetries: -1 }, 'Expected `maxRetries` to be a non-negative integer, got `-1` (number)'],
    [{ maxRetries: 1.5 }, 'Expected `maxRetries` to be a non-negative integer, got `1.5` (number)'],
    [{ timeoutMs: 0 }, 'Expected `timeoutMs` to be a positive number, got `0` (number)'],
    [{ timeoutMs: 2 ** 31 }, 'Expected `timeoutMs` to be at most 2147483647 (the longest a timer waits), got `2147483648` (number)'],
  ])('%p is refused', (options, message) => {
    expect(() => new LightfieldClient({ apiKey: API_KEY, ...options })).toThrow(message);
  });

  test('a write without an idempotency key is refused before sending', async () => {
    const { client, received } = await setUp([ok()]);
    const options = {} as { idempotencyKey: string };
    await expect(client.createOpportunity(BODY, options)).rejects.toThrow('Expected `idempotencyKey` to be a non-empty string');
    expect(received).toHaveLength(0);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
