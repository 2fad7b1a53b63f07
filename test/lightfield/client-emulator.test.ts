/**
 * The client against the project's emulator over real HTTP: idempotent replays, writes that
 * committed before the answer was lost, and keys still in flight.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';

import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  LightfieldClient,
  type CreateOpportunityBody,
  type LightfieldClientOptions,
} from '../../src/lightfield/index.js';

const API_KEY = 'sk_lf_0_emulator_test_key';

let emulator: RunningEmulator;
let body: CreateOpportunityBody;

beforeAll(async () => {
  emulator = await startEmulator({ apiKey: API_KEY, rate: Infinity, readRate: Infinity, searchRate: Infinity });
  const account = emulator.seedData().accounts.find((candidate) => candidate.active);
  if (account === undefined) throw new Error('the emulator seeds no active account');
  body = { fields: { $name: 'Acme Solar Renewal', $stage: 'Prospecting' }, relationships: { $account: account.id } };
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.reset();
});

/** A client whose waits between attempts are short real waits, recorded. */
function makeClient(options: LightfieldClientOptions = {}) {
  const delays: number[] = [];
  const client = new LightfieldClient({
    apiKey: API_KEY,
    baseUrl: emulator.url,
    random: () => 0,
    sleep: async (ms) => {
      delays.push(ms);
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
    ...options,
  });
  return { client, delays };
}

describe('LightfieldClient against the emulator', () => {
  test('validateAuth, definitions and retrieve answer with the emulator data', async () => {
    const { client } = makeClient();
    await expect(client.validateAuth()).resolves.toMatchObject({ status: 200, data: { active: true } });
    const definitions = await client.getDefinitions('opportunities');
    expect(Object.keys(definitions.data.fieldDefinitions)).toEqual(expect.arrayContaining(['$name', '$stage']));
    const created = await client.createOpportunity(body, { idempotencyKey: 'retrieve-1' });
    await expect(client.retrieveOpportunity(created.data.id)).resolves.toMatchObject({ data: { id: created.data.id } });
  });

  test('a wrong key is an AuthenticationError after one attempt', async () => {
    const { client } = makeClient({ apiKey: 'sk_lf_0_wrong' });
    const call = client.validateAuth();
    await expect(call).rejects.toBeInstanceOf(AuthenticationError);
    await expect(call).rejects.toMatchObject({ status: 401, attempts: 1 });
  });

  test('an unknown field is a BadRequestError naming the field, not retried', async () => {
    const { client } = makeClient();
    const call = client.createOpportunity(
      { ...body, fields: { ...body.fields, bogus: 'x' } },
      { idempotencyKey: 'unknown-field-1' },
    );
    await expect(call).rejects.toBeInstanceOf(BadRequestError);
    await expect(call).rejects.toMatchObject({ code: 'unknown_field', param: 'fields.bogus', attempts: 1 });
    expect(emulator.opportunities()).toHaveLength(0);
  });

  test('the same key twice gives the same opportunity once', async () => {
    const { client } = makeClient();
    const first = await client.createOpportunity(body, { idempotencyKey: 'replay-1' });
    const second = await client.createOpportunity(body, { idempotencyKey: 'replay-1' });
    expect(second.data.id).toBe(first.data.id);
    expect(emulator.opportunities()).toHaveLength(1);
    expect(emulator.stats().idempotentReplays).toBe(1);
  });

  test.each(['commit_then_500', 'commit_then_drop'] as const)(
    'a create that committed before a %s is retried with the same key and leaves one record',
    async (kind) => {
      const { client } = makeClient();
      emulator.injectFaults([{ kind, method: 'POST', path: '/v1/opportunities' }]);
      const result = await client.createOpportunity(body, { idempotencyKey: `commit-${kind}` });
      expect(result.attempts).toBe(2);
      expect(emulator.opportunities().map((opportunity) => opportunity.id)).toEqual([result.data.id]);
      expect(emulator.stats()).toMatchObject({ createsExecuted: 1, idempotentReplays: 1 });
    },
  );

  test.each(['500', '503', '504', 'drop'] as const)('a %s before executing is retried and creates once', async (kind) => {
    const { client } = makeClient();
    emulator.injectFaults([{ kind, method: 'POST', path: '/v1/opportunities' }]);
    const result = await client.createOpportunity(body, { idempotencyKey: `fault-${kind}` });
    expect(result.attempts).toBe(2);
    expect(emulator.opportunities()).toHaveLength(1);
  });

  test('a 429 is retried after the Retry-After it carries', async () => {
    const { client, delays } = makeClient();
    emulator.injectFaults([{ kind: '429', method: 'POST', path: '/v1/opportunities' }]);
    const result = await client.createOpportunity(body, { idempotencyKey: 'rate-limited-1' });
    expect(result.attempts).toBe(2);
    expect(delays).toEqual([1000]);
    expect(emulator.opportunities()).toHaveLength(1);
  });

  test('a key still in flight is a 409 idempotency conflict; retried, it gets the first answer', async () => {
    const { client } = makeClient();
    emulator.injectFaults([{ kind: 'slow', method: 'POST', path: '/v1/opportunities', slowMs: 800 }]);
    const first = client.createOpportunity(body, { idempotencyKey: 'in-flight-1' });
    await waitUntil(() => emulator.stats().requests.write >= 1);

    const withoutRetry = client.createOpportunity(body, { idempotencyKey: 'in-flight-1', maxRetries: 0 });
    await expect(withoutRetry).rejects.toBeInstanceOf(ConflictError);
    const conflict = await withoutRetry.catch((caught: unknown) => caught);
    expect([(conflict as ConflictError).type, (conflict as ConflictError).code]).toContain('idempotency_conflict');

    const withRetry = client.createOpportunity(body, { idempotencyKey: 'in-flight-1', maxRetries: 50 });
    const [original, retried] = await Promise.all([first, withRetry]);
    expect(retried.data.id).toBe(original.data.id);
    expect(retried.attempts).toBeGreaterThanOrEqual(2);
    expect(emulator.opportunities()).toHaveLength(1);
    expect(emulator.stats().idempotencyConflicts).toBeGreaterThanOrEqual(2);
  });

  test('a slow answer past the timeout is retried with the same key and creates once', async () => {
    // The client's real backoff: with the 20 ms test sleep, every retry would land inside the slow
    // answer's window and spend the retry budget on 409s before the first request finishes.
    const { client } = makeClient({
      timeoutMs: 500,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    emulator.injectFaults([{ kind: 'slow', method: 'POST', path: '/v1/opportunities', slowMs: 1500 }]);
    const result = await client.createOpportunity(body, { idempotencyKey: 'timeout-1', maxRetries: 20 });
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    expect(emulator.opportunities()).toHaveLength(1);
  });

  test('listAll reads every account page by page, and results carry the rate-limit headers', async () => {
    const accounts = Array.from({ length: 60 }, (_unused, index) => ({ name: `Account ${index}` }));
    const paged = await startEmulator({ apiKey: API_KEY, accounts });
    try {
      const client = new LightfieldClient({ apiKey: API_KEY, baseUrl: paged.url });
      const ids: string[] = [];
      for await (const account of client.listAll('accounts')) ids.push(account.id);
      expect(new Set(ids)).toEqual(new Set(paged.seedData().accounts.map((account) => account.id)));
      expect(ids).toHaveLength(60);
      expect(paged.stats().requests.search).toBe(3);

      const page = await client.list('accounts', { limit: 5 });
      expect(page.data.data).toHaveLength(5);
      expect(page.rateLimit).toMatchObject({ limit: 25 });
    } finally {
      await paged.close();
    }
  });

  test('a filtered list finds an account by name', async () => {
    const { client } = makeClient();
    const account = emulator.seedData().accounts.find((candidate) => candidate.active);
    const page = await client.list('accounts', { filters: { '$name[equal]': account?.name ?? '' } });
    expect(page.data.data.map((entity) => entity.id)).toContain(account?.id);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
