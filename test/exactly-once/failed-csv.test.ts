/**
 * Reprocessing failed rows (design.md, "Who uses it" 3): open failed.csv, fix some cells, import
 * it with the same mapping. The fixed rows are created once, rows that landed are never created
 * again, rows still bad come back in the new failed.csv, and cells that the report escaped against
 * spreadsheet formulas (`=`, `+`, `-`, `@`) reach Lightfield as they were typed.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/options.js';
import { runImport } from '../../src/pipeline/run.js';
import type { RunOptions } from '../../src/pipeline/options.js';
import { FAILED_COLUMNS } from '../../src/report/report-writer.js';
import { createWorkspace, csvText, type Workspace } from '../helpers/workspace.js';
import { API_KEY, HEADER, MAPPING, expectEachExactlyOnce, fieldValue, readCsvRows, recordByLegacyId } from './fixture.js';

const ROWS: string[][] = [
  ['R1', 'Deal 1', 'Proposal', '100', 'Initech', 'call'],
  ['R2', 'Bad amount', 'Proposal', '12x', 'Initech', ''],
  ['R3', '=HYPERLINK("http://evil")', 'Proposal', '-500', 'Hooli', '@SUM(A1)'],
  ['R4', '=SUM(A1)', 'Proposal', '-1.5k', 'Initech', ''],
  ['R5', 'Unknown company', 'Proposal', '500', 'Soylent Corp', ''],
  ['R6', 'Bad stage', 'Verbally agreed', '600', 'Initech', ''],
  ['R7', 'Ambiguous company', 'Proposal', '700', 'Globex', ''],
  ['R8', 'Deal 8', 'Closed Won', '800', 'Acme Solar', ''],
  ['R9', '+1 upsell', 'Proposal', 'n/a', 'Initech', ''],
  ['R10', '@mention deal', 'Proposal', 'lots', 'Initech', '-call back'],
  ['R11', "'=kept as typed", 'Proposal', 'x', 'Initech', ''],
];
const LANDED = ['R1', 'R3', 'R8'];
const BAD = ['R2', 'R4', 'R5', 'R6', 'R7', 'R9', 'R10', 'R11'];
/** The cells a person fixes in failed.csv, as they would type them. */
const FIXES: Record<string, Record<string, string>> = {
  R2: { Amount: '1200' },
  R4: { Amount: '-150' },
  R5: { Company: 'Hooli' },
  R9: { Amount: '300' },
  R11: { Amount: '1100' },
};
const STILL_BAD = ['R6', 'R7', 'R10'];

let emulator: RunningEmulator;
let workspace: Workspace;

beforeAll(async () => {
  emulator = await startEmulator({ rate: 1000, readRate: 1000, searchRate: 1000 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  workspace = createWorkspace();
  workspace.writeJson('mapping.json', MAPPING);
  workspace.write('deals.csv', csvText([HEADER, ...ROWS]));
});
afterEach(() => {
  workspace.remove();
});

function options(csv: string, report: string): RunOptions {
  return {
    csvPath: workspace.path(csv),
    mappingPath: workspace.path('mapping.json'),
    outDir: workspace.path(report),
    statePath: workspace.path('state.db'),
    baseUrl: emulator.url,
    apiKey: API_KEY,
    rate: 500,
  };
}

/** Applies `fixes` to a report's failed.csv as a spreadsheet user would, and adds `extra` rows. */
function editFailedCsv(from: string, to: string, fixes: Record<string, Record<string, string>>, extra: string[][] = []): void {
  const [header = [], ...rows] = readCsvRows(workspace.path(from));
  for (const row of rows) {
    const fix = fixes[row[0]!];
    if (!fix) continue;
    for (const [column, value] of Object.entries(fix)) row[header.indexOf(column)] = value;
  }
  const padded = extra.map((row) => [...row, ...header.slice(row.length).map(() => '')]);
  workspace.write(to, csvText([header, ...rows, ...padded]));
}

function idsByStatus(results: Record<string, string>[]): Record<string, string[]> {
  const byStatus: Record<string, string[]> = {};
  for (const row of results) (byStatus[row['status']!] ??= []).push(row['Record ID']!);
  return byStatus;
}

describe('failed.csv round trip', () => {
  test('fixed rows are created once, landed rows are not sent again, still-bad rows come back', async () => {
    const first = await runImport(options('deals.csv', 'first'));
    expect(first.exitCode).toBe(1);
    expect(workspace.readCsv('first/failed.csv').map((row) => row['Record ID'])).toEqual(BAD);
    // The report escapes formula-like cells; plain negative numbers stay as they are.
    const firstFailed = new Map(workspace.readCsv('first/failed.csv').map((row) => [row['Record ID'], row]));
    expect(firstFailed.get('R4')).toMatchObject({ 'Deal Name': "'=SUM(A1)", Amount: "'-1.5k" });
    expect(firstFailed.get('R10')).toMatchObject({ 'Deal Name': "'@mention deal", 'Next Step': "'-call back" });

    // Fix some rows, leave others bad, and paste in a row that had landed.
    editFailedCsv('first/failed.csv', 'fixed.csv', FIXES, [ROWS[0]!]);
    const createsBefore = emulator.stats().createsExecuted;
    const second = await runImport(options('fixed.csv', 'second'));

    expect(emulator.stats().createsExecuted - createsBefore).toBe(Object.keys(FIXES).length);
    expect(emulator.stats().updatesExecuted).toBe(0);
    expectEachExactlyOnce(emulator, [...LANDED, ...Object.keys(FIXES)]);
    const results = workspace.readCsv('second/results.csv');
    expect(idsByStatus(results)).toEqual({ created: Object.keys(FIXES), unchanged: ['R1'], invalid: ['R6', 'R10'], failed: ['R7'] });
    expect(second.exitCode).toBe(1);

    // Cells that were escaped in failed.csv reach Lightfield as typed.
    expect(fieldValue(recordByLegacyId(emulator, 'R4'), '$name')).toBe('=SUM(A1)');
    expect(fieldValue(recordByLegacyId(emulator, 'R4'), 'amount')).toBe(-150);
    expect(fieldValue(recordByLegacyId(emulator, 'R9'), '$name')).toBe('+1 upsell');
    expect(fieldValue(recordByLegacyId(emulator, 'R11'), '$name')).toBe("'=kept as typed");
    expect(fieldValue(recordByLegacyId(emulator, 'R3'), '$name')).toBe('=HYPERLINK("http://evil")');
    expect(fieldValue(recordByLegacyId(emulator, 'R3'), 'amount')).toBe(-500);

    // The new failed.csv has the original columns once, then this run's error columns, and the
    // still-bad rows escaped exactly as before (not escaped twice).
    const secondFailedRows = readCsvRows(workspace.path('second/failed.csv'));
    expect(secondFailedRows[0]).toEqual([...HEADER, ...FAILED_COLUMNS]);
    const secondFailed = workspace.readCsv('second/failed.csv');
    expect(secondFailed.map((row) => row['Record ID'])).toEqual(STILL_BAD);
    for (const row of secondFailed) {
      const before = firstFailed.get(row['Record ID'])!;
      for (const column of HEADER) expect(row[column]).toBe(before[column]);
    }
  });

  test('a second round: the new failed.csv imports again once its last rows are fixed', async () => {
    await runImport(options('deals.csv', 'first'));
    editFailedCsv('first/failed.csv', 'fixed.csv', FIXES);
    await runImport(options('fixed.csv', 'second'));
    editFailedCsv('second/failed.csv', 'fixed-again.csv', {
      R6: { Stage: 'Negotiation' },
      R7: { Company: 'Initech' },
      R10: { Amount: '1000' },
    });

    const third = await runImport(options('fixed-again.csv', 'third'));

    expect(third.exitCode).toBe(0);
    expect(idsByStatus(workspace.readCsv('third/results.csv'))).toEqual({ created: STILL_BAD });
    expectEachExactlyOnce(
      emulator,
      ROWS.map((row) => row[0]!),
    );
    expect(fieldValue(recordByLegacyId(emulator, 'R10'), '$name')).toBe('@mention deal');
    expect(fieldValue(recordByLegacyId(emulator, 'R10'), 'nextStep')).toBe('-call back');
  });

  test('importing failed.csv into the report folder it came from is refused before anything is written', async () => {
    await runImport(options('deals.csv', 'first'));
    const failedBefore = readCsvRows(workspace.path('first/failed.csv'));
    const writesBefore = emulator.stats().requests.write;

    await expect(runImport(options('first/failed.csv', 'first'))).rejects.toMatchObject({
      name: 'ImportError',
      message: expect.stringContaining('--out'),
    });

    expect(emulator.stats().requests.write).toBe(writesBefore);
    expect(readCsvRows(workspace.path('first/failed.csv'))).toEqual(failedBefore);
  });
});
