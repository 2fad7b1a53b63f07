/**
 * What `match` does when Lightfield does not hold exactly one record per row (issue 12): several
 * records with the row's legacyId fail the row, naming them; and the modes: `create` (or
 * `--no-update`) never updates a record that exists, `update` never creates one. Lists lag recent
 * writes: a record created moments ago is not found yet, and the row's key still prevents a double.
 */
import { describe, expect, test } from '@jest/globals';
import { runImport } from '../../src/pipeline/run.js';
import { runCliProcess } from '../helpers/cli.js';
import { csvText } from '../helpers/workspace.js';
import { FAST_EMULATOR, useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import {
  API_KEY,
  asCells,
  dealRows,
  deleteLedger,
  expectEachOnce,
  importOptions,
  nightlyMapping,
  prefill,
  recordOf,
  recordsWithLegacyId,
  snapshot,
  touchedSince,
  writesSince,
} from './fixture.js';

const context = useEmulatorWorkspace(FAST_EMULATOR, (workspace) => workspace.writeJson('mapping.json', nightlyMapping()));

/** Report rows by legacyId. */
function resultsByLegacyId(report: string): Map<string, Record<string, string>> {
  return new Map(context.workspace.readCsv(`${report}/results.csv`).map((row) => [row['Legacy ID']!, row]));
}

/** The CLI, as a cron job runs it, against the test's emulator and ledger. */
function cli(command: 'import' | 'plan', report: string, ...flags: string[]) {
  const { workspace, emulator } = context;
  return runCliProcess(
    [command, workspace.path('deals.csv'), '-m', workspace.path('mapping.json'), '--state', workspace.path('state.db'), '--out', workspace.path(report), '--rate', '500', ...flags],
    { env: { LIGHTFIELD_API_KEY: API_KEY, LIGHTFIELD_BASE_URL: emulator.url } },
  );
}

describe('several records with the row’s match value', () => {
  test('each row found twice fails match_ambiguous naming both records; nothing is written to them', async () => {
    const { emulator, workspace } = context;
    const rows = dealRows(3);
    const [first, second] = rows;
    const twins = await prefill(emulator, [first!, first!, second!, second!]);
    workspace.write('deals.csv', csvText(asCells(rows)));
    const before = snapshot(emulator);
    const statsBefore = emulator.stats();

    const summary = await runImport(importOptions(workspace, emulator, 'report'));

    expect(summary.exitCode).toBe(1);
    expect(summary.counts).toMatchObject({ failed: 2, created: 1, updated: 0 });
    expect(writesSince(emulator, statsBefore)).toBe(1);
    const results = resultsByLegacyId('report');
    for (const [legacyId, ids] of [
      ['L1', [twins[0]!.id, twins[1]!.id]],
      ['L2', [twins[2]!.id, twins[3]!.id]],
    ] as const) {
      const row = results.get(legacyId)!;
      expect(row).toMatchObject({ status: 'failed', error_code: 'match_ambiguous', error_param: 'legacyId' });
      for (const id of ids) expect(row['error_message']).toContain(id);
      expect(recordsWithLegacyId(emulator, legacyId)).toHaveLength(2);
    }
    expect(touchedSince(emulator, before)).toEqual([]);
    const failed = workspace.readCsv('report/failed.csv');
    expect(failed.map((row) => [row['Legacy ID'], row['import_error_code']])).toEqual([
      ['L1', 'match_ambiguous'],
      ['L2', 'match_ambiguous'],
    ]);
  });
});

describe('modes', () => {
  /** L1 exists with another amount, L2 exists as the file has it, L3 does not exist. */
  async function existingAndNew(): Promise<void> {
    const { emulator, workspace } = context;
    const rows = dealRows(3);
    await prefill(emulator, [rows[0]!], () => ({ amount: 1 }));
    await prefill(emulator, [rows[1]!]);
    workspace.write('deals.csv', csvText(asCells(rows)));
  }

  test('mode "create": the record that differs is left alone (skipped_existing), the new row is created', async () => {
    const { emulator, workspace } = context;
    workspace.writeJson('mapping.json', nightlyMapping({ mode: 'create' }));
    await existingAndNew();
    const before = snapshot(emulator);
    const statsBefore = emulator.stats();

    const summary = await runImport(importOptions(workspace, emulator, 'report'));

    expect(summary.exitCode).toBe(0);
    expect(summary.counts).toMatchObject({ skipped_existing: 1, unchanged: 1, created: 1, updated: 0 });
    expect(emulator.stats().updatesExecuted - statsBefore.updatesExecuted).toBe(0);
    expect(writesSince(emulator, statsBefore)).toBe(1);
    expect(touchedSince(emulator, before)).toEqual([]);
    expect(recordOf(emulator, 'L1').fields['amount']?.value).toBe(1);
    const results = resultsByLegacyId('report');
    expect(results.get('L1')).toMatchObject({ status: 'skipped_existing', opportunity_id: before.get('L1')!.id });
    expect(results.get('L2')).toMatchObject({ status: 'unchanged', opportunity_id: before.get('L2')!.id });
    expect(results.get('L3')!['status']).toBe('created');
  });

  test('--no-update: a record found by match, and a row the ledger knows, are left alone (skipped_existing)', async () => {
    const { emulator, workspace } = context;
    await existingAndNew();
    const before = snapshot(emulator);

    const found = await cli('import', 'found', '--no-update');

    expect(found.code).toBe(0);
    expect(touchedSince(emulator, before)).toEqual([]);
    expect(resultsByLegacyId('found').get('L1')!['status']).toBe('skipped_existing');
    expect(resultsByLegacyId('found').get('L3')!['status']).toBe('created');

    // L3 is in the ledger now; its row changes, and --no-update still leaves the record alone.
    const rows = dealRows(3);
    rows[2]!.Amount = '999';
    workspace.write('deals.csv', csvText(asCells(rows)));
    const created = snapshot(emulator);
    const statsBefore = emulator.stats();

    const known = await cli('import', 'known', '--no-update');

    expect(known.code).toBe(0);
    expect(writesSince(emulator, statsBefore)).toBe(0);
    expect(touchedSince(emulator, created)).toEqual([]);
    expect(resultsByLegacyId('known').get('L3')).toMatchObject({ status: 'skipped_existing', opportunity_id: created.get('L3')!.id });
  });

  test('mode "update": the record that differs is updated, the row without a record fails no_match, nothing is created', async () => {
    const { emulator, workspace } = context;
    workspace.writeJson('mapping.json', nightlyMapping({ mode: 'update' }));
    await existingAndNew();
    const before = snapshot(emulator);
    const statsBefore = emulator.stats();

    const summary = await runImport(importOptions(workspace, emulator, 'report'));

    expect(summary.exitCode).toBe(1);
    expect(summary.counts).toMatchObject({ updated: 1, unchanged: 1, failed: 1, created: 0 });
    expect(emulator.stats().createsExecuted - statsBefore.createsExecuted).toBe(0);
    expect(emulator.stats().opportunities).toBe(2);
    expect(touchedSince(emulator, before)).toEqual(['L1']);
    expect(recordOf(emulator, 'L1').fields['amount']?.value).toBe(100);
    const results = resultsByLegacyId('report');
    expect(results.get('L1')).toMatchObject({ status: 'updated', changes: 'amount: 1 → 100' });
    expect(results.get('L3')).toMatchObject({ status: 'failed', error_code: 'no_match' });
    expect(recordsWithLegacyId(emulator, 'L3')).toEqual([]);
  });

  test('mode "update" without match: a row the ledger does not know fails no_match', async () => {
    const { emulator, workspace } = context;
    const { match: _match, ...withoutMatch } = nightlyMapping({ mode: 'update' });
    workspace.writeJson('mapping.json', withoutMatch);
    workspace.write('deals.csv', csvText(asCells(dealRows(2))));

    const summary = await runImport(importOptions(workspace, emulator, 'report'));

    expect(summary.counts).toMatchObject({ failed: 2, created: 0 });
    expect(emulator.stats().opportunities).toBe(0);
    expect([...resultsByLegacyId('report').values()].map((row) => row['error_code'])).toEqual(['no_match', 'no_match']);
  });
});

describe('the list-lag window', () => {
  test('ledger lost moments after the records were created: search does not see them yet, the same keys create nothing twice', async () => {
    const { emulator, workspace } = context;
    emulator.configure({ indexLagMs: 60_000 });
    workspace.write('deals.csv', csvText(asCells(dealRows(5))));
    expect((await runImport(importOptions(workspace, emulator, 'first'))).counts['created']).toBe(5);
    deleteLedger(workspace);
    const statsBefore = emulator.stats();

    const summary = await runImport(importOptions(workspace, emulator, 'second'));

    expect(summary.exitCode).toBe(0);
    expect(emulator.stats().createsExecuted - statsBefore.createsExecuted).toBe(0);
    expect(emulator.stats().idempotentReplays - statsBefore.idempotentReplays).toBe(5);
    expectEachOnce(emulator, dealRows(5).map((row) => row['Legacy ID']));
  });
});
