import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { ReportWriter, reportFiles, RESULT_COLUMNS, type RowOutcome } from '../../src/report/report-writer.js';
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
  for (const outcome of outcomes) await writer.write(outcome);
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
          cells: [name, note],
        }));
        const expected =
          csvStringifyLine([...RESULT_COLUMNS, ...header]) +
          outcomes
            .map((outcome) =>
              csvStringifyLine([outcome.line, outcome.status, '', '', '', outcome.attempts, 'invalid_value', 'x', outcome.problem!.param, outcome.problem!.message, ...outcome.cells]),
            )
            .join('');
        expect(await writtenLines(header, outcomes)).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });
});
