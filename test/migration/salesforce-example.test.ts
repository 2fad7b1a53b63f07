/**
 * The Salesforce example of issue 11 (fixtures/salesforce-export, mappings/salesforce-*.json), run
 * through the built CLI into an empty org: accounts first, then contacts and opportunities that name
 * their account by its Salesforce ID, and owners by a User.csv-style `values` table. What landed is
 * read from the org.emulator.
 */
import { describe, expect, test } from '@jest/globals';
import { useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import {
  EMPTY_ORG,
  expectExit,
  fieldOf,
  linksOf,
  memberEmailsById,
  recordsBy,
  exampleFile,
  exampleRunner,
  expectRerunSendsNothing,
  importInOrder,
  CLI_TEST_TIMEOUT_MS,
} from './helpers.js';

const org = useEmulatorWorkspace(EMPTY_ORG);

const ACCOUNTS = exampleFile('salesforce-export', 'Account.csv', 'salesforce-accounts.json');
const CONTACTS = exampleFile('salesforce-export', 'Contact.csv', 'salesforce-contacts.json');
const OPPORTUNITIES = exampleFile('salesforce-export', 'Opportunity.csv', 'salesforce-opportunities-export.json');
const IN_ORDER = { accounts: ACCOUNTS, contacts: CONTACTS, opportunities: OPPORTUNITIES };

const VANDELAY = '0015g00000XyZaA1AAA';
const KRAMERICA = '0015g00000XyZaB2AAA';
const PENDANT = '0015g00000XyZaC3AAA';
const MONKS = '0015g00000XyZaD4AAA';

const run = exampleRunner(org);

/** Salesforce ID of the account each record links, by the record's own Salesforce ID. */
function accountLinks(objectType: 'contact' | 'opportunity'): Record<string, Array<string | undefined>> {
  const accountSourceIds = new Map(org.emulator.records('account').map((account) => [account.id, String(fieldOf(account, 'legacyId'))]));
  const records = [...recordsBy(org.emulator, objectType, 'legacyId').values()];
  return linksOf(records, '$account', (record) => String(fieldOf(record, 'legacyId')), (id) => accountSourceIds.get(id));
}

describe('the Salesforce export, from an empty org', () => {
  test('three commands: every account, contact and opportunity created once, each linked to the account of its AccountId', async () => {
    await importInOrder(run, IN_ORDER);

    const accounts = recordsBy(org.emulator, 'account', 'legacyId');
    expect(Object.fromEntries([...accounts].map(([sourceId, account]) => [sourceId, fieldOf(account, '$name')]))).toEqual({
      [VANDELAY]: 'Vandelay Industries',
      [KRAMERICA]: 'Kramerica',
      [PENDANT]: 'Pendant Publishing',
      [MONKS]: "Monk's Diner",
    });
    expect(accountLinks('contact')).toEqual({
      '0035g00000Qq111AAA': [VANDELAY],
      '0035g00000Qq222AAA': [KRAMERICA],
      '0035g00000Qq333AAA': [PENDANT],
      '0035g00000Qq444AAA': [PENDANT],
    });
    expect(accountLinks('opportunity')).toEqual({
      '0065g00000Op001AAA': [VANDELAY],
      '0065g00000Op002AAA': [KRAMERICA],
      '0065g00000Op003AAA': [PENDANT],
      '0065g00000Op004AAA': [MONKS],
      '0065g00000Op005AAA': [VANDELAY],
    });
    // OwnerId → email through the mapping's `values` table (User.csv), then the member by email.
    const emails = memberEmailsById(org.emulator);
    const opportunities = [...recordsBy(org.emulator, 'opportunity', 'legacyId').values()];
    expect(linksOf(opportunities, '$owner', (record) => String(fieldOf(record, 'legacyId')), (id) => emails.get(id))).toEqual({
      '0065g00000Op001AAA': ['ada.lovelace@example.com'],
      '0065g00000Op002AAA': ['grace.hopper@example.com'],
      '0065g00000Op003AAA': ['ada.lovelace@example.com'],
      '0065g00000Op004AAA': ['alan.turing@example.com'],
      '0065g00000Op005AAA': ['alan.turing@example.com'],
    });
    const { writesExecuted } = org.emulator.stats();
    expect(writesExecuted).toEqual({
      account: { creates: 4, updates: 0 },
      contact: { creates: 4, updates: 0 },
      opportunity: { creates: 5, updates: 0 },
      note: { creates: 0, updates: 0 },
    });

    // The same three commands again: everything is already there, nothing is sent.
    await expectRerunSendsNothing(org, IN_ORDER);
    expect(org.emulator.records('account')).toHaveLength(4);
    expect(org.emulator.records('opportunity')).toHaveLength(5);
  }, CLI_TEST_TIMEOUT_MS);

  test('plan writes nothing: it reports the accounts it would create, and opportunities waiting for their accounts', async () => {
    const accountsPlan = await run('plan', ACCOUNTS, 'accounts-plan');
    expectExit(accountsPlan, 0);
    expect(org.workspace.readJson('accounts-plan/summary.json')).toMatchObject({ counts: { would_create: 4 }, wouldCreate: {} });
    expect(org.workspace.readCsv('accounts-plan/results.csv').map((row) => [row['Name'], row['status']])).toEqual([
      ['Vandelay Industries', 'would_create'],
      ['Kramerica', 'would_create'],
      ['Pendant Publishing', 'would_create'],
      ["Monk's Diner", 'would_create'],
    ]);

    // Before the accounts are imported, every opportunity names an account that does not exist yet.
    const early = await run('plan', OPPORTUNITIES, 'opportunities-early-plan');
    expectExit(early, 1);
    const earlyRows = org.workspace.readCsv('opportunities-early-plan/results.csv');
    expect(earlyRows.map((row) => row['status'])).toEqual(Array(5).fill('failed'));
    expect(earlyRows[0]!['error_message']).toMatch(/namespace "sf-accounts".*import the accounts file first/);
    expect(org.emulator.stats().requests.write).toBe(0);
    expect(org.emulator.records('account')).toEqual([]);

    expectExit(await run('import', ACCOUNTS, 'accounts'), 0);
    const writesAfterAccounts = org.emulator.stats().requests.write;
    expectExit(await run('plan', CONTACTS, 'contacts-plan'), 0);
    expectExit(await run('plan', OPPORTUNITIES, 'opportunities-plan'), 0);
    expect(org.workspace.readJson('contacts-plan/summary.json')).toMatchObject({ counts: { would_create: 4, failed: 0 } });
    expect(org.workspace.readJson('opportunities-plan/summary.json')).toMatchObject({ counts: { would_create: 5, failed: 0 } });
    expect(org.emulator.stats().requests.write).toBe(writesAfterAccounts);
    expect(org.emulator.records('contact')).toEqual([]);
    expect(org.emulator.records('opportunity')).toEqual([]);
  }, CLI_TEST_TIMEOUT_MS);
});
