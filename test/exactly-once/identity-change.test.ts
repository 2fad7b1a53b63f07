/**
 * A namespace keeps its identity (issue 15, item 5): a mapping whose identity columns changed
 * between runs, or whose namespace was renamed, silently created every record again (exit 0).
 * Now the ledger records each namespace's identity columns and refuses a different one before any
 * row; a new namespace whose rows the ledger holds under another one is named in a warning.
 */
import { describe, expect, test } from '@jest/globals';
import { runImport, runPlan } from '../../src/pipeline/run.js';
import { runCliProcess } from '../helpers/cli.js';
import { importErrorOf } from '../helpers/import-error.js';
import { csvText } from '../helpers/workspace.js';
import { FAST_EMULATOR, useEmulatorWorkspace } from '../helpers/emulator-workspace.js';
import { API_KEY, HEADER, MAPPING, dealRows, expectEachExactlyOnce, importOptions, memoryLogger } from './fixture.js';

const ROW_COUNT = 20;
const LEGACY_IDS = dealRows(ROW_COUNT).map((row) => row[0]!);

const context = useEmulatorWorkspace(FAST_EMULATOR, (workspace) => {
  workspace.write('deals.csv', csvText([HEADER, ...dealRows(ROW_COUNT)]));
  workspace.writeJson('mapping.json', MAPPING);
});

const options = (report: string): ReturnType<typeof importOptions> => importOptions(context.workspace, context.emulator, { report });

describe('the identity of a namespace that has records', () => {
  test('other identity columns: import and plan stop before any row, saying what changed and what to do', async () => {
    expect((await runImport(options('first'))).counts['created']).toBe(ROW_COUNT);
    context.workspace.writeJson('mapping.json', { ...MAPPING, identity: ['Deal Name'] });
    const writes = context.emulator.stats().requests.write;

    for (const run of [runImport(options('second')), runPlan(options('plan'))]) {
      const error = await importErrorOf(run);
      expect(error.code).toBe('identity_changed');
      expect(error.message).toContain('namespace "exactly-once"');
      expect(error.message).toContain('the column "Record ID"');
      expect(error.message).toContain('the column "Deal Name"');
      expect(error.message).toContain('restore "identity": ["Record ID"]');
      expect(error.message).toContain('new "namespace"');
    }
    expect(context.emulator.stats().requests.write).toBe(writes);

    // Put back, the rows match their records again.
    context.workspace.writeJson('mapping.json', MAPPING);
    expect((await runImport(options('third'))).counts).toMatchObject({ unchanged: ROW_COUNT, created: 0 });
    expectEachExactlyOnce(context.emulator, LEGACY_IDS);
  });

  test('no "identity" (all mapped columns) and a column mapped more: refused; the same columns listed as "identity" are accepted', async () => {
    // Identity: every column mapped (Deal Name, Stage, Record ID, Company), Amount left out.
    const { identity: _identity, ...implicit } = { ...MAPPING, fields: { $name: 'Deal Name', $stage: 'Stage', legacyId: 'Record ID' } };
    context.workspace.writeJson('mapping.json', implicit);
    expect((await runImport(options('first'))).counts['created']).toBe(ROW_COUNT);

    context.workspace.writeJson('mapping.json', { ...implicit, fields: { ...implicit.fields, amount: 'Amount' } });
    const error = await importErrorOf(runImport(options('second')));
    expect(error.code).toBe('identity_changed');
    expect(error.message).toContain('all the columns it maps');
    expect(error.message).toContain('"Amount"');

    context.workspace.writeJson('mapping.json', {
      ...implicit,
      identity: ['Deal Name', 'Stage', 'Record ID', 'Company'],
      fields: { ...implicit.fields, amount: 'Amount' },
    });
    const summary = await runImport(options('third'));
    expect(summary.counts).toMatchObject({ created: 0, updated: ROW_COUNT });
    expectEachExactlyOnce(context.emulator, LEGACY_IDS);
  });

  test('the CLI exits 2 with the explanation', async () => {
    await runImport(options('first'));
    context.workspace.writeJson('mapping.json', { ...MAPPING, identity: ['Deal Name'] });
    const { workspace, emulator } = context;
    const result = await runCliProcess(
      ['import', workspace.path('deals.csv'), '-m', workspace.path('mapping.json'), '-o', workspace.path('cli'), '--state', workspace.path('state.db'), '--base-url', emulator.url],
      { env: { LIGHTFIELD_API_KEY: API_KEY } },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('would be created again');
  }, 60_000);
});

describe('a new namespace whose rows are in the ledger under another', () => {
  test('plan and import warn, naming the other namespace, in the log and in summary.json', async () => {
    await runImport(options('first'));
    context.workspace.writeJson('mapping.json', { ...MAPPING, namespace: 'exactly-once-renamed' });

    for (const run of [runPlan, runImport]) {
      const log = memoryLogger();
      const summary = await run({ ...options(`renamed-${run.name}`), logger: log.logger });
      const warning = expect.stringContaining('under namespace "exactly-once"');
      expect(summary.settings.warnings).toEqual([warning]);
      expect(summary.settings.warnings[0]).toContain('put back "namespace": "exactly-once"');
      expect(log.lines()).toContainEqual(expect.objectContaining({ level: 40, event: 'namespace_warning', msg: warning }));
      expect(context.workspace.readJson<{ settings: { warnings: string[] } }>(`renamed-${run.name}/summary.json`).settings.warnings).toEqual([warning]);
    }
  });

  test('a namespace for other rows gets no warning', async () => {
    await runImport(options('first'));
    context.workspace.write('deals.csv', csvText([HEADER, ...dealRows(ROW_COUNT).map((row) => [`X${row[0]!}`, ...row.slice(1)])]));
    context.workspace.writeJson('mapping.json', { ...MAPPING, namespace: 'other-rows' });
    expect((await runPlan(options('plan'))).settings.warnings).toEqual([]);
  });
});
