/** Creating, updating and retrieving opportunities, and every refusal a bad row can meet. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';

import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { Definitions, Entity } from '../../src/lightfield/types.js';
import { call, createBody, createOpportunity, seededIds, UNLIMITED, type ErrorEnvelope } from './helpers.js';

let emulator: RunningEmulator;
let definitions: Definitions;
let ids: ReturnType<typeof seededIds>;

function optionId(key: string, label: string): string {
  const option = definitions.fieldDefinitions[key]?.typeConfiguration.options?.find((candidate) => candidate.label === label);
  if (!option) throw new Error(`no option ${label} in ${key}`);
  return option.id;
}

beforeAll(async () => {
  emulator = await startEmulator(UNLIMITED);
  definitions = emulator.seedData().opportunityDefinitions;
  ids = seededIds(emulator);
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.reset();
});

describe('POST /v1/opportunities', () => {
  test('answers 200 with the entity: IDs, timestamps, link, wrapped fields and relationships', async () => {
    const answer = await call<Entity>(emulator, 'POST', '/v1/opportunities', {
      body: {
        fields: { $name: 'Acme Solar Renewal', $stage: 'Proposal', amount: 75000 },
        relationships: { $account: ids.account, $owner: [ids.member] },
      },
    });
    expect(answer.status).toBe(200);
    const entity = answer.body;
    expect(entity).toMatchObject({
      id: expect.stringMatching(/^opp_/),
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      externalId: null,
      httpLink: expect.stringContaining(entity.id),
    });
    expect(entity.fields['$name']).toEqual({ valueType: 'TEXT', value: 'Acme Solar Renewal' });
    expect(entity.fields['$stage']).toEqual({ valueType: 'SINGLE_SELECT', value: optionId('$stage', 'Proposal') });
    expect(entity.fields['amount']).toEqual({ valueType: 'CURRENCY', value: 75000 });
    expect(entity.fields['nextStep']).toEqual({ valueType: 'TEXT', value: null });
    expect(entity.relationships['$account']).toEqual({ cardinality: 'HAS_ONE', objectType: 'account', values: [ids.account] });
    expect(entity.relationships['$owner']?.values).toEqual([ids.member]);
    expect(emulator.opportunities()).toEqual([entity]);
    expect(emulator.stats().createsExecuted).toBe(1);
  });

  test.each([
    ['a stage label in any case and spacing', '  closed   WON ', 'Closed Won', 'Won'],
    ['a stage option ID', 'Negotiation', 'Negotiation', 'Open'],
    ['Closed Lost', 'Closed Lost', 'Closed Lost', 'Lost'],
  ])('$stage accepts %s and $opportunityStatus follows it', async (_case, written, stageLabel, statusLabel) => {
    const stage = written === 'Negotiation' ? optionId('$stage', 'Negotiation') : written;
    const entity = await createOpportunity(emulator, { $stage: stage });
    expect(entity.fields['$stage']?.value).toBe(optionId('$stage', stageLabel));
    expect(entity.fields['$opportunityStatus']?.value).toBe(optionId('$opportunityStatus', statusLabel));
  });

  test.each([
    ['NUMBER with two decimals', 'probability', 12.5, 12.5],
    ['CHECKBOX', 'isRenewal', true, true],
    ['DATETIME with an offset, stored as UTC', 'closeDate', '2026-10-31T00:00:00+02:00', '2026-10-30T22:00:00.000Z'],
    ['URL without scheme', 'website', 'acme.com', 'acme.com'],
    ['EMAIL as one string into a multi-value field', 'contactEmails', 'ops@acme.com', ['ops@acme.com']],
    ['EMAIL list', 'contactEmails', ['a@acme.com', 'b@acme.com'], ['a@acme.com', 'b@acme.com']],
    ['TELEPHONE (US), normalised', 'phone', ['(415) 555-0132'], ['+14155550132']],
    ['TELEPHONE (E.164) with extension', 'phone', ['+44 20 7946 0958 ext. 12'], ['+442079460958;ext=12']],
    ['ADDRESS with a lower-case country', 'billingAddress', { city: 'Berlin', country: 'de' }, { city: 'Berlin', country: 'DE' }],
    ['FULL_NAME', 'primaryContact', { firstName: 'Wile', lastName: 'Coyote' }, { firstName: 'Wile', lastName: 'Coyote' }],
    ['SOCIAL_HANDLE', 'linkedin', 'https://www.linkedin.com/company/acme', 'https://www.linkedin.com/company/acme'],
    ['SINGLE_SELECT label', 'priority', 'high', 'opt:priority:High'],
    ['MULTI_SELECT labels', 'tags', ['Enterprise', 'renewal'], ['opt:tags:Enterprise', 'opt:tags:Renewal']],
    ['null', 'nextStep', null, null],
  ])('stores %s', async (_case, key, written, stored) => {
    const resolve = (value: unknown): unknown => {
      if (typeof value === 'string' && value.startsWith('opt:')) {
        const [, field, label] = value.split(':');
        return optionId(field ?? '', label ?? '');
      }
      return Array.isArray(value) ? value.map(resolve) : value;
    };
    const entity = await createOpportunity(emulator, { [key]: written });
    expect(entity.fields[key]?.value).toEqual(resolve(stored));
  });

  test.each([
    ['a top-level key besides fields and relationships', { extra: 1 }, 400, 'unknown_parameter', 'extra'],
    ['no $name', { fields: { $name: undefined } }, 400, 'parameter_missing', 'fields.$name'],
    ['no $stage', { fields: { $stage: undefined } }, 400, 'parameter_missing', 'fields.$stage'],
    ['no $account', { relationships: {} }, 400, 'parameter_missing', 'relationships.$account'],
    ['an unknown field', { fields: { bogus: 1 } }, 400, 'unknown_field', 'fields.bogus'],
    ['an unknown relationship', { relationships: { $partner: 'acc_x' } }, 400, 'unknown_relationship', 'relationships.$partner'],
    ['the read-only $opportunityStatus', { fields: { $opportunityStatus: 'Open' } }, 400, 'read_only_field', 'fields.$opportunityStatus'],
    ['the read-only $summary', { fields: { $summary: 'hi' } }, 400, 'read_only_field', 'fields.$summary'],
    ['the read-only $task', { relationships: { $task: ['tsk_1'] } }, 400, 'read_only_relationship', 'relationships.$task'],
    ['an unknown stage label', { fields: { $stage: 'Won-ish' } }, 400, 'invalid_type', 'fields.$stage'],
    ['a number as text', { fields: { amount: '75000' } }, 400, 'invalid_type', 'fields.amount'],
    ['three decimals in a NUMBER', { fields: { probability: 0.125 } }, 400, 'invalid_type', 'fields.probability'],
    ['an unsafe integer', { fields: { probability: 2 ** 60 } }, 400, 'invalid_type', 'fields.probability'],
    ['a date without time', { fields: { closeDate: '2026-10-31' } }, 400, 'invalid_type', 'fields.closeDate'],
    ['a date-time without offset', { fields: { closeDate: '2026-10-31T10:00:00' } }, 400, 'invalid_type', 'fields.closeDate'],
    ['an impossible date', { fields: { closeDate: '2026-02-30T00:00:00Z' } }, 400, 'invalid_type', 'fields.closeDate'],
    ['a CHECKBOX as text', { fields: { isRenewal: 'yes' } }, 400, 'invalid_type', 'fields.isRenewal'],
    ['a malformed email', { fields: { contactEmails: ['not-an-email'] } }, 400, 'invalid_type', 'fields.contactEmails'],
    ['two URLs in a single URL field', { fields: { website: ['a.com', 'b.com'] } }, 400, 'invalid_type', 'fields.website'],
    ['a telephone made of letters', { fields: { phone: ['call me'] } }, 400, 'invalid_type', 'fields.phone'],
    ['a 3-letter country', { fields: { billingAddress: { country: 'DEU' } } }, 400, 'invalid_type', 'fields.billingAddress.country'],
    ['an address as text', { fields: { billingAddress: '1 Main St' } }, 400, 'invalid_type', 'fields.billingAddress'],
    ['an unknown name part', { fields: { primaryContact: { middleName: 'Q' } } }, 400, 'invalid_type', 'fields.primaryContact.middleName'],
    ['a Twitter URL in a LinkedIn field', { fields: { linkedin: 'https://x.com/acme' } }, 400, 'invalid_type', 'fields.linkedin'],
    ['a MULTI_SELECT as one string', { fields: { tags: 'Enterprise' } }, 400, 'invalid_type', 'fields.tags'],
    ['a missing account ID', { relationships: { $account: 'acc_doesnotexist' } }, 400, 'relationship_entity_missing', 'relationships.$account'],
    ['a contact ID where an account belongs', { relationships: { $account: 'CONTACT' } }, 400, 'relationship_entity_missing', 'relationships.$account'],
    ['the deleted account', { relationships: { $account: 'INACTIVE' } }, 400, 'relationship_entity_inactive', 'relationships.$account'],
    ['two owners for a HAS_ONE', { relationships: { $owner: ['MEMBER', 'mem_other'] } }, 400, 'invalid_type', 'relationships.$owner'],
  ])('refuses %s', async (_case, change, status, code, param) => {
    const base = createBody(emulator);
    const substitute = (value: unknown): unknown =>
      value === 'CONTACT' ? ids.contact : value === 'INACTIVE' ? ids.inactiveAccount : value === 'MEMBER' ? ids.member : value;
    const changeRecord = change as { fields?: Record<string, unknown>; relationships?: Record<string, unknown>; extra?: unknown };
    const body: Record<string, unknown> = {
      ...changeRecord,
      fields: { ...base.fields, ...changeRecord.fields },
      relationships: { ...base.relationships },
    };
    if (changeRecord.relationships) {
      const relationships = Object.keys(changeRecord.relationships).length === 0 ? {} : { ...base.relationships };
      for (const [key, value] of Object.entries(changeRecord.relationships)) {
        relationships[key] = Array.isArray(value) ? value.map(substitute) : substitute(value);
      }
      body['relationships'] = relationships;
    }
    const answer = await call<ErrorEnvelope>(emulator, 'POST', '/v1/opportunities', { body });
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ type: 'bad_request', code, param });
    expect(emulator.opportunities()).toHaveLength(0);
  });

  test('more than 25 related IDs is 422 relationship_write_limit_exceeded', async () => {
    const body = createBody(emulator);
    body.relationships['$owner'] = Array.from({ length: 26 }, (_, index) => `mem_${index}`);
    const answer = await call<ErrorEnvelope>(emulator, 'POST', '/v1/opportunities', { body });
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ type: 'unprocessable_content', code: 'relationship_write_limit_exceeded' });
  });

  test('fields and relationships must both be present', async () => {
    const answer = await call<ErrorEnvelope>(emulator, 'POST', '/v1/opportunities', { body: { fields: { $name: 'x' } } });
    expect(answer.body.error).toMatchObject({ code: 'parameter_missing', param: 'relationships' });
  });
});

describe('POST /v1/opportunities/{id}', () => {
  test('merges fields: unnamed keys stay, null clears, labels become option IDs', async () => {
    const created = await createOpportunity(emulator, { amount: 1000, nextStep: 'Call', priority: 'Low' });
    const answer = await call<Entity>(emulator, 'POST', `/v1/opportunities/${created.id}`, {
      body: { fields: { amount: 2000, nextStep: null, $stage: 'Closed Won' } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.id).toBe(created.id);
    expect(answer.body.fields['amount']?.value).toBe(2000);
    expect(answer.body.fields['nextStep']?.value).toBeNull();
    expect(answer.body.fields['priority']?.value).toBe(optionId('priority', 'Low'));
    expect(answer.body.fields['$opportunityStatus']?.value).toBe(optionId('$opportunityStatus', 'Won'));
    expect(answer.body.createdAt).toBe(created.createdAt);
    expect(emulator.stats()).toMatchObject({ createsExecuted: 1, updatesExecuted: 1, opportunities: 1 });
  });

  test.each([
    ['add', { $champion: { add: 'CONTACT' } }, '$champion', ['CONTACT']],
    ['replace', { $owner: { replace: 'MEMBER2' } }, '$owner', ['MEMBER2']],
    ['replace with null', { $owner: { replace: null } }, '$owner', []],
    ['remove', { $owner: { remove: ['MEMBER'] } }, '$owner', []],
  ])('relationship operation %s', async (_case, relationships, key, expected) => {
    const members = emulator.seedData().members;
    const substitute = (value: string): string =>
      value === 'CONTACT' ? ids.contact : value === 'MEMBER' ? ids.member : value === 'MEMBER2' ? (members[1]?.id ?? '') : value;
    const body = createBody(emulator);
    body.relationships['$owner'] = ids.member;
    const created = (await call<Entity>(emulator, 'POST', '/v1/opportunities', { body })).body;
    const operations = JSON.parse(JSON.stringify(relationships).replace(/"(CONTACT|MEMBER2|MEMBER)"/g, (_match, name: string) => `"${substitute(name)}"`));
    const answer = await call<Entity>(emulator, 'POST', `/v1/opportunities/${created.id}`, { body: { relationships: operations } });
    expect(answer.status).toBe(200);
    expect(answer.body.relationships[key]?.values).toEqual(expected.map(substitute));
  });

  test.each([
    ['clearing $name', { fields: { $name: null } }, 'parameter_missing', 'fields.$name'],
    ['removing $account', { relationships: { $account: { remove: 'ACCOUNT' } } }, 'parameter_missing', 'relationships.$account'],
    ['a bare ID instead of an operation', { relationships: { $owner: 'mem_x' } }, 'invalid_type', 'relationships.$owner'],
    ['a read-only field', { fields: { $opportunityStatus: 'Won' } }, 'read_only_field', 'fields.$opportunityStatus'],
  ])('refuses %s with 400', async (_case, body, code, param) => {
    const created = await createOpportunity(emulator);
    const payload = JSON.parse(JSON.stringify(body).replace('"ACCOUNT"', `"${ids.account}"`));
    const answer = await call<ErrorEnvelope>(emulator, 'POST', `/v1/opportunities/${created.id}`, { body: payload });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code, param });
    expect(emulator.stats().updatesExecuted).toBe(0);
  });

  test('an unknown ID is 404 not_found', async () => {
    const answer = await call<ErrorEnvelope>(emulator, 'POST', '/v1/opportunities/opp_missing', { body: { fields: { amount: 1 } } });
    expect(answer.status).toBe(404);
    expect(answer.body.error.type).toBe('not_found');
  });
});

describe('GET /v1/opportunities/{id}', () => {
  test('returns the latest version', async () => {
    const created = await createOpportunity(emulator);
    await call(emulator, 'POST', `/v1/opportunities/${created.id}`, { body: { fields: { source: 'CSV' } } });
    const answer = await call<Entity>(emulator, 'GET', `/v1/opportunities/${created.id}`);
    expect(answer.status).toBe(200);
    expect(answer.body.fields['source']?.value).toBe('CSV');
  });

  test('an unknown ID is 404 not_found', async () => {
    const answer = await call<ErrorEnvelope>(emulator, 'GET', '/v1/opportunities/opp_missing');
    expect(answer.status).toBe(404);
    expect(answer.body.error.type).toBe('not_found');
  });

  test('IDs follow from the seed and the order of creates, so a reset run repeats them', async () => {
    const first = [await createOpportunity(emulator), await createOpportunity(emulator)].map((entity) => entity.id);
    emulator.reset();
    const second = [await createOpportunity(emulator), await createOpportunity(emulator)].map((entity) => entity.id);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(2);
  });
});

describe('overridden definitions', () => {
  test('a stage label held by two options is 422 ambiguous_stage_label with the candidates', async () => {
    const custom = structuredClone(definitions);
    custom.fieldDefinitions['$stage']?.typeConfiguration.options?.push({ id: 'opt_second_proposal', label: 'Proposal', description: null });
    const ambiguous = await startEmulator({ ...UNLIMITED, definitions: custom });
    try {
      const answer = await call<ErrorEnvelope>(ambiguous, 'POST', '/v1/opportunities', { body: createBody(ambiguous) });
      expect(answer.status).toBe(422);
      expect(answer.body.error).toMatchObject({ code: 'ambiguous_stage_label', param: 'fields.$stage' });
      expect(answer.body.error['candidates']).toEqual([
        expect.objectContaining({ stageOptionId: optionId('$stage', 'Proposal'), stageLabel: 'Proposal' }),
        expect.objectContaining({ stageOptionId: 'opt_second_proposal', stageLabel: 'Proposal' }),
      ]);
      const byId = await call(ambiguous, 'POST', '/v1/opportunities', { body: createBody(ambiguous, { $stage: 'opt_second_proposal' }) });
      expect(byId.status).toBe(200);
    } finally {
      await ambiguous.close();
    }
  });
});
