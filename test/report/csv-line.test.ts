import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { FAILED_COLUMNS, renderCells, ReportWriter, reportFiles, reportShape, RESULT_COLUMNS, type RowOutcome } from '../../src/report/report-writer.js';
import { escapeFormula } from '../../src/report/escape.js';
import { createWorkspace, type Workspace } from '../helpers/workspace.js';

/** The line csv-stringify writes with the report's settings (what the report wrote before). */
function csvStringifyLine(cells: readonly (string | number)[]): string {
  return stringify([cells.map((cell) => (typeof cell === 'string' ? escapeFormula(cell) : cell))], {
    record_delimiter: '\n',
    quoted_match: /\r/,
  });
}

let workspace: Workspace;
beforeEach(() => {
  workspace = createWorkspace('lfi-report-');
});
afterEach(() => {
  workspace.remove();
});

async function writtenLines(header: string[], outcomes: RowOutcome[]): Promise<string> {
  const files = reportFiles(workspace.path(`report-${Math.random().toString(36).slice(2)}`));
  mkdirSync(files.dir, { recursive: true });
  const writer = new ReportWriter(files, header);
  for (const outcome of outcomes) {
    writer.write(outcome);
    if (writer.needsDrain) await writer.drained();
  }
  await writer.close({});
  return readFileSync(files.results, 'utf8');
}

const cellText = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', '=', '-', '+', '@', "'", ' ', '1', '\t', ';', 'é') }),
  fc.string({ unit: 'binary' }),
);

describe('ReportWriter results.csv lines', () => {
  test('byte for byte what csv-stringify writes, for any cells', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cellText, cellText), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 9 }), async (rows, attempts) => {
        const header = ['Name', 'Note'];
        const outcomes: RowOutcome[] = rows.map(([name, note], index) => ({
          line: index + 2,
          status: 'failed',
          attempts,
          problem: { type: 'invalid_value', code: 'x', param: name, message: note },
          cellsText: renderCells([name, note], reportShape(header)),
        }));
        const expected =
          csvStringifyLine([...RESULT_COLUMNS, ...header]) +
          rows
            .map(([name, note], index) =>
              csvStringifyLine([index + 2, 'failed', '', '', '', attempts, 'invalid_value', 'x', name, note, name, note]),
            )
            .join('');
        expect(await writtenLines(header, outcomes)).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });
});

describe('ReportWriter pieces', () => {
  test('lines of every length (longer than a piece too), many rows: each line whole and in order in both files', async () => {
    const longCell = fc
      .tuple(fc.constantFrom('a', 'é', '–', '😀', ',', '"'), fc.integer({ min: 0, max: 30_000 }))
      .map(([unit, count]) => unit.repeat(count));
    await fc.assert(
      fc.asyncProperty(fc.array(longCell, { minLength: 1, maxLength: 12 }), async (cells) => {
        const header = ['Note'];
        const files = reportFiles(workspace.path(`report-${Math.random().toString(36).slice(2)}`));
        mkdirSync(files.dir, { recursive: true });
        const writer = new ReportWriter(files, header);
        const outcomes: RowOutcome[] = cells.map((note, index) => ({
          line: index + 2,
          status: index % 2 === 0 ? 'failed' : 'created',
          attempts: 1,
          ...(index % 2 === 0 ? { problem: { type: 'invalid_value', code: 'x', param: 'Note', message: 'm' } } : {}),
          cellsText: renderCells([note], reportShape(header)),
        }));
        for (const outcome of outcomes) {
          writer.write(outcome);
          if (writer.needsDrain) await writer.drained();
        }
        await writer.close({});
        const results =
          csvStringifyLine([...RESULT_COLUMNS, ...header]) +
          cells
            .map((note, index) =>
              index % 2 === 0
                ? csvStringifyLine([index + 2, 'failed', '', '', '', 1, 'invalid_value', 'x', 'Note', 'm', note])
                : csvStringifyLine([index + 2, 'created', '', '', '', 1, '', '', '', '', note]),
            )
            .join('');
        expect(readFileSync(files.results, 'utf8')).toBe(results);
        const failedLines = cells.flatMap((note, index) =>
          index % 2 === 0 ? [csvStringifyLine([note, index + 2, 'failed', 'invalid_value', 'x', 'Note', 'm'])] : [],
        );
        expect(readFileSync(files.failed, 'utf8')).toBe(csvStringifyLine([...header, ...FAILED_COLUMNS]) + failedLines.join(''));
      }),
      { numRuns: 40 },
    );
  });
});
