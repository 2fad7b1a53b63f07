/**
 * `retry` picks the rows to run again by their identity, not by their line number in the CSV as it
 * is now, and reuses the earlier run's settings that its own command line does not override.
 */
import { expect, test } from '@jest/globals';
import { join } from 'node:path';
import { ImportError } from '../../src/errors.js';
import { runImport } from '../../src/pipeline/run.js';
import { runRetry } from '../../src/pipeline/retry-rows.js';
import { runCliProcess } from '../helpers/cli.js';
import { useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { csvText } from '../helpers/workspace.js';
import { API_KEY, HEADER, MAPPING, MAPPING_WITHOUT_IDENTITY_FIELD, dealRows, fieldValue, importOptions, recordByLegacyId } from './fixture.js';

const frame = useEmulatorWorkspace();

function writeDeals(rows: string[][]): void {
  frame.workspace.write('deals.csv', csvText([HEADER, ...rows]));
}

test('retry after a fix that shifted the lines imports the fixed row, and only it', async () => {
  const { workspace, emulator } = frame;
  const rows = dealRows(5);
  rows[2]![2] = 'Verbally Agreed';
  writeDeals(rows);
  workspace.writeJson('mapping.json', MAPPING);
  const first = await runImport(importOptions(workspace, emulator, { report: 'first' }));
  expect(first.counts).toMatchObject({ created: 4, invalid: 1 });

  // The user fixes R3's stage and, above it, adds a row: every line from there on moves down by one.
  rows[2]![2] = 'Proposal';
  writeDeals([rows[0]!, ['R0', 'A new deal', 'Proposal', '5', 'Initech', ''], ...rows.slice(1)]);
  const writesBefore = emulator.stats().requests.write;

  const retried = await runRetry({ resultsPath: workspace.path('first/results.csv'), outDir: workspace.path('second'), apiKey: API_KEY, baseUrl: emulator.url });

  expect(retried.exitCode).toBe(0);
  const results = workspace.readCsv('second/results.csv');
  expect(results.map((row) => [row['line'], row['status'], row['Record ID']])).toEqual([['5', 'created', 'R3']]);
  expect(emulator.stats().requests.write - writesBefore).toBe(1);
  expect(fieldValue(recordByLegacyId(emulator, 'R3'), '$name')).toBe('Deal 3');
  expect(recordByLegacyId(emulator, 'R0')).toBeUndefined();
});

test('retry refuses a CSV that no longer holds a row it should run again, before sending anything', async () => {
  const { workspace, emulator } = frame;
  const rows = dealRows(4);
  rows[1]![2] = 'Verbally Agreed';
  writeDeals(rows);
  workspace.writeJson('mapping.json', MAPPING);
  await runImport(importOptions(workspace, emulator, { report: 'first' }));
  // R2 was given another Record ID while being fixed: nothing in the file is that row any more.
  rows[1] = ['R2-fixed', 'Deal 2', 'Proposal', '200', 'Initech', ''];
  writeDeals(rows);
  const writesBefore = emulator.stats().requests.write;

  const retry = runRetry({ resultsPath: workspace.path('first/results.csv'), outDir: workspace.path('second'), apiKey: API_KEY, baseUrl: emulator.url });

  await expect(retry).rejects.toThrow(ImportError);
  await expect(retry).rejects.toMatchObject({
    code: 'retry_unmatched',
    message: expect.stringContaining('line 3 of') as unknown as string,
  });
  await expect(retry).rejects.toThrow(/Record ID "R2"/);
  expect(emulator.stats().requests.write).toBe(writesBefore);
});

test('without "identity", a row the user changed cannot be matched, and the message says what to do instead', async () => {
  const { workspace, emulator } = frame;
  const rows = dealRows(3);
  rows[0]![2] = 'Nope';
  writeDeals(rows);
  const { identity: _identity, ...withoutIdentity } = MAPPING_WITHOUT_IDENTITY_FIELD;
  workspace.writeJson('mapping.json', withoutIdentity);
  await runImport(importOptions(workspace, emulator, { report: 'first' }));
  rows[0]![2] = 'Proposal';
  writeDeals(rows);

  const retry = runRetry({ resultsPath: workspace.path('first/results.csv'), outDir: workspace.path('second'), apiKey: API_KEY, baseUrl: emulator.url });

  await expect(retry).rejects.toMatchObject({ code: 'retry_unmatched' });
  await expect(retry).rejects.toThrow(/no "identity".*import .*deals\.csv again/s);
});

test('retry keeps the earlier run\'s --no-update and --base-url unless its own command line says otherwise', async () => {
  const { workspace, emulator } = frame;
  const rows = dealRows(3);
  writeDeals(rows);
  workspace.writeJson('mapping.json', MAPPING);
  const connection = ['--api-key', API_KEY, '--rate', '500', '--log-level', 'error'];
  const initial = await runCliProcess(
    ['import', 'deals.csv', '-m', 'mapping.json', '-o', 'initial', '--state', 'state.db', '--base-url', emulator.url, ...connection],
    { cwd: workspace.dir },
  );
  expect(initial.code).toBe(0);
  // The next export changes R1's amount and carries a typo in its stage; that run must not update.
  rows[0]![3] = '999';
  rows[0]![2] = 'Verbally Agreed';
  writeDeals(rows);
  const noUpdate = await runCliProcess(
    ['import', 'deals.csv', '-m', 'mapping.json', '-o', 'no-update', '--state', 'state.db', '--no-update', '--base-url', emulator.url, ...connection],
    { cwd: workspace.dir },
  );
  expect(noUpdate.code).toBe(1);
  rows[0]![2] = 'Proposal';
  writeDeals(rows);
  const writesBefore = emulator.stats().requests.write;

  // No --base-url and no --no-update: both come from the earlier run's summary.json.
  const retried = await runCliProcess(['retry', join('no-update', 'results.csv'), '-o', 'retried', ...connection], { cwd: workspace.dir });

  expect(retried.stderr).toBe('');
  expect(retried.code).toBe(0);
  const results = workspace.readCsv('retried/results.csv');
  expect(results.map((row) => [row['Record ID'], row['status'], row['error_code']])).toEqual([['R1', 'skipped_existing', 'exists']]);
  expect(emulator.stats().requests.write).toBe(writesBefore);
  expect(fieldValue(recordByLegacyId(emulator, 'R1'), 'amount')).toBe(100);
  const summary = workspace.readJson<{ settings: { update: boolean; baseUrl: string; rate: number } }>('retried/summary.json');
  expect(summary.settings).toMatchObject({ update: false, baseUrl: emulator.url, rate: 500 });

  // Its own command line wins: --update sends the change.
  const updated = await runCliProcess(['retry', join('no-update', 'results.csv'), '-o', 'updated', '--update', ...connection], { cwd: workspace.dir });
  expect(updated.code).toBe(0);
  expect(workspace.readCsv('updated/results.csv').map((row) => row['status'])).toEqual(['updated']);
  expect(fieldValue(recordByLegacyId(emulator, 'R1'), 'amount')).toBe(999);
}, 60_000);
