/** The example mappings shipped in mappings/ import their matching fixtures cleanly (README documents them). */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runImport } from '../../src/pipeline/run.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { createWorkspace, type Workspace } from '../helpers/workspace.js';

const root = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

let emulator: RunningEmulator;
let workspace: Workspace;
beforeAll(async () => {
  emulator = await startEmulator({ rate: 500, readRate: 500, searchRate: 500 });
  workspace = createWorkspace();
});
afterAll(async () => {
  await emulator.close();
  workspace.remove();
});

const SINGLE_FILE_EXAMPLES: Array<[string, string, string, number]> = [
  ['HubSpot deals', 'fixtures/hubspot/deals.csv', 'mappings/hubspot-deals.json', 6],
  ['Salesforce opportunities', 'fixtures/salesforce/opportunities.csv', 'mappings/salesforce-opportunities.json', 5],
  ['Pipedrive deals', 'fixtures/pipedrive/deals.csv', 'mappings/pipedrive-deals.json', 5],
];

/** Migrations: files imported in this order into one ledger, each needing the ones before it. */
const MIGRATION_EXAMPLES: Array<[string, Array<[string, string, number]>]> = [
  [
    'Salesforce export',
    [
      ['fixtures/salesforce-export/Account.csv', 'mappings/salesforce-accounts.json', 4],
      ['fixtures/salesforce-export/Contact.csv', 'mappings/salesforce-contacts.json', 4],
      ['fixtures/salesforce-export/Opportunity.csv', 'mappings/salesforce-opportunities-export.json', 5],
    ],
  ],
  [
    'HubSpot export',
    [
      ['fixtures/hubspot-export/companies.csv', 'mappings/hubspot-companies.json', 4],
      ['fixtures/hubspot-export/deals.csv', 'mappings/hubspot-deals-migration.json', 8],
      ['fixtures/hubspot-export/notes.csv', 'mappings/hubspot-notes.json', 4],
    ],
  ],
];

describe('example mappings', () => {
  test('every mapping in mappings/ is one of the examples below', () => {
    const covered = [
      ...SINGLE_FILE_EXAMPLES.map(([, , mapping]) => mapping),
      ...MIGRATION_EXAMPLES.flatMap(([, steps]) => steps.map(([, mapping]) => mapping)),
      'mappings/demo.json',
    ];
    const shipped = readdirSync(root('mappings')).map((file) => `mappings/${file}`);
    expect(shipped.sort()).toEqual(covered.sort());
  });

  test.each(SINGLE_FILE_EXAMPLES)('%s: every row of the fixture is created', async (name, csv, mapping, rows) => {
    emulator.reset();
    const summary = await runImport({
      csvPath: root(csv),
      mappingPath: root(mapping),
      outDir: workspace.path(`${name}-report`),
      statePath: workspace.path(`${name}.db`),
      baseUrl: emulator.url,
      apiKey: 'sk_lf_examples',
    });
    expect(summary.counts).toMatchObject({ created: rows, invalid: 0, failed: 0 });
    expect(summary.exitCode).toBe(0);
    expect(emulator.opportunities()).toHaveLength(rows);
  });

  // On the seeded emulator, as the README's walk-through runs them (test/migration/ checks every link, from an empty org).
  test.each(MIGRATION_EXAMPLES)('%s: every file, imported in order, is created without a failed row', async (name, steps) => {
    emulator.reset();
    for (const [csv, mapping, rows] of steps) {
      const summary = await runImport({
        csvPath: root(csv),
        mappingPath: root(mapping),
        outDir: workspace.path(`${name}-${mapping.replace(/\W/g, '-')}-report`),
        statePath: workspace.path(`${name}.db`),
        baseUrl: emulator.url,
        apiKey: 'sk_lf_examples',
      });
      expect([mapping, summary.counts]).toEqual([mapping, expect.objectContaining({ created: rows, invalid: 0, failed: 0 })]);
    }
  });

  test('the demo sample has good rows and a few bad ones', async () => {
    emulator.reset();
    const summary = await runImport({
      csvPath: root('fixtures/demo/crm-export.csv'),
      mappingPath: root('mappings/demo.json'),
      outDir: workspace.path('demo-report'),
      statePath: workspace.path('demo.db'),
      baseUrl: emulator.url,
      apiKey: 'sk_lf_examples',
    });
    expect(summary.counts).toMatchObject({ created: 37, invalid: 4, failed: 3, skipped_duplicate: 1 });
  });
});
