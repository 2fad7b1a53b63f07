/**
 * A mapping that uses a migration key wrongly stops the built CLI before any write, with exit 2 and
 * a message naming the key and saying what to do (issue 11, "Done when").
 */
import { expect, test } from '@jest/globals';
import { useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { csvText } from '../helpers/workspace.js';
import { CLI_TEST_TIMEOUT_MS, EMPTY_ORG, expectExit, runCommand } from './helpers.js';

const org = useEmulatorWorkspace(EMPTY_ORG, (workspace) => {
  workspace.write('Opportunity.csv', csvText([['Id', 'AccountId', 'OwnerId', 'Name', 'StageName'], ['006A', '001A', 'Ada Lovelace', 'Alpha renewal', 'Prospecting']]));
});

const OPPORTUNITY = { object: 'opportunity', namespace: 'sf-opportunities', identity: ['Id'], fields: { $name: 'Name', $stage: 'StageName' } };

test.each([
  [
    '"by": "import" without "namespace"',
    { $account: { column: 'AccountId', lookup: { object: 'account', by: 'import' } } },
    'relationships.$account.lookup.namespace',
    /"by": "import" needs the "namespace" of the earlier import/,
  ],
  [
    '"create" on a member lookup',
    {
      $account: { column: 'AccountId', lookup: { object: 'account', by: 'import', namespace: 'sf-accounts' } },
      $owner: { column: 'OwnerId', lookup: { object: 'member', by: '$name', create: { $name: 'OwnerId' } } },
    },
    'relationships.$owner.lookup.create',
    /members cannot be created through the API/,
  ],
  [
    '"namespace" without "by": "import"',
    { $account: { column: 'AccountId', lookup: { object: 'account', by: '$name', namespace: 'sf-accounts' } } },
    'relationships.$account.lookup.namespace',
    /"namespace" only goes with "by": "import"/,
  ],
  [
    '"create" with "by": "import"',
    { $account: { column: 'AccountId', lookup: { object: 'account', by: 'import', namespace: 'sf-accounts', create: { $name: 'AccountId' } } } },
    'relationships.$account.lookup.create',
    /a record not imported yet is imported by its own file/,
  ],
  [
    'a "create" without the name the new account needs',
    { $account: { column: 'AccountId', lookup: { object: 'account', by: '$name', create: { $website: 'AccountId' } } } },
    'relationships.$account.lookup.create.$name',
    /\$name is required for every account the lookup creates/,
  ],
])('%s: exit 2 naming the key, nothing written', async (_case, relationships, subject, message) => {
  org.workspace.writeJson('mapping.json', { ...OPPORTUNITY, relationships });

  const result = await runCommand(org.workspace, org.emulator, {
    command: 'import',
    csv: org.workspace.path('Opportunity.csv'),
    mapping: org.workspace.path('mapping.json'),
    out: 'report',
    extra: ['--json'],
  });

  expectExit(result, 2);
  const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; subject: string } };
  expect(error.code).toMatch(/^mapping_(invalid|required)$/);
  expect(error.message).toContain(`${subject}: `);
  expect(error.message).toMatch(message);
  expect(result.stderr).toContain(subject);
  expect(org.emulator.stats().requests.write).toBe(0);
}, CLI_TEST_TIMEOUT_MS);
