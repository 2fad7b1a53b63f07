/**
 * `lightfield-import verify <report-dir>` (issue 12): reads back every record a run landed and says
 * `ok` when Lightfield holds what the ledger says was applied; a field edited and a record deleted
 * behind the importer's back (the emulator's admin route) are both named in verify.csv, exit 1.
 */
import { describe, expect, test } from '@jest/globals';
import type { FieldWriteValue } from '../../src/lightfield/types.js';
import { runImport } from '../../src/pipeline/run.js';
import { runCliProcess } from '../helpers/cli.js';
import { csvText } from '../helpers/workspace.js';
import { FAST_EMULATOR, useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { API_KEY, asCells, dealRows, importOptions, nightlyMapping, prefill, snapshot } from './fixture.js';

const ROWS = 6;

const context = useEmulatorWorkspace(FAST_EMULATOR, (workspace) => workspace.writeJson('mapping.json', nightlyMapping()));

function verify(report: string) {
  return runCliProcess(['verify', context.workspace.path(report), '--rate', '200'], { env: { LIGHTFIELD_API_KEY: API_KEY } });
}

/** verify.csv rows by the line of the source row. */
function verified(report: string): Map<string, Record<string, string>> {
  return new Map(context.workspace.readCsv(`${report}/verify.csv`).map((row) => [row['line']!, row]));
}

/** As a person in the app or another integration would: through the emulator's admin HTTP route. */
async function behindTheImportersBack(method: 'POST' | 'DELETE', id: string, body?: unknown): Promise<void> {
  const response = await fetch(`${context.emulator.url}/_emulator/records/${encodeURIComponent(id)}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  expect(response.status).toBe(200);
}

describe('verify', () => {
  test('a clean import: every record ok, exit 0; then an edited field and a deleted record: both named, exit 1', async () => {
    const { emulator, workspace } = context;
    workspace.write('deals.csv', csvText(asCells(dealRows(ROWS))));
    expect((await runImport(importOptions(workspace, emulator, 'import'))).exitCode).toBe(0);

    const clean = await verify('import');

    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect([...verified('import').values()].map((row) => row['result'])).toEqual(Array(ROWS).fill('ok'));

    const records = snapshot(emulator);
    const edited = records.get('L2')!;
    const deleted = records.get('L4')!;
    await behindTheImportersBack('POST', edited.id, { fields: { amount: 5 } });
    await behindTheImportersBack('DELETE', deleted.id);

    const tampered = await verify('import');

    expect(tampered.code).toBe(1);
    const rows = verified('import');
    // Source lines: the header is line 1, so L2 is line 3 and L4 line 5.
    expect(rows.get('3')).toMatchObject({ record_id: edited.id, result: 'mismatch', differences: 'amount: expected 200, found 5' });
    expect(rows.get('5')).toMatchObject({ record_id: deleted.id, result: 'missing' });
    expect(rows.get('5')!['differences']).toContain(deleted.id);
    expect([...rows.values()].filter((row) => row['result'] === 'ok')).toHaveLength(ROWS - 2);
  });

  test('a run with an empty ledger that matched existing records (unchanged and updated): every record ok', async () => {
    const { emulator, workspace } = context;
    const rows = dealRows(ROWS);
    await prefill(emulator, rows, (row): Record<string, FieldWriteValue> => (row['Legacy ID'] === 'L3' ? { amount: 1, nextStep: 'stale' } : {}));
    workspace.write('deals.csv', csvText(asCells(rows)));
    const summary = await runImport(importOptions(workspace, emulator, 'matched'));
    expect(summary.counts).toMatchObject({ unchanged: ROWS - 1, updated: 1, created: 0 });

    const result = await verify('matched');

    expect(result.code).toBe(0);
    expect([...verified('matched').values()].map((row) => row['result'])).toEqual(Array(ROWS).fill('ok'));
  });
});
