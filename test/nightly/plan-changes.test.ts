/**
 * `plan` shows every change before it is made (issue 12): each would-be update carries its
 * `changes` (select options by label, not ID), whether the ledger or `match` found the record, and
 * the plan writes nothing to Lightfield or to the ledger.
 */
import { describe, expect, test } from '@jest/globals';
import { runImport, runPlan } from '../../src/pipeline/run.js';
import { csvText } from '../helpers/workspace.js';
import { FAST_EMULATOR, useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { asCells, dealRows, LEDGER_OR_MATCH, importOptions, nightlyMapping, snapshot, touchedSince, writesSince } from './fixture.js';

const context = useEmulatorWorkspace(FAST_EMULATOR, (workspace) => workspace.writeJson('mapping.json', nightlyMapping()));

/** Imports L1…L6, then changes L1's amount and stage and L2's next step in the file. */
async function importThenChange(): Promise<void> {
  const { emulator, workspace } = context;
  const rows = dealRows(6);
  workspace.write('deals.csv', csvText(asCells(rows)));
  expect((await runImport(importOptions(workspace, emulator, 'import'))).counts['created']).toBe(6);
  expect(rows[0]).toMatchObject({ Amount: '100', Stage: 'Prospecting' });
  rows[0]!.Amount = '120';
  rows[0]!.Stage = 'Closed Won';
  rows[1]!['Next Step'] = 'send the contract';
  workspace.write('deals.csv', csvText(asCells(rows)));
}

describe.each(LEDGER_OR_MATCH)('plan, %s', (_name, prepare) => {
  test('every would_update row shows its changes with labels; nothing is sent; the import then makes exactly those', async () => {
    const { emulator, workspace } = context;
    await importThenChange();
    prepare(context.workspace);
    const before = snapshot(emulator);
    const statsBefore = emulator.stats();

    const plan = await runPlan(importOptions(workspace, emulator, 'plan'));

    expect(plan.exitCode).toBe(0);
    expect(plan.counts).toMatchObject({ would_update: 2, unchanged: 4, would_create: 0 });
    expect(writesSince(emulator, statsBefore)).toBe(0);
    expect(touchedSince(emulator, before)).toEqual([]);
    const planned = workspace.readCsv('plan/results.csv');
    const changes = Object.fromEntries(planned.filter((row) => row['status'] === 'would_update').map((row) => [row['Legacy ID'], row['changes']]));
    expect(changes).toEqual({
      L1: '$stage: Prospecting → Closed Won; amount: 100 → 120',
      L2: 'nextStep: step 2 → send the contract',
    });
    expect(planned.filter((row) => row['status'] === 'unchanged').every((row) => row['changes'] === '')).toBe(true);

    // The plan left the ledger as it was: the import still finds the same two changes to make.
    const imported = await runImport(importOptions(workspace, emulator, 'after-plan'));
    expect(imported.counts).toMatchObject({ updated: 2, unchanged: 4 });
    const made = workspace.readCsv('after-plan/results.csv').filter((row) => row['status'] === 'updated');
    expect(Object.fromEntries(made.map((row) => [row['Legacy ID'], row['changes']]))).toEqual(changes);
    expect(touchedSince(emulator, before)).toEqual(['L1', 'L2']);
  });
});
