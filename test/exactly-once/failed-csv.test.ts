/**
 * Reprocessing failed rows (design.md, "Who uses it" 3): open failed.csv, fix some cells, import
 * it with the same mapping. The fixed rows are created once, rows that landed are never created
 * again, rows still bad come back in the new failed.csv, and cells that the report escaped against
 * spreadsheet formulas (`=`, `+`, `-`, `@`) reach Lightfield as they were typed.
 */
import { describe, expect, test } from '@jest/globals';
import { runImport } from '../../src/pipeline/run.js';
import type { RunOptions } from '../../src/pipeline/options.js';
import { FAILED_COLUMNS } from '../../src/report/report-writer.js';
import { csvText } from '../helpers/workspace.js';
import { FAST_EMULATOR, useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { HEADER, MAPPING, importOptions, expectEachExactlyOnce, fieldValue, readCsvRows, recordByLegacyId } from './fixture.js';

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

const context = useEmulatorWorkspace(FAST_EMULATOR, (workspace) => {
  workspace.writeJson('mapping.json', MAPPING);
  workspace.write('deals.csv', csvText([HEADER, ...ROWS]));
});

function options(csv: string, report: string): RunOptions {
  return importOptions(context.workspace, context.emulator, { csv, report });
}

/** Applies `fixes` to a report's failed.csv as a spreadsheet user would, and adds `extra` rows. */
function editFailedCsv(from: string, to: string, fixes: Record<string, Record<string, string>>, extra: string[][] = []): void {
  const [header = [], ...rows] = readCsvRows(context.workspace.path(from));
  for (const row of rows) {
    const fix = fixes[row[0]!];
    if (!fix) continue;
    for (const [column, value] of Object.entries(fix)) row[header.indexOf(column)] = value;
  }
  const padded = extra.map((row) => [...row, ...header.slice(row.length).map(() => '')]);
  context.workspace.write(to, csvText([header, ...rows, ...padded]));
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
    expect(context.workspace.readCsv('first/failed.csv').map((row) => row['Record ID'])).toEqual(BAD);
    // The report escapes formula-like cells; plain negative numbers stay as they are.
    const firstFailed = new Map(context.workspace.readCsv('first/failed.csv').map((row) => [row['Record ID'], row]));
    expect(firstFailed.get('R4')).toMatchObject({ 'Deal Name': "'=SUM(A1)", Amount: "'-1.5k" });
    expect(firstFailed.get('R10')).toMatchObject({ 'Deal Name': "'@mention deal", 'Next Step': "'-call back" });

    // Fix some rows, leave others bad, and paste in a row that had landed.
    editFailedCsv('first/failed.csv', 'fixed.csv', FIXES, [ROWS[0]!]);
    const createsBefore = context.emulator.stats().createsExecuted;
    const second = await runImport(options('fixed.csv', 'second'));

    expect(context.emulator.stats().createsExecuted - createsBefore).toBe(Object.keys(FIXES).length);
    expect(context.emulator.stats().updatesExecuted).toBe(0);
    expectEachExactlyOnce(context.emulator, [...LANDED, ...Object.keys(FIXES)]);
    const results = context.workspace.readCsv('second/results.csv');
    expect(idsByStatus(results)).toEqual({ created: Object.keys(FIXES), unchanged: ['R1'], invalid: ['R6', 'R10'], failed: ['R7'] });
    expect(second.exitCode).toBe(1);

    // Cells that were escaped in failed.csv reach Lightfield as typed.
    expect(fieldValue(recordByLegacyId(context.emulator, 'R4'), '$name')).toBe('=SUM(A1)');
    expect(fieldValue(recordByLegacyId(context.emulator, 'R4'), 'amount')).toBe(-150);
    expect(fieldValue(recordByLegacyId(context.emulator, 'R9'), '$name')).toBe('+1 upsell');
    expect(fieldValue(recordByLegacyId(context.emulator, 'R11'), '$name')).toBe("'=kept as typed");
    expect(fieldValue(recordByLegacyId(context.emulator, 'R3'), '$name')).toBe('=HYPERLINK("http://evil")');
    expect(fieldValue(recordByLegacyId(context.emulator, 'R3'), 'amount')).toBe(-500);

    // The new failed.csv has the original columns once, then this run's error columns, and the
    // still-bad rows escaped exactly as before (not escaped twice).
    const secondFailedRows = readCsvRows(context.workspace.path('second/failed.csv'));
    expect(secondFailedRows[0]).toEqual([...HEADER, ...FAILED_COLUMNS]);
    const secondFailed = context.workspace.readCsv('second/failed.csv');
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
    expect(idsByStatus(context.workspace.readCsv('third/results.csv'))).toEqual({ created: STILL_BAD });
    expectEachExactlyOnce(
      context.emulator,
      ROWS.map((row) => row[0]!),
    );
    expect(fieldValue(recordByLegacyId(context.emulator, 'R10'), '$name')).toBe('@mention deal');
    expect(fieldValue(recordByLegacyId(context.emulator, 'R10'), 'nextStep')).toBe('-call back');
  });

  test('importing failed.csv into the report folder it came from is refused before anything is written', async () => {
    await runImport(options('deals.csv', 'first'));
    const failedBefore = readCsvRows(context.workspace.path('first/failed.csv'));
    const writesBefore = context.emulator.stats().requests.write;

    await expect(runImport(options('first/failed.csv', 'first'))).rejects.toMatchObject({
      name: 'ImportError',
      message: expect.stringContaining('--out'),
    });

    expect(context.emulator.stats().requests.write).toBe(writesBefore);
    expect(readCsvRows(context.workspace.path('first/failed.csv'))).toEqual(failedBefore);
  });
});
