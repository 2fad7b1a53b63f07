/** Contacts through the API: a FULL_NAME `$name`, a multi-value `$email`, accounts as a relationship, lists and lookups. */
import { describe, expect, test } from '@jest/globals';

import type { Definitions, Entity, ListResponse } from '../../src/lightfield/types.js';
import { useEmulator } from '../helpers/emulator-workspace.js';
import { call, createRecord, seededIds, UNLIMITED, type ErrorEnvelope } from './helpers.js';

const emulator = useEmulator(UNLIMITED);

async function listed(query: string): Promise<Entity[]> {
  const answer = await call<ListResponse>(emulator(), 'GET', `/v1/contacts?${query}`);
  if (answer.status !== 200) throw new Error(`${query} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.data;
}

describe('GET /v1/contacts/definitions', () => {
  test('system fields as the spec types them, custom fields of several types, and the relationships', async () => {
    const answer = await call<Definitions>(emulator(), 'GET', '/v1/contacts/definitions');
    expect(answer.status).toBe(200);
    const { fieldDefinitions, relationshipDefinitions, objectType } = answer.body;
    expect(objectType).toBe('contact');
    expect(fieldDefinitions['$name']).toMatchObject({ valueType: 'FULL_NAME', system: true });
    expect(fieldDefinitions['$email']).toMatchObject({ valueType: 'EMAIL', typeConfiguration: { multipleValues: true } });
    expect(fieldDefinitions['$profilePhotoUrl']?.valueType).toBe('URL');
    expect(fieldDefinitions['title']).toMatchObject({ slug: 'title', valueType: 'TEXT', system: false });
    expect(fieldDefinitions['legacyId']).toMatchObject({ valueType: 'TEXT', typeConfiguration: { unique: true } });
    expect(fieldDefinitions['phone']?.valueType).toBe('TELEPHONE');
    expect(fieldDefinitions['newsletter']?.valueType).toBe('CHECKBOX');
    expect(relationshipDefinitions['$account']).toMatchObject({ cardinality: 'HAS_MANY', objectType: 'account' });
    expect(relationshipDefinitions['$note']?.readOnly).toBe(true);
  });
});

describe('POST /v1/contacts', () => {
  test('stores $name as an object, a single $email as a list, and links accounts (seeded or created)', async () => {
    const created = await createRecord(emulator(), 'accounts', { fields: { $name: 'Soylent' } });
    const account = seededIds(emulator()).account;
    const answer = await call<Entity>(emulator(), 'POST', '/v1/contacts', {
      body: {
        fields: { $name: { firstName: 'Sol', lastName: 'Ent' }, $email: 'sol@soylent.example', title: 'CFO', legacyId: '003A1', phone: ['(415) 555-0100'] },
        relationships: { $account: [account, created.id] },
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.id).toMatch(/^con_/);
    expect(answer.body.fields['$name']).toEqual({ valueType: 'FULL_NAME', value: { firstName: 'Sol', lastName: 'Ent' } });
    expect(answer.body.fields['$email']).toEqual({ valueType: 'EMAIL', value: ['sol@soylent.example'] });
    expect(answer.body.fields['phone']?.value).toEqual(['+14155550100']);
    expect(answer.body.relationships['$account']).toEqual({ cardinality: 'HAS_MANY', objectType: 'account', values: [account, created.id] });
    expect((await call<Entity>(emulator(), 'GET', `/v1/contacts/${answer.body.id}`)).body).toEqual(answer.body);
  });

  test('no field is required', async () => {
    expect((await call(emulator(), 'POST', '/v1/contacts', { body: { fields: {} } })).status).toBe(200);
  });

  test.each([
    ['$name as a plain string', 'invalid_type', 'fields.$name', { fields: { $name: 'Sol Ent' } }],
    ['an email that is not one', 'invalid_type', 'fields.$email', { fields: { $email: ['not-an-email'] } }],
    ['an unknown field', 'unknown_field', 'fields.jobTitle', { fields: { jobTitle: 'CFO' } }],
    ['an account that does not exist', 'relationship_entity_missing', 'relationships.$account', { fields: {}, relationships: { $account: 'acc_nothing' } }],
    ['a read-only relationship', 'read_only_relationship', 'relationships.$note', { fields: {}, relationships: { $note: 'note_1' } }],
  ])('%s is 400 %s at %s', async (_case, code, param, body) => {
    const answer = await call<ErrorEnvelope>(emulator(), 'POST', '/v1/contacts', { body });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code, param });
  });

  test('a contact linked to the inactive account is refused as inactive', async () => {
    const { inactiveAccount } = seededIds(emulator());
    const answer = await call<ErrorEnvelope>(emulator(), 'POST', '/v1/contacts', { body: { fields: {}, relationships: { $account: inactiveAccount } } });
    expect(answer.body.error).toMatchObject({ code: 'relationship_entity_inactive', param: 'relationships.$account' });
  });

  test('a created contact can be an opportunity champion', async () => {
    const contact = await createRecord(emulator(), 'contacts', { fields: { $name: { firstName: 'Sol' } } });
    const opportunity = await call<Entity>(emulator(), 'POST', '/v1/opportunities', {
      body: { fields: { $name: 'Deal', $stage: 'Proposal' }, relationships: { $account: seededIds(emulator()).account, $champion: contact.id } },
    });
    expect(opportunity.body.relationships['$champion']?.values).toEqual([contact.id]);
  });
});

describe('POST /v1/contacts/{id}', () => {
  test('updates the name and replaces the accounts', async () => {
    const contact = await createRecord(emulator(), 'contacts', { fields: { $name: { firstName: 'Sol', lastName: 'Ent' } }, relationships: { $account: seededIds(emulator()).account } });
    const account = await createRecord(emulator(), 'accounts', { fields: { $name: 'Soylent' } });
    const answer = await call<Entity>(emulator(), 'POST', `/v1/contacts/${contact.id}`, {
      body: { fields: { $name: { firstName: 'Solomon', lastName: 'Ent' }, newsletter: true }, relationships: { $account: { replace: account.id } } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.fields['$name']?.value).toEqual({ firstName: 'Solomon', lastName: 'Ent' });
    expect(answer.body.fields['newsletter']?.value).toBe(true);
    expect(answer.body.relationships['$account']?.values).toEqual([account.id]);
    expect(emulator().stats().writesExecuted.contact).toEqual({ creates: 1, updates: 1 });
  });
});

describe('GET /v1/contacts', () => {
  test('lists the seeded contacts first, then created ones', async () => {
    const seeded = emulator().seedData().contacts;
    const created = await createRecord(emulator(), 'contacts', { fields: { $name: { firstName: 'Sol', lastName: 'Ent' } } });
    const all = await listed('limit=25');
    expect(all.map((contact) => contact.id)).toEqual([...seeded.map((contact) => contact.id), created.id]);
    expect(all[0]?.fields['$email']?.value).toEqual([seeded[0]?.email]);
  });

  test('filters by email, full name, custom text and account', async () => {
    const account = await createRecord(emulator(), 'accounts', { fields: { $name: 'Soylent' } });
    const created = await createRecord(emulator(), 'contacts', {
      fields: { $name: { firstName: 'Sol', lastName: 'Ent' }, $email: ['sol@soylent.example'], legacyId: '003A1' },
      relationships: { $account: account.id },
    });
    const ids = async (query: string): Promise<string[]> => (await listed(query)).map((contact) => contact.id);
    expect(await ids('$email[contains]=soylent.example')).toEqual([created.id]);
    expect(await ids('$name[equal]=sol%20ent')).toEqual([created.id]);
    expect(await ids('legacyId[equal]=003A1')).toEqual([created.id]);
    expect(await ids(`$account[contains]=${account.id}`)).toEqual([created.id]);
    expect((await ids('$name[startsWith]=wile')).length).toBe(1);
  });
});
