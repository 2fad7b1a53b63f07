/**
 * A database dump as a user gets it (no header line, `\N` for NULL, amounts with three decimals,
 * a placeholder date) imports with `columns`, `nullValues`, `round` and `range`, against the emulator.
 */
import { describe, expect, test } from '@jest/globals';
import { runImport, runPlan } from '../../src/pipeline/run.js';
import type { Entity } from '../../src/lightfield/types.js';
import { useEmulatorWorkspace } from '../helpers/emulator-workspace.js';

const API_KEY = 'sk_lf_test_input_cleaning';

/** `SELECT … INTO OUTFILE` style: tab-separated, `\N` for NULL, no header line. */
const DUMP = [
  ['5001', 'Initech renewal', 'Closed Won', '48000.125', '2026-11-30', 'Initech', 'ada.lovelace@example.com', 'Send contract'],
  ['5002', 'Hooli pilot', 'Proposal', '\\N', '\\N', 'Hooli', '\\N', '\\N'],
  ['5003', 'Pied Piper add-on', 'Qualification', '7200', '3999-12-31', 'Pied Piper', 'alan.turing@example.com', '\\N'],
  ['5004', 'Stark rollout', 'Negotiation', '310000.5', '2027-01-31', 'Stark Industries', 'grace.hopper@example.com', 'Pricing'],
]
  .map((cells) => cells.join('\t'))
  .join('\n');

const MAPPING = {
  object: 'opportunity',
  namespace: 'vtiger-dump',
  columns: ['potentialid', 'potentialname', 'sales_stage', 'amount', 'closingdate', 'accountname', 'owner_email', 'nextstep'],
  nullValues: ['\\N'],
  identity: ['potentialid'],
  fields: {
    $name: 'potentialname',
    $stage: 'sales_stage',
    amount: { column: 'amount', round: 2 },
    closeDate: { column: 'closingdate', format: 'yyyy-MM-dd', range: { max: '2100-12-31' } },
    nextStep: 'nextstep',
    legacyId: 'potentialid',
  },
  relationships: {
    $account: { column: 'accountname', lookup: { object: 'account', by: '$name' } },
    $owner: { column: 'owner_email', lookup: { object: 'member', by: '$email' } },
  },
};

const context = useEmulatorWorkspace();

function options(mapping: object = MAPPING) {
  const { workspace, emulator } = context;
  return {
    csvPath: workspace.write('potentials.tsv', DUMP),
    mappingPath: workspace.writeJson('mapping.json', mapping),
    outDir: workspace.path('report'),
    statePath: workspace.path('state.db'),
    baseUrl: emulator.url,
    apiKey: API_KEY,
  };
}

describe('a header-less dump with \\N nulls', () => {
  test('imports with "columns" and "nullValues"; the placeholder date is refused by "range"', async () => {
    const summary = await runImport(options());
    expect(summary.counts).toMatchObject({ created: 3, invalid: 1, failed: 0 });
    expect(summary.exitCode).toBe(1);

    const byLegacyId = new Map(context.emulator.opportunities().map((record: Entity) => [String(record.fields['legacyId']?.value), record]));
    expect([...byLegacyId.keys()].sort()).toEqual(['5001', '5002', '5004']);
    expect(byLegacyId.get('5001')?.fields['amount']?.value).toBe(48000.12);
    expect(byLegacyId.get('5004')?.fields['amount']?.value).toBe(310000.5);
    const hooli = byLegacyId.get('5002');
    expect(hooli?.fields['amount']?.value ?? null).toBeNull();
    expect(hooli?.fields['closeDate']?.value ?? null).toBeNull();
    expect(hooli?.fields['nextStep']?.value ?? null).toBeNull();
    expect(hooli?.relationships?.['$owner']?.values ?? []).toEqual([]);

    const results = context.workspace.readCsv('report/results.csv');
    // The first line of the file is data: line 1 is the first record.
    expect(results.map((row) => [row['line'], row['status']])).toEqual([
      ['1', 'created'],
      ['2', 'created'],
      ['3', 'invalid'],
      ['4', 'created'],
    ]);
    expect(results[2]?.['error_message']).toBe(`column "closingdate": "3999-12-31" is not a date no later than 2100-12-31 (the field's "range")`);
    expect(results[2]?.['potentialid']).toBe('5003');
  });

  test('without "columns" the first line is taken for a header, and the message says what to do', async () => {
    const { columns: _columns, ...withoutColumns } = MAPPING;
    await expect(runPlan(options(withoutColumns))).rejects.toMatchObject({
      code: 'mapping_missing_column',
      message: expect.stringContaining('list its column names in the mapping\'s "columns"'),
    });
  });
});
