import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { ReportWriter, reportFiles, RESULT_COLUMNS, FAILED_COLUMNS, type RowOutcome } from '../../src/report/report-writer.js';
import { unescapeFormula } from '../../src/report/escape.js';
import { createWorkspace, type Workspace } from '../helpers/workspace.js';

let workspace: Workspace;
beforeEach(() => {
  workspace = createWorkspace('lfi-report-');
});
afterEach(() => {
  workspace.remove();
});

async function writeReport(header: string[], outcomes: RowOutcome[], sourceDelimiter = ','): Promise<{ results: Buffer; failed: Buffer }> {
  const files = reportFiles(workspace.path(`report-${Math.random().toString(36).slice(2)}`));
  mkdirSync(files.dir, { recursive: true });
  const writer = new ReportWriter(files, header, { sourceDelimiter });
  for (const outcome of outcomes) await writer.write(outcome);
  await writer.close({});
  return { results: readFileSync(files.results), failed: readFileSync(files.failed) };
}

/** What a reader gets back from a report file: csv-parse as the importer reads, formula escapes undone. */
function readBack(bytes: Buffer, delimiter = ','): string[][] {
  return (parse(bytes, { bom: true, delimiter, record_delimiter: ['\n'] }) as string[][]).map((row) => row.map(unescapeFormula));
}

const cellText = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', ',', ';', '"', '\n', '\r', '=', '-', '+', '@', "'", ' ', '1', '\t', 'é') }),
  fc.string({ unit: 'grapheme' }),
);

describe('ReportWriter', () => {
  test('any cells read back exactly as they were, in results.csv and failed.csv (with the source delimiter)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(cellText, cellText), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(',', ';', '\t', '|'),
        async (rows, delimiter) => {
          const header = ['Name', 'Note'];
          const outcomes: RowOutcome[] = rows.map(([name, note], index) => ({
            line: index + 2,
            status: 'failed',
            attempts: 1,
            problem: { type: 'invalid_value', code: 'x', param: name, message: note },
            cells: [name, note],
          }));
          const written = await writeReport(header, outcomes, delimiter);
          const results = readBack(written.results);
          expect(results[0]).toEqual([...RESULT_COLUMNS, ...header]);
          expect(results.slice(1).map((row) => row.slice(-2))).toEqual(rows.map(([name, note]) => [name, note]));
          expect(results.slice(1).map((row) => row[9])).toEqual(rows.map(([, note]) => note));
          const failed = readBack(written.failed, delimiter);
          expect(failed[0]).toEqual([...header, ...FAILED_COLUMNS]);
          expect(failed.slice(1).map((row) => row.slice(0, 2))).toEqual(rows.map(([name, note]) => [name, note]));
        },
      ),
      { numRuns: 150 },
    );
  });

  test('formula-like cells are written with a leading quote; plain numbers are not', async () => {
    const written = await writeReport(['A', 'B', 'C'], [{ line: 2, status: 'invalid', attempts: 0, cells: ['=HYPERLINK("x")', '-500', '@sum'] }]);
    const raw = parse(written.failed, { bom: true }) as string[][];
    expect(raw[1]!.slice(0, 3)).toEqual(["'=HYPERLINK(\"x\")", '-500', "'@sum"]);
  });

  test('failed.csv starts with a UTF-8 BOM and keeps the source delimiter; results.csv has no BOM', async () => {
    const written = await writeReport(['Name', 'Amount'], [{ line: 2, status: 'invalid', attempts: 0, cells: ['Habitación – Hotel', '1.234,5'] }], ';');
    expect([...written.failed.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(written.failed.toString('utf8').split('\n')[0]).toBe('\uFEFFName;Amount;import_line;import_status;import_error_type;import_error_code;import_error_param;import_error_message');
    expect(written.results.subarray(0, 4).toString()).toBe('line');
  });

  test('NUL characters are left out of failed.csv, and its message says so', async () => {
    const written = await writeReport(['Name'], [{ line: 2, status: 'invalid', attempts: 0, cells: ['Ac\0me'], problem: { type: 't', code: 'c', param: 'Name', message: 'holds a NUL' } }]);
    const failed = readBack(written.failed);
    expect(failed[1]![0]).toBe('Acme');
    expect(failed[1]![6]).toBe('holds a NUL (NUL characters were removed from the cells written here)');
  });

  test('only failed and invalid rows go to failed.csv; every row goes to results.csv in the order given', async () => {
    const statuses = ['created', 'failed', 'unchanged', 'invalid', 'not_attempted'] as const;
    const written = await writeReport(
      ['Name'],
      statuses.map((status, index) => ({ line: index + 2, status, attempts: 0, cells: [status] })),
    );
    expect(readBack(written.results).slice(1).map((row) => row[1])).toEqual([...statuses]);
    expect(readBack(written.failed).slice(1).map((row) => row[0])).toEqual(['failed', 'invalid']);
  });
});
