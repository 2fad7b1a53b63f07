/** Notes through the API: fixed fields, attached to accounts and opportunities, add/remove updates, no definitions, no filters. */
import { describe, expect, test } from '@jest/globals';

import { startEmulator } from '../../src/emulator/index.js';
import type { Entity, ListResponse } from '../../src/lightfield/types.js';
import { useEmulator } from '../helpers/emulator-workspace.js';
import { call, createOpportunity, createRecord, seededIds, UNLIMITED, type ErrorEnvelope } from './helpers.js';

const emulator = useEmulator(UNLIMITED);

describe('POST /v1/notes', () => {
  test('stores $title and markdown $content, attached to an account and a created opportunity', async () => {
    const opportunity = await createOpportunity(emulator());
    const account = seededIds(emulator()).account;
    const answer = await call<Entity>(emulator(), 'POST', '/v1/notes', {
      body: { fields: { $title: 'Call recap', $content: '## Next\n- send the proposal' }, relationships: { $account: account, $opportunity: [opportunity.id] } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.id).toMatch(/^note_/);
    expect(answer.body.fields).toEqual({
      $title: { valueType: 'TEXT', value: 'Call recap' },
      $content: { valueType: 'MARKDOWN', value: '## Next\n- send the proposal' },
    });
    expect(answer.body.relationships).toEqual({
      $account: { cardinality: 'HAS_MANY', objectType: 'account', values: [account] },
      $opportunity: { cardinality: 'HAS_MANY', objectType: 'opportunity', values: [opportunity.id] },
    });
    expect((await call<Entity>(emulator(), 'GET', `/v1/notes/${answer.body.id}`)).body).toEqual(answer.body);
    expect(emulator().records('note')).toEqual([answer.body]);
  });

  test.each([
    ['no $title', 'parameter_missing', 'fields.$title', { fields: { $content: 'text' } }],
    ['a field notes do not have', 'unknown_field', 'fields.legacyId', { fields: { $title: 'T', legacyId: 'N-1' } }],
    ['a relationship notes do not have', 'unknown_relationship', 'relationships.$contact', { fields: { $title: 'T' }, relationships: { $contact: 'con_1' } }],
    ['an opportunity that does not exist', 'relationship_entity_missing', 'relationships.$opportunity', { fields: { $title: 'T' }, relationships: { $opportunity: 'opp_none' } }],
  ])('%s is 400 %s at %s', async (_case, code, param, body) => {
    const answer = await call<ErrorEnvelope>(emulator(), 'POST', '/v1/notes', { body });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code, param });
  });
});

describe('POST /v1/notes/{id}', () => {
  test('changes fields and adds or removes links, but refuses replace', async () => {
    const opportunity = await createOpportunity(emulator());
    const note = await createRecord(emulator(), 'notes', { fields: { $title: 'Recap' }, relationships: { $opportunity: opportunity.id } });
    const account = seededIds(emulator()).account;
    const added = await call<Entity>(emulator(), 'POST', `/v1/notes/${note.id}`, {
      body: { fields: { $content: 'Signed.' }, relationships: { $account: { add: account }, $opportunity: { remove: opportunity.id } } },
    });
    expect(added.status).toBe(200);
    expect(added.body.fields['$content']?.value).toBe('Signed.');
    expect(added.body.relationships['$account']?.values).toEqual([account]);
    expect(added.body.relationships['$opportunity']?.values).toEqual([]);

    const replaced = await call<ErrorEnvelope>(emulator(), 'POST', `/v1/notes/${note.id}`, { body: { relationships: { $account: { replace: [account] } } } });
    expect(replaced.status).toBe(400);
    expect(replaced.body.error).toMatchObject({ code: 'invalid_type', param: 'relationships.$account' });
    expect(replaced.body.error.message).toContain('{ add } or { remove }');
  });

  test('the title cannot be cleared', async () => {
    const note = await createRecord(emulator(), 'notes', { fields: { $title: 'Recap' } });
    const answer = await call<ErrorEnvelope>(emulator(), 'POST', `/v1/notes/${note.id}`, { body: { fields: { $title: null } } });
    expect(answer.body.error).toMatchObject({ code: 'parameter_missing', param: 'fields.$title' });
  });
});

describe('GET /v1/notes', () => {
  test('pages through notes; a filter is refused', async () => {
    for (const title of ['One', 'Two', 'Three']) await createRecord(emulator(), 'notes', { fields: { $title: title } });
    const page = await call<ListResponse>(emulator(), 'GET', '/v1/notes?limit=2&offset=1');
    expect(page.body.totalCount).toBe(3);
    expect(page.body.data.map((note) => note.fields['$title']?.value)).toEqual(['Two', 'Three']);
    const filtered = await call<ErrorEnvelope>(emulator(), 'GET', '/v1/notes?$title[equal]=One');
    expect(filtered.status).toBe(400);
    expect(filtered.body.error.message).toContain('Notes cannot be filtered');
  });

  test('there is no definitions endpoint for notes', async () => {
    expect((await call(emulator(), 'GET', '/v1/notes/definitions')).status).toBe(404);
  });

  test('notes need the notes scopes', async () => {
    const limited = await startEmulator({ ...UNLIMITED, scopes: ['notes:read'] });
    try {
      expect((await call(limited, 'GET', '/v1/notes')).status).toBe(200);
      const write = await call<ErrorEnvelope>(limited, 'POST', '/v1/notes', { body: { fields: { $title: 'T' } } });
      expect(write.status).toBe(403);
      expect(write.body.error.message).toContain('notes:create');
    } finally {
      await limited.close();
    }
  });
});
