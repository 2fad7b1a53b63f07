/**
 * Links by source ID (`"by": "import"`) across runs: an opportunity whose account failed to import
 * fails with a message that names the namespace and the file to import first; once the account is
 * fixed and imported, rerunning the opportunities (the same command, or `retry`) links them, and the
 * opportunities that had landed are neither sent nor created again. What landed is read from the
 * emulator.
 */
import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { runCliProcess } from '../helpers/cli.js';
import { useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { csvText, type Workspace } from '../helpers/workspace.js';
import { accountNamesById, CLI_ENV, CLI_TEST_TIMEOUT_MS, EMPTY_ORG, expectExit, fieldOf, linksOf, recordsBy, runCommand } from './helpers.js';

const org = useEmulatorWorkspace(EMPTY_ORG, prepareFiles);

const ACCOUNT_HEADER = ['Id', 'Name', 'Website'];
const ACCOUNT_ROWS = [
  ['001A', 'Alpha Freight', 'alpha-freight.example.com'],
  // No name: the row is invalid, so no account is made for 001B.
  ['001B', '', 'beta-mills.example.com'],
  ['001C', 'Gamma Foods', 'gamma-foods.example.com'],
];

const OPPORTUNITY_HEADER = ['Id', 'AccountId', 'Name', 'StageName'];
const OPPORTUNITY_ROWS = [
  ['006A', '001A', 'Alpha renewal', 'Prospecting'],
  ['006B', '001B', 'Beta expansion', 'Qualification'],
  ['006C', '001B', 'Beta pilot', 'Prospecting'],
  ['006D', '001C', 'Gamma catalog', 'Proposal'],
];

const ACCOUNT_MAPPING = {
  object: 'account',
  namespace: 'sf-accounts',
  identity: ['Id'],
  fields: { $name: 'Name', $website: 'Website', legacyId: 'Id' },
};

const OPPORTUNITY_MAPPING = {
  object: 'opportunity',
  namespace: 'sf-opportunities',
  identity: ['Id'],
  fields: { $name: 'Name', $stage: 'StageName', legacyId: 'Id' },
  relationships: {
    $account: { column: 'AccountId', lookup: { object: 'account', by: 'import', namespace: 'sf-accounts' } },
  },
};

function prepareFiles(workspace: Workspace): void {
  workspace.write('Account.csv', csvText([ACCOUNT_HEADER, ...ACCOUNT_ROWS]));
  workspace.write('Opportunity.csv', csvText([OPPORTUNITY_HEADER, ...OPPORTUNITY_ROWS]));
  workspace.writeJson('accounts.json', ACCOUNT_MAPPING);
  workspace.writeJson('opportunities.json', OPPORTUNITY_MAPPING);
}

function importAccounts(csv: string, out: string): ReturnType<typeof runCommand> {
  return runCommand(org.workspace, org.emulator, { command: 'import', csv: org.workspace.path(csv), mapping: org.workspace.path('accounts.json'), out });
}

function importOpportunities(out: string): ReturnType<typeof runCommand> {
  return runCommand(org.workspace, org.emulator, {
    command: 'import',
    csv: org.workspace.path('Opportunity.csv'),
    mapping: org.workspace.path('opportunities.json'),
    out,
  });
}

/** The account (by name) each opportunity is on, by the opportunity's source ID. */
function accountOfEachOpportunity(): Record<string, Array<string | undefined>> {
  const names = accountNamesById(org.emulator);
  const opportunities = [...recordsBy(org.emulator, 'opportunity', 'legacyId').values()];
  return linksOf(opportunities, '$account', (record) => String(fieldOf(record, 'legacyId')), (id) => names.get(id));
}

/**
 * Accounts with one invalid row, then the opportunities: the two on the missing account fail. Then
 * the account row is fixed in failed.csv and that file imported, as the README tells users to.
 */
async function importWithOneAccountMissingThenFixIt(): Promise<void> {
  expectExit(await importAccounts('Account.csv', 'accounts'), 1);
  expectExit(await importOpportunities('opportunities'), 1);

  const results = org.workspace.readCsv('opportunities/results.csv');
  expect(results.map((row) => [row['Id'], row['status']])).toEqual([
    ['006A', 'created'],
    ['006B', 'failed'],
    ['006C', 'failed'],
    ['006D', 'created'],
  ]);
  const message = results[1]!['error_message']!;
  expect(message).toContain('namespace "sf-accounts"');
  expect(message).toContain('"001B"');
  expect(message).toContain('Account.csv');
  expect(message).toMatch(/import the account first, then this file again/);
  expect(accountOfEachOpportunity()).toEqual({ '006A': ['alpha freight'], '006D': ['gamma foods'] });

  const failed = org.workspace.readCsv('accounts/failed.csv');
  expect(failed.map((row) => row['Id'])).toEqual(['001B']);
  const fixed = [ACCOUNT_HEADER, ...failed.map((row) => ACCOUNT_HEADER.map((column) => (column === 'Name' ? 'Beta Mills' : row[column]!)))];
  org.workspace.write('Account-fixed.csv', csvText(fixed));
  expectExit(await importAccounts('Account-fixed.csv', 'accounts-fixed'), 0);
}

function expectEveryOpportunityOnItsAccount(): void {
  expect(accountOfEachOpportunity()).toEqual({
    '006A': ['alpha freight'],
    '006B': ['beta mills'],
    '006C': ['beta mills'],
    '006D': ['gamma foods'],
  });
  expect(org.emulator.stats().writesExecuted.opportunity).toEqual({ creates: 4, updates: 0 });
  expect(org.emulator.stats().writesExecuted.account).toEqual({ creates: 3, updates: 0 });
}

describe('links by source ID across reruns', () => {
  test('a failed account, fixed and imported, lets the opportunities that named it import when the same command runs again', async () => {
    await importWithOneAccountMissingThenFixIt();

    expectExit(await importOpportunities('opportunities-again'), 0);
    expect(org.workspace.readCsv('opportunities-again/results.csv').map((row) => row['status'])).toEqual(['unchanged', 'created', 'created', 'unchanged']);
    expectEveryOpportunityOnItsAccount();

    // The whole account file again (with the fixed row in it): nothing changes, the links hold.
    org.workspace.write('Account.csv', csvText([ACCOUNT_HEADER, ...ACCOUNT_ROWS.map((row) => (row[0] === '001B' ? ['001B', 'Beta Mills', row[2]!] : row))]));
    expectExit(await importAccounts('Account.csv', 'accounts-again'), 0);
    expectExit(await importOpportunities('opportunities-third'), 0);
    expect(org.workspace.readCsv('opportunities-third/results.csv').map((row) => row['status'])).toEqual(Array(4).fill('unchanged'));
    expectEveryOpportunityOnItsAccount();
  }, CLI_TEST_TIMEOUT_MS);

  test('the same with `retry`: only the two failed opportunities are sent, and they land on the fixed account', async () => {
    await importWithOneAccountMissingThenFixIt();
    const writesBefore = org.emulator.stats().requests.write;

    const retried = await runCliProcess(
      ['retry', join(org.workspace.dir, 'opportunities', 'results.csv'), '-o', org.workspace.path('retried'), '--base-url', org.emulator.url, '--log-level', 'error'],
      { cwd: org.workspace.dir, env: CLI_ENV },
    );

    expectExit(retried, 0);
    expect(org.workspace.readCsv('retried/results.csv').map((row) => [row['Id'], row['status']])).toEqual([
      ['006B', 'created'],
      ['006C', 'created'],
    ]);
    expect(org.emulator.stats().requests.write - writesBefore).toBe(2);
    expectEveryOpportunityOnItsAccount();
  }, CLI_TEST_TIMEOUT_MS);

  test('a source ID never imported fails its row, naming the namespace and the file to import first', async () => {
    // Nothing imported under the accounts' namespace yet.
    expectExit(await importOpportunities('before-accounts'), 1);
    const before = org.workspace.readCsv('before-accounts/results.csv');
    expect(before.map((row) => row['status'])).toEqual(Array(4).fill('failed'));
    expect(before[0]!['error_message']).toBe(
      'column "AccountId" ($account): account "001A": nothing has been imported under namespace "sf-accounts" with this ledger: ' +
        'import the accounts file first (same --state), then this one again',
    );
    expect(before[0]!['error_code']).toBe('source_id_not_imported');

    // The accounts file is imported, but one opportunity names an account that is not in it.
    expectExit(await importAccounts('Account.csv', 'accounts'), 1);
    org.workspace.write('Opportunity.csv', csvText([OPPORTUNITY_HEADER, ['006Z', '001Z', 'Zeta deal', 'Prospecting']]));
    expectExit(await importOpportunities('unknown-account'), 1);
    const [unknown] = org.workspace.readCsv('unknown-account/results.csv');
    expect(unknown!['error_message']).toBe(
      `column "AccountId" ($account): account "001Z": no row with that source ID was imported under namespace "sf-accounts" ` +
        `(last imported from ${org.workspace.path('Account.csv')}): import the account first, then this file again`,
    );
    expect(org.emulator.records('opportunity').filter((record) => fieldOf(record, 'legacyId') === '006Z')).toEqual([]);
  }, CLI_TEST_TIMEOUT_MS);
});
