/** List endpoints: paging, the filter operator matrix, account and member lookups, and the search index lag. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';

import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { Entity, ListResponse } from '../../src/lightfield/types.js';
import { call, createOpportunity, UNLIMITED, type ErrorEnvelope } from './helpers.js';

let emulator: RunningEmulator;
const created: Entity[] = [];

const ROWS: Array<Record<string, unknown>> = [
  { $name: 'Acme Solar Renewal', $stage: 'Proposal', amount: 75000, legacyId: 'HS-1', closeDate: '2026-10-31T00:00:00Z', isRenewal: true, tags: ['Renewal'] },
  { $name: 'Acme Wind', $stage: 'Prospecting', amount: 12000, legacyId: 'HS-2', closeDate: '2026-11-15T00:00:00Z', isRenewal: false, contactEmails: ['buyer@acmewind.com'] },
  { $name: 'Globex Expansion', $stage: 'Closed Won', amount: 250000, legacyId: 'HS-3', primaryContact: { firstName: 'Hank', lastName: 'Scorpio' } },
  { $name: 'Initech Upsell', $stage: 'Negotiation', amount: 5000.5, legacyId: 'SF-4', phone: ['415-555-0199'] },
  { $name: 'Hooli Pilot', $stage: 'Qualification', legacyId: 'SF-5', website: 'https://hooli.xyz/pilot' },
];

beforeAll(async () => {
  emulator = await startEmulator(UNLIMITED);
  for (const fields of ROWS) created.push(await createOpportunity(emulator, fields));
});

afterAll(async () => {
  await emulator.close();
});

async function names(query: string): Promise<string[]> {
  const answer = await call<ListResponse>(emulator, 'GET', `/v1/opportunities?${query}`);
  if (answer.status !== 200) throw new Error(`${query} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.data.map((entity) => entity.fields['$name']?.value as string);
}

describe('paging', () => {
  test('lists every record with totalCount, 25 by default', async () => {
    const answer = await call<ListResponse>(emulator, 'GET', '/v1/opportunities');
    expect(answer.body).toMatchObject({ object: 'list', totalCount: 5 });
    expect(answer.body.data.map((entity) => entity.id)).toEqual(created.map((entity) => entity.id));
  });

  test('limit and offset walk the list; a short page marks the end', async () => {
    const pages: string[][] = [];
    for (let offset = 0; ; offset += 2) {
      const page = await call<ListResponse>(emulator, 'GET', `/v1/opportunities?limit=2&offset=${offset}`);
      pages.push(page.body.data.map((entity) => entity.id));
      expect(page.body.totalCount).toBe(5);
      if (page.body.data.length < 2) break;
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(created.map((entity) => entity.id));
  });

  test.each([['limit=0'], ['limit=26'], ['limit=abc'], ['offset=-1'], ['limit=2.5']])('%s is 400', async (query) => {
    const answer = await call<ErrorEnvelope>(emulator, 'GET', `/v1/opportunities?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ type: 'bad_request', param: query.split('=')[0] });
  });
});

describe('opportunity filters', () => {
  test.each([
    ['legacyId[equal]=HS-2', ['Acme Wind']],
    ['legacyId[equal]=hs-2', ['Acme Wind']],
    ['legacyId=SF-4', ['Initech Upsell']],
    ['legacyId[startsWith]=SF-', ['Initech Upsell', 'Hooli Pilot']],
    ['legacyId[-startsWith]=SF-', ['Acme Solar Renewal', 'Acme Wind', 'Globex Expansion']],
    ['%24name%5Bequal%5D=Globex%20Expansion', ['Globex Expansion']],
    ['$name[startsWith]=acme', ['Acme Solar Renewal', 'Acme Wind']],
    ['$name[startsWith]=acme&isRenewal[equal]=true', ['Acme Solar Renewal']],
    ['amount[greaterThan]=12000', ['Acme Solar Renewal', 'Globex Expansion']],
    ['amount[greaterThanOrEqual]=12000', ['Acme Solar Renewal', 'Acme Wind', 'Globex Expansion']],
    ['amount[lessThan]=12000', ['Initech Upsell']],
    ['amount[lessThanOrEqual]=5000.5', ['Initech Upsell']],
    ['amount[-equal]=75000', ['Acme Wind', 'Globex Expansion', 'Initech Upsell', 'Hooli Pilot']],
    ['closeDate[lessThan]=2026-11-01T00:00:00Z', ['Acme Solar Renewal']],
    ['$stage[equal]=closed%20won', ['Globex Expansion']],
    ['$stage=Prospecting', ['Acme Wind']],
    ['contactEmails[contains]=ACMEWIND', ['Acme Wind']],
    ['contactEmails=acmewind', ['Acme Wind']],
    ['phone[contains]=5550199', ['Initech Upsell']],
    ['website[contains]=hooli', ['Hooli Pilot']],
    ['primaryContact[equal]=Hank%20Scorpio', ['Globex Expansion']],
    ['nextStep[startsWith]=', []],
    ['legacyId[startsWith]=', ['Acme Solar Renewal', 'Acme Wind', 'Globex Expansion', 'Initech Upsell', 'Hooli Pilot']],
  ])('%s', async (query, expected) => {
    expect(await names(query)).toEqual(expected);
  });

  test('a relationship key filters by related ID', async () => {
    const account = created[0]?.relationships['$account']?.values[0] ?? '';
    expect(await names(`$account[equal]=${account}`)).toHaveLength(5);
    expect(await names('$account[equal]=acc_none')).toEqual([]);
  });

  test('totalCount counts the filtered records, not all', async () => {
    const answer = await call<ListResponse>(emulator, 'GET', '/v1/opportunities?$name[startsWith]=acme&limit=1');
    expect(answer.body.totalCount).toBe(2);
    expect(answer.body.data).toHaveLength(1);
  });

  test.each([
    ['an unknown key', 'bogus[equal]=1', 'unknown_field'],
    ['an operator the type lacks', 'amount[startsWith]=1', 'invalid_filter'],
    ['contains on TEXT', 'legacyId[contains]=HS', 'invalid_filter'],
    ['equal on EMAIL', 'contactEmails[equal]=a@b.co', 'invalid_filter'],
    ['a MULTI_SELECT', 'tags[equal]=Renewal', 'invalid_filter'],
    ['a MARKDOWN', '$summary[equal]=x', 'invalid_filter'],
    ['a number that is not one', 'amount[equal]=lots', 'invalid_filter'],
    ['an unknown operator', 'amount[near]=1', 'invalid_filter'],
  ])('%s is 400', async (_case, query, code) => {
    const answer = await call<ErrorEnvelope>(emulator, 'GET', `/v1/opportunities?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ type: 'bad_request', code, param: decodeURIComponent(query.split('=')[0] ?? '') });
  });
});

describe('accounts and members', () => {
  async function accountNames(query: string): Promise<string[]> {
    const answer = await call<ListResponse>(emulator, 'GET', `/v1/accounts?${query}`);
    return answer.body.data.map((entity) => entity.fields['$name']?.value as string);
  }

  test('an account name lookup ignores case and finds both Globex accounts', async () => {
    expect(await accountNames('$name[equal]=globex')).toEqual(['Globex', 'Globex']);
    expect(await accountNames('$name[equal]=Acme%20Solar')).toEqual(['Acme Solar']);
  });

  test('a domain lookup uses $website[contains]', async () => {
    expect(await accountNames('$website[contains]=globex.co.uk')).toEqual(['Globex']);
    expect(await accountNames('$website[contains]=hooli.com')).toEqual(['Hooli']);
  });

  test('the inactive account is neither listed nor retrievable', async () => {
    const inactive = emulator.seedData().accounts.find((account) => !account.active);
    expect(await accountNames('$name[equal]=Cyberdyne%20Systems')).toEqual([]);
    const answer = await call(emulator, 'GET', `/v1/accounts/${inactive?.id ?? ''}`);
    expect(answer.status).toBe(404);
  });

  test('members page with a single-string $email and a FULL_NAME $name', async () => {
    const first = await call<ListResponse>(emulator, 'GET', '/v1/members');
    const second = await call<ListResponse>(emulator, 'GET', '/v1/members?offset=25');
    expect(first.body.data).toHaveLength(25);
    expect(first.body.totalCount).toBe(30);
    expect(second.body.data).toHaveLength(5);
    const member = first.body.data[0];
    expect(member?.fields['$email']).toEqual({ valueType: 'EMAIL', value: expect.stringMatching(/@/) });
    expect(member?.fields['$name']).toEqual({ valueType: 'FULL_NAME', value: { firstName: 'Ada', lastName: 'Lovelace' } });
    const retrieved = await call<Entity>(emulator, 'GET', `/v1/members/${member?.id ?? ''}`);
    expect(retrieved.body).toEqual(member);
  });

  test('members take no filters', async () => {
    const answer = await call<ErrorEnvelope>(emulator, 'GET', '/v1/members?$email[contains]=ada');
    expect(answer.status).toBe(400);
  });
});

describe('index lag', () => {
  test('a new record is retrievable at once but listed only after the lag; an update shows stale until then', async () => {
    let clock = 1_000_000;
    const lagging = await startEmulator({ ...UNLIMITED, indexLagMs: 500, now: () => clock });
    try {
      const entity = await createOpportunity(lagging, { legacyId: 'LAG-1' });
      expect((await call(lagging, 'GET', `/v1/opportunities/${entity.id}`)).status).toBe(200);
      const list = async (): Promise<ListResponse> => (await call<ListResponse>(lagging, 'GET', '/v1/opportunities')).body;
      expect((await list()).data).toEqual([]);
      clock += 500;
      expect((await list()).data.map((item) => item.id)).toEqual([entity.id]);

      await call(lagging, 'POST', `/v1/opportunities/${entity.id}`, { body: { fields: { nextStep: 'Sign' } } });
      expect((await list()).data[0]?.fields['nextStep']?.value).toBeNull();
      clock += 500;
      expect((await list()).data[0]?.fields['nextStep']?.value).toBe('Sign');
    } finally {
      await lagging.close();
    }
  });
});
