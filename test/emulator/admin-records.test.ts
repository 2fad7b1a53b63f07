/** The admin routes that read every record, and edit or delete one behind the importer's back. */
import { describe, expect, test } from '@jest/globals';

import type { Entity, ListResponse } from '../../src/lightfield/types.js';
import { useEmulator } from '../helpers/emulator-workspace.js';
import { admin, call, createOpportunity, createRecord, seededIds, UNLIMITED, type ErrorEnvelope } from './helpers.js';

let clock = Date.UTC(2026, 5, 1);
const emulator = useEmulator({ ...UNLIMITED, now: () => clock });

describe('GET /_emulator/<collection>', () => {
  test('accounts, contacts and notes list every record as retrieve shows it, seeded ones included', async () => {
    const account = await createRecord(emulator(), 'accounts', { fields: { $name: 'Soylent' } });
    const contact = await createRecord(emulator(), 'contacts', { fields: { legacyId: 'C-1' } });
    const note = await createRecord(emulator(), 'notes', { fields: { $title: 'Recap' }, relationships: { $account: account.id } });
    const seed = emulator().seedData();

    const accounts = (await admin<Entity[]>(emulator(), 'GET', 'accounts')).body;
    expect(accounts.map((entity) => entity.id)).toEqual([...seed.accounts.filter((entry) => entry.active).map((entry) => entry.id), account.id]);
    expect(accounts.at(-1)).toEqual(account);
    const contacts = (await admin<Entity[]>(emulator(), 'GET', 'contacts')).body;
    expect(contacts.map((entity) => entity.id)).toEqual([...seed.contacts.map((entry) => entry.id), contact.id]);
    expect((await admin<Entity[]>(emulator(), 'GET', 'notes')).body).toEqual([note]);
    expect(emulator().records('note')).toEqual([note]);
  });

  test('they ignore the index lag', async () => {
    emulator().configure({ indexLagMs: 60_000 });
    const account = await createRecord(emulator(), 'accounts', { fields: { $name: 'Soylent' } });
    expect((await call<ListResponse>(emulator(), 'GET', '/v1/accounts?$name[equal]=Soylent')).body.data).toEqual([]);
    expect((await admin<Entity[]>(emulator(), 'GET', 'accounts')).body).toContainEqual(account);
  });
});

describe('POST /_emulator/records/{id}', () => {
  test('changes a field as a person would: retrieve shows it, updatedAt moves, nothing is counted', async () => {
    const created = await createOpportunity(emulator(), { amount: 100, legacyId: 'L-1' });
    clock += 60_000;
    const edited = await admin<Entity>(emulator(), 'POST', `records/${created.id}`, { fields: { amount: 999, $stage: 'Closed Won' } });
    expect(edited.status).toBe(200);
    const retrieved = (await call<Entity>(emulator(), 'GET', `/v1/opportunities/${created.id}`)).body;
    expect(retrieved).toEqual(edited.body);
    expect(retrieved.fields['amount']?.value).toBe(999);
    expect(retrieved.fields['legacyId']?.value).toBe('L-1');
    expect(retrieved.updatedAt).toBe(new Date(clock).toISOString());
    expect(retrieved.updatedAt).not.toBe(created.updatedAt);
    expect(emulator().stats()).toMatchObject({ updatesExecuted: 0, requests: { write: 1 } });
  });

  test('edits any object type, relationships included', async () => {
    const account = await createRecord(emulator(), 'accounts', { fields: { $name: 'Soylent', employees: 5 } });
    const contact = seededIds(emulator()).contact;
    const edited = await admin<Entity>(emulator(), 'POST', `records/${account.id}`, { fields: { employees: 6 }, relationships: { $contact: { add: contact } } });
    expect(edited.body.fields['employees']?.value).toBe(6);
    expect(edited.body.relationships['$contact']?.values).toEqual([contact]);
    const seeded = seededIds(emulator()).account;
    expect((await admin<Entity>(emulator(), 'POST', `records/${seeded}`, { fields: { legacyId: 'SEED' } })).body.fields['legacyId']?.value).toBe('SEED');
  });

  test.each([
    ['a value of the wrong type', 'opportunity', { fields: { amount: 'lots' } }, 400, /fields\.amount/],
    ['a field that does not exist', 'opportunity', { fields: { bogus: 1 } }, 400, /bogus/],
    ['a record that does not exist', 'opp_nothing', { fields: { amount: 1 } }, 404, /opportunities/],
    ['an ID with no object type', 'mem_someone', { fields: {} }, 404, /opp_, acc_, con_, note_/],
  ])('%s is refused', async (_case, target, edit, status, message) => {
    const id = target === 'opportunity' ? (await createOpportunity(emulator())).id : target;
    const answer = await admin<ErrorEnvelope>(emulator(), 'POST', `records/${id}`, edit);
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toMatch(message);
  });
});

describe('DELETE /_emulator/records/{id}', () => {
  test('retrieve and update answer 404 afterwards, the admin list and stats drop it, a second delete is 404', async () => {
    const kept = await createOpportunity(emulator());
    const deleted = await createOpportunity(emulator());
    expect((await admin(emulator(), 'DELETE', `records/${deleted.id}`)).status).toBe(200);

    const retrieved = await call<ErrorEnvelope>(emulator(), 'GET', `/v1/opportunities/${deleted.id}`);
    expect(retrieved.status).toBe(404);
    expect(retrieved.body.error.type).toBe('not_found');
    expect((await call(emulator(), 'POST', `/v1/opportunities/${deleted.id}`, { body: { fields: { amount: 1 } } })).status).toBe(404);
    expect(emulator().opportunities()).toEqual([kept]);
    expect(emulator().stats().opportunities).toBe(1);
    expect((await admin(emulator(), 'DELETE', `records/${deleted.id}`)).status).toBe(404);
  });

  test('a deleted account is refused as a relationship target with relationship_entity_inactive', async () => {
    const account = await createRecord(emulator(), 'accounts', { fields: { $name: 'Soylent' } });
    await admin(emulator(), 'DELETE', `records/${account.id}`);
    const answer = await call<ErrorEnvelope>(emulator(), 'POST', '/v1/opportunities', {
      body: { fields: { $name: 'Deal', $stage: 'Proposal' }, relationships: { $account: account.id } },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'relationship_entity_inactive', param: 'relationships.$account' });
  });

  test('lists keep showing a deleted record until the index catches up', async () => {
    emulator().configure({ indexLagMs: 1000 });
    const contact = await createRecord(emulator(), 'contacts', { fields: { legacyId: 'GONE' } });
    clock += 1000;
    await admin(emulator(), 'DELETE', `records/${contact.id}`);
    const listed = async (): Promise<Entity[]> => (await call<ListResponse>(emulator(), 'GET', '/v1/contacts?legacyId[equal]=GONE')).body.data;
    expect((await listed()).map((entity) => entity.id)).toEqual([contact.id]);
    expect((await call(emulator(), 'GET', `/v1/contacts/${contact.id}`)).status).toBe(404);
    clock += 1000;
    expect(await listed()).toEqual([]);
  });

  test.each([['a note', 'notes'], ['a seeded account', 'accounts']] as const)('deletes %s too', async (_case, collection) => {
    const id =
      collection === 'notes' ? (await createRecord(emulator(), 'notes', { fields: { $title: 'Gone' } })).id : seededIds(emulator()).account;
    await admin(emulator(), 'DELETE', `records/${id}`);
    expect((await call(emulator(), 'GET', `/v1/${collection}/${id}`)).status).toBe(404);
  });
});
