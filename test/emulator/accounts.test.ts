/** Accounts through the API: definitions with custom fields, create, update, retrieve, lists and lookups, and the shared machinery. */
import { beforeAll, describe, expect, test } from '@jest/globals';

import { startEmulator } from '../../src/emulator/index.js';
import type { Definitions, Entity, ListResponse } from '../../src/lightfield/types.js';
import { useEmulator } from '../helpers/emulator-workspace.js';
import { call, createRecord, seededIds, UNLIMITED, waitUntil, type ErrorEnvelope } from './helpers.js';

const emulator = useEmulator(UNLIMITED);

let definitions: Definitions;

function optionId(key: string, label: string): string {
  const option = definitions.fieldDefinitions[key]?.typeConfiguration.options?.find((candidate) => candidate.label === label);
  if (!option) throw new Error(`no option ${label} in ${key}`);
  return option.id;
}

async function names(query: string, target = emulator()): Promise<string[]> {
  const answer = await call<ListResponse>(target, 'GET', `/v1/accounts?${query}`);
  if (answer.status !== 200) throw new Error(`${query} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.data.map((entity) => entity.fields['$name']?.value as string);
}

beforeAll(async () => {
  definitions = (await call<Definitions>(emulator(), 'GET', '/v1/accounts/definitions')).body;
});

describe('GET /v1/accounts/definitions', () => {
  test.each([
    ['segment', 'SINGLE_SELECT', {}],
    ['employees', 'NUMBER', {}],
    ['legacyId', 'TEXT', { unique: true }],
    ['customerSince', 'DATETIME', {}],
  ])('custom field %s is a writable %s', (key, valueType, configuration) => {
    expect(definitions.fieldDefinitions[key]).toMatchObject({ slug: key, valueType, system: false, readOnly: false, typeConfiguration: configuration });
  });

  test('the segment options and the read-only relationships the spec names', () => {
    expect(definitions.fieldDefinitions['segment']?.typeConfiguration.options?.map((option) => option.label)).toEqual(['Enterprise', 'Mid-Market', 'SMB']);
    for (const key of ['$opportunity', '$task', '$note', '$meeting']) expect(definitions.relationshipDefinitions[key]?.readOnly).toBe(true);
    expect(definitions.relationshipDefinitions['$contact']).toMatchObject({ cardinality: 'HAS_MANY', objectType: 'contact' });
  });
});

describe('POST /v1/accounts', () => {
  test('needs only $name and answers the entity with every defined key', async () => {
    const answer = await call<Entity>(emulator(), 'POST', '/v1/accounts', { body: { fields: { $name: 'Soylent' } } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: expect.stringMatching(/^acc_/), externalId: null, httpLink: expect.stringContaining(answer.body.id) });
    expect(answer.body.fields['$name']).toEqual({ valueType: 'TEXT', value: 'Soylent' });
    expect(answer.body.fields['legacyId']).toEqual({ valueType: 'TEXT', value: null });
    expect(answer.body.relationships['$contact']).toEqual({ cardinality: 'HAS_MANY', objectType: 'contact', values: [] });
    expect((await call<Entity>(emulator(), 'GET', `/v1/accounts/${answer.body.id}`)).body).toEqual(answer.body);
    expect(emulator().records('account')).toContainEqual(answer.body);
    expect(emulator().stats().writesExecuted.account).toEqual({ creates: 1, updates: 0 });
  });

  test('a created ID never repeats a seeded one', async () => {
    const seeded = new Set(emulator().seedData().accounts.map((account) => account.id));
    for (let index = 0; index < 15; index++) {
      expect(seeded.has((await createRecord(emulator(), 'accounts', { fields: { $name: `New ${index}` } })).id)).toBe(false);
    }
  });

  test('stores system and custom values as the API does: websites as a list, select labels as option IDs', async () => {
    const ids = seededIds(emulator());
    const entity = await createRecord(emulator(), 'accounts', {
      fields: {
        $name: 'Soylent',
        $website: ['https://soylent.example'],
        $industry: ['Retail', 'Healthcare'],
        segment: 'mid-market',
        employees: 250,
        legacyId: '001A000001',
        customerSince: '2021-03-01T00:00:00+01:00',
      },
      relationships: { $owner: ids.member, $contact: [ids.contact] },
    });
    expect(entity.fields['$industry']?.value).toEqual([optionId('$industry', 'Retail'), optionId('$industry', 'Healthcare')]);
    expect(entity.fields['segment']?.value).toBe(optionId('segment', 'Mid-Market'));
    expect(entity.fields['customerSince']?.value).toBe('2021-02-28T23:00:00.000Z');
    expect(entity.relationships['$owner']?.values).toEqual([ids.member]);
    expect(entity.relationships['$contact']?.values).toEqual([ids.contact]);
  });

  test.each([
    ['no $name', 'parameter_missing', 'fields.$name', { fields: { employees: 3 } }],
    ['an unknown field', 'unknown_field', 'fields.bogus', { fields: { $name: 'X', bogus: 1 } }],
    ['a read-only field', 'read_only_field', 'fields.$accountStatus', { fields: { $name: 'X', $accountStatus: 'Customer' } }],
    ['a read-only relationship', 'read_only_relationship', 'relationships.$opportunity', { fields: { $name: 'X' }, relationships: { $opportunity: 'opp_1' } }],
    ['a number as text', 'invalid_type', 'fields.employees', { fields: { $name: 'X', employees: 'many' } }],
    ['an owner that is not a member', 'relationship_entity_missing', 'relationships.$owner', { fields: { $name: 'X' }, relationships: { $owner: 'mem_nobody' } }],
  ])('%s is 400 %s at %s', async (_case, code, param, body) => {
    const answer = await call<ErrorEnvelope>(emulator(), 'POST', '/v1/accounts', { body });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ type: 'bad_request', code, param });
    expect(emulator().stats().createsExecuted).toBe(0);
  });

  test('an unknown field names the accounts collection', async () => {
    const answer = await call<ErrorEnvelope>(emulator(), 'POST', '/v1/accounts', { body: { fields: { $name: 'X', bogus: 1 } } });
    expect(answer.body.error.message).toContain("'accounts'");
  });
});

describe('POST /v1/accounts/{id}', () => {
  test('merges fields, clears with null, and applies relationship operations', async () => {
    const ids = seededIds(emulator());
    const created = await createRecord(emulator(), 'accounts', { fields: { $name: 'Soylent', employees: 10, legacyId: 'L-1' } });
    const answer = await call<Entity>(emulator(), 'POST', `/v1/accounts/${created.id}`, {
      body: { fields: { employees: 12, legacyId: null }, relationships: { $contact: { add: [ids.contact] } } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.fields['$name']?.value).toBe('Soylent');
    expect(answer.body.fields['employees']?.value).toBe(12);
    expect(answer.body.fields['legacyId']?.value).toBeNull();
    expect(answer.body.relationships['$contact']?.values).toEqual([ids.contact]);
    expect(emulator().stats().writesExecuted.account).toEqual({ creates: 1, updates: 1 });
  });

  test('a seeded account can be updated; $name cannot be cleared', async () => {
    const account = seededIds(emulator()).account;
    expect((await call(emulator(), 'POST', `/v1/accounts/${account}`, { body: { fields: { legacyId: 'SEED-1' } } })).status).toBe(200);
    const cleared = await call<ErrorEnvelope>(emulator(), 'POST', `/v1/accounts/${account}`, { body: { fields: { $name: null } } });
    expect(cleared.status).toBe(400);
    expect(cleared.body.error).toMatchObject({ code: 'parameter_missing', param: 'fields.$name' });
  });

  test('an unknown ID is 404 not_found', async () => {
    const answer = await call<ErrorEnvelope>(emulator(), 'POST', '/v1/accounts/acc_missing', { body: { fields: { employees: 1 } } });
    expect(answer.status).toBe(404);
    expect(answer.body.error.type).toBe('not_found');
  });
});

describe('GET /v1/accounts', () => {
  test('a created account is found by the name and website lookups, after the seeded ones', async () => {
    const created = await createRecord(emulator(), 'accounts', { fields: { $name: 'Soylent', $website: ['https://soylent.example'], legacyId: 'SF-9' } });
    expect(await names('$name[equal]=soylent')).toEqual(['Soylent']);
    expect(await names('$website[contains]=soylent.example')).toEqual(['Soylent']);
    expect(await names('legacyId[equal]=SF-9')).toEqual(['Soylent']);
    const all = await call<ListResponse>(emulator(), 'GET', '/v1/accounts?limit=25');
    expect(all.body.data.at(-1)?.id).toBe(created.id);
    expect(all.body.totalCount).toBe(emulator().seedData().accounts.filter((account) => account.active).length + 1);
  });

  test('a created account is listed only after the index lag, but retrievable and linkable at once', async () => {
    let clock = 2_000_000;
    const lagging = await startEmulator({ ...UNLIMITED, indexLagMs: 1000, now: () => clock });
    try {
      const created = await createRecord(lagging, 'accounts', { fields: { $name: 'Soylent' } });
      expect(await names('$name[equal]=Soylent', lagging)).toEqual([]);
      expect((await call(lagging, 'GET', `/v1/accounts/${created.id}`)).status).toBe(200);
      const opportunity = await call(lagging, 'POST', '/v1/opportunities', {
        body: { fields: { $name: 'Soylent deal', $stage: 'Proposal' }, relationships: { $account: created.id } },
      });
      expect(opportunity.status).toBe(200);
      clock += 1000;
      expect(await names('$name[equal]=Soylent', lagging)).toEqual(['Soylent']);
    } finally {
      await lagging.close();
    }
  });
});

describe('the shared machinery', () => {
  test('a key without accounts:create is 403 on create; accounts:update is its own scope', async () => {
    const limited = await startEmulator({ ...UNLIMITED, scopes: ['accounts:read', 'accounts:create'] });
    try {
      const created = await call<Entity>(limited, 'POST', '/v1/accounts', { body: { fields: { $name: 'X' } } });
      expect(created.status).toBe(200);
      const update = await call<ErrorEnvelope>(limited, 'POST', `/v1/accounts/${created.body.id}`, { body: { fields: { employees: 1 } } });
      expect(update.status).toBe(403);
      expect(update.body.error.message).toContain('accounts:update');
      const contact = await call(limited, 'POST', '/v1/contacts', { body: { fields: { legacyId: 'C' } } });
      expect(contact.status).toBe(403);
    } finally {
      await limited.close();
    }
  });

  test('account writes count in the Write bucket and lists in the Search bucket', async () => {
    const limited = await startEmulator({ rate: 2, readRate: 50, searchRate: 1 });
    try {
      const writes = [];
      for (let index = 0; index < 3; index++) writes.push(await call(limited, 'POST', '/v1/accounts', { body: { fields: { $name: `A${index}` } } }));
      expect(writes.map((answer) => answer.status)).toEqual([200, 200, 429]);
      expect(writes[0]?.headers.get('x-ratelimit-limit')).toBe('2');
      const lists = [await call(limited, 'GET', '/v1/accounts'), await call(limited, 'GET', '/v1/accounts')];
      expect(lists.map((answer) => answer.status)).toEqual([200, 429]);
    } finally {
      await limited.close();
    }
  });

  test('an Idempotency-Key replays an account create; the same key on a contact create is another operation', async () => {
    const headers = { 'Idempotency-Key': 'row-7' };
    const first = await createRecord(emulator(), 'accounts', { fields: { $name: 'Soylent' } }, headers);
    const again = await createRecord(emulator(), 'accounts', { fields: { $name: 'Soylent' } }, headers);
    expect(again).toEqual(first);
    const contact = await createRecord(emulator(), 'contacts', { fields: { legacyId: 'C-7' } }, headers);
    expect(contact.id).toMatch(/^con_/);
    expect(emulator().stats()).toMatchObject({ idempotentReplays: 1, writesExecuted: { account: { creates: 1 }, contact: { creates: 1 } } });
  });

  test('a key in flight is 409, and a commit-then-500 fault is healed by a retry with the same key', async () => {
    emulator().configure({ latencyMs: 200 });
    const body = { fields: { $name: 'Slow Ltd' } };
    const first = call<Entity>(emulator(), 'POST', '/v1/accounts', { body, headers: { 'Idempotency-Key': 'slow' } });
    await waitUntil(() => emulator().stats().requests.write === 1);
    const second = await call<ErrorEnvelope>(emulator(), 'POST', '/v1/accounts', { body, headers: { 'Idempotency-Key': 'slow' } });
    expect(second.status).toBe(409);
    expect((await first).status).toBe(200);
    emulator().configure({ latencyMs: 0 });

    emulator().injectFaults([{ kind: 'commit_then_500', path: '/v1/accounts' }]);
    const failed = await call(emulator(), 'POST', '/v1/accounts', { body: { fields: { $name: 'Faulty' } }, headers: { 'Idempotency-Key': 'faulty' } });
    expect(failed.status).toBe(500);
    const retried = await createRecord(emulator(), 'accounts', { fields: { $name: 'Faulty' } }, { 'Idempotency-Key': 'faulty' });
    expect(emulator().records('account').filter((account) => account.fields['$name']?.value === 'Faulty')).toEqual([retried]);
  });
});
