/**
 * Never clear by accident (issue 12): a key the mapping no longer has (`$owner`, `probability`) and
 * an empty cell leave Lightfield's value alone, on the ledger's update path and on `match`'s alike;
 * `"empty": "clear"` opts a field in to clearing, and clears exactly that field.
 */
import { beforeEach, describe, expect, test } from '@jest/globals';
import { runImport } from '../../src/pipeline/run.js';
import { csvText } from '../helpers/workspace.js';
import { FAST_EMULATOR, useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import type { Entity } from '../../src/lightfield/types.js';
import type { MappingFile } from '../../src/mapping/types.js';
import { asCells, dealRows, LEDGER_OR_MATCH, heldValues, importOptions, nightlyMapping, snapshot, touchedSince, writesSince } from './fixture.js';

const ROWS = 10;
const KEYS = ['$name', '$stage', 'amount', 'nextStep', 'closeDate', 'probability', 'legacyId', '$account', '$owner'];

const context = useEmulatorWorkspace(FAST_EMULATOR, (workspace) => workspace.writeJson('mapping.json', nightlyMapping()));

/** The full mapping without `$owner` and `probability`; `nextStep` and `closeDate` as `fields` gives them. */
function narrowedMapping(fields: Partial<MappingFile['fields']> = {}): MappingFile {
  const full = nightlyMapping();
  const { probability: _probability, ...kept } = full.fields;
  const { $owner: _owner, ...relationships } = full.relationships!;
  return { ...full, fields: { ...kept, ...fields } as MappingFile['fields'], relationships };
}

const CLEARING = { nextStep: { column: 'Next Step', empty: 'clear' as const }, closeDate: { column: 'Close Date', empty: 'clear' as const } };

/** The file again with its Next Step and Close Date cells emptied. */
function writeEmptiedCells(): void {
  const rows = dealRows(ROWS).map((row) => ({ ...row, 'Next Step': '', 'Close Date': '' }));
  context.workspace.write('deals.csv', csvText(asCells(rows)));
}

let imported: Map<string, Entity>;

beforeEach(async () => {
  const { emulator, workspace } = context;
  workspace.write('deals.csv', csvText(asCells(dealRows(ROWS))));
  expect((await runImport(importOptions(workspace, emulator, 'first'))).counts['created']).toBe(ROWS);
  imported = snapshot(emulator);
  // Every record holds what the tests must not lose, a probability of 0 included.
  const held = [...imported.values()].map((record) => heldValues(record, KEYS));
  for (const values of held) for (const key of KEYS) expect({ key, value: values[key] }).not.toEqual({ key, value: null });
  expect(held.filter((values) => values['probability'] === 0)).toHaveLength(ROWS / 5);
});

describe.each(LEDGER_OR_MATCH)('%s', (_name, prepare) => {
  test('a mapping without $owner and probability, and emptied cells: nothing written, every record as it was', async () => {
    const { emulator, workspace } = context;
    workspace.writeJson('mapping.json', narrowedMapping());
    writeEmptiedCells();
    prepare(context.workspace);
    const statsBefore = emulator.stats();

    const summary = await runImport(importOptions(workspace, emulator, 'rerun'));

    expect(summary.exitCode).toBe(0);
    expect(summary.counts).toMatchObject({ unchanged: ROWS, updated: 0, created: 0 });
    expect(writesSince(emulator, statsBefore)).toBe(0);
    expect(touchedSince(emulator, imported)).toEqual([]);
  });

  test('"empty": "clear" on nextStep and closeDate: exactly those two fields are cleared, once', async () => {
    const { emulator, workspace } = context;
    workspace.writeJson('mapping.json', narrowedMapping(CLEARING));
    writeEmptiedCells();
    prepare(context.workspace);

    const summary = await runImport(importOptions(workspace, emulator, 'clear'));

    expect(summary.exitCode).toBe(0);
    expect(summary.counts).toMatchObject({ updated: ROWS, created: 0 });
    const now = snapshot(emulator);
    for (const [legacyId, before] of imported) {
      const expected = { ...heldValues(before, KEYS), nextStep: null, closeDate: null };
      expect({ legacyId, held: heldValues(now.get(legacyId)!, KEYS) }).toEqual({ legacyId, held: expected });
    }
    const l1 = workspace.readCsv('clear/results.csv').find((row) => row['Legacy ID'] === 'L1')!;
    // The ledger path shows the date as the importer wrote it, match as Lightfield stores it.
    expect(l1['changes']).toMatch(/^closeDate: 2026-01-15T00:00:00\.000(Z|\+00:00) → \(empty\); nextStep: step 1 → \(empty\)$/);

    // Cleared already: the same run again sends nothing.
    prepare(context.workspace);
    const statsBefore = emulator.stats();
    const again = await runImport(importOptions(workspace, emulator, 'again'));
    expect(again.counts).toMatchObject({ unchanged: ROWS });
    expect(writesSince(emulator, statsBefore)).toBe(0);
  });
});
