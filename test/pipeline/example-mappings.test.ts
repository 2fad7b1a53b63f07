/** The example mappings shipped in mappings/ import their matching fixtures cleanly (README documents them). */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
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

describe('example mappings', () => {
  test.each([
    ['HubSpot deals', 'fixtures/hubspot/deals.csv', 'mappings/hubspot-deals.json', 6],
    ['Salesforce opportunities', 'fixtures/salesforce/opportunities.csv', 'mappings/salesforce-opportunities.json', 5],
    ['Pipedrive deals', 'fixtures/pipedrive/deals.csv', 'mappings/pipedrive-deals.json', 5],
  ])('%s: every row of the fixture is created', async (name, csv, mapping, rows) => {
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
