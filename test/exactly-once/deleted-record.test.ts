/**
 * A record the ledger knows but someone deleted in Lightfield: its changed row gets 404 on update.
 * It ends `failed` with `record_deleted` and a message that says so (not advice that can never
 * work); `--recreate-deleted` creates it again, once, and the ledger follows the new record.
 */
import { expect, test } from '@jest/globals';
import { runImport } from '../../src/pipeline/run.js';
import { runCliProcess } from '../helpers/cli.js';
import { useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { csvText } from '../helpers/workspace.js';
import { API_KEY, HEADER, MAPPING, dealRows, fieldValue, importOptions, recordByLegacyId, recordsPerLegacyId } from './fixture.js';

const frame = useEmulatorWorkspace();

test('a changed row whose record was deleted fails as record_deleted; --recreate-deleted creates it again', async () => {
  const { workspace, emulator } = frame;
  const rows = dealRows(3);
  workspace.write('deals.csv', csvText([HEADER, ...rows]));
  workspace.writeJson('mapping.json', MAPPING);
  await runImport(importOptions(workspace, emulator, { report: 'first' }));
  const deletedId = recordByLegacyId(emulator, 'R2')!.id;
  emulator.deleteRecord(deletedId);
  rows[1]![3] = '250';
  workspace.write('deals.csv', csvText([HEADER, ...rows]));

  const second = await runImport(importOptions(workspace, emulator, { report: 'second' }));

  expect(second.exitCode).toBe(1);
  const failed = workspace.readCsv('second/results.csv').find((row) => row['Record ID'] === 'R2');
  expect(failed).toMatchObject({ status: 'failed', error_code: 'record_deleted', opportunity_id: deletedId });
  expect(failed?.['error_message']).toBe(
    `the opportunity ${deletedId} this row was imported as has been deleted in Lightfield (404 on update); ` +
      'pass --recreate-deleted to create it again, or take the row out of the file',
  );
  expect(recordByLegacyId(emulator, 'R2')).toBeUndefined();

  const recreated = await runCliProcess(
    ['import', 'deals.csv', '-m', 'mapping.json', '-o', 'third', '--state', 'state.db', '--recreate-deleted', '--api-key', API_KEY, '--base-url', emulator.url],
    { cwd: workspace.dir },
  );

  expect(recreated.code).toBe(0);
  const row = workspace.readCsv('third/results.csv').find((result) => result['Record ID'] === 'R2');
  const newId = recordByLegacyId(emulator, 'R2')?.id;
  expect(newId).toBeDefined();
  expect(newId).not.toBe(deletedId);
  expect(row).toMatchObject({ status: 'created', opportunity_id: newId, error_code: 'record_recreated' });
  expect(fieldValue(recordByLegacyId(emulator, 'R2'), 'amount')).toBe(250);
  expect([...recordsPerLegacyId(emulator).values()]).toEqual([1, 1, 1]);

  // The ledger follows the new record: the next run finds every row unchanged.
  const fourth = await runImport(importOptions(workspace, emulator, { report: 'fourth' }));
  expect(fourth.counts).toMatchObject({ unchanged: 3, created: 0, failed: 0 });
  expect(workspace.readCsv('fourth/results.csv').find((result) => result['Record ID'] === 'R2')?.['opportunity_id']).toBe(newId);
});
