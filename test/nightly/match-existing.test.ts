/**
 * A nightly load on a fresh runner (issue 12): Lightfield already holds the records (made by another
 * tool), the ledger is empty. With `match` the importer finds each record by legacyId, updates only
 * what differs, creates only what is new; with the ledger lost again, nothing is written at all.
 */
import { describe, expect, jest, test } from '@jest/globals';
import { runImport } from '../../src/pipeline/run.js';
import { csvText } from '../helpers/workspace.js';
import { FAST_EMULATOR, useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import {
  asCells,
  dealRows,
  deleteLedger,
  heldValues,
  importOptions,
  nightlyMapping,
  prefill,
  expectEachOnce,
  snapshot,
  touchedSince,
  writesSince,
  type Column,
  type DealRow,
} from './fixture.js';

// Every row is searched for once per run, at the Search budget of 25 requests a second.
jest.setTimeout(240_000);

const EXISTING = 1000;
const NEW = 200;

const context = useEmulatorWorkspace(FAST_EMULATOR, (workspace) => workspace.writeJson('mapping.json', nightlyMapping()));

/** What the test changes in a row, and the key of the record that must change with it. */
const CHANGES: Array<{ column: Column; key: string; change: (row: DealRow) => string }> = [
  { column: 'Amount', key: 'amount', change: (row) => String(Number(row.Amount) + 1) },
  { column: 'Stage', key: '$stage', change: (row) => (row.Stage === 'Closed Lost' ? 'Prospecting' : 'Closed Lost') },
  { column: 'Next Step', key: 'nextStep', change: (row) => `${row['Next Step']} (moved)` },
  { column: 'Close Date', key: 'closeDate', change: () => '2027-01-31' },
  { column: 'Owner', key: '$owner', change: (row) => (row.Owner === 'radia.perlman@example.com' ? 'ken.thompson@example.com' : 'radia.perlman@example.com') },
  { column: 'Company', key: '$account', change: (row) => (row.Company === 'Wonka Industries' ? 'Tyrell Corporation' : 'Wonka Industries') },
];

describe('match on legacyId against records made by another tool', () => {
  test('1,000 existing + 200 new rows, empty ledger: 200 created, the 50 changed updated, the rest untouched; ledger lost again: no write', async () => {
    const { emulator, workspace } = context;
    const rows = dealRows(EXISTING + NEW);
    await prefill(emulator, rows.slice(0, EXISTING));
    const before = snapshot(emulator);
    expect(before.size).toBe(EXISTING);

    // 50 existing rows change one cell each, one kind of change after the other.
    const changed = new Map<string, string>();
    rows.slice(0, EXISTING).forEach((row, index) => {
      if (index % 20 !== 7) return;
      const change = CHANGES[changed.size % CHANGES.length]!;
      row[change.column] = change.change(row);
      changed.set(row['Legacy ID'], change.key);
    });
    expect(changed.size).toBe(50);
    workspace.write('deals.csv', csvText(asCells(rows)));
    const statsBefore = emulator.stats();

    const summary = await runImport(importOptions(workspace, emulator, 'first'));

    expect(summary.exitCode).toBe(0);
    expect(summary.counts).toMatchObject({ created: NEW, updated: 50, unchanged: EXISTING - 50, failed: 0, invalid: 0 });
    const statsAfter = emulator.stats();
    expect(statsAfter.createsExecuted - statsBefore.createsExecuted).toBe(NEW);
    expect(statsAfter.updatesExecuted - statsBefore.updatesExecuted).toBe(50);
    expect(statsAfter.opportunities).toBe(EXISTING + NEW);
    // Each legacyId once: none of the 1,000 was created a second time.
    expectEachOnce(emulator, rows.map((row) => row['Legacy ID']));
    // Exactly the changed records were written to, and each only in the changed key.
    expect(touchedSince(emulator, before)).toEqual([...changed.keys()].sort());
    const after = snapshot(emulator);
    const keys = ['$name', '$stage', 'amount', 'nextStep', 'closeDate', 'probability', 'legacyId', '$account', '$owner'];
    for (const [legacyId, key] of changed) {
      const was = heldValues(before.get(legacyId)!, keys);
      const now = heldValues(after.get(legacyId)!, keys);
      const differing = keys.filter((candidate) => JSON.stringify(was[candidate]) !== JSON.stringify(now[candidate]));
      expect({ legacyId, differing }).toEqual({ legacyId, differing: [key] });
    }
    // results.csv says what each update changed.
    const results = workspace.readCsv('first/results.csv');
    const updates = results.filter((row) => row['status'] === 'updated');
    expect(updates).toHaveLength(50);
    for (const row of updates) {
      const key = changed.get(row['Legacy ID']!)!;
      expect(row['changes']).toMatch(new RegExp(`^${key.replace('$', '\\$')}: .+ → .+$`));
    }
    expect(results.filter((row) => row['status'] === 'unchanged').every((row) => row['changes'] === '' && /^opp_/.test(row['opportunity_id']!))).toBe(true);

    // The next night, on another fresh runner: the ledger is gone again and nothing changed.
    deleteLedger(workspace);
    const settled = snapshot(emulator);
    const statsBeforeRerun = emulator.stats();

    const rerun = await runImport(importOptions(workspace, emulator, 'second'));

    expect(rerun.exitCode).toBe(0);
    expect(rerun.counts).toMatchObject({ unchanged: EXISTING + NEW, created: 0, updated: 0 });
    expect(writesSince(emulator, statsBeforeRerun)).toBe(0);
    expect(touchedSince(emulator, settled)).toEqual([]);
  });
});
