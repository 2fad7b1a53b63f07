/**
 * A ragged row keeps every cell in the report: the cells beyond the header go to `import_extra_1…`
 * columns (added only when some row has such cells), so that the report's own columns stay aligned
 * and failed.csv holds the whole source row to fix. Importing failed.csv again refuses a row whose
 * `import_extra_*` cells are still filled, and imports it once they were moved where they belong.
 */
import { expect, test } from '@jest/globals';
import { runImport } from '../../src/pipeline/run.js';
import { FAILED_COLUMNS, RESULT_COLUMNS } from '../../src/report/report-writer.js';
import { useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { csvText } from '../helpers/workspace.js';
import { HEADER, MAPPING, fieldValue, importOptions, readCsvRows, recordByLegacyId } from './fixture.js';

const frame = useEmulatorWorkspace();

test('the cells beyond the header are kept in results.csv and failed.csv, in import_extra columns', async () => {
  const { workspace, emulator } = frame;
  workspace.writeJson('mapping.json', MAPPING);
  // R2's name held an unquoted comma: every cell after it moved one column right, the last one past the header.
  const lines = [HEADER.join(','), 'R1,Deal 1,Proposal,100,Initech,call', 'R2,Acme, Inc,Proposal,200,Hooli,=send it', 'R3,Deal 3,Proposal', 'R4,Deal 4,Proposal,400,Initech,'];
  workspace.write('deals.csv', `${lines.join('\n')}\n`);

  const summary = await runImport(importOptions(workspace, emulator, { report: 'first' }));

  expect(summary.counts).toMatchObject({ created: 2, invalid: 2 });
  const results = readCsvRows(workspace.path('first/results.csv'));
  expect(results[0]).toEqual([...RESULT_COLUMNS, ...HEADER, 'import_extra_1']);
  expect(results.slice(1).map((row) => row.slice(RESULT_COLUMNS.length))).toEqual([
    ['R1', 'Deal 1', 'Proposal', '100', 'Initech', 'call', ''],
    ['R2', 'Acme', ' Inc', 'Proposal', '200', 'Hooli', "'=send it"],
    ['R3', 'Deal 3', 'Proposal', '', '', '', ''],
    ['R4', 'Deal 4', 'Proposal', '400', 'Initech', '', ''],
  ]);
  const failed = readCsvRows(workspace.path('first/failed.csv'));
  expect(failed[0]).toEqual([...HEADER, 'import_extra_1', ...FAILED_COLUMNS]);
  expect(failed.slice(1).map((row) => row.slice(0, HEADER.length + 3))).toEqual([
    ['R2', 'Acme', ' Inc', 'Proposal', '200', 'Hooli', "'=send it", '3', 'invalid'],
    ['R3', 'Deal 3', 'Proposal', '', '', '', '', '4', 'invalid'],
  ]);

  // Imported again as it is, the row with import_extra cells is refused, not imported shifted.
  const again = await runImport(importOptions(workspace, emulator, { csv: 'first/failed.csv', report: 'second' }));
  expect(again.counts).toMatchObject({ created: 0, invalid: 2 });
  const second = workspace.readCsv('second/results.csv');
  expect(second[0]?.['error_message']).toBe(
    'line 2: import_extra_1 holds cells that were beyond the header in the source; move them into the right columns, empty import_extra_1 and import the file again',
  );
  expect(readCsvRows(workspace.path('second/failed.csv'))[1]?.slice(0, HEADER.length + 1)).toEqual(['R2', 'Acme', ' Inc', 'Proposal', '200', 'Hooli', "'=send it"]);

  // Fixed in a spreadsheet: the cells moved back where they belong, import_extra_1 emptied.
  const [header = [], ...rows] = readCsvRows(workspace.path('first/failed.csv'));
  rows[0]!.splice(1, 7, 'Acme, Inc', 'Proposal', '200', 'Hooli', '=send it', '', '');
  workspace.write('fixed.csv', csvText([header, rows[0]!]));
  const fixed = await runImport(importOptions(workspace, emulator, { csv: 'fixed.csv', report: 'third' }));
  expect(fixed.counts).toMatchObject({ created: 1, invalid: 0 });
  expect(fieldValue(recordByLegacyId(emulator, 'R2'), '$name')).toBe('Acme, Inc');
});

test('without ragged rows the report has no import_extra column', async () => {
  const { workspace, emulator } = frame;
  workspace.writeJson('mapping.json', MAPPING);
  workspace.write('deals.csv', csvText([HEADER, ['R1', 'Deal 1', 'Nope', '100', 'Initech', '']]));

  await runImport(importOptions(workspace, emulator, { report: 'first' }));

  expect(readCsvRows(workspace.path('first/results.csv'))[0]).toEqual([...RESULT_COLUMNS, ...HEADER]);
  expect(readCsvRows(workspace.path('first/failed.csv'))[0]).toEqual([...HEADER, ...FAILED_COLUMNS]);
});
