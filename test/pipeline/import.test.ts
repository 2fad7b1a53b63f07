/**
 * The import pipeline end to end against the emulator over HTTP: a messy export goes in, every good
 * row lands exactly once with the right values, every bad row is reported with line, column and reason.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { runImport, runPlan } from '../../src/pipeline/run.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import type { Entity } from '../../src/lightfield/types.js';
import { createWorkspace, csvText, type Workspace } from '../helpers/workspace.js';

const API_KEY = 'sk_lf_test_pipeline_key';

const MAPPING = {
  object: 'opportunity',
  namespace: 'messy-export',
  identity: ['Record ID'],
  fields: {
    $name: 'Deal Name',
    $stage: { column: 'Deal Stage', values: { closedwon: 'Closed Won', appointmentscheduled: 'Prospecting' } },
    amount: { column: 'Amount', decimal: ',' },
    closeDate: { column: 'Close Date', format: 'dd/MM/yyyy', timezone: 'Europe/Berlin' },
    nextStep: 'Next Step',
    legacyId: 'Record ID',
  },
  relationships: {
    $account: { column: 'Company', lookup: { object: 'account', by: '$name' } },
    $owner: { column: 'Owner', lookup: { object: 'member', by: '$email' } },
  },
};

const HEADER = ['Record ID', 'Deal Name', 'Deal Stage', 'Amount', 'Close Date', 'Company', 'Owner', 'Next Step'];

/** Line numbers: the header is line 1; row "R3" spans lines 4-5 (a quoted newline). */
const ROWS: string[][] = [
  ['R1', 'Initech renewal', 'closedwon', '1.234,56', '12/01/2026', 'Initech', 'ada.lovelace@example.com', 'Sign'],
  ['R2', 'Hooli pilot', 'appointmentscheduled', '99,5', '31/12/2026', 'hooli', 'GRACE.HOPPER@example.com', ''],
  ['R3', 'Acme; phase 2', 'Proposal', '10.000', '01/03/2026', 'Acme Solar', 'alan.turing@example.com', 'Call "Bob"\nthen send contract'],
  ['R4', 'Bad amount', 'Proposal', '12,5x', '01/03/2026', 'Initech', 'ada.lovelace@example.com', ''],
  ['R5', 'Bad stage', 'verbally agreed', '100', '01/03/2026', 'Initech', 'ada.lovelace@example.com', ''],
  ['R6', 'Ambiguous account', 'Proposal', '100', '01/03/2026', 'Globex', 'ada.lovelace@example.com', ''],
  ['R7', 'Unknown account', 'Proposal', '100', '01/03/2026', 'Soylent Corp', 'ada.lovelace@example.com', ''],
  ['R8', 'Unknown owner', 'Proposal', '100', '01/03/2026', 'Initech', 'nobody@example.com', ''],
  ['R1', 'Initech renewal (again)', 'closedwon', '1.234,56', '12/01/2026', 'Initech', 'ada.lovelace@example.com', ''],
  ['R9', '=HYPERLINK("http://evil")', 'Proposal', '-500', '01/03/2026', 'Initech', 'ada.lovelace@example.com', '@SUM(A1)'],
];

let emulator: RunningEmulator;
let workspace: Workspace;

beforeAll(async () => {
  emulator = await startEmulator({ rate: 500, readRate: 500, searchRate: 500 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  workspace = createWorkspace();
});
afterEach(() => {
  workspace.remove();
});

function files() {
  return {
    csvPath: workspace.write('export.csv', csvText([HEADER, ...ROWS], { delimiter: ';', eol: '\r\n', bom: true })),
    mappingPath: workspace.writeJson('mapping.json', MAPPING),
    outDir: workspace.path('report'),
    statePath: workspace.path('state.db'),
    baseUrl: emulator.url,
    apiKey: API_KEY,
  };
}

function byLegacyId(records: Entity[]): Map<string, Entity> {
  return new Map(records.map((record) => [String(record.fields['legacyId']?.value), record]));
}

describe('runImport - a messy CRM export', () => {
  test('creates every good row once with converted values and reports every row in input order', async () => {
    const summary = await runImport(files());
    const records = emulator.opportunities();
    const created = byLegacyId(records);

    expect(records).toHaveLength(4);
    expect([...created.keys()].sort()).toEqual(['R1', 'R2', 'R3', 'R9']);
    const r1 = created.get('R1')!;
    expect(r1.fields['$name']?.value).toBe('Initech renewal');
    expect(r1.fields['amount']?.value).toBe(1234.56);
    expect(new Date(String(r1.fields['closeDate']?.value)).toISOString()).toBe('2026-01-11T23:00:00.000Z');
    expect(created.get('R3')!.fields['nextStep']?.value).toBe('Call "Bob"\nthen send contract');
    expect(created.get('R9')!.fields['amount']?.value).toBe(-500);
    expect(created.get('R9')!.fields['$name']?.value).toBe('=HYPERLINK("http://evil")');

    const results = workspace.readCsv('report/results.csv');
    expect(results.map((row) => [row['line'], row['status']])).toEqual([
      ['2', 'created'],
      ['3', 'created'],
      ['4', 'created'],
      ['6', 'invalid'],
      ['7', 'invalid'],
      ['8', 'failed'],
      ['9', 'failed'],
      ['10', 'failed'],
      ['11', 'skipped_duplicate'],
      ['12', 'created'],
    ]);
    expect(summary.counts).toMatchObject({ created: 4, invalid: 2, failed: 3, skipped_duplicate: 1 });
    expect(summary.exitCode).toBe(1);
    expect(summary.requests.write).toBe(4);
  });

  test('says which column, value and expectation made a row invalid or failed', async () => {
    await runImport(files());
    const results = new Map(workspace.readCsv('report/results.csv').map((row) => [row['Record ID'], row]));

    expect(results.get('R4')).toMatchObject({ error_type: 'invalid_value', error_param: 'Amount' });
    expect(results.get('R4')!['error_message']).toContain('12,5x');
    expect(results.get('R5')).toMatchObject({ error_param: 'Deal Stage' });
    expect(results.get('R5')!['error_message']).toContain('Closed Won');
    expect(results.get('R6')).toMatchObject({ error_code: 'lookup_ambiguous', error_param: 'Company' });
    expect(results.get('R6')!['error_message']).toMatch(/2 matches.*acc_.*acc_/);
    expect(results.get('R7')).toMatchObject({ error_code: 'lookup_not_found', error_param: 'Company' });
    expect(results.get('R8')).toMatchObject({ error_code: 'lookup_not_found', error_param: 'Owner' });
    const duplicate = workspace.readCsv('report/results.csv').find((row) => row['status'] === 'skipped_duplicate');
    expect(duplicate?.['error_message']).toContain('line 2');
  });

  test('failed.csv holds only failed and invalid rows, original columns first, formulas escaped', async () => {
    await runImport(files());
    const failed = workspace.readCsv('report/failed.csv');
    expect(failed.map((row) => row['Record ID'])).toEqual(['R4', 'R5', 'R6', 'R7', 'R8']);
    expect(Object.keys(failed[0]!).slice(0, HEADER.length)).toEqual(HEADER);
    expect(failed[0]).toMatchObject({ import_line: '6', import_status: 'invalid' });

    const results = workspace.readCsv('report/results.csv');
    const r9 = results.find((row) => row['Record ID'] === 'R9')!;
    expect(r9['Deal Name']).toBe(`'=HYPERLINK("http://evil")`);
    expect(r9['Next Step']).toBe(`'@SUM(A1)`);
    expect(r9['Amount']).toBe('-500');
  });

  test('results carry the opportunity id, link and idempotency key of created rows', async () => {
    await runImport(files());
    const created = workspace.readCsv('report/results.csv').filter((row) => row['status'] === 'created');
    const ids = new Set(emulator.opportunities().map((record) => record.id));
    for (const row of created) {
      expect(ids.has(row['opportunity_id']!)).toBe(true);
      expect(row['http_link']).not.toBe('');
      expect(row['idempotency_key']!.length).toBeGreaterThan(10);
      expect(row['idempotency_key']!.length).toBeLessThan(255);
      expect(Number(row['attempts'])).toBeGreaterThanOrEqual(1);
    }
  });

  test('summary.json counts every status and records the settings without the API key', async () => {
    await runImport(files());
    const summaryText = workspace.readJson<Record<string, unknown>>('report/summary.json');
    expect(summaryText).toMatchObject({ rowsRead: 10, exitCode: 1, counts: { created: 4, not_attempted: 0 } });
    expect(JSON.stringify(summaryText)).not.toContain(API_KEY);
  });

  test('rows of empty cells left by a spreadsheet are skipped and counted, not reported as invalid', async () => {
    const setup = files();
    const blank = HEADER.map(() => '');
    workspace.write('export.csv', csvText([HEADER, ROWS[0]!, blank, blank], { delimiter: ';' }));
    const summary = await runImport(setup);
    expect(summary.counts).toMatchObject({ created: 1, invalid: 0 });
    expect(summary.blankRows).toBe(2);
    expect(workspace.readCsv('report/results.csv')).toHaveLength(1);
  });

  test('--limit reads only the first rows', async () => {
    const summary = await runImport({ ...files(), limit: 2 });
    expect(summary.rowsRead).toBe(2);
    expect(emulator.opportunities()).toHaveLength(2);
  });
});

describe('runPlan', () => {
  test('classifies every row and sends no write', async () => {
    const summary = await runPlan(files());
    expect(emulator.stats().requests.write).toBe(0);
    expect(emulator.opportunities()).toHaveLength(0);
    expect(summary.counts).toMatchObject({ would_create: 4, invalid: 2, failed: 3, skipped_duplicate: 1 });
    const statuses = workspace.readCsv('report/results.csv').map((row) => row['status']);
    expect(statuses).toContain('would_create');
    expect(summary.exitCode).toBe(1);
  });

  test('after an import, plan says unchanged and would_update from the ledger', async () => {
    const setup = files();
    await runImport(setup);
    const changed = ROWS.map((row) => (row[0] === 'R2' ? [...row.slice(0, 3), '42', ...row.slice(4)] : row));
    workspace.write('export.csv', csvText([HEADER, ...changed], { delimiter: ';' }));
    const summary = await runPlan({ ...setup, outDir: workspace.path('plan') });
    expect(summary.counts).toMatchObject({ unchanged: 3, would_update: 1, would_create: 0 });
    expect(emulator.stats().updatesExecuted).toBe(0);
  });
});

describe('runImport - configuration errors stop before any write', () => {
  test.each([
    ['an unknown field', { fields: { ...MAPPING.fields, bogus: 'Amount' } }, /bogus/],
    ['a read-only field', { fields: { ...MAPPING.fields, $opportunityStatus: 'Deal Stage' } }, /\$opportunityStatus/],
    ['a column missing from the CSV', { fields: { ...MAPPING.fields, nextStep: 'Next Steps' } }, /Next Steps/],
  ])('%s', async (_name, change, message) => {
    const setup = files();
    workspace.writeJson('mapping.json', { ...MAPPING, ...change });
    await expect(runImport(setup)).rejects.toMatchObject({ name: 'ImportError', message: expect.stringMatching(message) });
    expect(emulator.stats().requests.write).toBe(0);
  });

  test('a wrong API key', async () => {
    const other = await startEmulator({ apiKey: 'sk_lf_the_right_one' });
    try {
      await expect(runImport({ ...files(), baseUrl: other.url })).rejects.toMatchObject({ code: 'auth' });
      expect(other.stats().requests.write).toBe(0);
    } finally {
      await other.close();
    }
  });
});
