/** The seeded org: definitions a mapping is checked against, and the accounts and members lookups resolve to. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';

import { buildSeed, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { Definitions, ListResponse } from '../../src/lightfield/types.js';
import { call, UNLIMITED } from './helpers.js';

let emulator: RunningEmulator;
let definitions: Definitions;

beforeAll(async () => {
  emulator = await startEmulator(UNLIMITED);
  definitions = (await call<Definitions>(emulator, 'GET', '/v1/opportunities/definitions')).body;
});

afterAll(async () => {
  await emulator.close();
});

describe('GET /v1/opportunities/definitions', () => {
  test('names the object type and holds field and relationship definitions', () => {
    expect(definitions.objectType).toBe('opportunity');
    expect(Object.keys(definitions.fieldDefinitions)).toEqual(expect.arrayContaining(['$name', '$stage', '$opportunityStatus', 'amount']));
  });

  test('the stage is a single select with the six pipeline stages', () => {
    const stage = definitions.fieldDefinitions['$stage'];
    expect(stage).toMatchObject({ slug: 'stage', label: 'Stage', valueType: 'SINGLE_SELECT', system: true, readOnly: false });
    expect(stage?.typeConfiguration.options?.map((option) => option.label)).toEqual([
      'Prospecting',
      'Qualification',
      'Proposal',
      'Negotiation',
      'Closed Won',
      'Closed Lost',
    ]);
    for (const option of stage?.typeConfiguration.options ?? []) {
      expect(option).toEqual({ id: expect.stringMatching(/^opt_/), label: expect.any(String), description: null });
    }
  });

  test.each([
    ['$opportunityStatus', 'SINGLE_SELECT'],
    ['$summary', 'MARKDOWN'],
  ])('%s is a read-only %s', (key, valueType) => {
    expect(definitions.fieldDefinitions[key]).toMatchObject({ valueType, readOnly: true, system: true });
  });

  test.each([
    ['amount', 'CURRENCY', { currency: 'USD' }],
    ['closeDate', 'DATETIME', {}],
    ['probability', 'NUMBER', {}],
    ['isRenewal', 'CHECKBOX', {}],
    ['website', 'URL', {}],
    ['contactEmails', 'EMAIL', { multipleValues: true }],
    ['phone', 'TELEPHONE', {}],
    ['legacyId', 'TEXT', { unique: true }],
    ['nextStep', 'TEXT', {}],
    ['source', 'TEXT', {}],
    ['billingAddress', 'ADDRESS', {}],
    ['primaryContact', 'FULL_NAME', {}],
    ['linkedin', 'SOCIAL_HANDLE', { handleService: 'LINKEDIN' }],
  ])('custom field %s is a writable %s with its configuration', (key, valueType, configuration) => {
    const definition = definitions.fieldDefinitions[key];
    expect(definition).toMatchObject({ slug: key, valueType, system: false, readOnly: false, typeConfiguration: configuration });
    expect(definition?.id).toMatch(/^ad_/);
  });

  test('select fields list their options', () => {
    const labels = (key: string) => definitions.fieldDefinitions[key]?.typeConfiguration.options?.map((option) => option.label);
    expect(labels('priority')).toEqual(['Low', 'Medium', 'High']);
    expect(labels('tags')).toEqual(['Enterprise', 'SMB', 'Renewal', 'Upsell', 'Partner']);
  });

  test.each([
    ['$account', 'HAS_ONE', 'account', undefined],
    ['$owner', 'HAS_ONE', 'member', undefined],
    ['$createdBy', 'HAS_ONE', 'member', undefined],
    ['$champion', 'HAS_ONE', 'contact', undefined],
    ['$evaluator', 'HAS_ONE', 'contact', undefined],
    ['$task', 'HAS_MANY', 'task', true],
    ['$note', 'HAS_MANY', 'note', true],
  ])('relationship %s is %s %s', (key, cardinality, objectType, readOnly) => {
    const definition = definitions.relationshipDefinitions[key];
    expect(definition).toMatchObject({ cardinality, objectType, id: expect.stringMatching(/^rd_/) });
    expect(definition?.readOnly).toBe(readOnly);
  });

  test('IDs are stable for a seed and differ between seeds', async () => {
    const again = await startEmulator({ ...UNLIMITED, seed: 1 });
    const other = await startEmulator({ ...UNLIMITED, seed: 2 });
    try {
      const sameSeed = (await call<Definitions>(again, 'GET', '/v1/opportunities/definitions')).body;
      const otherSeed = (await call<Definitions>(other, 'GET', '/v1/opportunities/definitions')).body;
      expect(sameSeed).toEqual(definitions);
      expect(otherSeed.fieldDefinitions['$stage']?.id).not.toBe(definitions.fieldDefinitions['$stage']?.id);
    } finally {
      await Promise.all([again.close(), other.close()]);
    }
  });
});

describe('seeded accounts and members', () => {
  test('GET /v1/accounts/definitions describes $name and the multi-value $website', async () => {
    const accounts = (await call<Definitions>(emulator, 'GET', '/v1/accounts/definitions')).body;
    expect(accounts.objectType).toBe('account');
    expect(accounts.fieldDefinitions['$name']?.valueType).toBe('TEXT');
    expect(accounts.fieldDefinitions['$website']).toMatchObject({ valueType: 'URL', typeConfiguration: { multipleValues: true } });
  });

  test('two different accounts are both named Globex, and one account is inactive', () => {
    const seed = buildSeed(1);
    expect(seed.accounts.filter((account) => account.name === 'Globex')).toHaveLength(2);
    expect(seed.accounts.filter((account) => !account.active)).toHaveLength(1);
    expect(seed.accounts.length).toBeGreaterThanOrEqual(12);
  });

  test('about thirty members have distinct emails', () => {
    const seed = buildSeed(1);
    expect(seed.members.length).toBeGreaterThanOrEqual(30);
    expect(new Set(seed.members.map((member) => member.email)).size).toBe(seed.members.length);
  });

  test('seedData() of a running emulator is buildSeed() of its seed', () => {
    expect(emulator.seedData()).toEqual(buildSeed(1));
  });

  test('accounts, members and contacts can replace the seeded ones', async () => {
    const custom = await startEmulator({
      ...UNLIMITED,
      accounts: [{ id: 'acc_solo', name: 'Solo Ltd', websites: ['https://solo.example'] }],
      members: [{ email: 'owner@solo.example', firstName: 'Sol', lastName: 'O' }],
      contacts: [],
    });
    try {
      const accounts = await call<ListResponse>(custom, 'GET', '/v1/accounts');
      expect(accounts.body.data.map((account) => account.id)).toEqual(['acc_solo']);
      const members = await call<ListResponse>(custom, 'GET', '/v1/members');
      expect(members.body.data.map((member) => member.fields['$email']?.value)).toEqual(['owner@solo.example']);
    } finally {
      await custom.close();
    }
  });
});
